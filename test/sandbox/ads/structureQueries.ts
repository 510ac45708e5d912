// GAQL over the structure below campaigns (ad_group, ad_group_criterion, keyword_view,
// search_term_view, ad_group_ad, campaign_criterion, asset_group, language_constant) with daily metrics,
// and geoTargetConstants:suggest. gaql.ts parses the query; this builds the rows it filters and picks.
import type { DailyMetrics, Row } from './model';
import type { AdsState } from './index';
import { GEO_TARGETS, LANGUAGES } from './structureModel';

const METRICS = 'metrics\\.(impressions|clicks|cost_micros|conversions|ctr|average_cpc)|segments\\.date';
const CAMPAIGN = 'campaign\\.(id|name|status|resource_name)';
const AD_GROUP = 'ad_group\\.(resource_name|id|name|status|type|cpc_bid_micros|campaign)';
const CRITERION = 'ad_group_criterion\\.(resource_name|criterion_id|status|type|negative|cpc_bid_micros|keyword\\.(text|match_type))';

const re = (...parts: string[]) => new RegExp(`^(${parts.join('|')})$`);

/** Fields the sandbox can select below campaigns, per FROM resource. */
export const STRUCTURE_SELECTABLE: Record<string, RegExp> = {
	ad_group: re(AD_GROUP, CAMPAIGN, METRICS),
	ad_group_criterion: re(CRITERION, AD_GROUP, CAMPAIGN),
	keyword_view: re('keyword_view\\.resource_name', CRITERION, AD_GROUP, CAMPAIGN, METRICS),
	search_term_view: re('search_term_view\\.(resource_name|search_term|status)', AD_GROUP, CAMPAIGN, METRICS),
	ad_group_ad: re('ad_group_ad\\.(resource_name|status|ad\\.(id|type|final_urls))', AD_GROUP, CAMPAIGN),
	campaign_criterion: re('campaign_criterion\\.(resource_name|criterion_id|type|negative|location\\.geo_target_constant|language\\.language_constant|keyword\\.(text|match_type))', CAMPAIGN),
	asset_group: re('asset_group\\.(resource_name|id|name|status|final_urls|campaign)', CAMPAIGN),
	language_constant: /^language_constant\.(resource_name|id|code|name|targetable)$/,
};

function sum(list: DailyMetrics[]): Row | undefined {
	const s = list.reduce((a, m) => ({ impressions: a.impressions + m.impressions, clicks: a.clicks + m.clicks, costMicros: a.costMicros + m.costMicros, conversions: a.conversions + m.conversions }), { impressions: 0, clicks: 0, costMicros: 0, conversions: 0 });
	if (!s.impressions && !s.clicks && !s.costMicros && !s.conversions) return undefined;
	return { impressions: String(s.impressions), clicks: String(s.clicks), costMicros: String(s.costMicros), conversions: s.conversions, ctr: s.impressions ? s.clicks / s.impressions : 0, averageCpc: s.clicks ? s.costMicros / s.clicks : 0 };
}

/** Rows with metrics: one per base row (and day when perDay), only where something happened. */
function withMetrics(base: Row, daily: Array<[string, DailyMetrics]>, opts: QueryShape): Row[] {
	const days = daily.filter(([d]) => !opts.range || (d >= opts.range[0] && d <= opts.range[1])).sort(([a], [b]) => a.localeCompare(b));
	const groups = opts.perDay ? days.map(([d, m]) => ({ date: d as string | undefined, list: [m] })) : [{ date: undefined, list: days.map(([, m]) => m) }];
	const out: Row[] = [];
	for (const g of groups) {
		const metrics = sum(g.list);
		if (metrics) out.push({ ...base, metrics, ...(g.date ? { segments: { date: g.date } } : {}) });
	}
	return out;
}

export interface QueryShape {
	wantsMetrics: boolean;
	perDay: boolean;
	range?: [string, string];
}

function strip<T extends { customerId: string }>(v: T): Row {
	const out: Row = { ...v };
	delete out.customerId;
	return out;
}

/** The full rows of one FROM resource for a customer, before WHERE / ORDER BY / LIMIT and field picking. */
export function structureRows(state: AdsState, customerId: string, resource: string, opts: QueryShape): Row[] {
	const s = state.structure;
	const campaignOf = (rn: string) => {
		const c = state.campaigns.get(rn);
		return c ? { resourceName: c.resourceName, id: c.id, name: c.name, status: c.status } : {};
	};
	const adGroupRow = (rn: string) => {
		const g = s.adGroups.get(rn);
		return g ? { adGroup: strip(g), campaign: campaignOf(g.campaign) } : { adGroup: {}, campaign: {} };
	};
	const groups = [...s.adGroups.values()].filter((g) => g.customerId === customerId);
	const criteria = [...s.adGroupCriteria.values()].filter((k) => k.customerId === customerId);
	const daily = (m: Map<string, DailyMetrics> | undefined) => [...(m ?? new Map<string, DailyMetrics>()).entries()];
	switch (resource) {
		case 'ad_group':
			return groups.flatMap((g) => {
				const base = adGroupRow(g.resourceName);
				return opts.wantsMetrics || opts.perDay ? withMetrics(base, daily(state.structureMetrics.adGroups.get(g.id)), opts) : [base];
			});
		case 'ad_group_criterion':
			return criteria.map((k) => ({ ...adGroupRow(k.adGroup), adGroupCriterion: strip(k) }));
		case 'keyword_view':
			return criteria.flatMap((k) => {
				const g = s.adGroups.get(k.adGroup);
				const base = { ...adGroupRow(k.adGroup), adGroupCriterion: strip(k), keywordView: { resourceName: `customers/${customerId}/keywordViews/${g?.id}~${k.criterionId}` } };
				return withMetrics(base, daily(state.structureMetrics.keywords.get(`${g?.id}~${k.criterionId}`)), opts);
			});
		case 'search_term_view': {
			const byTerm = new Map<string, { adGroupId: string; searchTerm: string; status: string; days: Array<[string, DailyMetrics]> }>();
			for (const t of state.structureMetrics.searchTerms) {
				const key = `${t.adGroupId}~${t.searchTerm}`;
				if (!byTerm.has(key)) byTerm.set(key, { adGroupId: t.adGroupId, searchTerm: t.searchTerm, status: t.status, days: [] });
				byTerm.get(key)!.days.push([t.date, t.metrics]);
			}
			return [...byTerm.values()].flatMap((t) => {
				const g = groups.find((x) => x.id === t.adGroupId);
				if (!g) return [];
				const base = { ...adGroupRow(g.resourceName), searchTermView: { resourceName: `customers/${customerId}/searchTermViews/${g.campaign.split('/').pop()}~${g.id}~${Buffer.from(t.searchTerm).toString('base64url')}`, searchTerm: t.searchTerm, status: t.status } };
				return withMetrics(base, t.days, opts);
			});
		}
		case 'ad_group_ad':
			return [...s.adGroupAds.values()].filter((a) => a.customerId === customerId).map((a) => ({ ...adGroupRow(a.adGroup), adGroupAd: strip(a) }));
		case 'campaign_criterion':
			return [...s.campaignCriteria.values()].filter((c) => c.customerId === customerId).map((c) => ({ campaign: campaignOf(c.campaign), campaignCriterion: strip(c) }));
		case 'asset_group':
			return [...s.assetGroups.values()].filter((g) => g.customerId === customerId).map((g) => ({ campaign: campaignOf(g.campaign), assetGroup: strip(g) }));
		case 'language_constant':
			return LANGUAGES.map((l) => ({ languageConstant: { resourceName: `languageConstants/${l.id}`, id: l.id, code: l.code, name: l.name, targetable: true } }));
		default:
			return [];
	}
}

/** geoTargetConstants:suggest {locale, countryCode?, locationNames: {names}} → suggestions by name prefix. */
export function suggestGeoTargets(body: Row): Row {
	const names = (((body.locationNames as Row | undefined)?.names as string[] | undefined) ?? []).map((n) => n.toLowerCase().trim());
	const country = typeof body.countryCode === 'string' ? body.countryCode.toUpperCase() : undefined;
	const aliases: Record<string, string> = { münchen: 'munich', deutschland: 'germany', österreich: 'austria' };
	const found = GEO_TARGETS.filter((g) => (!country || g.countryCode === country) && names.some((n) => g.name.toLowerCase().startsWith(aliases[n] ?? n) || g.canonicalName.toLowerCase().includes(aliases[n] ?? n)));
	return {
		geoTargetConstantSuggestions: found.map((g) => ({
			locale: String(body.locale ?? 'en'),
			reach: g.reach,
			searchTerm: names[0],
			geoTargetConstant: { resourceName: `geoTargetConstants/${g.id}`, id: g.id, name: g.name, countryCode: g.countryCode, targetType: g.targetType, status: 'ENABLED', canonicalName: g.canonicalName },
		})),
	};
}
