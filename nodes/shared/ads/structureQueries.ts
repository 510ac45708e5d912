// GAQL for what lives below a campaign: ad groups, keywords, ads, metrics per ad group / keyword /
// search term (optionally per day), languages; the geo target suggestion body; rows → plain items. Pure.
import { AdsValidationError, describeValue } from './errors';
import { normalizeNumericId } from './customerId';
import { dateCondition, fromMetricsRow, METRIC_FIELDS, type DateRange } from './gaql';
import { fromMicros } from './campaign';

const STATUSES = ['ENABLED', 'PAUSED', 'REMOVED'] as const;

function ids(values: unknown, field: string, kind: string): string[] {
	const list = values === undefined || values === null || values === '' ? [] : Array.isArray(values) ? values : String(values).split(',');
	return list.map((v) => (typeof v === 'string' ? v.trim() : v)).filter((v) => v !== '' && v !== undefined && v !== null).map((v) => normalizeNumericId(v, field, kind));
}

function idCondition(field: string, list: string[]): string | undefined {
	if (list.length === 0) return undefined;
	return list.length === 1 ? `${field} = ${list[0]}` : `${field} IN (${list.join(', ')})`;
}

function statusCondition(field: string, statuses: readonly string[] | undefined): string {
	const list = (statuses ?? []).map((s) => String(s).toUpperCase());
	for (const s of list) if (!(STATUSES as readonly string[]).includes(s)) throw new AdsValidationError('statuses', `must be among ${STATUSES.join(', ')}; got ${describeValue(s)}`);
	if (list.length === 0) return `${field} != 'REMOVED'`;
	return list.length === 1 ? `${field} = '${list[0]}'` : `${field} IN (${list.map((s) => `'${s}'`).join(', ')})`;
}

export interface Scope {
	campaignIds?: unknown;
	adGroupIds?: unknown;
	statuses?: readonly string[];
}

function where(resourceStatus: string, scope: Scope): string {
	const parts = [statusCondition(resourceStatus, scope.statuses)];
	const c = idCondition('campaign.id', ids(scope.campaignIds, 'campaignId', 'campaign'));
	const g = idCondition('ad_group.id', ids(scope.adGroupIds, 'adGroupId', 'ad group'));
	if (c) parts.push(c);
	if (g) parts.push(g);
	return parts.join(' AND ');
}

export const AD_GROUP_FIELDS = ['ad_group.resource_name', 'ad_group.id', 'ad_group.name', 'ad_group.status', 'ad_group.type', 'ad_group.cpc_bid_micros', 'campaign.id'];
export const KEYWORD_FIELDS = [
	'ad_group_criterion.resource_name',
	'ad_group_criterion.criterion_id',
	'ad_group_criterion.status',
	'ad_group_criterion.keyword.text',
	'ad_group_criterion.keyword.match_type',
	'ad_group_criterion.cpc_bid_micros',
	'ad_group_criterion.negative',
	'ad_group.id',
	'campaign.id',
];
export const AD_FIELDS = ['ad_group_ad.resource_name', 'ad_group_ad.ad.id', 'ad_group_ad.ad.type', 'ad_group_ad.status', 'ad_group_ad.ad.final_urls', 'ad_group.id', 'campaign.id'];

export function adGroupListQuery(scope: Scope = {}): string {
	return `SELECT ${AD_GROUP_FIELDS.join(', ')} FROM ad_group WHERE ${where('ad_group.status', scope)} ORDER BY ad_group.id`;
}

export function keywordListQuery(scope: Scope = {}): string {
	return `SELECT ${KEYWORD_FIELDS.join(', ')} FROM ad_group_criterion WHERE ad_group_criterion.type = 'KEYWORD' AND ${where('ad_group_criterion.status', scope)} ORDER BY ad_group_criterion.criterion_id`;
}

export function adListQuery(scope: Scope = {}): string {
	return `SELECT ${AD_FIELDS.join(', ')} FROM ad_group_ad WHERE ${where('ad_group_ad.status', scope)} ORDER BY ad_group_ad.ad.id`;
}

export const LANGUAGES_QUERY = 'SELECT language_constant.id, language_constant.code, language_constant.name, language_constant.targetable FROM language_constant WHERE language_constant.targetable = TRUE ORDER BY language_constant.name';

export type MetricsLevel = 'adGroup' | 'keyword' | 'searchTerm';

const LEVELS: Record<MetricsLevel, { from: string; fields: string[] }> = {
	adGroup: { from: 'ad_group', fields: ['campaign.id', 'ad_group.id', 'ad_group.name'] },
	keyword: { from: 'keyword_view', fields: ['campaign.id', 'ad_group.id', 'ad_group_criterion.criterion_id', 'ad_group_criterion.keyword.text', 'ad_group_criterion.keyword.match_type'] },
	searchTerm: { from: 'search_term_view', fields: ['campaign.id', 'ad_group.id', 'search_term_view.search_term', 'search_term_view.status'] },
};

export function structureMetricsQuery(level: MetricsLevel, opts: { range: DateRange; perDay?: boolean } & Scope): string {
	const l = LEVELS[level];
	if (!l) throw new AdsValidationError('level', `must be adGroup, keyword or searchTerm; got ${describeValue(level)}`);
	const fields = [...l.fields, ...METRIC_FIELDS];
	if (opts.perDay) fields.push('segments.date');
	const parts = [dateCondition(opts.range)];
	const c = idCondition('campaign.id', ids(opts.campaignIds, 'campaignId', 'campaign'));
	const g = idCondition('ad_group.id', ids(opts.adGroupIds, 'adGroupId', 'ad group'));
	if (c) parts.push(c);
	if (g) parts.push(g);
	const order = opts.perDay ? 'segments.date, ad_group.id' : 'ad_group.id';
	return `SELECT ${fields.join(', ')} FROM ${l.from} WHERE ${parts.join(' AND ')} ORDER BY ${order}`;
}

type Row = Record<string, Record<string, unknown> | undefined>;
const str = (v: unknown) => (v === undefined || v === null ? '' : String(v));
const money = (v: unknown) => (v === undefined || v === null ? null : fromMicros(v));

export function fromAdGroupRow(row: unknown) {
	const r = (row ?? {}) as Row;
	const g = r.adGroup ?? {};
	return { id: str(g.id), resourceName: str(g.resourceName), name: str(g.name), status: str(g.status), type: str(g.type), cpcBid: money(g.cpcBidMicros), campaignId: str(r.campaign?.id) };
}

export function fromKeywordRow(row: unknown) {
	const r = (row ?? {}) as Row;
	const c = r.adGroupCriterion ?? {};
	const kw = (c.keyword ?? {}) as Record<string, unknown>;
	const adGroupId = str(r.adGroup?.id);
	return { id: `${adGroupId}~${str(c.criterionId)}`, criterionId: str(c.criterionId), resourceName: str(c.resourceName), text: str(kw.text), matchType: str(kw.matchType), status: str(c.status), cpcBid: money(c.cpcBidMicros), adGroupId, campaignId: str(r.campaign?.id) };
}

export function fromAdRow(row: unknown) {
	const r = (row ?? {}) as Row;
	const a = r.adGroupAd ?? {};
	const ad = (a.ad ?? {}) as Record<string, unknown>;
	const adGroupId = str(r.adGroup?.id);
	return { id: `${adGroupId}~${str(ad.id)}`, adId: str(ad.id), resourceName: str(a.resourceName), type: str(ad.type), status: str(a.status), finalUrls: Array.isArray(ad.finalUrls) ? ad.finalUrls.map(String) : [], adGroupId, campaignId: str(r.campaign?.id) };
}

/** A metrics row of structureMetricsQuery → ids of its level, plain numbers, money in units and micros. */
export function fromStructureMetricsRow(level: MetricsLevel, row: unknown) {
	const r = (row ?? {}) as Row;
	const metrics: Record<string, unknown> = { ...fromMetricsRow(r) };
	const base: Record<string, unknown> = { campaignId: metrics.campaignId, adGroupId: str(r.adGroup?.id) };
	for (const key of ['campaignId', 'campaignName', 'campaignStatus']) delete metrics[key];
	if (level === 'adGroup') base.adGroupName = str(r.adGroup?.name);
	if (level === 'keyword') {
		const c = r.adGroupCriterion ?? {};
		const kw = (c.keyword ?? {}) as Record<string, unknown>;
		Object.assign(base, { criterionId: str(c.criterionId), keyword: str(kw.text), matchType: str(kw.matchType) });
	}
	if (level === 'searchTerm') Object.assign(base, { searchTerm: str(r.searchTermView?.searchTerm), searchTermStatus: str(r.searchTermView?.status) });
	return { ...base, ...metrics };
}

/** The body of geoTargetConstants:suggest for a location name typed in the dropdown's search box. */
export function geoSuggestBody(name: string, opts: { locale?: string; countryCode?: string } = {}): Record<string, unknown> {
	const text = name.trim();
	if (!text) throw new AdsValidationError('location', 'type a place name to search for');
	const body: Record<string, unknown> = { locale: opts.locale || 'en', locationNames: { names: [text] } };
	if (opts.countryCode) body.countryCode = opts.countryCode.toUpperCase();
	return body;
}
