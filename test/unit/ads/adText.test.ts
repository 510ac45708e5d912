// Ad text as Google counts it (double-width characters count two) and the keyword rules.
import { TEXT_LIMITS, adText, adTextList, displayPaths, finalUrl, googleTextLength, keywordText, parseKeywords } from '../../../nodes/shared/ads';
import { errorOf } from './errorOf';

describe('googleTextLength', () => {
	it('counts Latin, accented and emoji characters once', () => {
		expect(googleTextLength('Winter sale')).toBe(11);
		expect(googleTextLength('Café Müller')).toBe(11);
		expect(googleTextLength('Shoes 👟')).toBe(7);
	});

	it('counts Chinese, Japanese, Korean and full-width forms twice', () => {
		expect(googleTextLength('冬季促销')).toBe(8);
		expect(googleTextLength('セール中')).toBe(8);
		expect(googleTextLength('겨울 세일')).toBe(9);
		expect(googleTextLength('ＡＢＣ')).toBe(6);
		expect(googleTextLength('Sale 半价')).toBe(9);
	});
});

describe('adText limits', () => {
	it('accepts a headline of exactly 30 and 15 CJK characters (30 as Google counts)', () => {
		expect(adText('a'.repeat(30), 'h', TEXT_LIMITS.headline)).toHaveLength(30);
		expect(adText('冬'.repeat(15), 'h', TEXT_LIMITS.headline)).toHaveLength(15);
	});

	it('refuses 16 CJK characters in a headline, saying why and naming the field', () => {
		const e = errorOf(() => adText('冬'.repeat(16), 'adGroups[0].ads[0].headlines[2]', TEXT_LIMITS.headline));
		expect(e.field).toBe('adGroups[0].ads[0].headlines[2]');
		expect(e.problem).toMatch(/is 32 characters as Google counts them \(double-width .* count as two\); at most 30/);
	});

	it('refuses empty text, line breaks and a 91-character description', () => {
		expect(errorOf(() => adText('  ', 'd', 90)).problem).toMatch(/empty/);
		expect(errorOf(() => adText('one\ntwo', 'd', 90)).problem).toMatch(/control character/);
		expect(errorOf(() => adText('x'.repeat(91), 'd', 90)).problem).toMatch(/91 characters .* at most 90/);
	});

	it('counts list entries and refuses duplicates', () => {
		expect(errorOf(() => adTextList(['a', 'b'], 'headlines', { min: 3, max: 15, maxLength: 30 })).problem).toBe('needs 3–15 entries; got 2');
		const dup = errorOf(() => adTextList(['Fast', 'Cheap', 'fast'], 'headlines', { min: 3, max: 15, maxLength: 30 }));
		expect(dup.field).toBe('headlines[2]');
		expect(dup.problem).toMatch(/repeats headlines\[0\]/);
	});

	it('checks final URLs and display paths', () => {
		expect(finalUrl(' https://shop.example.com/winter?x=1 ', 'u')).toBe('https://shop.example.com/winter?x=1');
		expect(errorOf(() => finalUrl('shop.example.com', 'ads[0].finalUrl')).field).toBe('ads[0].finalUrl');
		expect(errorOf(() => finalUrl('https://localhost/', 'u')).problem).toMatch(/full web address/);
		expect(displayPaths('winter', 'sale', 'ad')).toEqual({ path1: 'winter', path2: 'sale' });
		expect(errorOf(() => displayPaths('', 'sale', 'ad')).field).toBe('ad.path2');
		expect(errorOf(() => displayPaths('a/b', '', 'ad')).problem).toMatch(/without spaces or slashes/);
		expect(errorOf(() => displayPaths('x'.repeat(16), '', 'ad')).problem).toMatch(/16 characters .* at most 15/);
	});
});

describe('keywords', () => {
	it('reads the editor notation: [x] is EXACT, "x" PHRASE, plain BROAD', () => {
		expect(keywordText('[running shoes]', 'k')).toEqual({ text: 'running shoes', matchType: 'EXACT' });
		expect(keywordText('"running  shoes"', 'k')).toEqual({ text: 'running shoes', matchType: 'PHRASE' });
		expect(keywordText('running shoes', 'k')).toEqual({ text: 'running shoes', matchType: 'BROAD' });
		expect(keywordText('running shoes', 'k', 'phrase')).toEqual({ text: 'running shoes', matchType: 'PHRASE' });
	});

	it('refuses a conflicting match type, invalid symbols, broad match modifier, too many words and characters', () => {
		expect(errorOf(() => keywordText('[shoes]', 'kw[0]', 'PHRASE')).field).toBe('kw[0].matchType');
		expect(errorOf(() => keywordText('shoes!', 'kw[0]')).problem).toMatch(/contains "!"/);
		expect(errorOf(() => keywordText('+red shoes', 'kw[0]')).problem).toMatch(/broad match modifier/);
		expect(errorOf(() => keywordText('a b c d e f g h i j k', 'kw[0]')).problem).toBe('has 11 words; Google allows at most 10');
		expect(errorOf(() => keywordText('x'.repeat(81), 'kw[0]')).problem).toMatch(/81 characters .* at most 80/);
		expect(errorOf(() => keywordText('鞋'.repeat(41), 'kw[0]')).problem).toMatch(/82 characters/);
		expect(errorOf(() => keywordText('shoes', 'kw[0]', 'BROAD_MODIFIED')).problem).toMatch(/EXACT, PHRASE, BROAD/);
	});

	it('refuses the same keyword twice with the same match type, not with another', () => {
		expect(parseKeywords(['shoes', '[shoes]'], 'keywords')).toHaveLength(2);
		const e = errorOf(() => parseKeywords(['[Shoes]', { text: 'shoes', matchType: 'EXACT' }], 'adGroups[1].keywords'));
		expect(e.field).toBe('adGroups[1].keywords[1]');
	});

	it('takes a bid per keyword, not on negative keywords', () => {
		expect(parseKeywords([{ text: 'shoes', matchType: 'EXACT', cpcBid: '0.75' }], 'k')[0]).toEqual({ text: 'shoes', matchType: 'EXACT', cpcBid: 0.75 });
		expect(errorOf(() => parseKeywords([{ text: 'free', cpcBid: 1 }], 'targeting.negativeKeywords', { negative: true })).field).toBe('targeting.negativeKeywords[0].cpcBid');
		expect(errorOf(() => parseKeywords([{ text: 'shoes', bid: 1 }], 'k')).field).toBe('k[0].bid');
	});
});
