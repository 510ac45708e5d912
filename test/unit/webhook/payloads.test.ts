import { PayloadError, alertKey, conversionKey, fieldName, normaliseConversion, normaliseLead, normalisePerformanceAlert, parseForm, parseJsonObject, toIsoTime } from '../../../nodes/shared/webhook/payloads';

import { needsRenewal, parseChannelIds, subscriptionsCurrent, topicCallback, topicFor, withoutProof, hubForm, safeChallenge, type PushSubscription } from '../../../nodes/shared/webhook/websub';
import { callbackProof, callbackProofValid } from '../../../nodes/shared/webhook/signature';

// The body Google Ads posts for a lead form submission (google-facts.md).
const lead = {
	lead_id: 'Cj0KCQiA5fetBhC9ARIsAP1UMgE',
	api_version: '1.0',
	form_id: 40000000001,
	campaign_id: 20000000002,
	adgroup_id: 30000000003,
	creative_id: 60000000004,
	gcl_id: 'EAIaIQobChMI-test-gclid',
	google_key: 'lead-form-key',
	is_test: true,
	user_column_data: [
		{ column_id: 'FULL_NAME', column_name: 'Full Name', string_value: 'Ada Lovelace' },
		{ column_id: 'EMAIL', column_name: 'User Email', string_value: 'ada@example.test' },
		{ column_id: 'PHONE_NUMBER', string_value: '+44 20 7946 0000' },
		{ column_id: 'what_is_your_budget?', column_name: 'What is your budget?', string_value: '10k' },
	],
};

describe('lead normalisation', () => {
	test('columns become named fields; ids are strings; is_test is flagged', () => {
		const l = normaliseLead(lead);
		expect(l).toEqual({
			leadId: lead.lead_id,
			formId: '40000000001',
			campaignId: '20000000002',
			adGroupId: '30000000003',
			creativeId: '60000000004',
			gclid: 'EAIaIQobChMI-test-gclid',
			isTest: true,
			apiVersion: '1.0',
			fields: { FULL_NAME: 'Ada Lovelace', EMAIL: 'ada@example.test', PHONE_NUMBER: '+44 20 7946 0000', WHAT_IS_YOUR_BUDGET: '10k' },
			columnNames: { FULL_NAME: 'Full Name', EMAIL: 'User Email', WHAT_IS_YOUR_BUDGET: 'What is your budget?' },
		});
		expect(JSON.stringify(l)).not.toContain('lead-form-key');
	});
	test('is_test false / absent', () => {
		expect(normaliseLead({ ...lead, is_test: false }).isTest).toBe(false);
		const { is_test: _t, ...noTest } = lead;
		expect(normaliseLead(noTest).isTest).toBe(false);
	});
	test('prototype-polluting column ids are dropped', () => {
		const l = normaliseLead({ lead_id: 'x', user_column_data: [{ column_id: '__proto__', string_value: 'p' }, { column_id: 'constructor', string_value: 'c' }] });
		// Upper-casing makes "__proto__" a plain PROTO key; "constructor" is dropped; nothing reaches Object.prototype.
		expect(Object.keys(l.fields)).toEqual(['PROTO']);
		expect(Object.getPrototypeOf(l.fields)).toBe(Object.prototype);
		expect(({} as Record<string, unknown>).p).toBeUndefined();
	});
	test.each([
		['not an object', []],
		['no lead_id', { user_column_data: [] }],
		['columns not an array', { lead_id: '1', user_column_data: 'x' }],
		['column not an object', { lead_id: '1', user_column_data: ['x'] }],
	])('refuses %s', (_n, body) => {
		expect(() => normaliseLead(body)).toThrow(PayloadError);
	});
	test('field names', () => {
		expect(fieldName('FULL_NAME')).toBe('FULL_NAME');
		expect(fieldName('company name')).toBe('COMPANY_NAME');
	});
});

describe('conversion callback normalisation', () => {
	const at = '2026-11-26T03:00:00.000Z';
	test('query-style input with Ads date-time', () => {
		expect(normaliseConversion({ gclid: 'Cj0KCQ-abc_123', conversion_action: '987654', value: '49.90', currency: 'eur', conversion_time: '2026-11-25 14:30:00+01:00', order_id: 'SO-1' }, at)).toEqual({
			gclid: 'Cj0KCQ-abc_123',
			conversionAction: '987654',
			value: 49.9,
			currency: 'EUR',
			orderId: 'SO-1',
			occurredAt: '2026-11-25T13:30:00.000Z',
		});
	});
	test('gbraid / wbraid, camelCase, no time → received time', () => {
		expect(normaliseConversion({ wbraid: 'WB-1234', conversionValue: 10 }, at)).toEqual({ wbraid: 'WB-1234', value: 10, occurredAt: at });
	});
	test.each([
		['no click id', { value: 1 }],
		['bad click id', { gclid: 'a b<script>' }],
		['bad value', { gclid: 'abcd', value: 'ten' }],
		['bad currency', { gclid: 'abcd', currency: 'EURO' }],
		['bad time', { gclid: 'abcd', conversion_time: 'yesterday' }],
	])('refuses %s', (_n, input) => {
		expect(() => normaliseConversion(input, at)).toThrow(PayloadError);
	});
	test('repeat keys: order id wins, else click + action + the given time (none when not given, never the arrival time)', () => {
		const a = normaliseConversion({ gclid: 'abcd', order_id: 'X', conversion_time: '2026-01-01T00:00:00Z' }, at);
		const b = normaliseConversion({ gclid: 'efgh', order_id: 'X', conversion_time: '2026-01-02T00:00:00Z' }, at);
		expect(conversionKey(a, at)).toBe(conversionKey(b, at));
		const c = normaliseConversion({ gclid: 'abcd', conversion_time: '2026-01-01T00:00:00Z' }, at);
		const d = normaliseConversion({ gclid: 'abcd', conversion_time: '2026-01-01T00:00:01Z' }, at);
		expect(conversionKey(c, at)).not.toBe(conversionKey(d, at));
		const later = '2026-12-01T10:10:00.000Z';
		const e = normaliseConversion({ wbraid: 'WB-1', conversion_action: '9' }, at);
		const f = normaliseConversion({ wbraid: 'WB-1', conversion_action: '9' }, later);
		expect([conversionKey(e, at), conversionKey(f, later)]).toEqual(['click:wbraid:WB-1:9:', 'click:wbraid:WB-1:9:']);
	});
	test('times', () => {
		expect(toIsoTime('2026-11-25 14:30:00+0100')).toBe('2026-11-25T13:30:00.000Z');
		expect(toIsoTime(1_764_000_000)).toBe(new Date(1_764_000_000_000).toISOString());
		expect(toIsoTime('1764000000000')).toBe(new Date(1_764_000_000_000).toISOString());
		expect(toIsoTime('not a date')).toBeUndefined();
	});
});

describe('performance alert normalisation', () => {
	test('fields and key', () => {
		const a = normalisePerformanceAlert({ alert_id: 'A1', customer_id: '123-456-7890', campaign_id: 5, metric: 'cost_per_conversion', value: '12.5', threshold: 10, severity: 'HIGH', message: 'CPA above target', timestamp: '2026-11-25T10:00:00Z' }, 'now');
		expect(a).toMatchObject({ alertId: 'A1', customerId: '1234567890', campaignId: '5', metric: 'cost_per_conversion', value: 12.5, threshold: 10, severity: 'high', occurredAt: '2026-11-25T10:00:00.000Z' });
		expect(alertKey(a, 'now')).toBe('A1:2026-11-25T10:00:00.000Z');
		const w = normalisePerformanceAlert({ alert_id: 'A1', window: '2026-11-25T09:00Z/2026-11-25T10:00Z' }, 'now');
		expect(alertKey(w, 'now', 'msg-1')).toBe('A1:2026-11-25T09:00Z/2026-11-25T10:00Z');
		const noId = normalisePerformanceAlert({ metric: 'ctr' }, 'now');
		expect(alertKey(noId, 'now', 'msg-1')).toBe('pubsub:msg-1');
		expect(alertKey(noId, 'now')).toBe(alertKey(normalisePerformanceAlert({ metric: 'ctr' }, 'later'), 'later'));
		expect(alertKey(noId, 'now')).not.toBe(alertKey(normalisePerformanceAlert({ metric: 'cpa' }, 'now'), 'now'));
	});
	test('refuses a non-object', () => {
		expect(() => normalisePerformanceAlert('x', 'now')).toThrow(PayloadError);
	});
});

describe('bodies', () => {
	test('JSON: object only, bounded depth', () => {
		expect(parseJsonObject('{"a":1}')).toEqual({ a: 1 });
		expect(() => parseJsonObject('[1]')).toThrow(PayloadError);
		expect(() => parseJsonObject('{"a":')).toThrow(PayloadError);
		expect(() => parseJsonObject(`${'{"a":'.repeat(100)}1${'}'.repeat(100)}`)).toThrow(/deeply/);
		expect(() => parseJsonObject(`{"a":[${'0,'.repeat(200_000)}0]}`)).toThrow(/too many/);
	});
	test('form: first value wins, __proto__ ignored, bounded', () => {
		expect(parseForm('a=1&a=2&__proto__=x&b=%20y')).toEqual({ a: '1', b: ' y' });
		expect(() => parseForm(Array.from({ length: 300 }, (_, i) => `k${i}=v`).join('&'))).toThrow(PayloadError);
	});
});

describe('WebSub bookkeeping', () => {
	const CH = 'UC_x5XG1OV2P6uZZ5FSM9Ttw';
	const day = 86_400_000;
	const sub = (over: Partial<PushSubscription>): PushSubscription => ({
		channelId: CH, topic: topicFor(CH), callback: 'http://n8n/webhook/x/google?action=youtube-webhook', secret: 's', mode: 'subscribe',
		requestedAt: 0, expiresAt: null, verifiedAt: null, leaseSeconds: null, ...over,
	});
	test('channel ids from a list or URLs; junk refused', () => {
		expect(parseChannelIds(`${CH}, https://www.youtube.com/channel/${CH} ; UCbbbbbbbbbbbbbbbbbbbbbb`)).toEqual([CH, 'UCbbbbbbbbbbbbbbbbbbbbbb']);
		expect(() => parseChannelIds('not-a-channel')).toThrow();
	});
	test('renew when less than a day is left or the last request was never confirmed; never twice within an hour', () => {
		const now = 10 * day;
		expect(needsRenewal(sub({ verifiedAt: 1, requestedAt: 0, expiresAt: now + 2 * day }), now)).toBe(false);
		expect(needsRenewal(sub({ verifiedAt: 1, requestedAt: 0, expiresAt: now + day / 2 }), now)).toBe(true);
		expect(needsRenewal(sub({ verifiedAt: now - 10 * 60_000, requestedAt: now - 5 * 60_000, expiresAt: now + day / 2 }), now)).toBe(false);
		// A 1 s lease confirmed a minute ago: still not renewed before the hour is up.
		expect(needsRenewal(sub({ verifiedAt: now - 59_000, requestedAt: now - 60_000, expiresAt: now - 58_000 }), now)).toBe(false);
		expect(needsRenewal(sub({ verifiedAt: now - 59_000, requestedAt: now - 3_601_000, expiresAt: now - 58_000 }), now)).toBe(true);
		// Never confirmed (or the confirmation was lost): asked again after an hour.
		expect(needsRenewal(sub({ verifiedAt: null, requestedAt: now - 30 * 60_000, expiresAt: null }), now)).toBe(false);
		expect(needsRenewal(sub({ verifiedAt: null, requestedAt: now - 2 * 3_600_000, expiresAt: null }), now)).toBe(true);
		expect(needsRenewal(sub({ mode: 'unsubscribe', expiresAt: now }), now)).toBe(false);
	});
	test('subscriptions are current only for the same channels, callback and a live lease', () => {
		const cb = () => sub({}).callback;
		const state = { [topicFor(CH)]: sub({ expiresAt: 5 * day, verifiedAt: 1 }) };
		expect(subscriptionsCurrent(state, [CH], cb, day)).toBe(true);
		expect(subscriptionsCurrent(state, [CH], () => `${cb()}&orgid=x`, day)).toBe(false);
		// A record made before callbacks carried their proof is not current: publishing re-subscribes it.
		expect(subscriptionsCurrent(state, [CH], (t) => topicCallback(cb(), t, 'push-key'), day)).toBe(false);
		expect(subscriptionsCurrent(state, [CH, 'UCbbbbbbbbbbbbbbbbbbbbbb'], cb, day)).toBe(false);
		expect(subscriptionsCurrent(state, [], cb, day)).toBe(false);
		expect(subscriptionsCurrent(state, [CH], cb, 4.5 * day)).toBe(false);
		const unconfirmedState = { [topicFor(CH)]: sub({ verifiedAt: null, requestedAt: 0, expiresAt: null }) };
		expect(subscriptionsCurrent(unconfirmedState, [CH], cb, 30 * 60_000)).toBe(true);
		expect(subscriptionsCurrent(unconfirmedState, [CH], cb, 2 * 3_600_000)).toBe(false);
	});
	test('callback proof: one per topic and push key, stable, checked in constant time; a URL without a key stays as it is', () => {
		const base = 'https://n8n.example.com/webhook/1f0e/google?action=youtube-webhook&orgid=acme';
		const a = topicCallback(base, topicFor(CH), 'push-key');
		expect(a).toBe(`${base}&proof=${callbackProof('push-key', topicFor(CH))}`);
		expect(topicCallback(base, topicFor(CH), 'push-key')).toBe(a);
		// Re-signing a signed URL gives the same URL (the Renew Push operation may be given either).
		expect(topicCallback(a, topicFor(CH), 'push-key')).toBe(a);
		expect(withoutProof(a)).toBe(base);
		expect(topicCallback(base, topicFor(CH), undefined)).toBe(base);
		expect(topicCallback('not a url', topicFor(CH), 'push-key')).toBe('not a url');
		const proof = new URL(a).searchParams.get('proof')!;
		expect(proof).toMatch(/^[A-Za-z0-9_-]{32}$/);
		expect(callbackProofValid('push-key', proof, topicFor(CH))).toBe(true);
		expect(callbackProofValid('push-key', proof, topicFor('UCbbbbbbbbbbbbbbbbbbbbbb'))).toBe(false);
		expect(callbackProofValid('other-key', proof, topicFor(CH))).toBe(false);
		expect(callbackProofValid('', proof, topicFor(CH))).toBe(false);
		expect(callbackProofValid('push-key', undefined, topicFor(CH))).toBe(false);
		const tampered = `${proof.slice(0, 31)}${proof.endsWith('A') ? 'B' : 'A'}`;
		expect(callbackProofValid('push-key', tampered, topicFor(CH))).toBe(false);
	});
	test('hub form and challenge', () => {
		const f = hubForm({ mode: 'subscribe', topic: topicFor(CH), callback: 'http://cb', secret: 's', pushKey: 'k', nowSeconds: 100 });
		expect(f).toMatchObject({ 'hub.mode': 'subscribe', 'hub.topic': topicFor(CH), 'hub.callback': 'http://cb', 'hub.secret': 's', 'hub.verify': 'async' });
		expect(Number(f['hub.lease_seconds'])).toBeGreaterThanOrEqual(432_000);
		expect(f['hub.verify_token']).toMatch(/^100\./);
		expect(hubForm({ mode: 'unsubscribe', topic: 't', callback: 'c', secret: 's', nowSeconds: 1 })['hub.secret']).toBeUndefined();
		expect(safeChallenge('abc123')).toBe('abc123');
		expect(safeChallenge('<script>')).toBe('<script>');
		expect(safeChallenge('a b')).toBeUndefined();
		expect(safeChallenge('x'.repeat(600))).toBeUndefined();
	});
});
