// Normalises the Google Ads webhook payloads into the webhook event's `data` (README: Contracts).
// Pure: no n8n imports. Each function throws PayloadError (→ 400) for a payload it cannot use.
import { createHash } from 'node:crypto';

export class PayloadError extends Error {}

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

function str(v: unknown): string | undefined {
	if (typeof v === 'string') return v.trim() === '' ? undefined : v.trim();
	if (typeof v === 'number' && Number.isFinite(v)) return String(v);
	if (typeof v === 'bigint') return v.toString();
	return undefined;
}

function pick(o: Obj, ...keys: string[]): unknown {
	for (const k of keys) if (o[k] !== undefined && o[k] !== null && o[k] !== '') return o[k];
	return undefined;
}

function bool(v: unknown): boolean {
	return v === true || v === 'true' || v === 1 || v === '1';
}

// ------------------------------------------------------------------ lead form

export interface LeadData {
	leadId: string;
	formId: string | null;
	campaignId: string | null;
	adGroupId: string | null;
	creativeId: string | null;
	gclid: string | null;
	isTest: boolean;
	apiVersion: string | null;
	fields: Record<string, string>;
	/** The question text of custom columns, by column id. */
	columnNames: Record<string, string>;
}

/** A column id as a field name: Google's standard ids (FULL_NAME, EMAIL…) as they are; others upper-snake. */
export function fieldName(columnId: string): string {
	return columnId
		.trim()
		.replace(/[^A-Za-z0-9]+/g, '_')
		.replace(/^_+|_+$/g, '')
		.toUpperCase();
}

/** The lead form webhook body (without checking google_key, which the caller does in constant time). */
export function normaliseLead(body: unknown): LeadData {
	if (!isObj(body)) throw new PayloadError('The lead body must be a JSON object');
	const leadId = str(body.lead_id);
	if (!leadId) throw new PayloadError('lead_id is missing');
	const columns = body.user_column_data ?? [];
	if (!Array.isArray(columns)) throw new PayloadError('user_column_data must be an array');
	if (columns.length > 500) throw new PayloadError('user_column_data has too many columns');
	const fields: Record<string, string> = {};
	const columnNames: Record<string, string> = {};
	for (const c of columns) {
		if (!isObj(c)) throw new PayloadError('Each user_column_data entry must be an object');
		const id = str(c.column_id);
		if (!id) continue;
		const name = fieldName(id);
		if (!name || name === '__PROTO__' || name === 'CONSTRUCTOR' || name === 'PROTOTYPE') continue;
		fields[name] = typeof c.string_value === 'string' ? c.string_value : (str(c.string_value) ?? '');
		const label = str(c.column_name);
		if (label) columnNames[name] = label;
	}
	return {
		leadId,
		formId: str(body.form_id) ?? null,
		campaignId: str(body.campaign_id) ?? null,
		adGroupId: str(body.adgroup_id) ?? null,
		creativeId: str(body.creative_id) ?? null,
		gclid: str(pick(body, 'gcl_id', 'gclid')) ?? null,
		isTest: bool(body.is_test),
		apiVersion: str(body.api_version) ?? null,
		fields,
		columnNames,
	};
}

// ------------------------------------------------------------------ conversion callback

export interface ConversionData {
	gclid?: string;
	gbraid?: string;
	wbraid?: string;
	conversionAction?: string;
	value?: number;
	currency?: string;
	orderId?: string;
	occurredAt: string;
}

/** Parses Google Ads' "yyyy-mm-dd hh:mm:ss+hh:mm", ISO 8601 or epoch seconds/ms into ISO; undefined if unreadable. */
export function toIsoTime(v: unknown): string | undefined {
	if (typeof v === 'number' && Number.isFinite(v)) {
		const ms = v > 1e12 ? v : v * 1000;
		const d = new Date(ms);
		return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
	}
	const s = str(v);
	if (!s) return undefined;
	if (/^\d{10}(\d{3})?$/.test(s)) return toIsoTime(Number(s));
	const ads = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(\.\d+)?\s*([+-]\d{2}:?\d{2}|Z)?$/.exec(s);
	const candidate = ads ? `${ads[1]}T${ads[2]}${ads[3] ?? ''}${ads[4] ? (ads[4] === 'Z' ? 'Z' : ads[4].replace(/^([+-]\d{2})(\d{2})$/, '$1:$2')) : 'Z'}` : s;
	if (!/^\d{4}-\d{2}-\d{2}/.test(candidate)) return undefined;
	const d = new Date(candidate);
	return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

const CLICK_ID = /^[A-Za-z0-9_\-.~]{4,512}$/;

export function normaliseConversion(input: unknown, receivedAt: string): ConversionData {
	if (!isObj(input)) throw new PayloadError('The conversion payload must be an object (query parameters, JSON or form)');
	const out: ConversionData = { occurredAt: receivedAt };
	for (const k of ['gclid', 'gbraid', 'wbraid'] as const) {
		const v = str(input[k]);
		if (v === undefined) continue;
		if (!CLICK_ID.test(v)) throw new PayloadError(`${k} is not a valid click id`);
		out[k] = v;
	}
	if (!out.gclid && !out.gbraid && !out.wbraid) throw new PayloadError('One of gclid, gbraid or wbraid is required');
	const action = str(pick(input, 'conversion_action', 'conversionAction', 'conversion_action_id'));
	if (action) out.conversionAction = action;
	const rawValue = pick(input, 'value', 'conversion_value', 'conversionValue');
	if (rawValue !== undefined) {
		const value = typeof rawValue === 'number' ? rawValue : Number(str(rawValue));
		if (!Number.isFinite(value)) throw new PayloadError('value is not a number');
		out.value = value;
	}
	const currency = str(pick(input, 'currency', 'currency_code', 'currencyCode'));
	if (currency !== undefined) {
		if (!/^[A-Za-z]{3}$/.test(currency)) throw new PayloadError('currency must be a 3-letter ISO 4217 code');
		out.currency = currency.toUpperCase();
	}
	const orderId = str(pick(input, 'order_id', 'orderId', 'transaction_id', 'transactionId'));
	if (orderId) out.orderId = orderId;
	const time = pick(input, 'conversion_time', 'conversion_date_time', 'conversionDateTime', 'occurred_at', 'occurredAt', 'timestamp');
	if (time !== undefined) {
		const iso = toIsoTime(time);
		if (!iso) throw new PayloadError('The conversion time is not a date-time (use ISO 8601 or "yyyy-mm-dd hh:mm:ss+hh:mm")');
		out.occurredAt = iso;
	}
	return out;
}

/**
 * What makes two conversion callbacks "the same" (the event's `dedupeKey`, after the action): the
 * order id, else the click id + conversion action + the conversion time the sender gave (none when
 * it gave none: `occurredAt` is then the arrival time, which a redelivery does not share).
 */
export function conversionKey(c: ConversionData, receivedAt: string): string {
	if (c.orderId) return `order:${c.conversionAction ?? ''}:${c.orderId}`;
	const [kind, id] = c.gclid ? ['gclid', c.gclid] : c.gbraid ? ['gbraid', c.gbraid] : ['wbraid', c.wbraid ?? ''];
	return `click:${kind}:${id}:${c.conversionAction ?? ''}:${c.occurredAt === receivedAt ? '' : c.occurredAt}`;
}

// ------------------------------------------------------------------ performance alert

export interface PerformanceAlertData {
	alertId: string | null;
	customerId: string | null;
	campaignId: string | null;
	campaignName: string | null;
	metric: string | null;
	value: number | null;
	threshold: number | null;
	severity: string | null;
	message: string | null;
	occurredAt: string;
	/** The period the alert is about, as the sender wrote it (`window`, `time_window`, `period`, `window_start`). */
	window: string | null;
	details: Obj;
}

function num(v: unknown): number | null {
	if (v === undefined || v === null || v === '') return null;
	const n = typeof v === 'number' ? v : Number(str(v));
	return Number.isFinite(n) ? n : null;
}

export function normalisePerformanceAlert(body: unknown, receivedAt: string): PerformanceAlertData {
	if (!isObj(body)) throw new PayloadError('The alert body must be a JSON object');
	const time = pick(body, 'occurred_at', 'occurredAt', 'timestamp', 'time');
	const occurredAt = time === undefined ? receivedAt : toIsoTime(time);
	if (!occurredAt) throw new PayloadError('The alert time is not a date-time');
	const customer = str(pick(body, 'customer_id', 'customerId'));
	return {
		alertId: str(pick(body, 'alert_id', 'alertId', 'id')) ?? null,
		customerId: customer ? customer.replace(/-/g, '') : null,
		campaignId: str(pick(body, 'campaign_id', 'campaignId')) ?? null,
		campaignName: str(pick(body, 'campaign_name', 'campaignName')) ?? null,
		metric: str(pick(body, 'metric', 'metric_name', 'metricName')) ?? null,
		value: num(pick(body, 'value', 'current_value', 'currentValue')),
		threshold: num(body.threshold),
		severity: str(body.severity)?.toLowerCase() ?? null,
		message: str(pick(body, 'message', 'description')) ?? null,
		occurredAt,
		window: str(pick(body, 'window', 'time_window', 'timeWindow', 'period', 'window_start', 'windowStart')) ?? null,
		details: body,
	};
}

/**
 * What makes two alerts "the same": the alert id + its window (else the time the sender gave); without
 * an id, the Pub/Sub messageId a redelivery repeats; else the payload itself (a digest of its JSON).
 */
export function alertKey(a: PerformanceAlertData, receivedAt: string, messageId?: string): string {
	if (a.alertId) return `${a.alertId}:${a.window ?? (a.occurredAt === receivedAt ? '' : a.occurredAt)}`;
	if (messageId) return `pubsub:${messageId}`;
	return `body:${createHash('sha256').update(JSON.stringify(a.details)).digest('base64url').slice(0, 22)}`;
}

// ------------------------------------------------------------------ bodies

/** JSON.parse for an untrusted body: the top level must be an object; depth is bounded. */
export function parseJsonObject(text: string, maxDepth = 32): Obj {
	let value: unknown;
	let readable = true;
	try {
		value = JSON.parse(text);
	} catch {
		readable = false;
	}
	if (!readable) throw new PayloadError('The body is not valid JSON');
	if (!isObj(value)) throw new PayloadError('The JSON body must be an object');
	// Iterative walk: a deeply nested or very wide body cannot exhaust the stack.
	const stack: Array<[unknown, number]> = [[value, 0]];
	let visited = 0;
	while (stack.length) {
		const [v, d] = stack.pop()!;
		if (++visited > 100_000) throw new PayloadError('The JSON body has too many values');
		if (d > maxDepth) throw new PayloadError('The JSON body is nested too deeply');
		if (Array.isArray(v)) for (const x of v) stack.push([x, d + 1]);
		else if (isObj(v)) for (const x of Object.values(v)) stack.push([x, d + 1]);
	}
	return value;
}

/** application/x-www-form-urlencoded → object (repeated keys keep the first value). */
export function parseForm(text: string, maxKeys = 200): Obj {
	const params = new URLSearchParams(text);
	const out: Obj = {};
	let count = 0;
	for (const [k, v] of params) {
		if (++count > maxKeys) throw new PayloadError('Too many form fields');
		if (!Object.prototype.hasOwnProperty.call(out, k) && k !== '__proto__') out[k] = v;
	}
	return out;
}
