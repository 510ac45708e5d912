// Keyword text and match types as Google accepts them: at most 80 characters and 10 words, none of
// the symbols Google refuses, match type EXACT / PHRASE / BROAD. The notation users type in the Google
// Ads editor is understood too: [running shoes] is EXACT and "running shoes" is PHRASE. Pure.
import { AdsValidationError, describeValue } from './errors';
import { TEXT_LIMITS, googleTextLength } from './adText';

export const MATCH_TYPES = ['EXACT', 'PHRASE', 'BROAD'] as const;
export type MatchType = (typeof MATCH_TYPES)[number];

export const KEYWORD_MAX_WORDS = 10;

/** Symbols Google's keyword check refuses (criterionError.KEYWORD_HAS_INVALID_CHARS). */
const INVALID_KEYWORD_CHARS = /[!@%^*()={};~`<>?\\|,]/;

export interface KeywordInput {
	text: string;
	matchType: MatchType;
	/** Max CPC for this keyword in currency units (else the ad group's). */
	cpcBid?: number;
}

function matchTypeOf(value: unknown, field: string): MatchType | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	const text = typeof value === 'string' ? value.trim().toUpperCase() : value;
	if (typeof text !== 'string' || !(MATCH_TYPES as readonly string[]).includes(text))
		throw new AdsValidationError(field, `must be one of ${MATCH_TYPES.join(', ')}; got ${describeValue(value)}`);
	return text as MatchType;
}

/** Text and match type from "[x]" (EXACT), "\"x\"" (PHRASE) or plain (the given type, else BROAD). */
export function keywordText(value: unknown, field: string, matchType?: unknown): { text: string; matchType: MatchType } {
	if (typeof value !== 'string') throw new AdsValidationError(`${field}.text`, `must be the keyword text; got ${describeValue(value)}`);
	let text = value.trim().replace(/\s+/g, ' ');
	let notation: MatchType | undefined;
	if (/^\[.*\]$/.test(text)) {
		notation = 'EXACT';
		text = text.slice(1, -1).trim();
	} else if (/^".*"$/.test(text) && text.length >= 2) {
		notation = 'PHRASE';
		text = text.slice(1, -1).trim();
	}
	const given = matchTypeOf(matchType, `${field}.matchType`);
	if (given && notation && given !== notation)
		throw new AdsValidationError(`${field}.matchType`, `is ${given} but the text is written as ${notation} (${describeValue(value)}); give one or the other`);
	if (!text) throw new AdsValidationError(`${field}.text`, 'must not be empty');
	if (/["[\]]/.test(text)) throw new AdsValidationError(`${field}.text`, `has quotes or brackets inside; write [text] for EXACT or "text" for PHRASE around the whole keyword; got ${describeValue(value)}`);
	const bad = INVALID_KEYWORD_CHARS.exec(text);
	if (bad) throw new AdsValidationError(`${field}.text`, `contains "${bad[0]}", which Google does not allow in keywords; got ${describeValue(value)}`);
	if (/(^|\s)\+\S/.test(text)) throw new AdsValidationError(`${field}.text`, 'uses the retired broad match modifier (+word); use PHRASE or BROAD instead');
	const length = googleTextLength(text);
	if (length > TEXT_LIMITS.keyword) throw new AdsValidationError(`${field}.text`, `is ${length} characters as Google counts them; at most ${TEXT_LIMITS.keyword} are allowed`);
	const words = text.split(' ').length;
	if (words > KEYWORD_MAX_WORDS) throw new AdsValidationError(`${field}.text`, `has ${words} words; Google allows at most ${KEYWORD_MAX_WORDS}`);
	return { text, matchType: given ?? notation ?? 'BROAD' };
}

function bid(value: unknown, field: string): number | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	const n = typeof value === 'string' ? Number(value) : value;
	if (typeof n !== 'number' || !Number.isFinite(n) || n <= 0) throw new AdsValidationError(field, `must be a bid greater than 0 in currency units; got ${describeValue(value)}`);
	return n;
}

/** A CPC bid in currency units (optional). */
export function optionalBid(value: unknown, field: string): number | undefined {
	return bid(value, field);
}

/** One keyword: a string ("shoes", "[shoes]", "\"shoes\"") or {text, matchType?, cpcBid?}. */
export function parseKeyword(value: unknown, field: string): KeywordInput {
	if (typeof value === 'string') return keywordText(value, field);
	if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new AdsValidationError(field, `must be a keyword text or {text, matchType, cpcBid?}; got ${describeValue(value)}`);
	const v = value as Record<string, unknown>;
	for (const key of Object.keys(v)) if (!['text', 'matchType', 'cpcBid'].includes(key)) throw new AdsValidationError(`${field}.${key}`, 'is not a keyword field (text, matchType, cpcBid)');
	const kw: KeywordInput = keywordText(v.text, field, v.matchType);
	const cpc = bid(v.cpcBid, `${field}.cpcBid`);
	if (cpc !== undefined) kw.cpcBid = cpc;
	return kw;
}

/** A keyword list: each parsed; the same text with the same match type twice is refused (Google: duplicate). */
export function parseKeywords(value: unknown, field: string, opts: { min?: number; max?: number; negative?: boolean } = {}): KeywordInput[] {
	if (value === undefined || value === null) value = [];
	if (!Array.isArray(value)) throw new AdsValidationError(field, `must be a list of keywords; got ${describeValue(value)}`);
	const min = opts.min ?? 0;
	if (value.length < min) throw new AdsValidationError(field, `needs at least ${min} keyword${min === 1 ? '' : 's'}; got ${value.length}`);
	if (opts.max !== undefined && value.length > opts.max) throw new AdsValidationError(field, `takes at most ${opts.max} keywords in one request; got ${value.length}`);
	const seen = new Map<string, number>();
	return value.map((item, i) => {
		const kw = parseKeyword(item, `${field}[${i}]`);
		if (opts.negative && kw.cpcBid !== undefined) throw new AdsValidationError(`${field}[${i}].cpcBid`, 'does not apply to a negative keyword');
		const key = `${kw.matchType} ${kw.text.toLowerCase()}`;
		if (seen.has(key)) throw new AdsValidationError(`${field}[${i}]`, `repeats ${field}[${seen.get(key)}] (${kw.matchType} "${kw.text}")`);
		seen.set(key, i);
		return kw;
	});
}
