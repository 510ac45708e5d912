// Google Ads REST and the Data Manager API as the sandbox serves them (google-facts.md, Google Ads).
// State: customers (direct and manager-linked), budgets, campaigns, daily metrics, conversion actions,
// uploaded conversions and ingested events. Behaviour: developer-token and login-customer-id checks,
// sunset versions, a GAQL subset (SELECT / FROM / WHERE / ORDER BY / LIMIT over campaign,
// campaign_budget, metrics, segments.date, conversion_action, customer), googleAds:search and
// :searchStream, googleAds:mutate with temporary resource names, validation answered as
// GoogleAdsFailure with field paths, atomicity and partial failure, uploadClickConversions with
// partialFailureError, listAccessibleCustomers, and events:ingest. Unknown JSON fields are refused as
// Google does, checked against Google's own protos / discovery types (adsSchemas.ts).
import { randomBytes } from 'node:crypto';
import { SandboxError, type GoogleSandbox, type SandboxRequest } from './server';
import type { OAuthState } from './oauth';
import { adsSchemas, dataManagerSchemas, snake, unknownFields } from './adsSchemas';

export const ADWORDS_SCOPE = 'https://www.googleapis.com/auth/adwords';
export const DATAMANAGER_SCOPE = 'https://www.googleapis.com/auth/datamanager';
export const ADS_HOST = 'googleads.googleapis.com';
export const DATAMANAGER_HOST = 'datamanager.googleapis.com';

export interface AdsCustomer {
	id: string;
	descriptiveName: string;
	currencyCode: string;
	timeZone: string;
	manager: boolean;
	testAccount: boolean;
	/** Manager accounts that manage this one. */
	managers: string[];
	/** Google users with direct access. */
	users: string[];
	/** Whether the legacy uploadClickConversions is still allowed (allow-listed before 2026-06-15). */
	legacyUploadAllowed: boolean;
}

export interface AdsBudget {
	id: string;
	customerId: string;
	resourceName: string;
	name: string;
	amountMicros: string;
	period: string;
	deliveryMethod: string;
	explicitlyShared: boolean;
	status: 'ENABLED' | 'REMOVED';
}

export interface AdsCampaign {
	id: string;
	customerId: string;
	resourceName: string;
	name: string;
	status: string;
	advertisingChannelType: string;
	campaignBudget: string;
	biddingStrategyType: string;
	manualCpc?: Record<string, unknown>;
	targetSpend?: Record<string, unknown>;
	maximizeConversions?: Record<string, unknown>;
	targetCpa?: Record<string, unknown>;
	networkSettings?: Record<string, boolean>;
	startDateTime: string;
	endDateTime: string;
	containsEuPoliticalAdvertising: string;
}

export interface DailyMetrics {
	impressions: number;
	clicks: number;
	costMicros: number;
	conversions: number;
}

export interface AdsConversionAction {
	id: string;
	customerId: string;
	name: string;
	status: 'ENABLED' | 'REMOVED' | 'HIDDEN';
	type: string;
	category: string;
}

export interface AdsFailureError {
	errorCode: Record<string, string>;
	message: string;
	location?: { fieldPathElements: Array<{ fieldName: string; index?: number }> };
	trigger?: { stringValue: string };
}

const ERROR_STATUS: Record<number, string> = { 400: 'INVALID_ARGUMENT', 401: 'UNAUTHENTICATED', 403: 'PERMISSION_DENIED', 404: 'NOT_FOUND', 501: 'UNIMPLEMENTED' };

/** Google Ads' error body: GoogleAdsFailure in details, field paths in snake_case. */
export function adsFailure(status: number, errors: AdsFailureError[], version = 'v26', message?: string): SandboxError {
	const text =
		message ??
		(status === 401
			? 'Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential.'
			: status === 403
				? "The caller does not have permission"
				: 'Request contains an invalid argument.');
	return new SandboxError(status, {
		error: {
			code: status,
			message: text,
			status: ERROR_STATUS[status] ?? 'UNKNOWN',
			details: [
				{
					'@type': `type.googleapis.com/google.ads.googleads.${version}.errors.GoogleAdsFailure`,
					errors,
					requestId: randomBytes(11).toString('base64url'),
				},
			],
		},
	});
}

type Path = Array<string | number>;

/** ['mutateOperations', 1, 'campaignOperation', 'create', 'name'] → fieldPathElements (snake_case). */
export function fieldPath(path: Path): { fieldPathElements: Array<{ fieldName: string; index?: number }> } {
	const out: Array<{ fieldName: string; index?: number }> = [];
	for (const p of path) {
		if (typeof p === 'number') out[out.length - 1].index = p;
		else out.push({ fieldName: snake(p) });
	}
	return { fieldPathElements: out };
}

function err(family: string, code: string, message: string, path?: Path, trigger?: string): AdsFailureError {
	const e: AdsFailureError = { errorCode: { [family]: code }, message };
	if (path) e.location = fieldPath(path);
	if (trigger !== undefined) e.trigger = { stringValue: trigger };
	return e;
}

/** Google's REST answer to a JSON key it does not know. */
function unknownNameError(unknown: { path: string; key: string }[]): SandboxError {
	const first = unknown[0];
	const at = first.path.includes('.') ? first.path.slice(0, first.path.lastIndexOf('.')) : '';
	const message = `Invalid JSON payload received. Unknown name "${first.key}"${at ? ` at '${at.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}'` : ''}: Cannot find field.`;
	return new SandboxError(400, {
		error: {
			code: 400,
			message,
			status: 'INVALID_ARGUMENT',
			details: [
				{
					'@type': 'type.googleapis.com/google.rpc.BadRequest',
					fieldViolations: unknown.map((u) => ({ field: u.path, description: `Invalid JSON payload received. Unknown name "${u.key}": Cannot find field.` })),
				},
			],
		},
	});
}

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;
const NO_END = '2037-12-30 23:59:59';

function validDateTime(text: string): boolean {
	const m = DATE_TIME.exec(text);
	if (!m) return false;
	const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]));
	return d.getUTCFullYear() === +m[1] && d.getUTCMonth() === +m[2] - 1 && d.getUTCDate() === +m[3] && +m[4] < 24 && +m[5] < 60 && +m[6] < 60;
}

function isoDate(d: Date): string {
	return d.toISOString().slice(0, 10);
}

function addDays(date: string, n: number): string {
	const d = new Date(`${date}T00:00:00Z`);
	d.setUTCDate(d.getUTCDate() + n);
	return isoDate(d);
}

type Row = Record<string, unknown>;

function getPath(obj: unknown, path: string[]): unknown {
	let cur = obj;
	for (const p of path) {
		if (cur === null || typeof cur !== 'object') return undefined;
		cur = (cur as Row)[p];
	}
	return cur;
}

function setPath(obj: Row, path: string[], value: unknown) {
	let cur = obj;
	for (const p of path.slice(0, -1)) {
		if (cur[p] === null || typeof cur[p] !== 'object') cur[p] = {};
		cur = cur[p] as Row;
	}
	cur[path[path.length - 1]] = value;
}

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

interface ParsedQuery {
	fields: string[];
	resource: string;
	where: Condition[];
	orderBy: Array<{ field: string; desc: boolean }>;
	limit?: number;
}

export class AdsState {
	/** Versions Google serves; older ones answer "Version vNN is deprecated". */
	liveVersions = new Set(['v23', 'v24', 'v25', 'v26']);
	/** Developer tokens and their access level. */
	developerTokens = new Map<string, 'basic' | 'test'>([
		['sandbox-dev-token', 'basic'],
		['sandbox-test-token', 'test'],
	]);
	readonly customers = new Map<string, AdsCustomer>();
	readonly budgets = new Map<string, AdsBudget>();
	readonly campaigns = new Map<string, AdsCampaign>();
	/** campaign id → date → metrics. */
	readonly metrics = new Map<string, Map<string, DailyMetrics>>();
	readonly conversionActions = new Map<string, AdsConversionAction>();
	/** Conversions accepted by uploadClickConversions. */
	readonly uploadedConversions: Array<Record<string, unknown> & { customerId: string }> = [];
	/** Events accepted by Data Manager events:ingest (one entry per event and destination). */
	readonly ingestedEvents: Array<{ requestId: string; customerId: string; conversionActionId: string; event: Record<string, unknown> }> = [];
	/** Click ids Google cannot decode (answered UNPARSEABLE_GCLID / INVALID_GCLID). */
	readonly badClickIds = new Set<string>();
	/** Rows per googleAds:search page (Google: 10,000). */
	pageSize = 10_000;
	/** Rows per searchStream batch (Google: 10,000). */
	streamBatchSize = 10_000;
	/** "Today" in the account's time zone, for DURING presets (default: the real UTC date). */
	today?: string;
	private nextId = 9_000_000_001;

	constructor(readonly oauth: OAuthState) {
		const rep = oauth.defaultUser.email;
		this.addCustomer({ id: '1112223333', descriptiveName: 'Acme Manager', manager: true, users: [rep] });
		this.addCustomer({ id: '1234567890', descriptiveName: 'Acme CRM Ads', managers: ['1112223333'], users: [] });
		this.addCustomer({ id: '5556667777', descriptiveName: 'Acme Direct', users: [rep], currencyCode: 'USD', legacyUploadAllowed: false });
		this.addConversionAction('1234567890', { id: '7001', name: 'CRM deal won', type: 'UPLOAD_CLICKS', category: 'PURCHASE' });
		this.addConversionAction('1234567890', { id: '7002', name: 'Qualified lead', type: 'UPLOAD_CLICKS', category: 'QUALIFIED_LEAD' });
		this.addConversionAction('1234567890', { id: '7003', name: 'Old form fill', type: 'UPLOAD_CLICKS', category: 'SUBMIT_LEAD_FORM', status: 'REMOVED' });
		this.addConversionAction('5556667777', { id: '8001', name: 'Direct purchase', type: 'UPLOAD_CLICKS', category: 'PURCHASE' });
	}

	addCustomer(c: Partial<AdsCustomer> & { id: string; descriptiveName: string }): AdsCustomer {
		const full: AdsCustomer = {
			currencyCode: 'EUR',
			timeZone: 'Europe/Berlin',
			manager: false,
			testAccount: false,
			managers: [],
			users: [],
			legacyUploadAllowed: true,
			...c,
		};
		this.customers.set(full.id, full);
		return full;
	}

	addConversionAction(customerId: string, a: Partial<AdsConversionAction> & { id: string; name: string }): AdsConversionAction {
		const full: AdsConversionAction = { customerId, status: 'ENABLED', type: 'UPLOAD_CLICKS', category: 'DEFAULT', ...a };
		this.conversionActions.set(`${customerId}/${full.id}`, full);
		return full;
	}

	/** Daily metrics for a campaign (tests seed what the report must sum). */
	setMetrics(campaignId: string, date: string, m: DailyMetrics): void {
		let byDate = this.metrics.get(campaignId);
		if (!byDate) this.metrics.set(campaignId, (byDate = new Map()));
		byDate.set(date, m);
	}

	campaignsOf(customerId: string): AdsCampaign[] {
		return [...this.campaigns.values()].filter((c) => c.customerId === customerId);
	}

	budgetsOf(customerId: string): AdsBudget[] {
		return [...this.budgets.values()].filter((b) => b.customerId === customerId);
	}

	todayDate(): string {
		return this.today ?? isoDate(new Date());
	}

	private newId(): string {
		return String(this.nextId++);
	}

	// ----------------------------------------------------------------------------------------------
	// Request checks

	/** Version, OAuth scope, developer token, customer access with login-customer-id. */
	begin(req: SandboxRequest, customerId?: string): { version: string; email: string } {
		const version = req.params.version;
		if (!this.liveVersions.has(version)) {
			const n = Number(version.slice(1));
			if (n > 0 && n < Math.min(...[...this.liveVersions].map((v) => Number(v.slice(1)))))
				throw adsFailure(400, [err('requestError', 'UNKNOWN', ` Version ${version} is deprecated. Requests to this version will be blocked.`)], version);
			throw new SandboxError(404, '<!DOCTYPE html><html><title>Error 404 (Not Found)!!1</title><p>The requested URL was not found on this server.</p></html>', {
				'content-type': 'text/html; charset=UTF-8',
			});
		}
		const token = this.oauth.authorize(req, [ADWORDS_SCOPE]);
		const dev = req.headers['developer-token'];
		if (typeof dev !== 'string' || dev === '') throw adsFailure(400, [err('requestError', 'DEVELOPER_TOKEN_PARAMETER_MISSING', 'developer-token parameter is missing.')], version);
		const level = this.developerTokens.get(dev);
		if (!level) throw adsFailure(401, [err('authenticationError', 'DEVELOPER_TOKEN_INVALID', 'The developer token is not valid.')], version);
		const login = req.headers['login-customer-id'];
		if (customerId !== undefined) {
			const customer = this.customers.get(customerId);
			const email = token.user.email;
			if (typeof login === 'string' && login !== '') {
				if (!/^\d{10}$/.test(login)) throw adsFailure(400, [err('headerError', 'INVALID_LOGIN_CUSTOMER_ID', 'The login customer ID could not be validated.')], version);
				const manager = this.customers.get(login);
				if (!manager || !manager.users.includes(email))
					throw adsFailure(403, [err('authorizationError', 'USER_PERMISSION_DENIED', "User doesn't have permission to access customer. Note: If you're accessing a client customer, the manager's customer id must be set in the 'login-customer-id' header. See https://developers.google.com/google-ads/api/docs/concepts/call-structure#cid")], version);
				if (!customer || (login !== customerId && !customer.managers.includes(login)))
					throw adsFailure(403, [err('authorizationError', 'INVALID_LOGIN_CUSTOMER_ID_SERVING_CUSTOMER_ID_COMBINATION', 'The customer specified in login-customer-id does not manage the customer being accessed.')], version);
			} else if (!customer || !customer.users.includes(email)) {
				throw adsFailure(403, [err('authorizationError', 'USER_PERMISSION_DENIED', "User doesn't have permission to access customer. Note: If you're accessing a client customer, the manager's customer id must be set in the 'login-customer-id' header. See https://developers.google.com/google-ads/api/docs/concepts/call-structure#cid")], version);
			}
			if (level === 'test' && !customer.testAccount)
				throw adsFailure(403, [err('authorizationError', 'DEVELOPER_TOKEN_NOT_APPROVED', 'The developer token is only approved for use with test accounts. To access non-test accounts, apply for Basic or Standard access.')], version);
		}
		return { version, email: token.user.email };
	}

	// ----------------------------------------------------------------------------------------------
	// GAQL

	parseQuery(query: string, version: string): ParsedQuery {
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

	private campaignRow(c: AdsCampaign): Row {
		const b = this.budgets.get(c.campaignBudget);
		const campaign: Row = { ...c };
		delete campaign.customerId;
		return {
			campaign,
			campaignBudget: b ? { resourceName: b.resourceName, id: b.id, name: b.name, amountMicros: b.amountMicros, period: b.period, deliveryMethod: b.deliveryMethod, explicitlyShared: b.explicitlyShared, status: b.status } : undefined,
		};
	}

	private dateRange(where: Condition[]): [string, string] | undefined {
		const c = where.find((w) => w.field === 'segments.date');
		if (!c) return undefined;
		if (c.op === 'DURING') return DURING[c.values[0]](this.todayDate());
		if (c.op === 'BETWEEN') return [c.values[0], c.values[1]];
		if (c.op === '=') return [c.values[0], c.values[0]];
		return undefined;
	}

	private matches(row: Row, cond: Condition): boolean {
		if (cond.field === 'segments.date') return true; // applied when building metric rows
		const v = getPath(row, camelPath(cond.field));
		const text = v === undefined || v === null ? '' : String(v);
		switch (cond.op) {
			case '=':
				return text === cond.values[0];
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

	runQuery(customerId: string, query: string, version: string): { rows: Row[]; fieldMask: string } {
		const q = this.parseQuery(query, version);
		let full: Row[] = [];
		if (q.resource === 'campaign') {
			const wantsMetrics = q.fields.some((f) => f.startsWith('metrics.'));
			const perDay = q.fields.includes('segments.date');
			const range = this.dateRange(q.where);
			for (const c of this.campaignsOf(customerId)) {
				const base = this.campaignRow(c);
				if (!wantsMetrics && !perDay) {
					full.push(base);
					continue;
				}
				const days = [...(this.metrics.get(c.id) ?? new Map<string, DailyMetrics>()).entries()]
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
		} else if (q.resource === 'campaign_budget') {
			full = this.budgetsOf(customerId).map((b) => ({ campaignBudget: { ...b, customerId: undefined } }));
		} else if (q.resource === 'conversion_action') {
			full = [...this.conversionActions.values()]
				.filter((a) => a.customerId === customerId)
				.map((a) => ({ conversionAction: { resourceName: `customers/${customerId}/conversionActions/${a.id}`, id: a.id, name: a.name, status: a.status, type: a.type, category: a.category } }));
		} else if (q.resource === 'customer_client') {
			const self = this.customers.get(customerId)!;
			const clients = [self, ...[...this.customers.values()].filter((c) => c.managers.includes(customerId))];
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
			const c = this.customers.get(customerId)!;
			full = [{ customer: { resourceName: `customers/${c.id}`, id: c.id, descriptiveName: c.descriptiveName, currencyCode: c.currencyCode, timeZone: c.timeZone, manager: c.manager, testAccount: c.testAccount } }];
		}
		let rows = full.filter((r) => q.where.every((c) => this.matches(r, c)));
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

	// ----------------------------------------------------------------------------------------------
	// Mutate

	private validateBudget(b: Row, path: Path, errors: AdsFailureError[], forCreate: boolean, customerId: string, pendingNames: Set<string>, selfResource?: string) {
		if (forCreate || b.name !== undefined) {
			const name = typeof b.name === 'string' ? b.name.trim() : '';
			if (!name) errors.push(err('fieldError', 'REQUIRED', 'The required field was not present.', [...path, 'name']));
			else if (this.budgetsOf(customerId).some((x) => x.status !== 'REMOVED' && x.name === name && x.resourceName !== selfResource) || pendingNames.has(name))
				errors.push(err('campaignBudgetError', 'DUPLICATE_NAME', 'Budget name already exists.', [...path, 'name'], name));
			else pendingNames.add(name);
		}
		if (forCreate || b.amountMicros !== undefined) {
			const raw = b.amountMicros;
			const micros = typeof raw === 'string' && /^-?\d+$/.test(raw) ? Number(raw) : typeof raw === 'number' ? raw : NaN;
			if (raw === undefined) errors.push(err('fieldError', 'REQUIRED', 'The required field was not present.', [...path, 'amount_micros']));
			else if (!Number.isInteger(micros)) errors.push(err('fieldError', 'INVALID_VALUE', 'The field is not valid.', [...path, 'amountMicros'], String(raw)));
			else if (micros < 0) errors.push(err('campaignBudgetError', 'NEGATIVE_MONEY_AMOUNT', 'Money amount is negative.', [...path, 'amountMicros'], String(raw)));
			else if (micros === 0) errors.push(err('campaignBudgetError', 'MONEY_AMOUNT_LESS_THAN_CURRENCY_MINIMUM_CPC', 'Money amount is less than the minimum CPC for currency.', [...path, 'amountMicros'], String(raw)));
			else if (micros % 10_000 !== 0) errors.push(err('campaignBudgetError', 'NON_MULTIPLE_OF_MINIMUM_CURRENCY_UNIT', 'Money amount is not a multiple of the minimum unit of the currency.', [...path, 'amountMicros'], String(raw)));
		}
		if (b.period !== undefined && b.period !== 'DAILY') errors.push(err('campaignBudgetError', 'INVALID_PERIOD', 'Invalid budget period.', [...path, 'period'], String(b.period)));
		if (b.deliveryMethod !== undefined && !['STANDARD', 'ACCELERATED'].includes(String(b.deliveryMethod)))
			errors.push(err('fieldError', 'INVALID_VALUE', 'The field is not valid.', [...path, 'deliveryMethod'], String(b.deliveryMethod)));
	}

	private static BIDDING_KEYS: Record<string, string> = { manualCpc: 'MANUAL_CPC', targetSpend: 'TARGET_SPEND', maximizeConversions: 'MAXIMIZE_CONVERSIONS', targetCpa: 'TARGET_CPA' };

	private validateCampaignFields(c: Row, path: Path, errors: AdsFailureError[], forCreate: boolean) {
		if (forCreate || c.name !== undefined) {
			if (typeof c.name !== 'string' || !c.name.trim()) errors.push(err('fieldError', 'REQUIRED', 'The required field was not present.', [...path, 'name']));
		}
		if (c.status !== undefined && !['ENABLED', 'PAUSED'].includes(String(c.status)))
			errors.push(err('fieldError', 'INVALID_VALUE', 'The field is not valid.', [...path, 'status'], String(c.status)));
		if (forCreate) {
			if (c.advertisingChannelType === undefined) errors.push(err('fieldError', 'REQUIRED', 'The required field was not present.', [...path, 'advertisingChannelType']));
			else if (!['SEARCH', 'DISPLAY', 'PERFORMANCE_MAX', 'SHOPPING', 'DEMAND_GEN', 'VIDEO'].includes(String(c.advertisingChannelType)))
				errors.push(err('fieldError', 'INVALID_VALUE', 'The field is not valid.', [...path, 'advertisingChannelType'], String(c.advertisingChannelType)));
			if (c.containsEuPoliticalAdvertising === undefined)
				errors.push(err('mutateError', 'EU_POLITICAL_ADVERTISING_DECLARATION_REQUIRED', 'The field contains_eu_political_advertising must be set when creating a campaign.', [...path, 'containsEuPoliticalAdvertising']));
			const schemes = Object.keys(AdsState.BIDDING_KEYS).filter((k) => c[k] !== undefined);
			if (schemes.length === 0) errors.push(err('fieldError', 'REQUIRED', 'A bidding strategy is required.', [...path, 'campaignBiddingStrategy']));
			if (c.advertisingChannelType === 'PERFORMANCE_MAX' && (c.manualCpc !== undefined || c.targetSpend !== undefined))
				errors.push(err('biddingError', 'INVALID_BIDDING_STRATEGY_TYPE', 'Bidding strategy type is incompatible with the campaign type.', [...path, c.manualCpc !== undefined ? 'manualCpc' : 'targetSpend']));
			if (c.networkSettings !== undefined && !['SEARCH', 'DISPLAY'].includes(String(c.advertisingChannelType)))
				errors.push(err('fieldError', 'VALUE_MUST_BE_UNSET', 'The field must not be set for this campaign type.', [...path, 'networkSettings']));
		}
		const schemes = Object.keys(AdsState.BIDDING_KEYS).filter((k) => c[k] !== undefined);
		if (schemes.length > 1) errors.push(err('fieldError', 'INVALID_VALUE', 'Only one bidding scheme may be set.', [...path, schemes[1]]));
		for (const k of ['targetCpa', 'maximizeConversions']) {
			const micros = (c[k] as Row | undefined)?.targetCpaMicros;
			if (micros !== undefined && !(Number(micros) > 0)) errors.push(err('rangeError', 'TOO_LOW', 'Too low.', [...path, k, 'targetCpaMicros'], String(micros)));
			else if (k === 'targetCpa' && c[k] !== undefined && micros === undefined) errors.push(err('fieldError', 'REQUIRED', 'The required field was not present.', [...path, k, 'targetCpaMicros']));
		}
		for (const k of ['startDateTime', 'endDateTime']) {
			if (c[k] === undefined) continue;
			const v = String(c[k]);
			if (!validDateTime(v)) errors.push(err('dateError', 'INVALID_STRING_DATE_TIME_SECONDS', 'The string date time is not valid (yyyy-MM-dd HH:mm:ss).', [...path, k], v));
			else if (k === 'startDateTime' && !v.endsWith('00:00:00'))
				errors.push(err('dateError', 'DATE_RANGE_ERROR_START_TIME_MUST_BE_THE_START_OF_A_DAY', 'Start time must be the start of a day.', [...path, k], v));
			else if (k === 'endDateTime' && !v.endsWith('23:59:59'))
				errors.push(err('dateError', 'DATE_RANGE_ERROR_END_TIME_MUST_BE_THE_END_OF_A_DAY', 'End time must be the end of a day.', [...path, k], v));
			else if (k === 'startDateTime' && forCreate && v.slice(0, 10) < this.todayDate())
				errors.push(err('campaignError', 'CANNOT_SET_DATE_TO_PAST', 'Cannot set a date in the past.', [...path, k], v));
		}
		const ns = c.networkSettings as Row | undefined;
		if (ns?.targetSearchNetwork === true && ns.targetGoogleSearch === false)
			errors.push(err('campaignError', 'CANNOT_TARGET_SEARCH_NETWORK_WITHOUT_GOOGLE_SEARCH', 'Cannot target search network without Google search.', [...path, 'networkSettings', 'targetSearchNetwork']));
		if (ns?.targetPartnerSearchNetwork === true)
			errors.push(err('campaignError', 'CANNOT_TARGET_PARTNER_SEARCH_NETWORK', 'Cannot target partner search network.', [...path, 'networkSettings', 'targetPartnerSearchNetwork']));
		if (c.containsEuPoliticalAdvertising !== undefined && !['CONTAINS_EU_POLITICAL_ADVERTISING', 'DOES_NOT_CONTAIN_EU_POLITICAL_ADVERTISING'].includes(String(c.containsEuPoliticalAdvertising)))
			errors.push(err('fieldError', 'INVALID_VALUE', 'The field is not valid.', [...path, 'containsEuPoliticalAdvertising'], String(c.containsEuPoliticalAdvertising)));
	}

	/** Applies the operations of one googleAds:mutate; atomic unless partialFailure. */
	mutate(customerId: string, body: Row, version: string): { status: number; body: unknown } {
		const unknown = unknownFields(adsSchemas(), 'MutateGoogleAdsRequest', body);
		if (unknown.length) throw unknownNameError(unknown);
		const ops = Array.isArray(body.mutateOperations) ? (body.mutateOperations as Row[]) : [];
		if (ops.length === 0) throw adsFailure(400, [err('mutateError', 'MUTATE_NOT_ALLOWED', 'At least one operation is required.', ['mutateOperations'])], version);
		const partial = body.partialFailure === true;
		const validateOnly = body.validateOnly === true;
		// Work on copies; commit at the end (atomic) or per successful operation (partial failure).
		const budgets = new Map([...this.budgets].map(([k, v]) => [k, { ...v }]));
		const campaigns = new Map([...this.campaigns].map(([k, v]) => [k, structuredClone(v)]));
		const temp = new Map<string, string>();
		const allErrors: AdsFailureError[] = [];
		const responses: Row[] = [];
		const pendingBudgetNames = new Set<string>();
		const pendingCampaignNames = new Set<string>();
		const resolve = (name: unknown) => (typeof name === 'string' ? (temp.get(name) ?? name) : name);

		ops.forEach((op, i) => {
			const errors: AdsFailureError[] = [];
			const kinds = Object.keys(op);
			const base: Path = ['mutateOperations', i];
			const budgetsBefore = new Map([...budgets].map(([k, v]) => [k, { ...v }]));
			const campaignsBefore = new Map([...campaigns].map(([k, v]) => [k, structuredClone(v)]));
			if (kinds.length !== 1) {
				errors.push(err('mutateError', 'MUTATE_NOT_ALLOWED', 'Exactly one operation must be set.', base));
			} else if (kinds[0] === 'campaignBudgetOperation') {
				const o = op.campaignBudgetOperation as Row;
				const path: Path = [...base, 'campaignBudgetOperation'];
				if (o.create) {
					const c = o.create as Row;
					this.validateBudget(c, [...path, 'create'], errors, true, customerId, pendingBudgetNames);
					const rn = typeof c.resourceName === 'string' ? c.resourceName : undefined;
					if (rn !== undefined && !new RegExp(`^customers/${customerId}/campaignBudgets/-\\d+$`).test(rn))
						errors.push(err('requestError', 'RESOURCE_NAME_MALFORMED', 'Resource name is malformed.', [...path, 'create', 'resourceName'], rn));
					if (!errors.length) {
						const id = this.newId();
						const resourceName = `customers/${customerId}/campaignBudgets/${id}`;
						if (rn) temp.set(rn, resourceName);
						budgets.set(resourceName, {
							id,
							customerId,
							resourceName,
							name: String(c.name).trim(),
							amountMicros: String(c.amountMicros),
							period: String(c.period ?? 'DAILY'),
							deliveryMethod: String(c.deliveryMethod ?? 'STANDARD'),
							explicitlyShared: c.explicitlyShared === true,
							status: 'ENABLED',
						});
						responses[i] = { campaignBudgetResult: { resourceName } };
					}
				} else if (o.update) {
					const u = o.update as Row;
					const rn = resolve(u.resourceName) as string;
					const existing = budgets.get(rn);
					if (!existing || existing.customerId !== customerId) errors.push(err('mutateError', 'RESOURCE_NOT_FOUND', 'The requested resource was not found.', [...path, 'update', 'resourceName'], String(u.resourceName)));
					else if (typeof o.updateMask !== 'string' || !o.updateMask) errors.push(err('fieldMaskError', 'FIELD_MASK_MISSING', 'The field mask must be specified for an update operation.', [...path, 'updateMask']));
					else {
						const mask = o.updateMask.split(',').map((s) => s.trim());
						for (const f of mask) if (!['name', 'amountMicros', 'deliveryMethod', 'period'].includes(f)) errors.push(err('fieldMaskError', 'FIELD_NOT_FOUND', 'The field mask contained an invalid field.', [...path, 'updateMask'], f));
						const fields: Row = Object.fromEntries(mask.map((f) => [f, u[f]]));
						this.validateBudget(fields, [...path, 'update'], errors, false, customerId, pendingBudgetNames, rn);
						if (!errors.length) {
							Object.assign(existing, Object.fromEntries(mask.map((f) => [f, f === 'amountMicros' ? String(u[f]) : u[f]])));
							responses[i] = { campaignBudgetResult: { resourceName: rn } };
						}
					}
				} else if (o.remove) {
					const rn = resolve(o.remove) as string;
					const existing = budgets.get(rn);
					if (!existing) errors.push(err('mutateError', 'RESOURCE_NOT_FOUND', 'The requested resource was not found.', [...path, 'remove'], String(o.remove)));
					else if ([...campaigns.values()].some((c) => c.campaignBudget === rn && c.status !== 'REMOVED'))
						errors.push(err('campaignBudgetError', 'CAMPAIGN_BUDGET_IN_USE', 'The campaign budget is in use.', [...path, 'remove'], rn));
					else {
						existing.status = 'REMOVED';
						responses[i] = { campaignBudgetResult: { resourceName: rn } };
					}
				} else errors.push(err('mutateError', 'MUTATE_NOT_ALLOWED', 'An operation (create, update or remove) is required.', path));
			} else if (kinds[0] === 'campaignOperation') {
				const o = op.campaignOperation as Row;
				const path: Path = [...base, 'campaignOperation'];
				if (o.create) {
					const c = o.create as Row;
					this.validateCampaignFields(c, [...path, 'create'], errors, true);
					const name = typeof c.name === 'string' ? c.name.trim() : '';
					if (name && ([...campaigns.values()].some((x) => x.customerId === customerId && x.status !== 'REMOVED' && x.name === name) || pendingCampaignNames.has(name)))
						errors.push(err('campaignError', 'DUPLICATE_CAMPAIGN_NAME', 'A campaign with this name already exists.', [...path, 'create', 'name'], name));
					const budgetName = resolve(c.campaignBudget);
					if (c.campaignBudget === undefined) errors.push(err('fieldError', 'REQUIRED', 'The required field was not present.', [...path, 'create', 'campaignBudget']));
					else if (!budgets.has(String(budgetName)) || budgets.get(String(budgetName))!.customerId !== customerId)
						errors.push(err('mutateError', 'RESOURCE_NOT_FOUND', 'The requested resource was not found.', [...path, 'create', 'campaignBudget'], String(c.campaignBudget)));
					else if (budgets.get(String(budgetName))!.status === 'REMOVED')
						errors.push(err('campaignBudgetError', 'CAMPAIGN_BUDGET_REMOVED', 'The campaign budget was removed.', [...path, 'create', 'campaignBudget'], String(c.campaignBudget)));
					if (!errors.length) {
						pendingCampaignNames.add(name);
						const id = this.newId();
						const resourceName = `customers/${customerId}/campaigns/${id}`;
						const scheme = Object.keys(AdsState.BIDDING_KEYS).find((k) => c[k] !== undefined)!;
						const campaign: AdsCampaign = {
							id,
							customerId,
							resourceName,
							name,
							status: String(c.status ?? 'ENABLED'),
							advertisingChannelType: String(c.advertisingChannelType),
							campaignBudget: String(budgetName),
							biddingStrategyType: AdsState.BIDDING_KEYS[scheme],
							[scheme]: structuredClone(c[scheme]),
							startDateTime: String(c.startDateTime ?? `${this.todayDate()} 00:00:00`),
							endDateTime: String(c.endDateTime ?? NO_END),
							containsEuPoliticalAdvertising: String(c.containsEuPoliticalAdvertising),
						};
						if (c.networkSettings) campaign.networkSettings = { ...(c.networkSettings as Record<string, boolean>) };
						campaigns.set(resourceName, campaign);
						responses[i] = { campaignResult: { resourceName } };
					}
				} else if (o.update) {
					const u = o.update as Row;
					const rn = resolve(u.resourceName) as string;
					const existing = campaigns.get(rn);
					if (!existing || existing.customerId !== customerId) errors.push(err('mutateError', 'RESOURCE_NOT_FOUND', 'The requested resource was not found.', [...path, 'update', 'resourceName'], String(u.resourceName)));
					else if (existing.status === 'REMOVED') errors.push(err('campaignError', 'INVALID_STATUS_CHANGE', 'A removed campaign cannot be changed.', [...path, 'update', 'status'], existing.status));
					else if (typeof o.updateMask !== 'string' || !o.updateMask) errors.push(err('fieldMaskError', 'FIELD_MASK_MISSING', 'The field mask must be specified for an update operation.', [...path, 'updateMask']));
					else {
						const mask = o.updateMask.split(',').map((s) => s.trim());
						const schema = adsSchemas();
						for (const f of mask) {
							const [head, sub] = f.split('.');
							const top = schema.get('Campaign')!.fields.get(head);
							if (top === undefined) errors.push(err('fieldMaskError', 'FIELD_NOT_FOUND', 'The field mask contained an invalid field.', [...path, 'updateMask'], f));
							else if (head === 'advertisingChannelType') errors.push(err('fieldError', 'IMMUTABLE_FIELD', 'The field cannot be modified after creation.', [...path, 'update', 'advertisingChannelType']));
							else if (sub === undefined && ['networkSettings'].includes(head) && u[head] && Object.keys(u[head] as Row).length)
								errors.push(err('fieldMaskError', 'FIELD_HAS_SUBFIELDS', 'The field mask contained a field with subfields (name the subfields).', [...path, 'updateMask'], f));
						}
						const fields: Row = {};
						for (const f of mask) {
							const p = f.split('.');
							const v = getPath(u, p);
							setPath(fields, p, v === undefined && p.length === 1 && Object.keys(AdsState.BIDDING_KEYS).includes(p[0]) ? {} : v);
						}
						this.validateCampaignFields(fields, [...path, 'update'], errors, false);
						if (fields.name !== undefined) {
							const name = String(fields.name).trim();
							if ([...campaigns.values()].some((x) => x.customerId === customerId && x.status !== 'REMOVED' && x.name === name && x.resourceName !== rn))
								errors.push(err('campaignError', 'DUPLICATE_CAMPAIGN_NAME', 'A campaign with this name already exists.', [...path, 'update', 'name'], name));
						}
						const start = String(fields.startDateTime ?? existing.startDateTime);
						const end = String(fields.endDateTime ?? existing.endDateTime);
						if (!errors.length && end < start)
							errors.push(err('dateError', 'DATE_RANGE_MINIMUM_DATE_LATER_THAN_MAXIMUM_DATE', 'The start date is after the end date.', [...path, 'update', fields.endDateTime !== undefined ? 'endDateTime' : 'startDateTime']));
						if (!errors.length) {
							const scheme = Object.keys(AdsState.BIDDING_KEYS).find((k) => fields[k] !== undefined);
							if (scheme) {
								for (const k of Object.keys(AdsState.BIDDING_KEYS)) if (k !== scheme) delete (existing as unknown as Row)[k];
								existing.biddingStrategyType = AdsState.BIDDING_KEYS[scheme];
							}
							for (const f of mask) {
								const p = f.split('.');
								setPath(existing as unknown as Row, p, getPath(fields, p));
							}
							if (fields.name !== undefined) existing.name = String(fields.name).trim();
							responses[i] = { campaignResult: { resourceName: rn } };
						}
					}
				} else if (o.remove) {
					const rn = resolve(o.remove) as string;
					const existing = campaigns.get(rn);
					if (!existing || existing.customerId !== customerId) errors.push(err('mutateError', 'RESOURCE_NOT_FOUND', 'The requested resource was not found.', [...path, 'remove'], String(o.remove)));
					else {
						existing.status = 'REMOVED';
						responses[i] = { campaignResult: { resourceName: rn } };
					}
				} else errors.push(err('mutateError', 'MUTATE_NOT_ALLOWED', 'An operation (create, update or remove) is required.', path));
			} else {
				errors.push(err('mutateError', 'MUTATE_NOT_ALLOWED', `The sandbox does not serve ${kinds[0]}.`, [...base, kinds[0]]));
			}
			if (errors.length) {
				allErrors.push(...errors);
				responses[i] = {};
				// undo what this operation did (partial failure keeps the others)
				budgets.clear();
				for (const [k, v] of budgetsBefore) budgets.set(k, v);
				campaigns.clear();
				for (const [k, v] of campaignsBefore) campaigns.set(k, v);
			}
		});

		if (allErrors.length && !partial) throw adsFailure(400, allErrors, version);
		if (!validateOnly) {
			this.budgets.clear();
			for (const [k, v] of budgets) this.budgets.set(k, v);
			this.campaigns.clear();
			for (const [k, v] of campaigns) this.campaigns.set(k, v);
		}
		const out: Row = { mutateOperationResponses: validateOnly ? [] : responses };
		if (allErrors.length) out.partialFailureError = this.partialFailureError(allErrors, version);
		return { status: 200, body: out };
	}

	private partialFailureError(errors: AdsFailureError[], version: string): Row {
		return {
			code: 3,
			message: `Multiple errors in 'details'. First error: ${errors[0].message}, at ${errors[0].location?.fieldPathElements.map((p) => (p.index !== undefined ? `${p.fieldName}[${p.index}]` : p.fieldName)).join('.') ?? ''}`,
			details: [{ '@type': `type.googleapis.com/google.ads.googleads.${version}.errors.GoogleAdsFailure`, errors, requestId: randomBytes(11).toString('base64url') }],
		};
	}

	// ----------------------------------------------------------------------------------------------
	// Conversions

	uploadClickConversions(customerId: string, body: Row, version: string): Row {
		const unknown = unknownFields(adsSchemas(), 'UploadClickConversionsRequest', body);
		if (unknown.length) throw unknownNameError(unknown);
		const customer = this.customers.get(customerId)!;
		if (!customer.legacyUploadAllowed)
			throw adsFailure(403, [err('notAllowlistedError', 'CUSTOMER_NOT_ALLOWLISTED_FOR_THIS_FEATURE', 'The customer is not allowlisted for this feature. Use the Data Manager API.')], version);
		if (body.partialFailure !== true)
			throw adsFailure(400, [err('requestError', 'REQUIRED_FIELD_MISSING', 'partial_failure must be true for this operation.', ['partialFailure'])], version);
		const conversions = Array.isArray(body.conversions) ? (body.conversions as Row[]) : [];
		if (conversions.length === 0) throw adsFailure(400, [err('fieldError', 'REQUIRED_NONEMPTY_LIST', 'The list must not be empty.', ['conversions'])], version);
		if (conversions.length > 2000) throw adsFailure(400, [err('conversionUploadError', 'TOO_MANY_CONVERSIONS_IN_REQUEST', 'Too many conversions in the request (at most 2000).', ['conversions'])], version);
		const errors: AdsFailureError[] = [];
		const results: Row[] = [];
		conversions.forEach((c, i) => {
			const path: Path = ['conversions', i];
			const mine: AdsFailureError[] = [];
			const ids = ['gclid', 'gbraid', 'wbraid'].filter((k) => c[k] !== undefined && c[k] !== '');
			if (ids.length === 0) mine.push(err('conversionUploadError', 'UNPARSEABLE_GCLID', 'The click ID could not be decoded.', [...path, 'gclid']));
			else if (ids.includes('gbraid') && ids.includes('wbraid')) mine.push(err('conversionUploadError', 'GBRAID_WBRAID_BOTH_SET', 'gbraid and wbraid are both set.', [...path, 'wbraid']));
			else if (this.badClickIds.has(String(c[ids[0]])))
				mine.push(err('conversionUploadError', ids[0] === 'gclid' ? 'UNPARSEABLE_GCLID' : ids[0] === 'gbraid' ? 'UNPARSEABLE_GBRAID' : 'UNPARSEABLE_WBRAID', 'The click ID could not be decoded.', [...path, ids[0]], String(c[ids[0]])));
			const action = /^customers\/(\d+)\/conversionActions\/(\d+)$/.exec(String(c.conversionAction ?? ''));
			const known = action ? this.conversionActions.get(`${action[1]}/${action[2]}`) : undefined;
			if (!action || action[1] !== customerId || !known || known.status !== 'ENABLED')
				mine.push(err('conversionUploadError', 'NO_CONVERSION_ACTION_FOUND', 'The conversion action was not found or is not enabled.', [...path, 'conversionAction'], String(c.conversionAction ?? '')));
			if (!/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/.test(String(c.conversionDateTime ?? '')))
				mine.push(err('dateError', 'INVALID_STRING_DATE_TIME_SECONDS_WITH_OFFSET', 'The string date time (with offset) is not valid: yyyy-mm-dd hh:mm:ss+|-hh:mm.', [...path, 'conversionDateTime'], String(c.conversionDateTime ?? '')));
			if (c.conversionValue !== undefined && !(typeof c.conversionValue === 'number' && c.conversionValue >= 0))
				mine.push(err('fieldError', 'INVALID_VALUE', 'The field is not valid.', [...path, 'conversionValue'], String(c.conversionValue)));
			if (mine.length) {
				errors.push(...mine);
				results.push({});
			} else {
				if (body.validateOnly !== true) this.uploadedConversions.push({ ...c, customerId });
				results.push({ [ids[0]]: c[ids[0]], conversionAction: c.conversionAction, conversionDateTime: c.conversionDateTime });
			}
		});
		const out: Row = { results };
		if (errors.length) out.partialFailureError = this.partialFailureError(errors, version);
		return out;
	}

	ingest(req: SandboxRequest): Row {
		const token = this.oauth.authorize(req, [DATAMANAGER_SCOPE]);
		let body: Row;
		try {
			body = req.json<Row>();
		} catch {
			throw new SandboxError(400, { error: { code: 400, message: 'Invalid JSON payload received.', status: 'INVALID_ARGUMENT' } });
		}
		const unknown = unknownFields(dataManagerSchemas(), 'IngestEventsRequest', body);
		if (unknown.length) throw unknownNameError(unknown);
		const violations: Array<{ field: string; description: string; reason: string }> = [];
		const v = (field: string, reason: string, description: string) => violations.push({ field, reason, description });
		const destinations = Array.isArray(body.destinations) ? (body.destinations as Row[]) : [];
		if (destinations.length === 0) v('destinations', 'REQUIRED', 'At least one destination is required.');
		const references = new Map<string, { customerId: string; actionId: string }>();
		destinations.forEach((d, i) => {
			const op = (d.operatingAccount ?? {}) as Row;
			const accountId = String(op.accountId ?? '');
			if (op.accountType !== 'GOOGLE_ADS') v(`destinations[${i}].operating_account.account_type`, 'INVALID_ACCOUNT_TYPE', 'The account type must be GOOGLE_ADS for conversions.');
			const customer = this.customers.get(accountId);
			if (!/^\d{10}$/.test(accountId) || !customer) {
				v(`destinations[${i}].operating_account.account_id`, 'INVALID_ACCOUNT_ID', 'The account ID is not a known Google Ads customer (10 digits, no dashes).');
				return;
			}
			const login = d.loginAccount as Row | undefined;
			const loginId = login ? String(login.accountId ?? '') : undefined;
			const email = token.user.email;
			const direct = customer.users.includes(email);
			const viaManager = loginId !== undefined && customer.managers.includes(loginId) && (this.customers.get(loginId)?.users.includes(email) ?? false);
			if (!direct && !viaManager) v(`destinations[${i}]${login ? '.login_account' : '.operating_account'}`, 'PERMISSION_DENIED', 'The caller does not have permission to the operating account (set login_account to the manager account).');
			const actionId = String(d.productDestinationId ?? '');
			const action = this.conversionActions.get(`${accountId}/${actionId}`);
			if (!action || action.status !== 'ENABLED') v(`destinations[${i}].product_destination_id`, 'INVALID_PRODUCT_DESTINATION_ID', 'The conversion action was not found or is not enabled.');
			references.set(typeof d.reference === 'string' ? d.reference : String(i), { customerId: accountId, actionId });
		});
		const events = Array.isArray(body.events) ? (body.events as Row[]) : [];
		if (events.length === 0) v('events', 'REQUIRED', 'At least one event is required.');
		if (events.length > 2000) v('events', 'TOO_MANY_EVENTS', 'At most 2000 events per request.');
		if (body.encoding !== undefined && !['HEX', 'BASE64'].includes(String(body.encoding))) v('encoding', 'INVALID_ENCODING', 'encoding must be HEX or BASE64.');
		const hashRe = body.encoding === 'BASE64' ? /^[A-Za-z0-9+/]{43}=$/ : /^[0-9a-f]{64}$/;
		events.forEach((e, i) => {
			const ts = typeof e.eventTimestamp === 'string' ? e.eventTimestamp : '';
			if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(ts) || Number.isNaN(Date.parse(ts)))
				v(`events[${i}].event_timestamp`, 'INVALID_TIMESTAMP', 'event_timestamp must be an RFC 3339 timestamp.');
			const ad = (e.adIdentifiers ?? {}) as Row;
			const clicks = ['gclid', 'gbraid', 'wbraid'].filter((k) => typeof ad[k] === 'string' && ad[k] !== '');
			const userIds = ((e.userData as Row | undefined)?.userIdentifiers as Row[] | undefined) ?? [];
			if (clicks.length === 0 && userIds.length === 0) v(`events[${i}].ad_identifiers`, 'REQUIRED', 'A click identifier (gclid, gbraid or wbraid) or user data is required.');
			for (const k of clicks) if (this.badClickIds.has(String(ad[k]))) v(`events[${i}].ad_identifiers.${k}`, `INVALID_${k.toUpperCase()}`, `The ${k} could not be decoded.`);
			if (e.conversionValue !== undefined && !(typeof e.conversionValue === 'number' && e.conversionValue >= 0)) v(`events[${i}].conversion_value`, 'INVALID_CONVERSION_VALUE', 'conversion_value must be a non-negative number.');
			if (e.currency !== undefined && !/^[A-Z]{3}$/.test(String(e.currency))) v(`events[${i}].currency`, 'INVALID_CURRENCY_CODE', 'currency must be an ISO 4217 code.');
			userIds.forEach((u, j) => {
				const keys = Object.keys(u);
				if (keys.length !== 1) v(`events[${i}].user_data.user_identifiers[${j}]`, 'INVALID_USER_IDENTIFIER', 'Each user identifier has exactly one of email_address, phone_number, address.');
				for (const k of ['emailAddress', 'phoneNumber']) if (u[k] !== undefined && !hashRe.test(String(u[k]))) v(`events[${i}].user_data.user_identifiers[${j}].${snake(k)}`, 'INVALID_HASH', `${snake(k)} must be a SHA-256 hash in the request's encoding.`);
			});
			for (const r of (e.destinationReferences as string[] | undefined) ?? []) if (!references.has(r)) v(`events[${i}].destination_references`, 'INVALID_DESTINATION_REFERENCE', `Unknown destination reference "${r}".`);
		});
		if (violations.length)
			throw new SandboxError(400, {
				error: {
					code: 400,
					message: 'There was a problem with the request.',
					status: 'INVALID_ARGUMENT',
					details: [
						{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'INVALID_ARGUMENT', domain: 'datamanager.googleapis.com' },
						{ '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: violations },
					],
				},
			});
		const requestId = randomBytes(12).toString('hex');
		if (body.validateOnly !== true) {
			for (const e of events) {
				const refs = (e.destinationReferences as string[] | undefined) ?? [...references.keys()];
				for (const r of refs) {
					const dest = references.get(r)!;
					this.ingestedEvents.push({ requestId, customerId: dest.customerId, conversionActionId: dest.actionId, event: e });
				}
			}
		}
		return { requestId };
	}

	// ----------------------------------------------------------------------------------------------

	register(sandbox: GoogleSandbox): void {
		const base = '^/(?<version>v\\d+)';
		const json = (req: SandboxRequest): Row => {
			try {
				return req.json<Row>() ?? {};
			} catch {
				throw new SandboxError(400, { error: { code: 400, message: 'Invalid JSON payload received.', status: 'INVALID_ARGUMENT' } });
			}
		};
		sandbox.route('GET', ADS_HOST, new RegExp(`${base}/customers:listAccessibleCustomers$`), (req) => {
			const { email } = this.begin(req);
			const resourceNames = [...this.customers.values()].filter((c) => c.users.includes(email)).map((c) => `customers/${c.id}`);
			return { status: 200, body: { resourceNames } };
		});
		sandbox.route('POST', ADS_HOST, new RegExp(`${base}/customers/(?<cid>[^/:]+)/googleAds:search$`), (req) => {
			const { version } = this.begin(req, req.params.cid);
			const body = json(req);
			const unknown = unknownFields(adsSchemas(), 'SearchGoogleAdsRequest', body);
			if (unknown.length) throw unknownNameError(unknown);
			const { rows, fieldMask } = this.runQuery(req.params.cid, String(body.query ?? ''), version);
			const start = body.pageToken ? Number(Buffer.from(String(body.pageToken), 'base64url').toString()) : 0;
			const page = rows.slice(start, start + this.pageSize);
			const out: Row = { results: page, fieldMask };
			if (start + this.pageSize < rows.length) out.nextPageToken = Buffer.from(String(start + this.pageSize)).toString('base64url');
			return { status: 200, body: out };
		});
		sandbox.route('POST', ADS_HOST, new RegExp(`${base}/customers/(?<cid>[^/:]+)/googleAds:searchStream$`), (req) => {
			const { version } = this.begin(req, req.params.cid);
			const body = json(req);
			const { rows, fieldMask } = this.runQuery(req.params.cid, String(body.query ?? ''), version);
			const batches: Row[] = [];
			for (let i = 0; i < rows.length || batches.length === 0; i += this.streamBatchSize)
				batches.push({ results: rows.slice(i, i + this.streamBatchSize), fieldMask, requestId: randomBytes(11).toString('base64url') });
			if (rows.length === 0) delete batches[0].results;
			return { status: 200, body: batches };
		});
		sandbox.route('POST', ADS_HOST, new RegExp(`${base}/customers/(?<cid>[^/:]+)/googleAds:mutate$`), (req) => {
			const { version } = this.begin(req, req.params.cid);
			return this.mutate(req.params.cid, json(req), version);
		});
		sandbox.route('POST', ADS_HOST, new RegExp(`${base}/customers/(?<cid>\\d+):uploadClickConversions$`), (req) => {
			const { version } = this.begin(req, req.params.cid);
			return { status: 200, body: this.uploadClickConversions(req.params.cid, json(req), version) };
		});
		sandbox.route('POST', DATAMANAGER_HOST, /^\/v1\/events:ingest$/, (req) => ({ status: 200, body: this.ingest(req) }));
	}
}
