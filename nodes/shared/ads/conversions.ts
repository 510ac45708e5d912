// Click conversions: validation, user identifiers normalised and SHA-256 hashed as Google requires,
// the Data Manager events:ingest body (the current path) and the legacy uploadClickConversions body.
// Pure: only node:crypto.
import { createHash } from 'node:crypto';
import { AdsValidationError, describeValue } from './errors';
import { normalizeCustomerId, normalizeNumericId, optionalCustomerId } from './customerId';

export interface ConversionInput {
	gclid?: unknown;
	gbraid?: unknown;
	wbraid?: unknown;
	/** Conversion action id or resource name (customers/{cid}/conversionActions/{id}). */
	conversionAction?: unknown;
	/** When the conversion happened, with a zone: "2026-11-20 14:05:00+01:00", "2026-11-20T13:05:00Z". */
	conversionDateTime?: unknown;
	value?: unknown;
	currency?: unknown;
	orderId?: unknown;
	email?: unknown;
	phone?: unknown;
}

export interface Conversion {
	clickId: { kind: 'gclid' | 'gbraid' | 'wbraid'; value: string };
	conversionActionId: string;
	/** The instant, ISO 8601 UTC. */
	at: string;
	/** The offset the caller gave, "+01:00" (Z → "+00:00"). */
	offset: string;
	/** Local wall-clock time at that offset, "yyyy-mm-dd hh:mm:ss". */
	localDateTime: string;
	value?: number;
	currency?: string;
	orderId?: string;
	emails: string[];
	phones: string[];
}

function present(v: unknown): boolean {
	return v !== undefined && v !== null && String(v).trim() !== '';
}

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

/** Parses a conversion time; a zone (Z or ±hh:mm) is required, as Google requires it. */
export function parseConversionDateTime(value: unknown, field = 'conversionDateTime'): { at: string; offset: string; localDateTime: string } {
	const text = typeof value === 'string' ? value.trim() : value instanceof Date ? value.toISOString() : '';
	const m = DATE_TIME.exec(text);
	if (!m) throw new AdsValidationError(field, `must be a date and time with a zone, e.g. "2026-11-20 14:05:00+01:00" or "2026-11-20T13:05:00Z"; got ${describeValue(value)}`);
	if (!m[7]) throw new AdsValidationError(field, `needs a time zone (Google requires one): add an offset such as "+01:00" or "Z"; got ${describeValue(value)}`);
	const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? '00'].map(Number);
	const check = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
	if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || h > 23 || mi > 59 || s > 59)
		throw new AdsValidationError(field, `is not a real date and time; got ${describeValue(value)}`);
	const zone = m[7].toUpperCase();
	const offset = zone === 'Z' ? '+00:00' : zone.includes(':') ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`;
	const sign = offset.startsWith('-') ? -1 : 1;
	const offsetMinutes = sign * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6)));
	if (Number(offset.slice(1, 3)) > 14 || Number(offset.slice(4, 6)) > 59) throw new AdsValidationError(field, `has an impossible zone offset ${offset}`);
	const at = new Date(check.getTime() - offsetMinutes * 60_000).toISOString().replace(/\.000Z$/, 'Z');
	const pad = (n: number) => String(n).padStart(2, '0');
	const localDateTime = `${m[1]}-${m[2]}-${m[3]} ${pad(h)}:${pad(mi)}:${pad(s)}`;
	return { at, offset, localDateTime };
}

/** Email as Google's Data Manager formatting guide says: trim, lowercase, no whitespace; for
 * gmail.com and googlemail.com drop the dots of the local part and a "+suffix". */
export function normalizeEmail(value: string): string {
	const text = value.replace(/\s+/g, '').toLowerCase();
	const at = text.lastIndexOf('@');
	if (at <= 0 || at === text.length - 1) throw new AdsValidationError('email', `is not an email address; got ${describeValue(value)}`);
	let local = text.slice(0, at);
	const domain = text.slice(at + 1);
	if (domain === 'gmail.com' || domain === 'googlemail.com') {
		local = local.split('+')[0].replace(/\./g, '');
		if (!local) throw new AdsValidationError('email', `is not an email address; got ${describeValue(value)}`);
	}
	return `${local}@${domain}`;
}

/** Phone in E.164: "+" then country code and number, digits only. "00" international prefix → "+".
 * Without a country code, `defaultCountryCode` (digits) is put in front of a national number. */
export function normalizePhone(value: string, defaultCountryCode?: string): string {
	let text = value.trim().replace(/[\s().\-/]/g, '');
	if (text.startsWith('00')) text = `+${text.slice(2)}`;
	if (!text.startsWith('+')) {
		const cc = (defaultCountryCode ?? '').replace(/\D/g, '');
		if (!cc) throw new AdsValidationError('phone', `must be in E.164 form with the country code, e.g. "+18005550100"; got ${describeValue(value)}`);
		text = `+${cc}${text.replace(/^0+/, '')}`;
	}
	if (!/^\+[1-9]\d{6,14}$/.test(text)) throw new AdsValidationError('phone', `must be in E.164 form, e.g. "+18005550100"; got ${describeValue(value)}`);
	return text;
}

export function sha256Hex(text: string): string {
	return createHash('sha256').update(text, 'utf8').digest('hex');
}

function list(value: unknown): string[] {
	if (Array.isArray(value)) return value.filter(present).map((v) => String(v));
	return present(value)
		? String(value)
				.split(/[,;]/)
				.map((s) => s.trim())
				.filter(Boolean)
		: [];
}

/** Checks one conversion before anything is sent; every error names its field. */
export function parseConversion(input: ConversionInput, opts: { defaultConversionAction?: unknown; defaultCurrency?: string; defaultCountryCode?: string } = {}): Conversion {
	const ids = (['gclid', 'gbraid', 'wbraid'] as const).filter((k) => present(input[k]));
	if (ids.length === 0) throw new AdsValidationError('gclid', 'a click ID is required: one of gclid, gbraid or wbraid (from the ad click, e.g. stored on the CRM lead)');
	if (ids.length > 1) throw new AdsValidationError(ids[1], `give only one click ID; got ${ids.join(' and ')}`);
	const kind = ids[0];
	const clickValue = String(input[kind]).trim();
	if (!/^[A-Za-z0-9_\-.~]+$/.test(clickValue)) throw new AdsValidationError(kind, `does not look like a Google click ID; got ${describeValue(input[kind])}`);
	const action = present(input.conversionAction) ? input.conversionAction : opts.defaultConversionAction;
	if (!present(action)) throw new AdsValidationError('conversionAction', 'is required: the conversion action ID (see Conversion → List Conversion Actions)');
	const conversionActionId = normalizeNumericId(action, 'conversionAction', 'conversion action');
	const time = parseConversionDateTime(input.conversionDateTime);
	const conversion: Conversion = { clickId: { kind, value: clickValue }, conversionActionId, ...time, emails: [], phones: [] };
	if (present(input.value)) {
		const n = Number(input.value);
		if (!Number.isFinite(n) || n < 0) throw new AdsValidationError('value', `must be a number of at least 0; got ${describeValue(input.value)}`);
		conversion.value = n;
	}
	const currency = present(input.currency) ? String(input.currency).trim().toUpperCase() : opts.defaultCurrency?.trim().toUpperCase();
	if (currency) {
		if (!/^[A-Z]{3}$/.test(currency)) throw new AdsValidationError('currency', `must be a 3-letter ISO 4217 code such as "EUR"; got ${describeValue(currency)}`);
		conversion.currency = currency;
	}
	if (conversion.value !== undefined && !conversion.currency) throw new AdsValidationError('currency', 'is required when a value is given (e.g. "EUR")');
	if (present(input.orderId)) conversion.orderId = String(input.orderId).trim();
	conversion.emails = list(input.email).map((e) => normalizeEmail(e));
	conversion.phones = list(input.phone).map((p) => normalizePhone(p, opts.defaultCountryCode));
	return conversion;
}

// ------------------------------------------------------------------------------------------------
// Data Manager API

export interface IngestOptions {
	customerId: string;
	loginCustomerId?: string;
	validateOnly?: boolean;
}

/**
 * The events:ingest body. Data Manager takes one destination per conversion action: each event names
 * its destination by reference. Identifiers are hashed (hex, encoding HEX).
 */
export function dataManagerIngestBody(conversions: Conversion[], opts: IngestOptions): Record<string, unknown> {
	const customerId = normalizeCustomerId(opts.customerId);
	const login = optionalCustomerId(opts.loginCustomerId);
	const actionIds = [...new Set(conversions.map((c) => c.conversionActionId))];
	const destinations = actionIds.map((id) => {
		const d: Record<string, unknown> = {
			reference: `ca-${id}`,
			operatingAccount: { accountType: 'GOOGLE_ADS', accountId: customerId },
			productDestinationId: id,
		};
		if (login && login !== customerId) d.loginAccount = { accountType: 'GOOGLE_ADS', accountId: login };
		return d;
	});
	const events = conversions.map((c) => {
		const event: Record<string, unknown> = {
			adIdentifiers: { [c.clickId.kind]: c.clickId.value },
			eventTimestamp: c.at,
		};
		if (actionIds.length > 1) event.destinationReferences = [`ca-${c.conversionActionId}`];
		if (c.orderId) event.transactionId = c.orderId;
		if (c.value !== undefined) event.conversionValue = c.value;
		if (c.currency) event.currency = c.currency;
		const identifiers = [...c.emails.map((e) => ({ emailAddress: sha256Hex(e) })), ...c.phones.map((p) => ({ phoneNumber: sha256Hex(p) }))];
		if (identifiers.length) event.userData = { userIdentifiers: identifiers };
		return event;
	});
	const body: Record<string, unknown> = { destinations, events, encoding: 'HEX' };
	if (opts.validateOnly) body.validateOnly = true;
	return body;
}

// ------------------------------------------------------------------------------------------------
// Legacy uploadClickConversions

export function legacyUploadBody(conversions: Conversion[], opts: { customerId: string; validateOnly?: boolean }): Record<string, unknown> {
	const customerId = normalizeCustomerId(opts.customerId);
	const body: Record<string, unknown> = {
		conversions: conversions.map((c) => {
			const out: Record<string, unknown> = {
				[c.clickId.kind]: c.clickId.value,
				conversionAction: `customers/${customerId}/conversionActions/${c.conversionActionId}`,
				conversionDateTime: `${c.localDateTime}${c.offset}`,
			};
			if (c.value !== undefined) out.conversionValue = c.value;
			if (c.currency) out.currencyCode = c.currency;
			if (c.orderId) out.orderId = c.orderId;
			const ids = [...c.emails.map((e) => ({ hashedEmail: sha256Hex(e) })), ...c.phones.map((p) => ({ hashedPhoneNumber: sha256Hex(p) }))];
			if (ids.length) out.userIdentifiers = ids;
			return out;
		}),
		partialFailure: true,
	};
	if (opts.validateOnly) body.validateOnly = true;
	return body;
}
