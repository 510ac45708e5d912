// The sandbox's conversion uploads: uploadClickConversions (with partialFailureError) and Data Manager
// events:ingest.
import { randomBytes } from 'node:crypto';
import { SandboxError, type SandboxRequest } from '../server';
import { adsSchemas, dataManagerSchemas, snake, unknownFields } from '../adsSchemas';
import { adsFailure, type AdsFailureError, DATAMANAGER_SCOPE, err, type Path, type Row, unknownNameError } from './model';
import { partialFailureError } from './mutate';
import type { AdsState } from './index';

export function uploadClickConversions(state: AdsState, customerId: string, body: Row, version: string): Row {
	const unknown = unknownFields(adsSchemas(), 'UploadClickConversionsRequest', body);
	if (unknown.length) throw unknownNameError(unknown);
	const customer = state.customers.get(customerId)!;
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
		else if (state.badClickIds.has(String(c[ids[0]])))
			mine.push(err('conversionUploadError', ids[0] === 'gclid' ? 'UNPARSEABLE_GCLID' : ids[0] === 'gbraid' ? 'UNPARSEABLE_GBRAID' : 'UNPARSEABLE_WBRAID', 'The click ID could not be decoded.', [...path, ids[0]], String(c[ids[0]])));
		const action = /^customers\/(\d+)\/conversionActions\/(\d+)$/.exec(String(c.conversionAction ?? ''));
		const known = action ? state.conversionActions.get(`${action[1]}/${action[2]}`) : undefined;
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
			if (body.validateOnly !== true) state.uploadedConversions.push({ ...c, customerId });
			results.push({ [ids[0]]: c[ids[0]], conversionAction: c.conversionAction, conversionDateTime: c.conversionDateTime });
		}
	});
	const out: Row = { results };
	if (errors.length) out.partialFailureError = partialFailureError(state, errors, version);
	return out;
}

export function ingest(state: AdsState, req: SandboxRequest): Row {
	const token = state.oauth.authorize(req, [DATAMANAGER_SCOPE]);
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
		const customer = state.customers.get(accountId);
		if (!/^\d{10}$/.test(accountId) || !customer) {
			v(`destinations[${i}].operating_account.account_id`, 'INVALID_ACCOUNT_ID', 'The account ID is not a known Google Ads customer (10 digits, no dashes).');
			return;
		}
		const login = d.loginAccount as Row | undefined;
		const loginId = login ? String(login.accountId ?? '') : undefined;
		const email = token.user.email;
		const direct = customer.users.includes(email);
		const viaManager = loginId !== undefined && customer.managers.includes(loginId) && (state.customers.get(loginId)?.users.includes(email) ?? false);
		if (!direct && !viaManager) v(`destinations[${i}]${login ? '.login_account' : '.operating_account'}`, 'PERMISSION_DENIED', 'The caller does not have permission to the operating account (set login_account to the manager account).');
		const actionId = String(d.productDestinationId ?? '');
		const action = state.conversionActions.get(`${accountId}/${actionId}`);
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
		for (const k of clicks) if (state.badClickIds.has(String(ad[k]))) v(`events[${i}].ad_identifiers.${k}`, `INVALID_${k.toUpperCase()}`, `The ${k} could not be decoded.`);
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
				state.ingestedEvents.push({ requestId, customerId: dest.customerId, conversionActionId: dest.actionId, event: e });
			}
		}
	}
	return { requestId };
}
