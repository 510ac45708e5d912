// Ring 2: the trigger's dedupe keys are the events' natural identities (issue 10 item 21): a
// redelivery ten minutes later (a Google sender retrying, Pub/Sub redelivering the same messageId)
// starts nothing, another event does, and every event carries that key as `dedupeKey`.
import type { IDataObject, INodeParameters } from 'n8n-workflow';
import { GoogleConnectorTrigger } from '../../nodes/GoogleConnectorTrigger/GoogleConnectorTrigger.node';
import { GoogleConnectorWebhookApi } from '../../credentials/GoogleConnectorWebhookApi.credentials';
import { runs, triggerHarness } from '../helpers/webhookTrigger';
import { startSandbox, type Sandbox } from '../sandbox';
import { BASE_URL, type CredentialsMap } from '../helpers/workflow';

const SECRETS = { leadFormKey: 'lead-form-key-4f9d2c7a', sharedSecret: 'shared-secret-8c1e5b3f9a7d2e4c', pushKey: 'push-key-2b7e9f1c4a8d3e6f0b5c' };
const credentials: CredentialsMap = { googleConnectorWebhookApi: { id: 'w1', name: 'Webhook secrets', data: { ...SECRETS } } };
const credentialTypes = [new GoogleConnectorWebhookApi()];

/** A distinct, valid channel id per use (UC + 22 characters), so tests never share hub state. */
let channelSeq = 0;
const channel = () => `UCattack${String(++channelSeq).padStart(4, "0")}xxxxxxxxxxxx`;

let sandbox: Sandbox;
const trigger = new GoogleConnectorTrigger();

beforeAll(async () => {
	sandbox = await startSandbox();
	sandbox.server.useInThisProcess();
});
afterAll(async () => {
	await sandbox?.close();
});
afterEach(() => {
	jest.useRealTimers();
});

function params(channels: string[], over: IDataObject = {}): INodeParameters {
	return { actions: ['youtube-webhook', 'ads-webhook', 'ads-conversion-callback', 'ads-performance-alert'], channelIds: channels.join(', '), orgId: '', settings: {}, ...over } as INodeParameters;
}

const { call, hubToTrigger, publish } = triggerHarness(trigger, credentials, credentialTypes, () => sandbox);


/** Only Date moves; timers, sockets and the sandbox run in real time. */
function fakeClock(start: number) {
	jest.useFakeTimers({
		now: start,
		doNotFake: ['hrtime', 'nextTick', 'performance', 'queueMicrotask', 'setImmediate', 'clearImmediate', 'setInterval', 'clearInterval', 'setTimeout', 'clearTimeout'],
	});
	return (to: number) => jest.setSystemTime(to);
}

describe('21: stable natural dedupe keys, and dedupeKey on every event', () => {
	const auth = { 'content-type': 'application/json', 'x-webhook-token': SECRETS.sharedSecret };
	const post = (s: IDataObject, action: string, body: unknown) =>
		call(s, { method: 'POST', query: { action }, headers: auth, rawBody: JSON.stringify(body) }, params([]));
	const envelope = (payload: IDataObject, messageId: string) => ({ message: { data: Buffer.from(JSON.stringify(payload)).toString('base64'), messageId, publishTime: '2026-12-01T10:00:00Z' }, subscription: 'projects/acme/subscriptions/ads' });

	test('a conversion without order id or time, redelivered ten minutes later, starts one run', async () => {
		const setNow = fakeClock(Date.parse('2026-12-01T10:00:00Z'));
		const s: IDataObject = {};
		const body = { gclid: 'Cj0-redeliver-1', conversion_action: '555', value: 10 };
		const first = await post(s, 'ads-conversion-callback', body);
		setNow(Date.parse('2026-12-01T10:10:00Z'));
		const again = await post(s, 'ads-conversion-callback', body);
		expect([runs(first), runs(again)]).toEqual([1, 0]);
		expect(first.workflowData![0][0].json.dedupeKey).toBe('ads-conversion-callback:click:gclid:Cj0-redeliver-1:555:');
		// A different conversion action of the same click is another conversion.
		const other = await post(s, 'ads-conversion-callback', { ...body, conversion_action: '556' });
		expect(runs(other)).toBe(1);
	});

	test('a conversion with a time is keyed on click id + action + time; a Pub/Sub redelivery (same messageId) ten minutes later starts nothing', async () => {
		const setNow = fakeClock(Date.parse('2026-12-01T11:00:00Z'));
		const s: IDataObject = {};
		const payload = { gbraid: 'GB-redeliver-2', conversion_action: '777', conversion_time: '2026-12-01 10:59:00+00:00' };
		const first = await post(s, 'ads-conversion-callback', envelope(payload, 'pubsub-msg-1'));
		setNow(Date.parse('2026-12-01T11:10:00Z'));
		const again = await post(s, 'ads-conversion-callback', envelope(payload, 'pubsub-msg-1'));
		expect([runs(first), runs(again)]).toEqual([1, 0]);
		expect(first.workflowData![0][0].json.dedupeKey).toBe('ads-conversion-callback:click:gbraid:GB-redeliver-2:777:2026-12-01T10:59:00.000Z');
	});

	test('an alert is keyed on alert id + window; one without an id on the Pub/Sub messageId; redeliveries ten minutes later start nothing', async () => {
		const setNow = fakeClock(Date.parse('2026-12-01T12:00:00Z'));
		const s: IDataObject = {};
		const withId = { alert_id: 'AL-77', metric: 'cpa', value: 31, window: '2026-12-01T11:00:00Z/2026-12-01T12:00:00Z' };
		const noId = { metric: 'ctr', value: 0.1, message: 'CTR fell' };
		const a1 = await post(s, 'ads-performance-alert', withId);
		const b1 = await post(s, 'ads-performance-alert', envelope(noId, 'pubsub-alert-9'));
		setNow(Date.parse('2026-12-01T12:10:00Z'));
		const a2 = await post(s, 'ads-performance-alert', withId);
		const b2 = await post(s, 'ads-performance-alert', envelope(noId, 'pubsub-alert-9'));
		expect([runs(a1), runs(b1), runs(a2), runs(b2)]).toEqual([1, 1, 0, 0]);
		expect(a1.workflowData![0][0].json.dedupeKey).toBe('ads-performance-alert:AL-77:2026-12-01T11:00:00Z/2026-12-01T12:00:00Z');
		expect(b1.workflowData![0][0].json.dedupeKey).toBe('ads-performance-alert:pubsub:pubsub-alert-9');
		// The same alert id in the next window is a new alert.
		const next = await post(s, 'ads-performance-alert', { ...withId, window: '2026-12-01T12:00:00Z/2026-12-01T13:00:00Z' });
		expect(runs(next)).toBe(1);
	});

	test('lead and YouTube events carry dedupeKey too', async () => {
		const s: IDataObject = {};
		const lead = await call(s, { method: 'POST', query: { action: 'ads-webhook' }, headers: { 'content-type': 'application/json' }, rawBody: JSON.stringify({ lead_id: 'L-dk-1', form_id: 42, google_key: SECRETS.leadFormKey }) }, params([]));
		expect(lead.workflowData![0][0].json.dedupeKey).toBe('ads-webhook:42:L-dk-1');
		const a = channel();
		const staticData: IDataObject = {};
		const p = params([a]);
		const seen = hubToTrigger(staticData, p);
		await publish(staticData, p);
		await sandbox.hub.notifyUpload([{ videoId: 'dedupeKey01', channelId: a, updated: '2026-12-01T10:00:00+00:00' }]);
		expect(seen[seen.length - 1].workflowData![0][0].json.dedupeKey).toBe('youtube-webhook:dedupeKey01:2026-12-01T10:00:00+00:00');
	});
});

describe('an accepted delivery is acknowledged only once n8n stored its run', () => {
	const json = { 'content-type': 'application/json' };
	const lead = (id: string) => JSON.stringify({ lead_id: id, google_key: SECRETS.leadFormKey, form_id: 1, user_column_data: [{ column_id: 'EMAIL', string_value: 'ada@example.test' }] });
	const send = (s: IDataObject, id: string, runFails = false) => call(s, { method: 'POST', query: { action: 'ads-webhook' }, headers: json, rawBody: lead(id) }, params([]), runFails);

	test('the trigger leaves the answer to n8n (200 and its body after the run is stored), and a run n8n could not store is not remembered: the redelivery starts it', async () => {
		const s: IDataObject = {};
		const ok = await send(s, 'L-stored-1');
		// n8n answers (noWebhookResponse unset): before, the trigger wrote its 200 before n8n stored anything.
		expect([ok.noWebhookResponse, ok.responseStatus, ok.responseBody, runs(ok), ok.responseHeaders['cache-control']]).toEqual([undefined, 200, { received: true }, 1, 'no-store']);
		const failed = await send(s, 'L-unstored-1', true);
		expect([failed.responseStatus, failed.staticDataPersisted]).toEqual([500, false]);
		// Google sends it again: not a duplicate (neither the static data nor this process kept it).
		const again = await send(s, 'L-unstored-1');
		expect([again.responseStatus, again.responseBody, runs(again)]).toEqual([200, { received: true }, 1]);
		expect(again.workflowData![0][0].json).toMatchObject({ dedupeKey: 'ads-webhook:1:L-unstored-1' });
		// Once stored, a further redelivery is one.
		const third = await send(s, 'L-unstored-1');
		expect([third.responseStatus, JSON.parse(String(third.responseBody)), runs(third)]).toEqual([200, { received: true, duplicate: true }, 0]);
	});
});
