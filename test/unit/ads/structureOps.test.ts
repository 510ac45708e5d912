// Operations on existing ad groups, keywords and ads, and the GAQL below the campaign.
import {
	adGroupListQuery,
	adGroupUpdateOperation,
	adListQuery,
	adStatusOperation,
	fromKeywordRow,
	fromStructureMetricsRow,
	geoSuggestBody,
	keywordListQuery,
	keywordUpdateOperation,
	parseAdGroupPatch,
	parseAdGroupChildRef,
	adGroupChildName,
	structureMetricsQuery,
	TempResourceNames,
} from '../../../nodes/shared/ads';
import { errorOf } from './errorOf';

describe('ad group, keyword and ad operations', () => {
	it('updates only the fields given, each in the mask', () => {
		const rn = 'customers/1234567890/adGroups/77';
		expect(adGroupUpdateOperation(rn, parseAdGroupPatch({ cpcBid: 1.5 }))).toEqual({ adGroupOperation: { update: { resourceName: rn, cpcBidMicros: '1500000' }, updateMask: 'cpcBidMicros' } });
		expect(adGroupUpdateOperation(rn, parseAdGroupPatch({ name: ' New ', status: 'paused' }))).toEqual({ adGroupOperation: { update: { resourceName: rn, name: 'New', status: 'PAUSED' }, updateMask: 'name,status' } });
		expect(adGroupUpdateOperation(rn, parseAdGroupPatch({}))).toBeUndefined();
		expect(errorOf(() => parseAdGroupPatch({ keywords: [] })).field).toBe('keywords');
	});

	it('addresses one keyword by ad group and criterion id', () => {
		expect(parseAdGroupChildRef('77~9001', undefined, 'keywordId', 'adGroupCriteria')).toEqual({ adGroupId: '77', id: '9001' });
		expect(parseAdGroupChildRef('customers/1234567890/adGroupCriteria/77~9001', undefined, 'k', 'adGroupCriteria')).toEqual({ adGroupId: '77', id: '9001' });
		expect(parseAdGroupChildRef('9001', '77', 'k', 'adGroupCriteria')).toEqual({ adGroupId: '77', id: '9001' });
		expect(errorOf(() => parseAdGroupChildRef('customers/1234567890/adGroupAds/77~9001', '77', 'Keyword ID', 'adGroupCriteria')).field).toBe('Keyword ID');
		const e = errorOf(() => parseAdGroupChildRef('shoes', '77', 'Ad ID', 'adGroupAds'));
		expect(e.problem).toMatch(/^must be an ad ID "adGroupId~adId" \(as List returns it\)/);
		const rn = adGroupChildName('123-456-7890', 'adGroupCriteria', { adGroupId: '77', id: '9001' });
		expect(rn).toBe('customers/1234567890/adGroupCriteria/77~9001');
		expect(keywordUpdateOperation(rn, { cpcBid: 0.4 })).toEqual({ adGroupCriterionOperation: { update: { resourceName: rn, cpcBidMicros: '400000' }, updateMask: 'cpcBidMicros' } });
		expect(adStatusOperation('customers/1/adGroupAds/77~5', 'PAUSED')).toEqual({ adGroupAdOperation: { update: { resourceName: 'customers/1/adGroupAds/77~5', status: 'PAUSED' }, updateMask: 'status' } });
	});

	it('hands out unique negative ids across collections', () => {
		const t = new TempResourceNames('123-456-7890');
		expect([t.allocate('campaignBudgets'), t.allocate('campaigns'), t.allocate('adGroups'), t.allocate('adGroups')]).toEqual([
			'customers/1234567890/campaignBudgets/-1',
			'customers/1234567890/campaigns/-2',
			'customers/1234567890/adGroups/-3',
			'customers/1234567890/adGroups/-4',
		]);
		expect(t.count).toBe(4);
	});
});

describe('queries below the campaign', () => {
	it('lists ad groups, keywords and ads of a campaign, not removed ones by default', () => {
		expect(adGroupListQuery({ campaignIds: ['200'] })).toMatch(/FROM ad_group WHERE ad_group\.status != 'REMOVED' AND campaign\.id = 200 ORDER BY ad_group\.id$/);
		expect(keywordListQuery({ adGroupIds: '77, 78' })).toMatch(/FROM ad_group_criterion WHERE ad_group_criterion\.type = 'KEYWORD' AND ad_group_criterion\.status != 'REMOVED' AND ad_group\.id IN \(77, 78\)/);
		expect(adListQuery({ statuses: ['PAUSED'] })).toMatch(/WHERE ad_group_ad\.status = 'PAUSED'/);
		expect(errorOf(() => adListQuery({ statuses: ['GONE'] })).field).toBe('statuses');
	});

	it('builds metrics per ad group, keyword and search term, per day', () => {
		expect(structureMetricsQuery('keyword', { range: { preset: 'LAST_7_DAYS' }, perDay: true, campaignIds: ['200'] })).toBe(
			'SELECT campaign.id, ad_group.id, ad_group_criterion.criterion_id, ad_group_criterion.keyword.text, ad_group_criterion.keyword.match_type, metrics.impressions, metrics.clicks, metrics.cost_micros, metrics.conversions, metrics.ctr, metrics.average_cpc, segments.date FROM keyword_view WHERE segments.date DURING LAST_7_DAYS AND campaign.id = 200 ORDER BY segments.date, ad_group.id',
		);
		expect(structureMetricsQuery('searchTerm', { range: { start: '2026-11-01', end: '2026-11-07' } })).toMatch(/FROM search_term_view WHERE segments\.date BETWEEN '2026-11-01' AND '2026-11-07'/);
		const row = { campaign: { id: '200' }, adGroup: { id: '77' }, searchTermView: { searchTerm: 'winterreifen 205 55 r16', status: 'NONE' }, metrics: { impressions: '100', clicks: '7', costMicros: '3500000' }, segments: { date: '2026-11-02' } };
		expect(fromStructureMetricsRow('searchTerm', row)).toMatchObject({ campaignId: '200', adGroupId: '77', searchTerm: 'winterreifen 205 55 r16', impressions: 100, clicks: 7, cost: 3.5, date: '2026-11-02' });
		expect(fromKeywordRow({ adGroup: { id: '77' }, adGroupCriterion: { criterionId: '9001', keyword: { text: 'x', matchType: 'EXACT' }, cpcBidMicros: '500000' } })).toMatchObject({ id: '77~9001', cpcBid: 0.5 });
	});

	it('asks Google for location suggestions by name', () => {
		expect(geoSuggestBody(' München ', { locale: 'de', countryCode: 'de' })).toEqual({ locale: 'de', countryCode: 'DE', locationNames: { names: ['München'] } });
		expect(errorOf(() => geoSuggestBody(' ')).field).toBe('location');
	});
});
