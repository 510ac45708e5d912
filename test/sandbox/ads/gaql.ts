// The sandbox's GAQL subset: SELECT / FROM / WHERE / ORDER BY / LIMIT over campaign, campaign_budget,
// metrics, segments.date, conversion_action and customer, as googleAds:search and :searchStream answer it.
import { addDays, type AdsCampaign, adsFailure, type DailyMetrics, err, getPath, type Row, setPath } from './model';
import type { AdsState } from './index';
import { STRUCTURE_SELECTABLE, structureRows } from './structureQueries';

function camelPath(gaqlField: string): string[] {
	return gaqlField.split('.').map((p) => p.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase()));
}

/** GAQL fields the sandbox can select, per FROM resource. */
const SELECTABLE: Record<string, RegExp> = {
	campaign:
		/^(campaign\.(resource_name|id|name|status|advertising_channel_type|bidding_strategy_type|campaign_budget|start_date_time|end_date_time|network_settings\.(target_google_search|target_search_network|target_content_network|target_partner_search_network)|contains_eu_political_advertising|target_cpa\.target_cpa_micros|maximize_conversions\.target_cpa_micros|manual_cpc\.enhanced_cpc_enabled)|campaign_budget\.(resource_name|id|name|amount_micros|period|delivery_method|explicitly_shared|status)|metrics\.(impressions|clicks|cost_micros|conversions|ctr|average_cpc)|segments\.date)$/,
	campaign_budget: /^campaign_budget\.(resource_name|id|name|amount_micros|period|delivery_method|explicitly_shared|status)$/,
	conversion_action: /^conversion_action\.(resource_name|id|name|status|type|category)$/,
	customer: /^customer\.(resource_name|id|descriptive_name|currency_code|time_zone|manager|test_account)$/,
	...STRUCTURE_SELECTABLE,
	customer_client: /^customer_client\.(resource_name|id|descriptive_name|currency_code|time_zone|manager|test_account|level|client_customer)$/,
};

const DURING: Record<string, (today: string) => [string, string]> = {
	TODAY: (t) => [t, t],
	YESTERDAY: (t) => [addDays(t, -1), addDays(t, -1)],
	LAST_7_DAYS: (t) => [addDays(t, -7), addDays(t, -1)],
	LAST_14_DAYS: (t) => [addDays(t, -14), addDays(t, -1)],
	LAST_30_DAYS: (t) => [addDays(t, -30), addDays(t, -1)],
	THIS_MONTH: (t) => [`${t.slice(0, 8)}01`, t],
	LAST_MONTH: (t) => {
		const first = `${t.slice(0, 8)}01`;
		const lastOfPrev = addDays(first, -1);
		return [`${lastOfPrev.slice(0, 8)}01`, lastOfPrev];
	},
	THIS_WEEK_MON_TODAY: (t) => [addDays(t, -((new Date(`${t}T00:00:00Z`).getUTCDay() + 6) % 7)), t],
	THIS_WEEK_SUN_TODAY: (t) => [addDays(t, -new Date(`${t}T00:00:00Z`).getUTCDay()), t],
	LAST_WEEK_MON_SUN: (t) => {
		const monday = addDays(t, -((new Date(`${t}T00:00:00Z`).getUTCDay() + 6) % 7));
		return [addDays(monday, -7), addDays(monday, -1)];
	},
	LAST_WEEK_SUN_SAT: (t) => {
		const sunday = addDays(t, -new Date(`${t}T00:00:00Z`).getUTCDay());
		return [addDays(sunday, -7), addDays(sunday, -1)];
	},
	LAST_BUSINESS_WEEK: (t) => {
		const monday = addDays(t, -((new Date(`${t}T00:00:00Z`).getUTCDay() + 6) % 7));
		return [addDays(monday, -7), addDays(monday, -3)];
	},
};

interface Condition {
	field: string;
	op: string;
	values: string[];
}

export interface ParsedQuery {
	fields: string[];
	resource: string;
	where: Condition[];
	orderBy: Array<{ field: string; desc: boolean }>;
	limit?: number;
}

export function parseQuery(state: AdsState, query: string, version: string): ParsedQuery {
	const fail = (code: string, message: string) => adsFailure(400, [err('queryError', code, message)], version);
	const q = query.replace(/\s+/g, ' ').trim();
	const m = /^SELECT (.+?) FROM ([a-z_]+)(?: WHERE (.+?))?(?: ORDER BY (.+?))?(?: LIMIT (\d+))?$/i.exec(q);
	if (!m) {
		if (!/^SELECT /i.test(q)) throw fail('EXPECTED_SELECT', "Error in query: expected 'SELECT'.");
		if (!/ FROM /i.test(q)) throw fail('EXPECTED_FROM', "Error in query: expected 'FROM'.");
		throw fail('UNEXPECTED_INPUT', `Error in query: unexpected input ${q.slice(0, 40)}.`);
	}
	const resource = m[2];
	const selectable = SELECTABLE[resource];
	if (!selectable) throw fail('BAD_RESOURCE_TYPE_IN_FROM_CLAUSE', `Error in FROM clause: invalid resource name '${resource}' (the sandbox serves ${Object.keys(SELECTABLE).join(', ')}).`);
	const fields = m[1].split(',').map((f) => f.trim());
	for (const f of fields) if (!selectable.test(f)) throw fail('UNRECOGNIZED_FIELD', `Unrecognized field in the query: '${f}'.`);
	const where: Condition[] = [];
	if (m[3]) {
		const parts = m[3].split(/ AND (?=(?:[^']*'[^']*')*[^']*$)/i);
		for (let i = 0; i < parts.length; i++) {
			let part = parts[i].trim();
			// BETWEEN 'a' AND 'b' was split at its AND
			if (/ BETWEEN /i.test(part) && !/ BETWEEN .+ AND /i.test(part) && i + 1 < parts.length) part = `${part} AND ${parts[++i].trim()}`;
			const c =
				/^([a-z_.]+) (=|!=|>=|<=|>|<|IN|NOT IN|DURING|BETWEEN|LIKE) (.+)$/i.exec(part) ??
				(() => {
					throw fail('BAD_OPERATOR', `Error in WHERE clause: cannot read condition '${part}'.`);
				})();
			const [field, opRaw, rest] = [c[1], c[2].toUpperCase(), c[3].trim()];
			if (!selectable.test(field) && !(resource === 'campaign' && field === 'campaign.status')) throw fail('UNRECOGNIZED_FIELD', `Unrecognized field in the query: '${field}'.`);
			let values: string[];
			if (opRaw === 'DURING') {
				if (!DURING[rest]) throw fail('INVALID_VALUE_WITH_DURING_OPERATOR', `Invalid value with DURING operator: ${rest}.`);
				values = [rest];
			} else if (opRaw === 'BETWEEN') {
				const b = /^'(\d{4}-\d{2}-\d{2})' AND '(\d{4}-\d{2}-\d{2})'$/i.exec(rest);
				if (!b) throw fail('INVALID_VALUE_WITH_BETWEEN_OPERATOR', `Invalid value with BETWEEN operator: ${rest}.`);
				values = [b[1], b[2]];
			} else if (opRaw === 'IN' || opRaw === 'NOT IN') {
				const l = /^\((.*)\)$/.exec(rest);
				if (!l) throw fail('EXPECTED_LIST', `Error in WHERE clause: expected a list after ${opRaw}.`);
				values = l[1].split(',').map((v) => v.trim().replace(/^'(.*)'$/, '$1').replace(/^"(.*)"$/, '$1'));
			} else {
				values = [rest.replace(/^'(.*)'$/, '$1').replace(/^"(.*)"$/, '$1')];
			}
			where.push({ field, op: opRaw, values });
		}
	}
	const orderBy = m[4]
		? m[4].split(',').map((o) => {
				const [field, dir] = o.trim().split(/\s+/);
				return { field, desc: /^desc$/i.test(dir ?? '') };
			})
		: [];
	const limit = m[5] ? Number(m[5]) : undefined;
	if (limit !== undefined && limit < 1) throw fail('LIMIT_VALUE_TOO_LOW', 'The LIMIT value must be at least 1.');
	const hasDate = where.some((w) => w.field === 'segments.date' && ['DURING', 'BETWEEN', '=', '>=', '<=', '>', '<', 'IN'].includes(w.op));
	if (fields.includes('segments.date') && !hasDate)
		throw fail('EXPECTED_FILTERS_ON_DATE_RANGE', 'Date range filter on segments.date is required when segments.date is selected.');
	return { fields, resource, where, orderBy, limit };
}

function campaignRow(state: AdsState, c: AdsCampaign): Row {
	const b = state.budgets.get(c.campaignBudget);
	const campaign: Row = { ...c };
	delete campaign.customerId;
	return {
		campaign,
		campaignBudget: b ? { resourceName: b.resourceName, id: b.id, name: b.name, amountMicros: b.amountMicros, period: b.period, deliveryMethod: b.deliveryMethod, explicitlyShared: b.explicitlyShared, status: b.status } : undefined,
	};
}

function dateRange(state: AdsState, where: Condition[]): [string, string] | undefined {
	const c = where.find((w) => w.field === 'segments.date');
	if (!c) return undefined;
	if (c.op === 'DURING') return DURING[c.values[0]](state.todayDate());
	if (c.op === 'BETWEEN') return [c.values[0], c.values[1]];
	if (c.op === '=') return [c.values[0], c.values[0]];
	return undefined;
}

function matches(state: AdsState, row: Row, cond: Condition): boolean {
	if (cond.field === 'segments.date') return true; // applied when building metric rows
	const v = getPath(row, camelPath(cond.field));
	const text = v === undefined || v === null ? '' : String(v);
	switch (cond.op) {
		case '=':
			return text === cond.values[0] || (typeof v === 'boolean' && text === cond.values[0].toLowerCase());
		case '!=':
			return text !== cond.values[0];
		case 'IN':
			return cond.values.includes(text);
		case 'NOT IN':
			return !cond.values.includes(text);
		case 'LIKE':
			return new RegExp(`^${cond.values[0].replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%/g, '.*')}$`).test(text);
		case '>':
			return Number(text) > Number(cond.values[0]);
		case '<':
			return Number(text) < Number(cond.values[0]);
		case '>=':
			return Number(text) >= Number(cond.values[0]);
		case '<=':
			return Number(text) <= Number(cond.values[0]);
		default:
			return true;
	}
}

export function runQuery(state: AdsState, customerId: string, query: string, version: string): { rows: Row[]; fieldMask: string } {
	const q = parseQuery(state, query, version);
	let full: Row[] = [];
	if (q.resource === 'campaign') {
		const wantsMetrics = q.fields.some((f) => f.startsWith('metrics.'));
		const perDay = q.fields.includes('segments.date');
		const range = dateRange(state, q.where);
		for (const c of state.campaignsOf(customerId)) {
			const base = campaignRow(state, c);
			if (!wantsMetrics && !perDay) {
				full.push(base);
				continue;
			}
			const days = [...(state.metrics.get(c.id) ?? new Map<string, DailyMetrics>()).entries()]
				.filter(([d]) => !range || (d >= range[0] && d <= range[1]))
				.sort(([a], [b]) => a.localeCompare(b));
			const groups = perDay ? days.map(([d, m]) => ({ date: d, list: [m] })) : [{ date: undefined, list: days.map(([, m]) => m) }];
			for (const g of groups) {
				const sum = g.list.reduce((s, m) => ({ impressions: s.impressions + m.impressions, clicks: s.clicks + m.clicks, costMicros: s.costMicros + m.costMicros, conversions: s.conversions + m.conversions }), { impressions: 0, clicks: 0, costMicros: 0, conversions: 0 });
				if (sum.impressions === 0 && sum.clicks === 0 && sum.costMicros === 0 && sum.conversions === 0) continue;
				full.push({
					...base,
					metrics: {
						impressions: String(sum.impressions),
						clicks: String(sum.clicks),
						costMicros: String(sum.costMicros),
						conversions: sum.conversions,
						ctr: sum.impressions ? sum.clicks / sum.impressions : 0,
						averageCpc: sum.clicks ? sum.costMicros / sum.clicks : 0,
					},
					...(g.date ? { segments: { date: g.date } } : {}),
				});
			}
		}
	} else if (q.resource in STRUCTURE_SELECTABLE) {
		const wantsMetrics = q.fields.some((f) => f.startsWith('metrics.'));
		full = structureRows(state, customerId, q.resource, { wantsMetrics, perDay: q.fields.includes('segments.date'), range: dateRange(state, q.where) });
	} else if (q.resource === 'campaign_budget') {
		full = state.budgetsOf(customerId).map((b) => ({ campaignBudget: { ...b, customerId: undefined } }));
	} else if (q.resource === 'conversion_action') {
		full = [...state.conversionActions.values()]
			.filter((a) => a.customerId === customerId)
			.map((a) => ({ conversionAction: { resourceName: `customers/${customerId}/conversionActions/${a.id}`, id: a.id, name: a.name, status: a.status, type: a.type, category: a.category } }));
	} else if (q.resource === 'customer_client') {
		const self = state.customers.get(customerId)!;
		const clients = [self, ...[...state.customers.values()].filter((c) => c.managers.includes(customerId))];
		full = clients.map((c) => ({
			customerClient: {
				resourceName: `customers/${customerId}/customerClients/${c.id}`,
				clientCustomer: `customers/${c.id}`,
				id: c.id,
				descriptiveName: c.descriptiveName,
				currencyCode: c.currencyCode,
				timeZone: c.timeZone,
				manager: c.manager,
				testAccount: c.testAccount,
				level: c.id === customerId ? '0' : '1',
			},
		}));
	} else if (q.resource === 'customer') {
		const c = state.customers.get(customerId)!;
		full = [{ customer: { resourceName: `customers/${c.id}`, id: c.id, descriptiveName: c.descriptiveName, currencyCode: c.currencyCode, timeZone: c.timeZone, manager: c.manager, testAccount: c.testAccount } }];
	}
	let rows = full.filter((r) => q.where.every((c) => matches(state, r, c)));
	if (q.orderBy.length) {
		rows = [...rows].sort((a, b) => {
			for (const o of q.orderBy) {
				const va = getPath(a, camelPath(o.field));
				const vb = getPath(b, camelPath(o.field));
				const na = Number(va);
				const nb = Number(vb);
				const cmp = Number.isFinite(na) && Number.isFinite(nb) && va !== '' && vb !== '' ? na - nb : String(va ?? '').localeCompare(String(vb ?? ''));
				if (cmp !== 0) return o.desc ? -cmp : cmp;
			}
			return 0;
		});
	}
	if (q.limit !== undefined) rows = rows.slice(0, q.limit);
	const picked = rows.map((r) => {
		const out: Row = {};
		for (const f of q.fields) {
			const path = camelPath(f);
			const v = getPath(r, path);
			if (v !== undefined) setPath(out, path, v);
		}
		return out;
	});
	return { rows: picked, fieldMask: q.fields.map((f) => camelPath(f).join('.')).join(',') };
}
