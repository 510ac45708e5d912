// GAQL the node sends: campaign list / get, campaign metrics, conversion actions, customers.
// Date ranges are a preset valid for DURING (not LAST_90_DAYS, which GAQL refuses) or a custom
// BETWEEN range. Pure: no n8n imports.
import { AdsValidationError, describeValue } from './errors';
import { fromMicros, validDate } from './campaign';
import { normalizeNumericId } from './customerId';

/** The presets GAQL's DURING operator accepts. */
export const DURING_PRESETS = [
	'TODAY',
	'YESTERDAY',
	'LAST_7_DAYS',
	'LAST_14_DAYS',
	'LAST_30_DAYS',
	'LAST_BUSINESS_WEEK',
	'THIS_WEEK_SUN_TODAY',
	'THIS_WEEK_MON_TODAY',
	'LAST_WEEK_SUN_SAT',
	'LAST_WEEK_MON_SUN',
	'THIS_MONTH',
	'LAST_MONTH',
] as const;
export type DuringPreset = (typeof DURING_PRESETS)[number];

export type DateRange = { preset: string } | { start: string; end: string };

export const CAMPAIGN_FIELDS = [
	'campaign.resource_name',
	'campaign.id',
	'campaign.name',
	'campaign.status',
	'campaign.advertising_channel_type',
	'campaign.bidding_strategy_type',
	'campaign.campaign_budget',
	'campaign.start_date_time',
	'campaign.end_date_time',
	'campaign.network_settings.target_google_search',
	'campaign.network_settings.target_search_network',
	'campaign.network_settings.target_content_network',
	'campaign.contains_eu_political_advertising',
	'campaign.target_cpa.target_cpa_micros',
	'campaign.maximize_conversions.target_cpa_micros',
	'campaign_budget.resource_name',
	'campaign_budget.id',
	'campaign_budget.amount_micros',
	'campaign_budget.period',
];

export const CAMPAIGN_LIST_STATUSES = ['ENABLED', 'PAUSED', 'REMOVED'] as const;

/** A date-range condition on segments.date. */
export function dateCondition(range: DateRange, field = 'dateRange'): string {
	if ('preset' in range) {
		const preset = String(range.preset).trim().toUpperCase();
		if (!(DURING_PRESETS as readonly string[]).includes(preset)) {
			const hint = /^LAST_\d+_DAYS$/.test(preset) ? ' GAQL has no such preset; use a custom range (start and end dates) instead.' : '';
			throw new AdsValidationError(field, `must be one of ${DURING_PRESETS.join(', ')}; got ${describeValue(range.preset)}.${hint}`);
		}
		return `segments.date DURING ${preset}`;
	}
	const start = validDate(range.start, `${field}.start`);
	const end = validDate(range.end, `${field}.end`);
	if (end < start) throw new AdsValidationError(`${field}.end`, `must not be before the start (${start}); got ${end}`);
	return `segments.date BETWEEN '${start}' AND '${end}'`;
}

function statusCondition(statuses: readonly string[] | undefined): string {
	const list = (statuses ?? []).map((s) => String(s).toUpperCase());
	for (const s of list)
		if (!(CAMPAIGN_LIST_STATUSES as readonly string[]).includes(s))
			throw new AdsValidationError('statuses', `must be among ${CAMPAIGN_LIST_STATUSES.join(', ')}; got ${describeValue(s)}`);
	if (list.length === 0) return "campaign.status != 'REMOVED'";
	if (list.length === 1) return `campaign.status = '${list[0]}'`;
	return `campaign.status IN (${list.map((s) => `'${s}'`).join(', ')})`;
}

export function campaignListQuery(opts: { statuses?: readonly string[]; limit?: number } = {}): string {
	let q = `SELECT ${CAMPAIGN_FIELDS.join(', ')} FROM campaign WHERE ${statusCondition(opts.statuses)} ORDER BY campaign.id`;
	if (opts.limit !== undefined) {
		if (!Number.isInteger(opts.limit) || opts.limit < 1) throw new AdsValidationError('limit', `must be a whole number of at least 1; got ${describeValue(opts.limit)}`);
		q += ` LIMIT ${opts.limit}`;
	}
	return q;
}

export function campaignGetQuery(campaignId: unknown): string {
	const id = normalizeNumericId(campaignId, 'campaignId', 'campaign');
	return `SELECT ${CAMPAIGN_FIELDS.join(', ')} FROM campaign WHERE campaign.id = ${id}`;
}

export const METRIC_FIELDS = ['metrics.impressions', 'metrics.clicks', 'metrics.cost_micros', 'metrics.conversions', 'metrics.ctr', 'metrics.average_cpc'];

export function campaignMetricsQuery(opts: { range: DateRange; perDay?: boolean; campaignIds?: unknown[]; includeRemoved?: boolean }): string {
	const fields = ['campaign.id', 'campaign.name', 'campaign.status', ...METRIC_FIELDS];
	if (opts.perDay) fields.push('segments.date');
	const where = [dateCondition(opts.range)];
	const ids = (opts.campaignIds ?? []).filter((v) => v !== '' && v !== undefined && v !== null).map((v) => normalizeNumericId(v, 'campaignIds', 'campaign'));
	if (ids.length === 1) where.push(`campaign.id = ${ids[0]}`);
	else if (ids.length > 1) where.push(`campaign.id IN (${ids.join(', ')})`);
	if (!opts.includeRemoved) where.push("campaign.status != 'REMOVED'");
	const order = opts.perDay ? 'segments.date, campaign.id' : 'campaign.id';
	return `SELECT ${fields.join(', ')} FROM campaign WHERE ${where.join(' AND ')} ORDER BY ${order}`;
}

export interface MetricsRow {
	campaignId: string;
	campaignName: string;
	campaignStatus: string;
	date?: string;
	impressions: number;
	clicks: number;
	cost: number;
	costMicros: string;
	conversions: number;
	/** clicks / impressions (0..1), as Google reports metrics.ctr. */
	ctr: number;
	averageCpc: number;
	averageCpcMicros: string;
}

function num(v: unknown): number {
	const n = Number(v ?? 0);
	return Number.isFinite(n) ? n : 0;
}

/** A searchStream / search row of campaignMetricsQuery → plain numbers, money in units and micros. */
export function fromMetricsRow(row: unknown): MetricsRow {
	const r = (row ?? {}) as Record<string, Record<string, unknown> | undefined>;
	const c = r.campaign ?? {};
	const m = r.metrics ?? {};
	const impressions = num(m.impressions);
	const clicks = num(m.clicks);
	const costMicros = String(m.costMicros ?? '0');
	const ctr = m.ctr !== undefined ? num(m.ctr) : impressions > 0 ? clicks / impressions : 0;
	const avgMicros = m.averageCpc !== undefined ? num(m.averageCpc) : clicks > 0 ? num(costMicros) / clicks : 0;
	const out: MetricsRow = {
		campaignId: String(c.id ?? ''),
		campaignName: String(c.name ?? ''),
		campaignStatus: String(c.status ?? ''),
		impressions,
		clicks,
		cost: fromMicros(costMicros) ?? 0,
		costMicros,
		conversions: num(m.conversions),
		ctr,
		averageCpc: (fromMicros(Math.round(avgMicros)) ?? 0),
		averageCpcMicros: String(Math.round(avgMicros)),
	};
	const date = r.segments?.date;
	if (typeof date === 'string') out.date = date;
	return out;
}

export const CONVERSION_ACTION_FIELDS = [
	'conversion_action.resource_name',
	'conversion_action.id',
	'conversion_action.name',
	'conversion_action.status',
	'conversion_action.type',
	'conversion_action.category',
];

export function conversionActionsQuery(opts: { includeDisabled?: boolean } = {}): string {
	const where = opts.includeDisabled ? "conversion_action.status != 'REMOVED'" : "conversion_action.status = 'ENABLED'";
	return `SELECT ${CONVERSION_ACTION_FIELDS.join(', ')} FROM conversion_action WHERE ${where} ORDER BY conversion_action.name`;
}

export const CUSTOMER_QUERY =
	'SELECT customer.id, customer.descriptive_name, customer.currency_code, customer.time_zone, customer.manager, customer.test_account FROM customer LIMIT 1';

/** A raw GAQL query from the user: a light check that it is a SELECT ... FROM ... (Google checks the rest). */
export function checkRawQuery(query: unknown): string {
	const text = typeof query === 'string' ? query.trim() : '';
	if (!/^select\s.+\sfrom\s+[a-z_]+/is.test(text)) throw new AdsValidationError('query', `must be a GAQL query "SELECT … FROM resource …"; got ${describeValue(query)}`);
	return text;
}

/** Flattens a REST row {campaign:{id}, metrics:{clicks}} into {"campaign.id": …, "metrics.clicks": …}. */
export function flattenRow(row: unknown, prefix = ''): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	if (row === null || typeof row !== 'object' || Array.isArray(row)) {
		out[prefix || 'value'] = row;
		return out;
	}
	for (const [key, value] of Object.entries(row as Record<string, unknown>)) {
		const path = prefix ? `${prefix}.${key}` : key;
		if (value !== null && typeof value === 'object' && !Array.isArray(value)) Object.assign(out, flattenRow(value, path));
		else out[path] = value;
	}
	return out;
}
