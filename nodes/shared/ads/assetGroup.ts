// The Performance Max asset group of the unified campaign: final URL, business name, 3–15 headlines,
// 1–5 long headlines, 2–5 descriptions (one of at most 60), images and logo from the input's binary
// data, optional audience signal. Google requires the group and its assets in the campaign's mutate. Pure.
import { AdsValidationError, describeValue } from './errors';
import { TEXT_LIMITS, adText, adTextList, finalUrl, googleTextLength } from './adText';
import { adStatus, binaryNames, type AdStatus } from './responsiveAds';
import type { ImageFieldType } from './images';

export interface AssetGroupImages {
	landscape: string[];
	square: string[];
	portrait: string[];
	logo: string[];
	landscapeLogo: string[];
}

export interface AssetGroupInput {
	name: string;
	status: AdStatus;
	finalUrl: string;
	businessName: string;
	headlines: string[];
	longHeadlines: string[];
	descriptions: string[];
	images: AssetGroupImages;
	/** An audience resource name (customers/…/audiences/…) as the audience signal. */
	audienceSignal?: string;
}

export const ASSET_GROUP_LIMITS = {
	headlines: [3, 15],
	longHeadlines: [1, 5],
	descriptions: [2, 5],
	landscape: [1, 20],
	square: [1, 20],
	portrait: [0, 20],
	logo: [1, 5],
	landscapeLogo: [0, 5],
} as const;

/** Image kind of the unified shape → Google's AssetFieldType. */
export const IMAGE_FIELD_TYPES: Record<keyof AssetGroupImages, ImageFieldType> = {
	landscape: 'MARKETING_IMAGE',
	square: 'SQUARE_MARKETING_IMAGE',
	portrait: 'PORTRAIT_MARKETING_IMAGE',
	logo: 'LOGO',
	landscapeLogo: 'LANDSCAPE_LOGO',
};

function isRecord(v: unknown): v is Record<string, unknown> {
	return v !== null && typeof v === 'object' && !Array.isArray(v);
}

const KEYS = ['name', 'status', 'finalUrl', 'businessName', 'headlines', 'longHeadlines', 'longHeadline', 'descriptions', 'images', 'audienceSignal'];

export function parseAssetGroup(value: unknown, field: string, campaignName: string): AssetGroupInput {
	if (!isRecord(value)) throw new AdsValidationError(field, `is required for PERFORMANCE_MAX: {finalUrl, businessName, headlines, longHeadlines, descriptions, images}; got ${describeValue(value)}`);
	for (const key of Object.keys(value)) if (!KEYS.includes(key)) throw new AdsValidationError(`${field}.${key}`, `is not an asset group field (${KEYS.join(', ')})`);
	const [h, lh, d] = [ASSET_GROUP_LIMITS.headlines, ASSET_GROUP_LIMITS.longHeadlines, ASSET_GROUP_LIMITS.descriptions];
	const descriptions = adTextList(value.descriptions, `${field}.descriptions`, { min: d[0], max: d[1], maxLength: TEXT_LIMITS.description });
	if (!descriptions.some((t) => googleTextLength(t) <= TEXT_LIMITS.shortDescription))
		throw new AdsValidationError(`${field}.descriptions`, `needs one description of at most ${TEXT_LIMITS.shortDescription} characters (Google shows it where space is short)`);
	const images = isRecord(value.images) ? value.images : undefined;
	if (!images) throw new AdsValidationError(`${field}.images`, 'is required: {landscape, square, logo, portrait?, landscapeLogo?} naming binary properties of the input item');
	for (const key of Object.keys(images)) if (!(key in IMAGE_FIELD_TYPES)) throw new AdsValidationError(`${field}.images.${key}`, `is not an image kind (${Object.keys(IMAGE_FIELD_TYPES).join(', ')})`);
	const img = (kind: keyof AssetGroupImages, what: string) => binaryNames(images[kind], `${field}.images.${kind}`, ASSET_GROUP_LIMITS[kind], what);
	const name = value.name === undefined || value.name === '' ? `${campaignName} assets` : adText(value.name, `${field}.name`, TEXT_LIMITS.assetGroupName);
	const group: AssetGroupInput = {
		name,
		status: adStatus(value.status, `${field}.status`),
		finalUrl: finalUrl(value.finalUrl, `${field}.finalUrl`),
		businessName: adText(value.businessName, `${field}.businessName`, TEXT_LIMITS.businessName),
		headlines: adTextList(value.headlines, `${field}.headlines`, { min: h[0], max: h[1], maxLength: TEXT_LIMITS.headline }),
		longHeadlines: adTextList(value.longHeadlines ?? value.longHeadline, `${field}.longHeadlines`, { min: lh[0], max: lh[1], maxLength: TEXT_LIMITS.longHeadline }),
		descriptions,
		images: {
			landscape: img('landscape', 'landscape images (1.91:1)'),
			square: img('square', 'square images (1:1)'),
			portrait: img('portrait', 'portrait images (4:5)'),
			logo: img('logo', 'logos (1:1)'),
			landscapeLogo: img('landscapeLogo', 'landscape logos (4:1)'),
		},
	};
	if (value.audienceSignal !== undefined && value.audienceSignal !== '') {
		const audience = typeof value.audienceSignal === 'string' ? value.audienceSignal.trim() : '';
		if (!/^customers\/\d{10}\/audiences\/\d+$/.test(audience))
			throw new AdsValidationError(`${field}.audienceSignal`, `must be an audience resource name customers/<id>/audiences/<id>; got ${describeValue(value.audienceSignal)}`);
		group.audienceSignal = audience;
	}
	return group;
}
