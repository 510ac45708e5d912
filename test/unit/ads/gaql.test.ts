import {
	AdsValidationError,
	CAMPAIGN_FIELDS,
	DURING_PRESETS,
	campaignGetQuery,
	campaignListQuery,
	campaignMetricsQuery,
	checkRawQuery,
	dateCondition,
	flattenRow,
	fromMetricsRow,
} from '../../../nodes/shared/ads';
import { errorOf } from './errorOf';

describe('GAQL builders', () => {
	it('uses DURING for presets and refuses LAST_90_DAYS with advice', () => {
		expect(dateCondition({ preset: 'last_30_days' })).toBe('segments.date DURING LAST_30_DAYS');
		expect(DURING_PRESETS).not.toContain('LAST_90_DAYS');
		const e = errorOf(() => dateCondition({ preset: 'LAST_90_DAYS' }));
		expect(e.field).toBe('dateRange');
		expect(e.message).toMatch(/use a custom range/);
	});

	it('uses BETWEEN for a custom range and checks it', () => {
		expect(dateCondition({ start: '2026-11-01', end: '2026-11-07' })).toBe("segments.date BETWEEN '2026-11-01' AND '2026-11-07'");
		expect(errorOf(() => dateCondition({ start: '2026-11-08', end: '2026-11-07' })).field).toBe('dateRange.end');
		expect(errorOf(() => dateCondition({ start: '2026-13-01', end: '2026-11-07' })).field).toBe('dateRange.start');
	});

	it('lists campaigns by status with a limit', () => {
		expect(campaignListQuery()).toBe(`SELECT ${CAMPAIGN_FIELDS.join(', ')} FROM campaign WHERE campaign.status != 'REMOVED' ORDER BY campaign.id`);
		expect(campaignListQuery({ statuses: ['enabled'], limit: 5 })).toMatch(/WHERE campaign.status = 'ENABLED' ORDER BY campaign.id LIMIT 5$/);
		expect(campaignListQuery({ statuses: ['ENABLED', 'PAUSED'] })).toMatch(/campaign.status IN \('ENABLED', 'PAUSED'\)/);
		expect(errorOf(() => campaignListQuery({ statuses: ['ARCHIVED'] })).field).toBe('statuses');
		expect(errorOf(() => campaignListQuery({ limit: 0 })).field).toBe('limit');
	});

	it('gets one campaign by id or resource name', () => {
		expect(campaignGetQuery('customers/1234567890/campaigns/555')).toMatch(/WHERE campaign.id = 555$/);
		expect(errorOf(() => campaignGetQuery('abc')).field).toBe('campaignId');
	});

	it('builds metric queries per campaign or per day', () => {
		expect(campaignMetricsQuery({ range: { preset: 'LAST_7_DAYS' } })).toBe(
			"SELECT campaign.id, campaign.name, campaign.status, metrics.impressions, metrics.clicks, metrics.cost_micros, metrics.conversions, metrics.ctr, metrics.average_cpc FROM campaign WHERE segments.date DURING LAST_7_DAYS AND campaign.status != 'REMOVED' ORDER BY campaign.id",
		);
		expect(campaignMetricsQuery({ range: { start: '2026-11-01', end: '2026-11-02' }, perDay: true, campaignIds: ['1', '2'], includeRemoved: true })).toBe(
			"SELECT campaign.id, campaign.name, campaign.status, metrics.impressions, metrics.clicks, metrics.cost_micros, metrics.conversions, metrics.ctr, metrics.average_cpc, segments.date FROM campaign WHERE segments.date BETWEEN '2026-11-01' AND '2026-11-02' AND campaign.id IN (1, 2) ORDER BY segments.date, campaign.id",
		);
	});

	it('reads metric rows: money in units and micros, CTR and average CPC', () => {
		expect(
			fromMetricsRow({ campaign: { id: '9', name: 'A', status: 'ENABLED' }, metrics: { impressions: '200', clicks: '10', costMicros: '12340000', conversions: 2.5 }, segments: { date: '2026-11-02' } }),
		).toEqual({
			campaignId: '9',
			campaignName: 'A',
			campaignStatus: 'ENABLED',
			date: '2026-11-02',
			impressions: 200,
			clicks: 10,
			cost: 12.34,
			costMicros: '12340000',
			conversions: 2.5,
			ctr: 0.05,
			averageCpc: 1.234,
			averageCpcMicros: '1234000',
		});
		expect(fromMetricsRow({ campaign: { id: '9' }, metrics: {} })).toMatchObject({ impressions: 0, clicks: 0, ctr: 0, averageCpc: 0, cost: 0 });
	});

	it('checks raw queries lightly and flattens rows', () => {
		expect(checkRawQuery(' SELECT campaign.id FROM campaign ')).toBe('SELECT campaign.id FROM campaign');
		expect(errorOf(() => checkRawQuery('DELETE campaign')).field).toBe('query');
		expect(flattenRow({ campaign: { id: '1', networkSettings: { targetGoogleSearch: true } }, metrics: { clicks: '3' } })).toEqual({
			'campaign.id': '1',
			'campaign.networkSettings.targetGoogleSearch': true,
			'metrics.clicks': '3',
		});
	});
});
