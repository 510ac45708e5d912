// Responsive search ads (3–15 headlines ≤ 30, 2–4 descriptions ≤ 90, final URL, path1/path2 ≤ 15,
// optional pinning) and responsive display ads (headlines, one long headline, descriptions, business
// name and image assets), checked before sending and written as Google's Ad JSON. Pure.
import { AdsValidationError, describeValue } from './errors';
import { TEXT_LIMITS, adText, adTextList, displayPaths, finalUrl } from './adText';

export const AD_STATUSES = ['ENABLED', 'PAUSED'] as const;
export type AdStatus = (typeof AD_STATUSES)[number];

export interface PinnedText {
	text: string;
	/** Position the text is pinned to (1–3 for headlines, 1–2 for descriptions). */
	pinnedTo?: number;
}

export interface ResponsiveSearchAdInput {
	type: 'RESPONSIVE_SEARCH_AD';
	status: AdStatus;
	headlines: PinnedText[];
	descriptions: PinnedText[];
	finalUrl: string;
	path1?: string;
	path2?: string;
}

/** Binary property names of the input item, per image kind. */
export interface DisplayAdImages {
	landscape: string[];
	square: string[];
	logo: string[];
}

export interface ResponsiveDisplayAdInput {
	type: 'RESPONSIVE_DISPLAY_AD';
	status: AdStatus;
	headlines: string[];
	longHeadline: string;
	descriptions: string[];
	businessName: string;
	finalUrl: string;
	images: DisplayAdImages;
}

export type AdInput = ResponsiveSearchAdInput | ResponsiveDisplayAdInput;

export const RSA_LIMITS = { headlines: [3, 15], descriptions: [2, 4] } as const;
export const RDA_LIMITS = { headlines: [1, 5], descriptions: [1, 5], landscape: [1, 15], square: [1, 15], logo: [0, 5] } as const;

function isRecord(v: unknown): v is Record<string, unknown> {
	return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function knownKeys(value: Record<string, unknown>, keys: string[], field: string, what: string) {
	for (const key of Object.keys(value)) if (!keys.includes(key)) throw new AdsValidationError(`${field}.${key}`, `is not a field of ${what} (${keys.join(', ')})`);
}

export function adStatus(value: unknown, field: string, fallback: AdStatus = 'ENABLED'): AdStatus {
	if (value === undefined || value === null || value === '') return fallback;
	const text = typeof value === 'string' ? value.trim().toUpperCase() : value;
	if (typeof text !== 'string' || !(AD_STATUSES as readonly string[]).includes(text)) throw new AdsValidationError(field, `must be ENABLED or PAUSED; got ${describeValue(value)}`);
	return text as AdStatus;
}

function pinOf(value: unknown, field: string, kind: 'HEADLINE' | 'DESCRIPTION', max: number): number | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	const m = typeof value === 'number' ? [String(value), String(value)] : new RegExp(`^(?:${kind}_)?([0-9])$`, 'i').exec(String(value).trim());
	const n = m ? Number(m[1]) : NaN;
	if (!Number.isInteger(n) || n < 1 || n > max) throw new AdsValidationError(field, `must be a position from 1 to ${max} (or ${kind}_1 … ${kind}_${max}); got ${describeValue(value)}`);
	return n;
}

function pinnedList(value: unknown, field: string, kind: 'HEADLINE' | 'DESCRIPTION', limits: readonly [number, number], maxLength: number, positions: number): PinnedText[] {
	const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
	const texts = adTextList(list.map((v) => (isRecord(v) ? v.text : v)), field, { min: limits[0], max: limits[1], maxLength });
	const out = texts.map((text, i): PinnedText => {
		const item = list[i];
		if (!isRecord(item)) return { text };
		knownKeys(item, ['text', 'pinnedTo'], `${field}[${i}]`, 'an ad text');
		const pin = pinOf(item.pinnedTo, `${field}[${i}].pinnedTo`, kind, positions);
		return pin === undefined ? { text } : { text, pinnedTo: pin };
	});
	// Google needs each position it must show (headlines 1–2, description 1) to be fillable.
	const unpinned = out.filter((t) => t.pinnedTo === undefined).length;
	const mustFill = kind === 'HEADLINE' ? [1, 2] : [1];
	const empty = mustFill.filter((p) => !out.some((t) => t.pinnedTo === p));
	if (unpinned < empty.length)
		throw new AdsValidationError(field, `pins every text but leaves position ${empty.join(' and ')} without one; Google always shows ${kind === 'HEADLINE' ? 'two headlines' : 'one description'}`);
	return out;
}

export function parseResponsiveSearchAd(value: unknown, field: string): ResponsiveSearchAdInput {
	if (!isRecord(value)) throw new AdsValidationError(field, `must be a responsive search ad {headlines, descriptions, finalUrl, path1?, path2?}; got ${describeValue(value)}`);
	knownKeys(value, ['type', 'status', 'headlines', 'descriptions', 'finalUrl', 'path1', 'path2'], field, 'a responsive search ad');
	return {
		type: 'RESPONSIVE_SEARCH_AD',
		status: adStatus(value.status, `${field}.status`),
		headlines: pinnedList(value.headlines, `${field}.headlines`, 'HEADLINE', RSA_LIMITS.headlines, TEXT_LIMITS.headline, 3),
		descriptions: pinnedList(value.descriptions, `${field}.descriptions`, 'DESCRIPTION', RSA_LIMITS.descriptions, TEXT_LIMITS.description, 2),
		finalUrl: finalUrl(value.finalUrl, `${field}.finalUrl`),
		...displayPaths(value.path1, value.path2, field),
	};
}

/** A list of binary property names (a string, "a, b" or an array), count-checked. */
export function binaryNames(value: unknown, field: string, limits: readonly [number, number], what: string): string[] {
	const list = value === undefined || value === null || value === '' ? [] : typeof value === 'string' ? value.split(',').map((s) => s.trim()).filter(Boolean) : value;
	if (!Array.isArray(list)) throw new AdsValidationError(field, `must name the input's binary properties holding the ${what}; got ${describeValue(value)}`);
	if (list.length < limits[0] || list.length > limits[1])
		throw new AdsValidationError(field, `needs ${limits[0] === 0 ? `at most ${limits[1]}` : `${limits[0]}–${limits[1]}`} ${what} (binary property names of the input item); got ${list.length}`);
	return list.map((v, i) => {
		if (typeof v !== 'string' || !v.trim()) throw new AdsValidationError(`${field}[${i}]`, `must be a binary property name; got ${describeValue(v)}`);
		return v.trim();
	});
}

export function parseResponsiveDisplayAd(value: unknown, field: string): ResponsiveDisplayAdInput {
	if (!isRecord(value)) throw new AdsValidationError(field, `must be a responsive display ad; got ${describeValue(value)}`);
	knownKeys(value, ['type', 'status', 'headlines', 'longHeadline', 'descriptions', 'businessName', 'finalUrl', 'images'], field, 'a responsive display ad');
	const images = isRecord(value.images) ? value.images : undefined;
	if (!images) throw new AdsValidationError(`${field}.images`, 'is required: {landscape: [...], square: [...], logo?: [...]} naming binary properties of the input item');
	knownKeys(images, ['landscape', 'square', 'logo'], `${field}.images`, 'display ad images');
	return {
		type: 'RESPONSIVE_DISPLAY_AD',
		status: adStatus(value.status, `${field}.status`),
		headlines: adTextList(value.headlines, `${field}.headlines`, { min: RDA_LIMITS.headlines[0], max: RDA_LIMITS.headlines[1], maxLength: TEXT_LIMITS.headline }),
		longHeadline: adText(value.longHeadline, `${field}.longHeadline`, TEXT_LIMITS.longHeadline),
		descriptions: adTextList(value.descriptions, `${field}.descriptions`, { min: RDA_LIMITS.descriptions[0], max: RDA_LIMITS.descriptions[1], maxLength: TEXT_LIMITS.description }),
		businessName: adText(value.businessName, `${field}.businessName`, TEXT_LIMITS.businessName),
		finalUrl: finalUrl(value.finalUrl, `${field}.finalUrl`),
		images: {
			landscape: binaryNames(images.landscape, `${field}.images.landscape`, RDA_LIMITS.landscape, 'landscape images (1.91:1)'),
			square: binaryNames(images.square, `${field}.images.square`, RDA_LIMITS.square, 'square images (1:1)'),
			logo: binaryNames(images.logo, `${field}.images.logo`, RDA_LIMITS.logo, 'logos (1:1)'),
		},
	};
}

/** An ad of an ad group: the type follows the campaign channel unless given. */
export function parseAd(value: unknown, field: string, channel: string): AdInput {
	const type = isRecord(value) && typeof value.type === 'string' ? value.type.trim().toUpperCase() : channel === 'DISPLAY' ? 'RESPONSIVE_DISPLAY_AD' : 'RESPONSIVE_SEARCH_AD';
	if (type === 'RESPONSIVE_SEARCH_AD') {
		if (channel === 'DISPLAY') throw new AdsValidationError(`${field}.type`, 'a DISPLAY campaign shows responsive display ads, not responsive search ads');
		return parseResponsiveSearchAd(value, field);
	}
	if (type === 'RESPONSIVE_DISPLAY_AD') {
		if (channel !== 'DISPLAY') throw new AdsValidationError(`${field}.type`, `responsive display ads belong in DISPLAY campaigns; this one is ${channel}`);
		return parseResponsiveDisplayAd(value, field);
	}
	throw new AdsValidationError(`${field}.type`, `must be RESPONSIVE_SEARCH_AD or RESPONSIVE_DISPLAY_AD; got ${describeValue(type)}`);
}

type Json = Record<string, unknown>;

/** The Ad JSON of a responsive search ad. */
export function toResponsiveSearchAd(ad: ResponsiveSearchAdInput): Json {
	const text = (kind: string) => (t: PinnedText) => (t.pinnedTo ? { text: t.text, pinnedField: `${kind}_${t.pinnedTo}` } : { text: t.text });
	const rsa: Json = { headlines: ad.headlines.map(text('HEADLINE')), descriptions: ad.descriptions.map(text('DESCRIPTION')) };
	if (ad.path1) rsa.path1 = ad.path1;
	if (ad.path2) rsa.path2 = ad.path2;
	return { finalUrls: [ad.finalUrl], responsiveSearchAd: rsa };
}

/** The Ad JSON of a responsive display ad; `asset` gives the (temporary) asset resource name of an image. */
export function toResponsiveDisplayAd(ad: ResponsiveDisplayAdInput, asset: (binaryName: string, kind: keyof DisplayAdImages) => string): Json {
	const images = (kind: keyof DisplayAdImages) => ad.images[kind].map((name) => ({ asset: asset(name, kind) }));
	const rda: Json = {
		marketingImages: images('landscape'),
		squareMarketingImages: images('square'),
		headlines: ad.headlines.map((text) => ({ text })),
		longHeadline: { text: ad.longHeadline },
		descriptions: ad.descriptions.map((text) => ({ text })),
		businessName: ad.businessName,
	};
	if (ad.images.logo.length) rda.squareLogoImages = images('logo');
	return { finalUrls: [ad.finalUrl], responsiveDisplayAd: rda };
}
