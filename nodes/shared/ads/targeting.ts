// Campaign targeting in the unified campaign: locations (geo target constants, optionally excluded),
// languages (language constants, or their ISO codes) and negative keywords. Pure: no n8n imports.
import { AdsValidationError, describeValue } from './errors';
import { parseKeywords, type KeywordInput } from './keywords';

export interface LocationTarget {
	/** Geo target constant id, e.g. "2840" (United States). */
	id: string;
	/** Excluded location (the campaign does not show there). */
	exclude: boolean;
}

export interface Targeting {
	locations: LocationTarget[];
	/** Language constant ids, e.g. "1000" (English). */
	languages: string[];
	negativeKeywords: KeywordInput[];
}

/** Google's language constant ids for ISO codes (languageConstants/<id>; the Languages dropdown lists all). */
export const LANGUAGE_IDS: Record<string, string> = {
	en: '1000', de: '1001', fr: '1002', es: '1003', it: '1004', ja: '1005', da: '1009', nl: '1010', fi: '1011', ko: '1012',
	no: '1013', pt: '1014', sv: '1015', zh_CN: '1017', zh_TW: '1018', ar: '1019', bg: '1020', cs: '1021', el: '1022',
	hi: '1023', hu: '1024', id: '1025', he: '1027', pl: '1030', ru: '1031', ro: '1032', sk: '1033', uk: '1036', tr: '1037',
	vi: '1040', th: '1044',
};

function isRecord(v: unknown): v is Record<string, unknown> {
	return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function listOf(value: unknown, field: string): unknown[] {
	if (value === undefined || value === null || value === '') return [];
	if (typeof value === 'string') return value.split(',').map((s) => s.trim()).filter(Boolean);
	if (typeof value === 'number') return [value];
	if (!Array.isArray(value)) throw new AdsValidationError(field, `must be a list; got ${describeValue(value)}`);
	return value;
}

/** "2840", 2840, "geoTargetConstants/2840" → "2840". */
export function geoTargetId(value: unknown, field: string): string {
	const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
	const m = /^(?:geoTargetConstants\/)?(\d+)$/.exec(text);
	if (!m) throw new AdsValidationError(field, `must be a geo target ID such as 2840 (United States) or geoTargetConstants/2840 — use Location Search to find one; got ${describeValue(value)}`);
	return m[1];
}

/** "1000", "languageConstants/1000" or an ISO code ("en", "zh_CN") → "1000". */
export function languageId(value: unknown, field: string): string {
	const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
	const m = /^(?:languageConstants\/)?(\d+)$/.exec(text);
	if (m) return m[1];
	const code = text.replace('-', '_');
	const id = LANGUAGE_IDS[code] ?? LANGUAGE_IDS[code.toLowerCase()];
	if (!id) throw new AdsValidationError(field, `must be a language constant ID such as 1000 (English), languageConstants/1000, or an ISO code (${Object.keys(LANGUAGE_IDS).slice(0, 6).join(', ')}, …); got ${describeValue(value)}`);
	return id;
}

function parseLocation(value: unknown, field: string): LocationTarget {
	if (isRecord(value)) {
		for (const key of Object.keys(value)) if (!['id', 'exclude'].includes(key)) throw new AdsValidationError(`${field}.${key}`, 'is not a location field (id, exclude)');
		if (value.exclude !== undefined && typeof value.exclude !== 'boolean') throw new AdsValidationError(`${field}.exclude`, `must be true or false; got ${describeValue(value.exclude)}`);
		return { id: geoTargetId(value.id, `${field}.id`), exclude: value.exclude === true };
	}
	return { id: geoTargetId(value, field), exclude: false };
}

/** targeting: {locations, languages, negativeKeywords}; every list optional; duplicates refused. */
export function parseTargeting(value: unknown, field = 'targeting'): Targeting {
	if (value === undefined || value === null) return { locations: [], languages: [], negativeKeywords: [] };
	if (!isRecord(value)) throw new AdsValidationError(field, `must be an object {locations, languages, negativeKeywords}; got ${describeValue(value)}`);
	for (const key of Object.keys(value))
		if (!['locations', 'languages', 'negativeKeywords'].includes(key)) throw new AdsValidationError(`${field}.${key}`, 'is not a targeting field (locations, languages, negativeKeywords)');
	const locations = listOf(value.locations, `${field}.locations`).map((v, i) => parseLocation(v, `${field}.locations[${i}]`));
	const seen = new Map<string, number>();
	locations.forEach((l, i) => {
		if (seen.has(l.id)) throw new AdsValidationError(`${field}.locations[${i}]`, `repeats ${field}.locations[${seen.get(l.id)}] (geo target ${l.id})`);
		seen.set(l.id, i);
	});
	if (locations.length && locations.every((l) => l.exclude))
		throw new AdsValidationError(`${field}.locations`, 'excludes locations but targets none: add at least one location to show in (or none at all to show everywhere)');
	const languages = listOf(value.languages, `${field}.languages`).map((v, i) => languageId(v, `${field}.languages[${i}]`));
	const dup = languages.findIndex((l, i) => languages.indexOf(l) !== i);
	if (dup >= 0) throw new AdsValidationError(`${field}.languages[${dup}]`, `repeats language ${languages[dup]}`);
	const negativeKeywords = parseKeywords(value.negativeKeywords, `${field}.negativeKeywords`, { negative: true });
	return { locations, languages, negativeKeywords };
}
