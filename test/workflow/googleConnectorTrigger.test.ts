// Ring 2: the Google Connector Trigger's webhook() and lifecycle run by n8n-core's WebhookContext /
// HookContext in-process, against the sandbox's WebSub hub (whose callback calls reach the trigger
// through webhookCall with the same static data, as n8n would load and save it).
import { createHmac, generateKeyPairSync } from 'node:crypto';
import type { IDataObject, INodeParameters } from 'n8n-workflow';
import { GoogleConnectorTrigger } from '../../nodes/GoogleConnectorTrigger/GoogleConnectorTrigger.node';
import { GoogleConnectorWebhookApi } from '../../credentials/GoogleConnectorWebhookApi.credentials';
import { deriveTopicSecret } from '../../nodes/shared/webhook/signature';
import { topicCallback } from '../../nodes/shared/webhook/websub';
import { bucketHasKey } from '../../nodes/shared/webhook/dedupe';
import { forgetGoogleCerts } from '../../nodes/shared/transport/googleCerts';
import { startSandbox, uploadAtom, YT_TOPIC, type Sandbox } from '../sandbox';
import { activateWebhook, deactivateWebhook, runWorkflow, startNode, chain, BASE_URL, type CredentialsMap, type WebhookCallResult } from '../helpers/workflow';
import { runs, triggerHarness, type WebhookRequest } from '../helpers/webhookTrigger';
import { GoogleConnector } from '../../nodes/GoogleConnector/GoogleConnector.node';

const SECRETS = { leadFormKey: 'lead-form-key-4f9d2c7a', sharedSecret: 'shared-secret-8c1e5b3f9a7d2e4c', pushKey: 'push-key-2b7e9f1c4a8d3e6f0b5c' };
const credentials: CredentialsMap = { googleConnectorWebhookApi: { id: 'w1', name: 'Webhook secrets', data: { ...SECRETS } } };
const credentialTypes = [new GoogleConnectorWebhookApi()];
const CH1 = 'UC_x5XG1OV2P6uZZ5FSM9Ttw';
const CH2 = 'UCbbbbbbbbbbbbbbbbbbbbbb';
const OTHER = 'UCzzzzzzzzzzzzzzzzzzzzzz';
const WEBHOOK_URL = `${BASE_URL}/webhook/harness-webhook-id/google`;
const ALL = ['youtube-webhook', 'youtube-verify', 'ads-webhook', 'ads-conversion-callback', 'ads-performance-alert'];

let sandbox: Sandbox;
const trigger = new GoogleConnectorTrigger();

beforeAll(async () => {
	sandbox = await startSandbox();
	sandbox.server.useInThisProcess();
});
afterAll(async () => {
	await sandbox?.close();
});

function params(over: IDataObject = {}): INodeParameters {
	return { actions: ALL.filter((a) => a !== 'youtube-verify'), channelIds: `${CH1}, ${CH2}`, orgId: '', settings: {}, ...over } as INodeParameters;
}

const harness = triggerHarness(trigger, credentials, credentialTypes, () => sandbox);
const call = (staticData: IDataObject, request: WebhookRequest, parameters = params()): Promise<WebhookCallResult> => harness.call(staticData, request, parameters);
/** The hub reaches the trigger in-process: its GET/POST become webhookCall()s on the same static data. */
const hubToTrigger = (staticData: IDataObject, parameters = params()) => harness.hubToTrigger(staticData, parameters);

describe('YouTube push lifecycle', () => {
	const staticData: IDataObject = {};
	let hubCalls: WebhookCallResult[];

	test('activation subscribes every channel with a derived secret, the longest lease and a verify token; the hub verifies', async () => {
		hubCalls = hubToTrigger(staticData);
		sandbox.server.clearRequests();
		// As the real hub, verify after the activation has been saved (the race is the next test).
		sandbox.hub.holdVerifications = true;
		const act = await activateWebhook(trigger, { parameters: params(), credentials, credentialTypes, staticData });
		expect(act).toMatchObject({ existed: false, created: true });
		const posts = sandbox.server.seen('pubsubhubbub.appspot.com', '/subscribe', 'POST');
		expect(posts).toHaveLength(2);
		for (const [i, ch] of [CH1, CH2].entries()) {
			const form = new URLSearchParams(posts[i].body);
			expect(form.get('hub.mode')).toBe('subscribe');
			expect(form.get('hub.topic')).toBe(YT_TOPIC + ch);
			expect(form.get('hub.callback')).toBe(topicCallback(`${WEBHOOK_URL}?action=youtube-webhook`, YT_TOPIC + ch, SECRETS.pushKey));
			expect(form.get('hub.secret')).toBe(deriveTopicSecret(SECRETS.pushKey, YT_TOPIC + ch));
			expect(Number(form.get('hub.lease_seconds'))).toBeGreaterThanOrEqual(432_000);
			expect(form.get('hub.verify_token')).toMatch(/^\d+\./);
			expect(posts[i].status).toBe(202);
		}
		sandbox.hub.holdVerifications = false;
		await sandbox.hub.releaseVerifications();
		expect(sandbox.hub.verifications.slice(-2).map((v) => v.confirmed)).toEqual([true, true]);
		expect(hubCalls.every((r) => r.responseStatus === 200 && runs(r) === 0)).toBe(true); // youtube-verify not selected: no run
		const push = staticData.push as Record<string, IDataObject>;
		expect(Object.keys(push).sort()).toEqual([YT_TOPIC + CH1, YT_TOPIC + CH2].sort());
		expect(push[YT_TOPIC + CH1].leaseSeconds).toBe(432_000);
		expect(push[YT_TOPIC + CH1].expiresAt as number).toBeGreaterThan(Date.now() + 431_000_000);
		expect(sandbox.hub.subscription(YT_TOPIC + CH1)?.secret).toBe(push[YT_TOPIC + CH1].secret);
		// Re-activation (n8n restart) with live leases subscribes nothing.
		sandbox.server.clearRequests();
		const again = await activateWebhook(trigger, { parameters: params(), credentials, credentialTypes, staticData });
		expect(again.existed).toBe(true);
		expect(sandbox.server.seen('pubsubhubbub.appspot.com', '/subscribe')).toHaveLength(0);
	});

	test('verification: 404 for a topic it did not subscribe or a mode it did not ask for', async () => {
		const foreign = await sandbox.hub.forgeVerification(`${WEBHOOK_URL}?action=youtube-webhook`, YT_TOPIC + OTHER);
		expect(foreign).toMatchObject({ status: 404, confirmed: false });
		const unasked = await sandbox.hub.forgeVerification(`${WEBHOOK_URL}?action=youtube-webhook`, YT_TOPIC + CH1, 'unsubscribe');
		expect(unasked).toMatchObject({ status: 404, confirmed: false });
		expect(sandbox.hub.subscription(YT_TOPIC + CH1)).toBeDefined();
		const noChallenge = await call(staticData, { method: 'GET', query: { action: 'youtube-verify', 'hub.mode': 'subscribe', 'hub.topic': YT_TOPIC + CH1 } });
		expect(noChallenge.responseStatus).toBe(404);
		const badMode = await call(staticData, { method: 'GET', query: { action: 'youtube-verify', 'hub.mode': 'steal', 'hub.topic': YT_TOPIC + CH1, 'hub.challenge': 'x' } });
		expect(badMode.responseStatus).toBe(404);
		expect([foreign, unasked].length + runs(noChallenge) + runs(badMode)).toBe(2);
	});

	test('a signed upload starts one run with one event per entry; a forged or unsigned one is acknowledged and starts nothing', async () => {
		const [good] = await sandbox.hub.notifyUpload([
			{ videoId: 'vid00000001', channelId: CH1, title: 'Launch', published: '2026-11-26T01:00:00+00:00', updated: '2026-11-26T01:00:05+00:00' },
			{ videoId: 'vid00000002', channelId: CH1, title: 'Demo' },
		]);
		const r = hubCalls[hubCalls.length - 1];
		expect(good.status).toBe(200);
		expect(runs(r)).toBe(2);
		const ev = r.workflowData![0][0].json;
		expect(ev).toMatchObject({
			action: 'youtube-webhook',
			verified: true,
			data: { videoId: 'vid00000001', channelId: CH1, title: 'Launch', link: 'https://www.youtube.com/watch?v=vid00000001', publishedAt: '2026-11-26T01:00:00+00:00', updatedAt: '2026-11-26T01:00:05+00:00', deleted: false, kind: 'upload' },
		});
		expect(typeof ev.receivedAt).toBe('string');
		expect(ev.raw).toBeUndefined();

		for (const signature of ['wrong', 'none'] as const) {
			const [d] = await sandbox.hub.notifyUpload([{ videoId: 'vid00000003', channelId: CH1 }], { signature });
			expect(d.status).toBe(202);
			expect(runs(hubCalls[hubCalls.length - 1])).toBe(0);
		}
		// Replay of the good delivery: acknowledged, no second run.
		const replay = await sandbox.hub.replay(good);
		expect(replay.status).toBe(202);
		expect(runs(hubCalls[hubCalls.length - 1])).toBe(0);
		// A body signed with CH1's secret but naming CH2's video starts nothing.
		const secret1 = (staticData.push as Record<string, IDataObject>)[YT_TOPIC + CH1].secret as string;
		const cross = uploadAtom([{ videoId: 'vid00000009', channelId: CH2 }], CH2);
		const x = await call(staticData, { method: 'POST', query: { action: 'youtube-webhook' }, headers: { 'content-type': 'application/atom+xml', 'x-hub-signature': `sha1=${createHmac('sha1', secret1).update(cross).digest('hex')}` }, rawBody: cross });
		expect(x.responseStatus).toBe(202);
		expect(runs(x)).toBe(0);
	});

	test('a title change is an update; a deletion is a deleted event', async () => {
		await sandbox.hub.notifyUpload([{ videoId: 'vid00000001', channelId: CH1, title: 'Launch (edited)', updated: '2026-11-26T02:00:00+00:00' }]);
		expect(hubCalls[hubCalls.length - 1].workflowData![0][0].json.data).toMatchObject({ videoId: 'vid00000001', title: 'Launch (edited)', kind: 'update', deleted: false });
		await sandbox.hub.notifyDeleted('vid00000002', CH1);
		expect(hubCalls[hubCalls.length - 1].workflowData![0].map((i) => i.json.data)).toEqual([
			expect.objectContaining({ videoId: 'vid00000002', channelId: CH1, deleted: true, kind: 'deleted' }),
		]);
	});

	test('a signed body that is not Atom, or carries a DOCTYPE, is acknowledged (202, so the hub does not redeliver it) and starts nothing', async () => {
		const secret1 = (staticData.push as Record<string, IDataObject>)[YT_TOPIC + CH1].secret as string;
		for (const body of ['<feed><entry>', '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY b "c">]><feed xmlns="http://www.w3.org/2005/Atom">&b;</feed>']) {
			const r = await call(staticData, { method: 'POST', query: { action: 'youtube-webhook' }, headers: { 'x-hub-signature': `sha1=${createHmac('sha1', secret1).update(body).digest('hex')}` }, rawBody: body });
			expect(r.responseStatus).toBe(202);
			expect(runs(r)).toBe(0);
		}
	});

	test('a notification with less than a day of lease left renews it; the hub confirms a new lease', async () => {
		const push = staticData.push as Record<string, IDataObject>;
		push[YT_TOPIC + CH2].expiresAt = Date.now() + 3_600_000;
		push[YT_TOPIC + CH2].requestedAt = Date.now() - 2 * 86_400_000;
		sandbox.server.clearRequests();
		await sandbox.hub.notifyUpload([{ videoId: 'vid00000010', channelId: CH1 }]);
		const renew = sandbox.server.seen('pubsubhubbub.appspot.com', '/subscribe', 'POST').map((r) => new URLSearchParams(r.body));
		expect(renew.map((f) => [f.get('hub.mode'), f.get('hub.topic')])).toEqual([['subscribe', YT_TOPIC + CH2]]);
		await sandbox.hub.settled();
		expect((staticData.push as Record<string, IDataObject>)[YT_TOPIC + CH2].expiresAt as number).toBeGreaterThan(Date.now() + 431_000_000);
		// CH1 still had days left: not renewed.
		expect(renew).toHaveLength(1);
	});

	test('YouTube → Renew Push Subscriptions in another workflow re-subscribes with the same secret; the trigger confirms', async () => {
		sandbox.server.clearRequests();
		const before = sandbox.hub.verifications.length;
		const r = await runWorkflow({
			nodes: [startNode(), { name: 'Renew', type: 'googleConnector', parameters: { authentication: 'webhookSecrets', resource: 'youtube', operation: 'renewPush', callbackUrl: `${WEBHOOK_URL}?action=youtube-webhook`, pushChannelIds: `${CH1},${CH2}` } }],
			connections: chain('Start', 'Renew'),
			credentials,
			credentialTypes,
			nodeTypes: [new GoogleConnector()],
		});
		expect(r.error).toBeUndefined();
		expect(r.json.Renew.map((j) => [j.channelId, j.mode, j.accepted])).toEqual([[CH1, 'subscribe', true], [CH2, 'subscribe', true]]);
		const forms = sandbox.server.seen('pubsubhubbub.appspot.com', '/subscribe', 'POST').map((x) => new URLSearchParams(x.body));
		const push = staticData.push as Record<string, IDataObject>;
		expect(forms.map((f) => f.get('hub.secret'))).toEqual([push[YT_TOPIC + CH1].secret, push[YT_TOPIC + CH2].secret]);
		// The very callbacks the trigger registered (so this renews those subscriptions, not new ones); the output omits the proof.
		expect(forms.map((f) => f.get('hub.callback'))).toEqual([push[YT_TOPIC + CH1].callback, push[YT_TOPIC + CH2].callback]);
		expect(r.json.Renew.map((j) => j.callback)).toEqual([`${WEBHOOK_URL}?action=youtube-webhook`, `${WEBHOOK_URL}?action=youtube-webhook`]);
		await sandbox.hub.settled();
		expect(sandbox.hub.verifications.slice(before).map((v) => v.confirmed)).toEqual([true, true]);
		expect(JSON.stringify(r.json)).not.toContain(SECRETS.pushKey);
	});

	test('with youtube-verify selected, the verification of a renewal starts a run', async () => {
		const p = params({ actions: ALL });
		const seen = hubToTrigger(staticData, p);
		const r = await runWorkflow({
			nodes: [startNode(), { name: 'Renew', type: 'googleConnector', parameters: { authentication: 'webhookSecrets', resource: 'youtube', operation: 'renewPush', callbackUrl: `${WEBHOOK_URL}?action=youtube-webhook`, pushChannelIds: CH1 } }],
			connections: chain('Start', 'Renew'),
			credentials,
			credentialTypes,
			nodeTypes: [new GoogleConnector()],
		});
		expect(r.error).toBeUndefined();
		await sandbox.hub.settled();
		expect(seen[0].responseStatus).toBe(200);
		expect(seen[0].workflowData![0][0].json).toMatchObject({ action: 'youtube-verify', data: { mode: 'subscribe', channelId: CH1, leaseSeconds: 432_000 } });
		expect(seen[0].workflowData![0][0].json.dedupeKey).toMatch(new RegExp(`^youtube-verify:subscribe:${CH1}:\\d+$`));
		hubCalls = hubToTrigger(staticData);
	});

	test('deactivation unsubscribes every channel; the hub confirms and drops them', async () => {
		sandbox.server.clearRequests();
		const d = await deactivateWebhook(trigger, { parameters: params(), credentials, credentialTypes, staticData });
		expect(d.deleted).toBe(true);
		const forms = sandbox.server.seen('pubsubhubbub.appspot.com', '/subscribe', 'POST').map((r) => new URLSearchParams(r.body));
		expect(forms.map((f) => f.get('hub.mode'))).toEqual(['unsubscribe', 'unsubscribe']);
		await sandbox.hub.settled();
		expect(sandbox.hub.subscription(YT_TOPIC + CH1)).toBeUndefined();
		expect(sandbox.hub.subscription(YT_TOPIC + CH2)).toBeUndefined();
		expect(staticData.push).toEqual({});
	});
});

describe('YouTube → Unsubscribe Push from another workflow', () => {
	test('ends a live subscription at once: the trigger confirms the unsubscribe and forgets the channel', async () => {
		const staticData: IDataObject = {};
		const p = params({ channelIds: OTHER });
		hubToTrigger(staticData, p);
		sandbox.hub.holdVerifications = true;
		await activateWebhook(trigger, { parameters: p, credentials, credentialTypes, staticData });
		sandbox.hub.holdVerifications = false;
		await sandbox.hub.releaseVerifications();
		expect(sandbox.hub.subscription(YT_TOPIC + OTHER)).toBeDefined();
		const r = await runWorkflow({
			nodes: [startNode(), { name: 'Unsubscribe', type: 'googleConnector', parameters: { authentication: 'webhookSecrets', resource: 'youtube', operation: 'unsubscribePush', callbackUrl: `${WEBHOOK_URL}?action=youtube-webhook`, pushChannelIds: OTHER } }],
			connections: chain('Start', 'Unsubscribe'),
			credentials,
			credentialTypes,
			nodeTypes: [new GoogleConnector()],
		});
		expect(r.json.Unsubscribe).toEqual([expect.objectContaining({ channelId: OTHER, mode: 'unsubscribe', accepted: true, hubStatus: 202 })]);
		await sandbox.hub.settled();
		expect(sandbox.hub.verifications[sandbox.hub.verifications.length - 1]).toMatchObject({ mode: 'unsubscribe', topic: YT_TOPIC + OTHER, status: 200, confirmed: true });
		expect(sandbox.hub.subscription(YT_TOPIC + OTHER)).toBeUndefined();
		expect(staticData.push).toEqual({});
	});

	test('refuses a callback URL that is not the trigger\'s youtube-webhook URL, and a missing push key', async () => {
		const run = (parameters: IDataObject, creds = credentials) =>
			runWorkflow({
				nodes: [startNode(), { name: 'Renew', type: 'googleConnector', parameters: { authentication: 'webhookSecrets', resource: 'youtube', operation: 'renewPush', ...parameters } as INodeParameters }],
				connections: chain('Start', 'Renew'),
				credentials: creds,
				credentialTypes,
				nodeTypes: [new GoogleConnector()],
			});
		sandbox.server.clearRequests();
		const badUrl = await run({ callbackUrl: 'https://n8n.example.com/webhook/x/google?action=ads-webhook', pushChannelIds: CH1 });
		expect(badUrl.error?.message).toMatch(/action=youtube-webhook/);
		const noKey = await run({ callbackUrl: `${WEBHOOK_URL}?action=youtube-webhook`, pushChannelIds: CH1 }, { googleConnectorWebhookApi: { id: 'w2', name: 'No key', data: { sharedSecret: SECRETS.sharedSecret } } });
		expect(noKey.error?.message).toMatch(/Push Key/);
		expect(sandbox.server.seen('pubsubhubbub.appspot.com', '/subscribe')).toHaveLength(0);
	});

	test('push runs on the webhook secrets alone; a Google authentication is refused for push, and webhook secrets for anything else', async () => {
		const run = (parameters: IDataObject) =>
			runWorkflow({
				nodes: [startNode(), { name: 'Node', type: 'googleConnector', parameters: parameters as INodeParameters }],
				connections: chain('Start', 'Node'),
				credentials,
				credentialTypes,
				nodeTypes: [new GoogleConnector()],
			});
		sandbox.server.clearRequests();
		const viaGoogle = await run({ authentication: 'oAuth2', resource: 'youtube', operation: 'renewPush', callbackUrl: `${WEBHOOK_URL}?action=youtube-webhook`, pushChannelIds: CH1 });
		expect(viaGoogle.error?.message).toBe("YouTube push subscriptions use the trigger's webhook secrets, not a Google connection");
		const profile = await run({ authentication: 'webhookSecrets', resource: 'identity', operation: 'getProfile' });
		expect(profile.error?.message).toBe('Identity → Get Profile needs a Google connection');
		expect(sandbox.server.requests).toHaveLength(0);
	});
});

describe('Google Ads actions', () => {
	const lead = (id: string, key = SECRETS.leadFormKey, extra: IDataObject = {}) => ({
		lead_id: id, api_version: '1.0', form_id: 111, campaign_id: 222, adgroup_id: 333, creative_id: 444, gcl_id: 'gclid-abc', google_key: key, is_test: false,
		user_column_data: [{ column_id: 'FULL_NAME', string_value: 'Ada Lovelace' }, { column_id: 'EMAIL', string_value: 'ada@example.test' }], ...extra,
	});
	const post = (staticData: IDataObject, action: string, body: unknown, headers: Record<string, string> = {}, query: IDataObject = {}, parameters = params()) =>
		call(staticData, { method: 'POST', query: { action, ...query }, headers: { 'content-type': 'application/json', ...headers }, rawBody: typeof body === 'string' ? body : JSON.stringify(body), body }, parameters);

	test('lead form: good key → one event with named fields; wrong or missing key → 401; a duplicate starts nothing; is_test flagged', async () => {
		const s: IDataObject = {};
		const ok = await post(s, 'ads-webhook', lead('L-1'));
		expect(ok.responseStatus).toBe(200);
		expect(runs(ok)).toBe(1);
		expect(ok.workflowData![0][0].json).toMatchObject({ action: 'ads-webhook', verified: true, data: { leadId: 'L-1', formId: '111', campaignId: '222', gclid: 'gclid-abc', isTest: false, fields: { FULL_NAME: 'Ada Lovelace', EMAIL: 'ada@example.test' } } });
		expect(ok.staticDataPersisted).toBe(true);
		const dup = await post(s, 'ads-webhook', lead('L-1'));
		expect([dup.responseStatus, runs(dup)]).toEqual([200, 0]);
		const wrong = await post(s, 'ads-webhook', lead('L-2', 'nope'));
		expect([wrong.responseStatus, runs(wrong)]).toEqual([401, 0]);
		const { google_key: _k, ...noKey } = lead('L-3');
		const missing = await post(s, 'ads-webhook', noKey);
		expect([missing.responseStatus, runs(missing)]).toEqual([401, 0]);
		const test = await post(s, 'ads-webhook', lead('L-4', SECRETS.leadFormKey, { is_test: true }));
		expect(test.workflowData![0][0].json.data).toMatchObject({ leadId: 'L-4', isTest: true });
		expect(JSON.stringify([ok, dup, wrong, missing, test].map((r) => [r.workflowData, r.responseBody]))).not.toContain(SECRETS.leadFormKey);
	});

	test('conversion callback: GET with token, POST JSON with header, POST form with bearer; wrong or missing secret → 401; repeats dropped', async () => {
		const s: IDataObject = {};
		const get = await call(s, { method: 'GET', query: { action: 'ads-conversion-callback', token: SECRETS.sharedSecret, gclid: 'Cj0-gclid-1', conversion_action: '555', value: '12.5', currency: 'usd', conversion_time: '2026-11-25 10:00:00+00:00' } });
		expect([get.responseStatus, runs(get)]).toEqual([200, 1]);
		expect(get.workflowData![0][0].json).toMatchObject({ action: 'ads-conversion-callback', data: { gclid: 'Cj0-gclid-1', conversionAction: '555', value: 12.5, currency: 'USD', occurredAt: '2026-11-25T10:00:00.000Z' } });
		const again = await call(s, { method: 'GET', query: { action: 'ads-conversion-callback', token: SECRETS.sharedSecret, gclid: 'Cj0-gclid-1', conversion_action: '555', value: '12.5', currency: 'usd', conversion_time: '2026-11-25 10:00:00+00:00' } });
		expect([again.responseStatus, runs(again)]).toEqual([200, 0]);
		const json = await post(s, 'ads-conversion-callback', { gbraid: 'GB-777', value: 3 }, { 'x-webhook-token': SECRETS.sharedSecret });
		expect(json.workflowData![0][0].json.data).toMatchObject({ gbraid: 'GB-777', value: 3 });
		const form = await call(s, { method: 'POST', query: { action: 'ads-conversion-callback' }, headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Bearer ${SECRETS.sharedSecret}` }, rawBody: 'wbraid=WB-888&order_id=O-9' });
		expect(form.workflowData![0][0].json.data).toMatchObject({ wbraid: 'WB-888', orderId: 'O-9' });
		for (const q of [{ token: 'wrong' }, {}]) {
			const bad = await call(s, { method: 'GET', query: { action: 'ads-conversion-callback', gclid: 'Cj0-gclid-2', ...q } });
			expect([bad.responseStatus, runs(bad)]).toEqual([401, 0]);
		}
		const noClick = await call(s, { method: 'GET', query: { action: 'ads-conversion-callback', token: SECRETS.sharedSecret, value: '1' } });
		expect([noClick.responseStatus, runs(noClick)]).toEqual([400, 0]);
		expect(JSON.stringify([get, json, form].map((r) => r.workflowData))).not.toContain(SECRETS.sharedSecret);
	});

	test('performance alert: good / bad secret, repeat dropped, Pub/Sub envelope unwrapped', async () => {
		const s: IDataObject = {};
		const alert = { alert_id: 'AL-1', customer_id: '123-456-7890', campaign_id: '99', metric: 'cpa', value: 30, threshold: 20, severity: 'HIGH', message: 'CPA high' };
		const ok = await post(s, 'ads-performance-alert', alert, { 'x-webhook-token': SECRETS.sharedSecret });
		expect(ok.workflowData![0][0].json).toMatchObject({ action: 'ads-performance-alert', data: { alertId: 'AL-1', customerId: '1234567890', metric: 'cpa', value: 30, threshold: 20, severity: 'high' } });
		const dup = await post(s, 'ads-performance-alert', alert, { 'x-webhook-token': SECRETS.sharedSecret });
		expect([dup.responseStatus, runs(dup)]).toEqual([200, 0]);
		const bad = await post(s, 'ads-performance-alert', { ...alert, alert_id: 'AL-2' }, { 'x-webhook-token': 'nope' });
		expect([bad.responseStatus, runs(bad)]).toEqual([401, 0]);
		const envelope = { message: { data: Buffer.from(JSON.stringify({ ...alert, alert_id: 'AL-3' })).toString('base64'), messageId: 'm-1', publishTime: '2026-11-26T00:00:00Z' }, subscription: 'projects/p/subscriptions/s' };
		const wrapped = await post(s, 'ads-performance-alert', envelope, {}, { token: SECRETS.sharedSecret });
		expect(wrapped.workflowData![0][0].json.data).toMatchObject({ alertId: 'AL-3' });
	});

	test('Pub/Sub OIDC mode: a Google-signed token for this URL and service account is accepted; others are refused', async () => {
		forgetGoogleCerts();
		const s: IDataObject = {};
		const SA = 'pubsub-push@acme-crm.iam.gserviceaccount.com';
		const p = params({ settings: { requireGoogleOidc: true, oidcServiceAccountEmail: SA, oidcAudience: WEBHOOK_URL } });
		const now = Math.floor(Date.now() / 1000);
		const claims = { iss: 'https://accounts.google.com', aud: WEBHOOK_URL, email: SA, email_verified: true, sub: '1234', iat: now, exp: now + 3600 };
		const token = (c: IDataObject, opts = {}) => sandbox.oauth.signIdToken(c, opts);
		const send = (bearer: string | undefined, id: string) =>
			post(s, 'ads-performance-alert', { alert_id: id }, bearer ? { authorization: `Bearer ${bearer}` } : {}, {}, p);
		const good = await send(token(claims), 'O-1');
		expect([good.responseStatus, runs(good)]).toEqual([200, 1]);
		const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
		const cases: Array<[string, string | undefined]> = [
			['no token', undefined],
			['shared secret instead', SECRETS.sharedSecret],
			['other audience', token({ ...claims, aud: 'https://elsewhere.test/hook' })],
			['other service account', token({ ...claims, email: 'attacker@evil.iam.gserviceaccount.com' })],
			['other issuer', token({ ...claims, iss: 'https://evil.test' })],
			['expired', token({ ...claims, iat: now - 7200, exp: now - 3600 })],
			['forged signature', token(claims, { key: privateKey })],
			['garbage', 'a.b.c'],
		];
		for (const [name, bearer] of cases) {
			const r = await send(bearer, `O-${name}`);
			expect({ name, status: r.responseStatus, runs: runs(r) }).toEqual({ name, status: 401, runs: 0 });
		}
		expect(sandbox.server.seen('www.googleapis.com', '/oauth2/v3/certs').length).toBeGreaterThan(0);
	});

	test('org id, unknown action, disabled action, wrong method, size limit, malformed bodies: refused, nothing starts', async () => {
		const s: IDataObject = {};
		const org = params({ orgId: 'acme-42' });
		const cases: Array<[string, Promise<WebhookCallResult>, number]> = [
			['wrong org', post(s, 'ads-webhook', lead('X-1'), {}, { orgid: 'other' }, org), 404],
			['missing org', post(s, 'ads-webhook', lead('X-2'), {}, {}, org), 404],
			['unknown action', post(s, 'ads-hack', lead('X-3')), 400],
			['missing action', call(s, { method: 'POST', query: {}, rawBody: '{}' }), 400],
			['disabled action', post(s, 'ads-webhook', lead('X-4'), {}, {}, params({ actions: ['ads-conversion-callback'] })), 404],
			['GET on lead form', call(s, { method: 'GET', query: { action: 'ads-webhook' } }), 405],
			['PUT', call(s, { method: 'PUT', query: { action: 'ads-webhook' }, rawBody: '{}' }), 405],
			['too large', post(s, 'ads-webhook', JSON.stringify({ ...lead('X-5'), pad: 'x'.repeat(300 * 1024) })), 413],
			['bad JSON', post(s, 'ads-webhook', '{"lead_id": '), 400],
			['JSON array', post(s, 'ads-webhook', '[1,2]'), 400],
			['empty body', post(s, 'ads-webhook', ''), 400],
		];
		for (const [name, p, status] of cases) {
			const r = await p;
			expect({ name, status: r.responseStatus, runs: runs(r), error: r.error?.message }).toEqual({ name, status, runs: 0, error: undefined });
		}
		const unknown = await post(s, 'nope', {});
		expect(JSON.parse(unknown.response.body).validActions).toEqual(ALL);
		const right = await post(s, 'ads-webhook', lead('X-6'), {}, { orgid: 'acme-42' }, org);
		expect(right.workflowData![0][0].json).toMatchObject({ action: 'ads-webhook', orgId: 'acme-42' });
	});

	test('concurrent requests: n8n saves each request\'s static data whole, so one save can drop another\'s record; repeats are still caught and the record is written back', async () => {
		const s: IDataObject = {};
		// Both requests start from the same (empty) static data, as two concurrent n8n requests would.
		const [leadRun, alertRun] = await Promise.all([
			post(s, 'ads-webhook', lead('C-1')),
			post(s, 'ads-performance-alert', { alert_id: 'C-A1' }, { 'x-webhook-token': SECRETS.sharedSecret }),
		]);
		expect([runs(leadRun), runs(alertRun)]).toEqual([1, 1]);
		const again = await post(s, 'ads-webhook', lead('C-1'));
		expect([again.responseStatus, runs(again)]).toEqual([200, 0]);
		// Whichever save won, both records are in static data after the next request.
		const d = s.dedupe as Record<string, unknown>;
		expect(bucketHasKey(d.leads, 'ads-webhook:111:C-1')).toBe(true);
		expect(bucketHasKey(d.alerts, 'ads-performance-alert:C-A1:')).toBe(true);
		expect(JSON.stringify(d)).not.toContain('C-1');
	});

	test('raw payload is included only on request, without secrets; secrets never reach the log', async () => {
		const s: IDataObject = {};
		const r = await post(s, 'ads-webhook', lead('R-1'), {}, {}, params({ settings: { includeRaw: true } }));
		const ev = r.workflowData![0][0].json;
		expect((ev.raw as IDataObject).lead_id).toBe('R-1');
		expect(JSON.stringify(ev)).not.toContain(SECRETS.leadFormKey);
		const c = await call(s, { method: 'GET', query: { action: 'ads-conversion-callback', token: SECRETS.sharedSecret, gclid: 'Cj0-raw' } }, params({ settings: { includeRaw: true } }));
		expect(JSON.stringify(c.workflowData)).not.toContain(SECRETS.sharedSecret);
		expect((c.workflowData![0][0].json.raw as IDataObject).gclid).toBe('Cj0-raw');
		const bad = await call(s, { method: 'GET', query: { action: 'ads-conversion-callback', token: 'guess', gclid: 'x1234' } });
		expect([...r.log, ...c.log, ...bad.log].join('\n')).not.toMatch(new RegExp(`${SECRETS.sharedSecret}|${SECRETS.leadFormKey}|${SECRETS.pushKey}`));
	});
});
