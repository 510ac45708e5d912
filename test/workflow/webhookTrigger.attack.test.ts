// Ring 2: the Google Connector Trigger's promises under attack and under a hub that behaves as W3C
// WebSub allows (no hub.verify_token echo, verifications racing n8n's static-data saves, quiet
// channels, forged verifications, redeliveries, unknown signing keys). Each test names the issue-10
// item it covers. The hub reaches the trigger in-process: its GET/POST become webhookCall()s that
// load and save the static data whole, as n8n does, so the save races of a real n8n happen here too.
import { createHmac } from 'node:crypto';
import type { IDataObject, INodeParameters } from 'n8n-workflow';
import { GoogleConnectorTrigger } from '../../nodes/GoogleConnectorTrigger/GoogleConnectorTrigger.node';
import { GoogleConnector } from '../../nodes/GoogleConnector/GoogleConnector.node';
import { GoogleConnectorWebhookApi } from '../../credentials/GoogleConnectorWebhookApi.credentials';
import { deriveTopicSecret } from '../../nodes/shared/webhook/signature';
import { forgetGoogleCerts } from '../../nodes/shared/transport/googleCerts';
import { forgetHubIntents } from '../../nodes/shared/webhook/hubIntents';
import { topicCallback } from '../../nodes/shared/webhook/websub';
import { runs, triggerHarness } from '../helpers/webhookTrigger';
import { startSandbox, YT_TOPIC, type Sandbox } from '../sandbox';
import { activateWebhook, deactivateWebhook, runWorkflow, startNode, chain, webhookCall, BASE_URL, CredentialTypeRegistry, TestCredentialsHelper, type CredentialsMap, type WebhookCallResult } from '../helpers/workflow';
import { forgetCachedWebhookSecrets } from '../../nodes/shared/webhook/credential';

const SECRETS = { leadFormKey: 'lead-form-key-4f9d2c7a', sharedSecret: 'shared-secret-8c1e5b3f9a7d2e4c', pushKey: 'push-key-2b7e9f1c4a8d3e6f0b5c' };
const credentials: CredentialsMap = { googleConnectorWebhookApi: { id: 'w1', name: 'Webhook secrets', data: { ...SECRETS } } };
const credentialTypes = [new GoogleConnectorWebhookApi()];
const WEBHOOK_URL = `${BASE_URL}/webhook/harness-webhook-id/google`;
const CALLBACK = `${WEBHOOK_URL}?action=youtube-webhook`;
/** The callback the trigger registers for a channel: its URL with the topic's proof. */
const cbFor = (channelId: string) => topicCallback(CALLBACK, YT_TOPIC + channelId, SECRETS.pushKey);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

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
	sandbox.hub.maxLeaseSeconds = 432_000;
	sandbox.hub.holdVerifications = false;
});

function params(channels: string[], over: IDataObject = {}): INodeParameters {
	return { actions: ['youtube-webhook', 'ads-webhook', 'ads-conversion-callback', 'ads-performance-alert'], channelIds: channels.join(', '), orgId: '', settings: {}, ...over } as INodeParameters;
}

const { call, hubToTrigger, publish } = triggerHarness(trigger, credentials, credentialTypes, () => sandbox);
const subscribePosts = () => sandbox.server.seen('pubsubhubbub.appspot.com', '/subscribe', 'POST').map((r) => new URLSearchParams(r.body));

const record = (staticData: IDataObject, ch: string) => (staticData.push as Record<string, IDataObject> | undefined)?.[YT_TOPIC + ch];

function renewPushWorkflow(channels: string[]) {
	// What a Schedule Trigger → Google Connector (YouTube → Renew Push) workflow runs on each tick.
	return runWorkflow({
		nodes: [startNode(), { name: 'Renew', type: 'googleConnector', parameters: { authentication: 'webhookSecrets', resource: 'youtube', operation: 'renewPush', callbackUrl: CALLBACK, pushChannelIds: channels.join(',') } }],
		connections: chain('Start', 'Renew'),
		credentials,
		credentialTypes,
		nodeTypes: [new GoogleConnector()],
		mode: 'trigger',
	});
}

/** Only Date moves; timers, sockets and the sandbox run in real time. */
function fakeClock(start: number) {
	jest.useFakeTimers({
		now: start,
		doNotFake: ['hrtime', 'nextTick', 'performance', 'queueMicrotask', 'setImmediate', 'clearImmediate', 'setInterval', 'clearInterval', 'setTimeout', 'clearTimeout'],
	});
	return (to: number) => jest.setSystemTime(to);
}

describe('16: YouTube push without hub.verify_token echo (W3C WebSub hub)', () => {
	test('publishing confirms every channel, push starts, and unpublishing ends both subscriptions', async () => {
		expect(sandbox.hub.echoVerifyToken).toBe(false);
		const [a, b] = [channel(), channel()];
		const staticData: IDataObject = {};
		const p = params([a, b]);
		hubToTrigger(staticData, p);
		const before = sandbox.hub.verifications.length;
		await publish(staticData, p);
		const checks = sandbox.hub.verifications.slice(before);
		expect(checks.map((v) => [v.topic, v.mode, v.status, v.confirmed, v.verifyToken]).sort()).toEqual([
			[YT_TOPIC + a, 'subscribe', 200, true, undefined],
			[YT_TOPIC + b, 'subscribe', 200, true, undefined],
		]);
		expect(sandbox.hub.subscription(YT_TOPIC + a, cbFor(a))).toBeDefined();
		expect(sandbox.hub.subscription(YT_TOPIC + b, cbFor(b))).toBeDefined();
		const [d] = await sandbox.hub.notifyUpload([{ videoId: 'w3cVideo001', channelId: a }]);
		expect(d.status).toBe(200);

		await deactivateWebhook(trigger, { parameters: p, credentials, credentialTypes, staticData });
		await sandbox.hub.settled();
		expect(sandbox.hub.verifications.slice(-2).map((v) => [v.mode, v.status, v.confirmed])).toEqual([
			['unsubscribe', 200, true],
			['unsubscribe', 200, true],
		]);
		expect(sandbox.hub.subscription(YT_TOPIC + a, cbFor(a))).toBeUndefined();
		expect(sandbox.hub.subscription(YT_TOPIC + b, cbFor(b))).toBeUndefined();
	});

	test('a restart after a subscription the hub never confirmed subscribes again (instead of trusting the estimate)', async () => {
		const a = channel();
		const p = params([a]);
		const staticData: IDataObject = {};
		hubToTrigger(staticData, p);
		await publish(staticData, p);
		// The confirmation never happened (hub down at the time): the record says so and is two hours old.
		const rec = record(staticData, a)!;
		Object.assign(rec, { verifiedAt: null, expiresAt: null, leaseSeconds: null, requestedAt: Date.now() - 2 * HOUR });
		sandbox.hub.subscriptions.clear();
		sandbox.server.clearRequests();
		const again = await publish(staticData, p);
		expect(again.existed).toBe(false);
		expect(subscribePosts().map((f) => [f.get('hub.mode'), f.get('hub.topic')])).toEqual([['subscribe', YT_TOPIC + a]]);
		expect(sandbox.hub.subscription(YT_TOPIC + a, cbFor(a))).toBeDefined();
	});
});

describe('17: activation race with two channels', () => {
	test('in 5 of 5 fresh activations every channel keeps its record with the lease the hub confirmed', async () => {
		const outcomes: string[] = [];
		for (let i = 0; i < 5; i++) {
			const [a, b] = [channel(), channel()];
			const staticData: IDataObject = {};
			const p = params([a, b]);
			hubToTrigger(staticData, p);
			await publish(staticData, p);
			for (const ch of [a, b]) {
				const rec = record(staticData, ch);
				const hubSub = sandbox.hub.subscription(YT_TOPIC + ch, cbFor(ch));
				// The trigger and the hub each stamp the lease with their own clock reading: equal within a few ms.
				const ok = !!rec && !!hubSub && rec.verifiedAt !== null && Math.abs((rec.expiresAt as number) - hubSub.expiresAt) < 5000;
				outcomes.push(ok ? 'kept' : rec ? `record without confirmation (${JSON.stringify({ verifiedAt: rec.verifiedAt, expiresAt: rec.expiresAt })})` : 'record lost');
			}
		}
		expect(outcomes).toEqual(Array(10).fill('kept'));
	});

	test('a channel whose record was lost is renewed anyway, and its record comes back', async () => {
		const [a, b] = [channel(), channel()];
		const staticData: IDataObject = {};
		const p = params([a, b]);
		hubToTrigger(staticData, p);
		await publish(staticData, p);
		delete (staticData.push as IDataObject)[YT_TOPIC + b];
		// The delivery reaches a process that did not publish the workflow (after a restart, or another
		// webhook process): it has no memory of the confirmation either.
		forgetHubIntents();
		sandbox.server.clearRequests();
		// Any signed delivery (here for the other channel) runs the renewal check.
		const [d] = await sandbox.hub.notifyUpload([{ videoId: 'lostRec0001', channelId: a }]);
		expect(d.status).toBe(200);
		await sandbox.hub.settled();
		expect(subscribePosts().map((f) => [f.get('hub.mode'), f.get('hub.topic'), f.get('hub.secret')])).toEqual([
			['subscribe', YT_TOPIC + b, deriveTopicSecret(SECRETS.pushKey, YT_TOPIC + b)],
		]);
		const rec = record(staticData, b);
		expect(rec).toMatchObject({ channelId: b, callback: cbFor(b), mode: 'subscribe' });
		expect(Math.abs((rec!.expiresAt as number) - sandbox.hub.subscription(YT_TOPIC + b, cbFor(b))!.expiresAt)).toBeLessThan(5000);
	});
});

describe('18: forged verifications', () => {
	test('10 forged subscribe verifications (right topic, no token, 1 s lease) are answered 404, take no lease and cause no hub traffic', async () => {
		const a = channel();
		const staticData: IDataObject = {};
		const p = params([a]);
		hubToTrigger(staticData, p);
		await publish(staticData, p);
		const lease = record(staticData, a)!.expiresAt as number;
		sandbox.server.clearRequests();
		const forged = [];
		for (let i = 0; i < 10; i++) forged.push(await sandbox.hub.forgeVerification(CALLBACK, YT_TOPIC + a, 'subscribe', { lease: 1 }));
		forged.push(await sandbox.hub.forgeVerification(CALLBACK, YT_TOPIC + a, 'subscribe', { lease: 1, verifyToken: `${Math.floor(Date.now() / 1000)}.${'A'.repeat(43)}` }));
		forged.push(await sandbox.hub.forgeVerification(CALLBACK, YT_TOPIC + a, 'unsubscribe'));
		expect(forged.map((v) => [v.status, v.confirmed])).toEqual(Array(12).fill([404, false]));
		expect(record(staticData, a)!.expiresAt).toBe(lease);
		// A signed delivery afterwards finds a healthy lease: nothing to renew.
		await sandbox.hub.notifyUpload([{ videoId: 'forged00001', channelId: a }]);
		await sandbox.hub.settled();
		expect(subscribePosts()).toHaveLength(0);
	});

	test('the callback proof (queue mode: the webhook process that gets the verification never saw the request): a subscribe verification on the topic\'s own callback is answered with a lease no longer than asked for; an unsubscribe, another topic\'s proof or a made-up proof is refused', async () => {
		const [a, b] = [channel(), channel()];
		const p = params([a, b]);
		// The main published: the hub holds the subscriptions at each topic's callback.
		const mainData: IDataObject = {};
		hubToTrigger(mainData, p);
		await publish(mainData, p);
		expect(subscribePosts().slice(-2).map((f) => f.get('hub.callback')).sort()).toEqual([cbFor(a), cbFor(b)].sort());
		// Another process: nothing in memory, the main's static data not saved yet.
		forgetHubIntents();
		const otherData: IDataObject = {};
		hubToTrigger(otherData, p);
		const ours = await sandbox.hub.forgeVerification(cbFor(a), YT_TOPIC + a, 'subscribe', { lease: 432_000 });
		expect([ours.status, ours.confirmed]).toEqual([200, true]);
		expect(record(otherData, a)).toMatchObject({ channelId: a, callback: cbFor(a), leaseSeconds: 432_000 });
		// A lease beyond what we ask for is recorded as what we asked for (828,000 s).
		await sandbox.hub.forgeVerification(cbFor(a), YT_TOPIC + a, 'subscribe', { lease: 100_000_000 });
		expect(record(otherData, a)!.leaseSeconds).toBe(828_000);
		const refused = [
			await sandbox.hub.forgeVerification(cbFor(a), YT_TOPIC + a, 'unsubscribe'),
			await sandbox.hub.forgeVerification(cbFor(a), YT_TOPIC + b, 'subscribe'),
			await sandbox.hub.forgeVerification(`${CALLBACK}&proof=${'A'.repeat(32)}`, YT_TOPIC + b, 'subscribe'),
			await sandbox.hub.forgeVerification(topicCallback(CALLBACK, YT_TOPIC + a, 'another-push-key'), YT_TOPIC + a, 'subscribe'),
			// A channel this trigger does not watch, with a proof made with our key: still refused.
			await sandbox.hub.forgeVerification(cbFor('UCnotwatchedxxxxxxxxxxxx'), YT_TOPIC + 'UCnotwatchedxxxxxxxxxxxx', 'subscribe'),
		];
		expect(refused.map((v) => [v.status, v.confirmed])).toEqual(Array(5).fill([404, false]));
		expect(record(otherData, b)).toBeUndefined();
		expect(sandbox.hub.subscription(YT_TOPIC + a, cbFor(a))).toBeDefined();
	});

	test('a hub granting 1 s leases is renewed at most once an hour, however many signed deliveries arrive', async () => {
		const a = channel();
		const staticData: IDataObject = {};
		const p = params([a]);
		hubToTrigger(staticData, p);
		sandbox.hub.maxLeaseSeconds = 1;
		await publish(staticData, p);
		sandbox.server.clearRequests();
		for (let i = 0; i < 10; i++) {
			await sandbox.hub.deliver(YT_TOPIC + a, '<feed xmlns="http://www.w3.org/2005/Atom"/>');
			await sandbox.hub.settled();
			// Keep the hub's short lease alive between deliveries, as a hub would right after renewing.
			const s = sandbox.hub.subscription(YT_TOPIC + a, cbFor(a));
			if (s) s.expiresAt = Date.now() + 1000;
		}
		expect(subscribePosts().length).toBeLessThanOrEqual(1);
	});
});

describe('19: a quiet channel never lapses while the workflow is published', () => {
	test('12 days without a single delivery: the scheduled Renew Push keeps both leases alive (the hub confirms each renewal)', async () => {
		const start = Date.parse('2026-12-01T00:00:00Z');
		const setNow = fakeClock(start);
		const [a, b] = [channel(), channel()];
		const staticData: IDataObject = {};
		const p = params([a, b]);
		hubToTrigger(staticData, p);
		await publish(staticData, p);
		const lapses: string[] = [];
		for (let t = start + 6 * HOUR; t <= start + 12 * DAY; t += 6 * HOUR) {
			setNow(t);
			// The schedule: once a day.
			if ((t - start) % DAY === 0) {
				const r = await renewPushWorkflow([a, b]);
				expect(r.error).toBeUndefined();
				await sandbox.hub.settled();
			}
			for (const ch of [a, b]) {
				const s = sandbox.hub.subscription(YT_TOPIC + ch, cbFor(ch));
				if (!s || s.expiresAt <= t) lapses.push(`${ch} at day ${((t - start) / DAY).toFixed(2)}`);
			}
		}
		expect(lapses).toEqual([]);
		expect(sandbox.hub.subscription(YT_TOPIC + a, cbFor(a))!.expiresAt).toBeGreaterThan(start + 12 * DAY + 3 * DAY);
	});
});

describe('20: OIDC (Pub/Sub push) mode', () => {
	test('publishing is refused until the expected service account and the audience are set; with both it activates', async () => {
		const oidc = (settings: IDataObject) => params([], { actions: ['ads-conversion-callback'], settings: { requireGoogleOidc: true, ...settings } });
		const attempt = async (settings: IDataObject) => {
			try {
				await activateWebhook(trigger, { parameters: oidc(settings), credentials, credentialTypes, staticData: {} });
				return 'activated';
			} catch (error) {
				return (error as Error).message;
			}
		};
		expect(await attempt({})).toMatch(/Token Service Account/);
		expect(await attempt({ oidcServiceAccountEmail: 'pubsub-push@acme-crm.iam.gserviceaccount.com' })).toMatch(/Token Audience/);
		expect(await attempt({ oidcAudience: WEBHOOK_URL })).toMatch(/Token Service Account/);
		expect(await attempt({ oidcServiceAccountEmail: 'pubsub-push@acme-crm.iam.gserviceaccount.com', oidcAudience: WEBHOOK_URL })).toBe('activated');
	});

	test('a request in OIDC mode without an expected service account is refused, whoever signed the token', async () => {
		forgetGoogleCerts();
		const now = Math.floor(Date.now() / 1000);
		const token = sandbox.oauth.signIdToken({ iss: 'https://accounts.google.com', aud: WEBHOOK_URL, email: 'anyone@evil-project.iam.gserviceaccount.com', email_verified: true, sub: '9', iat: now, exp: now + 3600 });
		const r = await call({}, { method: 'POST', query: { action: 'ads-conversion-callback' }, headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, rawBody: JSON.stringify({ gclid: 'Cj0-oidc-any' }) }, params([], { settings: { requireGoogleOidc: true } }));
		expect([r.responseStatus, runs(r)]).toEqual([401, 0]);
	});
});

describe('22: signed but malformed Atom', () => {
	test('is acknowledged with 2xx (so the hub does not redeliver it) and starts nothing', async () => {
		const a = channel();
		const secret = deriveTopicSecret(SECRETS.pushKey, YT_TOPIC + a);
		for (const body of ['<feed><entry>', '<rss/>', '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY b "c">]><feed xmlns="http://www.w3.org/2005/Atom">&b;</feed>']) {
			const r = await call({}, { method: 'POST', query: { action: 'youtube-webhook' }, headers: { 'content-type': 'application/atom+xml', 'x-hub-signature': `sha1=${createHmac('sha1', secret).update(body).digest('hex')}` }, rawBody: body }, params([a]));
			expect({ body, status: r.responseStatus, runs: runs(r) }).toEqual({ body, status: 202, runs: 0 });
		}
	});
});

describe('23: JWKS with an unknown kid', () => {
	test('20 concurrent and 20 later requests naming an unknown key fetch Google\'s certs once', async () => {
		forgetGoogleCerts();
		const SA = 'pubsub-push@acme-crm.iam.gserviceaccount.com';
		const p = params([], { settings: { requireGoogleOidc: true, oidcServiceAccountEmail: SA, oidcAudience: WEBHOOK_URL } });
		const now = Math.floor(Date.now() / 1000);
		const token = sandbox.oauth.signIdToken({ iss: 'https://accounts.google.com', aud: WEBHOOK_URL, email: SA, email_verified: true, sub: '1', iat: now, exp: now + 3600 }, { kid: 'attacker-chosen-kid' });
		const send = () => call({}, { method: 'POST', query: { action: 'ads-performance-alert' }, headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, rawBody: '{"alert_id":"kid"}' }, p);
		sandbox.server.clearRequests();
		const concurrent = await Promise.all(Array.from({ length: 20 }, send));
		const later: WebhookCallResult[] = [];
		for (let i = 0; i < 20; i++) later.push(await send());
		expect([...concurrent, ...later].map((r) => [r.responseStatus, runs(r)])).toEqual(Array(40).fill([401, 0]));
		expect(sandbox.server.seen('www.googleapis.com', '/oauth2/v3/certs').length).toBe(1);
	});
});

describe('25: the cost of a refusal', () => {
	test('50 concurrent leads with a wrong key are refused with one credential read between them; a right key still passes', async () => {
		forgetCachedWebhookSecrets();
		const helper = new TestCredentialsHelper(new CredentialTypeRegistry(credentialTypes), { googleConnectorWebhookApi: { id: 'w-cost', name: 'Webhook secrets', data: { ...SECRETS } } });
		const reads = jest.spyOn(helper, 'getDecrypted');
		const lead = (id: string, key: string) => ({ method: 'POST', query: { action: 'ads-webhook' }, headers: { 'content-type': 'application/json' }, rawBody: JSON.stringify({ lead_id: id, google_key: key }) });
		const refused = await Promise.all(
			Array.from({ length: 50 }, (_, i) => webhookCall(trigger, { parameters: params([]), credentialsHelper: helper, credentialTypes, staticData: {}, request: lead(`bad-${i}`, 'wrong-key-guess') })),
		);
		expect(refused.map((r) => [r.responseStatus, runs(r)])).toEqual(Array(50).fill([401, 0]));
		expect(reads.mock.calls.length).toBe(1);
		const ok = await webhookCall(trigger, { parameters: params([]), credentialsHelper: helper, credentialTypes, staticData: {}, request: lead('good-1', SECRETS.leadFormKey) });
		expect([ok.responseStatus, runs(ok)]).toEqual([200, 1]);
	});
});
