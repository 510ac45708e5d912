// Ad text as Google counts it: a double-width character (Chinese, Japanese, Korean, full-width forms)
// counts as two toward a limit, every other character as one (an emoji or other astral character is
// one code point, one character). Limits per text field of responsive search ads, responsive display ads
// and Performance Max asset groups. Pure: no n8n imports.
import { AdsValidationError, describeValue } from './errors';

/** Unicode East Asian Wide and Fullwidth ranges (UAX #11), the characters Google counts double. */
const WIDE_RANGES: Array<[number, number]> = [
	[0x1100, 0x115f], // Hangul Jamo initial consonants
	[0x2e80, 0x303e], // CJK radicals, Kangxi, ideographic description, CJK symbols and punctuation
	[0x3041, 0x33ff], // Hiragana, Katakana, Bopomofo, Hangul compatibility Jamo, Kanbun, CJK compatibility
	[0x3400, 0x4dbf], // CJK Unified Ideographs Extension A
	[0x4e00, 0x9fff], // CJK Unified Ideographs
	[0xa000, 0xa4cf], // Yi
	[0xa960, 0xa97f], // Hangul Jamo Extended-A
	[0xac00, 0xd7a3], // Hangul syllables
	[0xf900, 0xfaff], // CJK compatibility ideographs
	[0xfe10, 0xfe19], // vertical forms
	[0xfe30, 0xfe6f], // CJK compatibility forms, small form variants
	[0xff01, 0xff60], // full-width ASCII forms
	[0xffe0, 0xffe6], // full-width signs
	[0x20000, 0x2fffd], // CJK Extension B and beyond
	[0x30000, 0x3fffd],
];

export function isWide(codePoint: number): boolean {
	for (const [lo, hi] of WIDE_RANGES) if (codePoint >= lo && codePoint <= hi) return true;
	return false;
}

/** The length Google checks against a limit. */
export function googleTextLength(text: string): number {
	let n = 0;
	for (const ch of text) n += isWide(ch.codePointAt(0) ?? 0) ? 2 : 1;
	return n;
}

/** Google's limits per text field (in Google's count). */
export const TEXT_LIMITS = {
	headline: 30,
	longHeadline: 90,
	description: 90,
	/** Performance Max needs one description of at most 60. */
	shortDescription: 60,
	path: 15,
	businessName: 25,
	keyword: 80,
	adGroupName: 255,
	assetGroupName: 255,
	finalUrl: 2048,
} as const;

/** Characters Google refuses in ad text: control characters and the replacement character. */
function hasForbiddenCharacter(text: string): boolean {
	for (const ch of text) {
		const c = ch.codePointAt(0) ?? 0;
		if (c < 0x20 || c === 0x7f || c === 0xfffd) return true;
	}
	return false;
}

/** A required ad text: trimmed, not empty, within `max` as Google counts it. */
export function adText(value: unknown, field: string, max: number): string {
	if (typeof value !== 'string' && typeof value !== 'number') throw new AdsValidationError(field, `must be text; got ${describeValue(value)}`);
	const text = String(value).trim();
	if (!text) throw new AdsValidationError(field, 'must not be empty');
	if (hasForbiddenCharacter(text)) throw new AdsValidationError(field, 'contains a control character (line break, tab, …) that Google does not accept in ads');
	const length = googleTextLength(text);
	if (length > max) {
		const wide = length !== [...text].length ? ' (double-width characters such as Chinese, Japanese or Korean count as two)' : '';
		throw new AdsValidationError(field, `is ${length} characters as Google counts them${wide}; at most ${max} are allowed: ${describeValue(text)}`);
	}
	return text;
}

/** A list of ad texts with a count range; each item checked with `adText`. Duplicates are refused, as Google does. */
export function adTextList(value: unknown, field: string, opts: { min: number; max: number; maxLength: number }): string[] {
	const list = typeof value === 'string' ? [value] : value;
	if (!Array.isArray(list)) throw new AdsValidationError(field, `must be a list of ${opts.min}–${opts.max} texts; got ${describeValue(value)}`);
	if (list.length < opts.min || list.length > opts.max)
		throw new AdsValidationError(field, `needs ${opts.min === opts.max ? opts.min : `${opts.min}–${opts.max}`} entries; got ${list.length}`);
	const texts = list.map((v, i) => adText(v, `${field}[${i}]`, opts.maxLength));
	const seen = new Map<string, number>();
	texts.forEach((t, i) => {
		const key = t.toLowerCase();
		if (seen.has(key)) throw new AdsValidationError(`${field}[${i}]`, `repeats ${field}[${seen.get(key)}] (${describeValue(t)}); Google refuses duplicate texts in one ad`);
		seen.set(key, i);
	});
	return texts;
}

/** A final URL: http or https, with a host, at most 2048 characters. */
export function finalUrl(value: unknown, field: string): string {
	const text = typeof value === 'string' ? value.trim() : '';
	if (!text) throw new AdsValidationError(field, 'is required: the landing page (https://…)');
	if (text.length > TEXT_LIMITS.finalUrl) throw new AdsValidationError(field, `must be at most ${TEXT_LIMITS.finalUrl} characters; got ${text.length}`);
	const m = /^(https?):\/\/([^/\s?#]+)([^\s]*)$/i.exec(text);
	if (!m || !/^[^.@:]+(\.[^.@:]+)+(:\d+)?$/.test(m[2])) throw new AdsValidationError(field, `must be a full web address starting with http:// or https://; got ${describeValue(value)}`);
	return text;
}

/** The display-URL paths of a responsive search ad: each ≤ 15, no spaces or slashes; path2 needs path1. */
export function displayPaths(path1: unknown, path2: unknown, field: string): { path1?: string; path2?: string } {
	const one = (v: unknown, name: string): string | undefined => {
		if (v === undefined || v === null || v === '') return undefined;
		const text = adText(v, `${field}.${name}`, TEXT_LIMITS.path);
		if (/[\s/]/.test(text)) throw new AdsValidationError(`${field}.${name}`, `must be one word without spaces or slashes (it shows as example.com/${name === 'path1' ? 'path1' : 'path1/path2'}); got ${describeValue(text)}`);
		return text;
	};
	const p1 = one(path1, 'path1');
	const p2 = one(path2, 'path2');
	if (p2 && !p1) throw new AdsValidationError(`${field}.path2`, 'needs path1: Google shows path2 after path1');
	const out: { path1?: string; path2?: string } = {};
	if (p1) out.path1 = p1;
	if (p2) out.path2 = p2;
	return out;
}
