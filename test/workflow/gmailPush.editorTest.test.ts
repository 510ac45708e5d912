// Ring 2: "Fetch Test Event" on the Gmail Push Trigger. n8n 2.41 registers the test URL through the
// webhook methods (checkExists/create in mode 'manual' with the test registration's own static data,
// delete at the end) and waits for a call to that URL. The trigger makes a temporary push subscription
// to the test URL on the same topic and publishes one notification; the sandbox's Pub/Sub pushes it
// (OIDC-signed) to the test URL, which shows recent mail. Asserted: what the sandbox held and delivered,
// and that the published set-up (subscription, watch, cursor, push state) is untouched.
import type { IDataObject } from 'n8n-workflow';
import { GoogleConnectorOAuth2Api } from '../../credentials/GoogleConnectorOAuth2Api.credentials';
import { GmailPushTrigger } from '../../nodes/GmailPushTrigger/GmailPushTrigger.node';
import { forgetPushMirrors } from '../../nodes/shared/gmail/push/mirror';
import { forgetGoogleCerts } from '../../nodes/shared/transport/googleCerts';
import { startSandbox, type CallbackRequest, type Sandbox } from '../sandbox';
import { PUSH_SERVICE_ACCOUNT, PUSH_TOPIC, PUSH_URL, PUSH_WEBHOOK_ID, PushedTrigger, createModeParameters, pushEnvelope, pushToken } from '../helpers/gmailPush';
import { BASE_URL, activateWebhook, deactivateWebhook, webhookCall, type WebhookCallResult } from '../helpers/workflow';

const TEST_URL = `${BASE_URL}/webhook-test/${PUSH_WEBHOOK_ID}/gmail-push`;
let sandbox: Sandbox;

beforeEach(async () => {
	sandbox = await startSandbox({ seed: 1313 });
	sandbox.server.useInThisProcess();
	forgetPushMirrors();
	forgetGoogleCerts();
});
afterEach(async () => {
	sandbox.pubsub.push.stop();
	await sandbox.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function settled(): Promise<void> {
	for (let i = 0; i < 3; i++) {
		await sandbox.pubsub.push.idle();
		await sleep(10);
	}
}

/** The editor's test registration of one trigger: its own static data, and the calls to its test URL. */
function editorTest(t: PushedTrigger) {
	const staticData: IDataObject = {}; // n8n's test registration starts from an empty workflow (toWorkflow)
	const calls: WebhookCallResult[] = [];
	const opts = { parameters: t.parameters, credentials: t.credentials, credentialTypes: [new GoogleConnectorOAuth2Api()], webhookId: PUSH_WEBHOOK_ID, staticData };
	const call = async (headers: Record<string, string>, body: unknown) => {
		const r = await webhookCall(new GmailPushTrigger(), { ...opts, mode: 'manual', request: { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body } });
		calls.push(r);
		return r;
	};
	// Deliveries to the test URL reach this registration; the rest the published trigger.
	const production = sandbox.pubsub.push.transport;
	sandbox.pubsub.allowHttpEndpoints = true;
	sandbox.pubsub.push.transport = async (req: CallbackRequest) => {
		if (req.url !== TEST_URL) return await production(req);
		const r = await call({ authorization: req.headers.authorization ?? '' }, JSON.parse(req.body ?? '{}'));
		return { status: r.responseStatus, body: r.response.body };
	};
	return {
		calls,
		call,
		listen: async () => await activateWebhook(new GmailPushTrigger(), { ...opts, testWebhook: true }),
		end: async () => await deactivateWebhook(new GmailPushTrigger(), { ...opts, testWebhook: true }),
		emitted: () => calls.flatMap((r) => (r.workflowData?.[0] ?? []).map((i) => String(i.json.messageId))),
	};
}

const subscriptionsTo = (url: string) => [...sandbox.pubsub.subscriptions.values()].filter((s) => s.pushConfig?.pushEndpoint === url);

test('Fetch Test Event with the workflow published: a temporary subscription to the test URL shows recent mail; the published set-up is untouched', async () => {
	const email = 'fetch-test@acme-crm.test';
	const g = sandbox.gmail;
	const clients = g.label('Clients', email);
	const t = new PushedTrigger(sandbox, email, createModeParameters([clients.id]));
	await t.connectSandboxPush();
	const mail = (subject: string) => g.insertMessage({ account: email, from: 'Ann <ann@client.test>', to: email, subject, labelIds: ['INBOX', clients.id] }).id;
	const first = mail('first');
	await settled();
	expect(t.emitted()).toEqual([first]);
	const [published] = subscriptionsTo(PUSH_URL);
	const before = { push: structuredClone(t.persisted.push), cursor: structuredClone(t.persisted.gmailPush), subscription: structuredClone(published) };
	const watchCalls = sandbox.pubsub.watch.calls.length;

	const test = editorTest(t);
	const listen = await test.listen();
	expect(listen.webhookUrl).toBe(TEST_URL);
	expect([listen.existed, listen.created]).toEqual([false, true]);
	// The subscription the sandbox holds: same topic, pushing to the test URL with the same OIDC account.
	const [temporary] = subscriptionsTo(TEST_URL);
	expect(temporary).toMatchObject({ topic: PUSH_TOPIC, pushConfig: { oidcToken: { serviceAccountEmail: PUSH_SERVICE_ACCOUNT, audience: TEST_URL } }, labels: { 'n8n-editor-test': 'true' } });
	expect(temporary.name).not.toBe(published.name);
	expect(sandbox.pubsub.published.filter((m) => m.attributes.origin === 'editor-test')).toHaveLength(1);
	await settled();
	// Pub/Sub pushed it to the test URL, signed; the trigger answered 200 and showed the mail.
	const toTest = sandbox.pubsub.push.deliveries.filter((d) => d.endpoint === TEST_URL);
	expect(toTest.map((d) => [d.status, d.outcome])).toEqual([[200, 'acked']]);
	expect(test.emitted()).toEqual([first]);
	expect(test.calls[0].workflowData?.[0][0].json).toMatchObject({ messageId: first, account: email });

	// The published trigger: same set-up, same cursor, no watch call, nothing emitted twice.
	await settled();
	expect(t.persisted.push).toEqual(before.push);
	expect(t.persisted.gmailPush).toEqual(before.cursor);
	expect(subscriptionsTo(PUSH_URL)).toEqual([before.subscription]);
	expect(sandbox.pubsub.watch.calls.length).toBe(watchCalls);
	expect(t.emitted()).toEqual([first]);

	// The test's end removes its subscription, and only it.
	const end = await test.end();
	expect(end.deleted).toBe(true);
	expect(subscriptionsTo(TEST_URL)).toEqual([]);
	expect(subscriptionsTo(PUSH_URL)).toEqual([before.subscription]);
	expect(end.staticData).toEqual({});
	expect(sandbox.pubsub.watch.calls.map((c) => c.op)).not.toContain('stop');
	expect(sandbox.pubsub.watch.watches.get(email)).toBeDefined();
	const second = mail('after the test');
	await settled();
	expect(t.emitted()).toEqual([first, second]);
	expect(test.emitted()).toEqual([first]);
});

test('Fetch Test Event before the first publish: the topic is made for the test and removed with its subscription; no watch; pushes to the test URL are verified', async () => {
	const email = 'first-test@acme-crm.test';
	const g = sandbox.gmail;
	const clients = g.label('Clients', email);
	const m = g.insertMessage({ account: email, from: 'Ann <ann@client.test>', to: email, subject: 'waiting', labelIds: ['INBOX', clients.id] }).id;
	const t = new PushedTrigger(sandbox, email, createModeParameters([clients.id]));
	sandbox.pubsub.push.transport = async () => ({ status: 404, body: '' }); // nothing is published
	const test = editorTest(t);
	expect(sandbox.pubsub.topics.has(PUSH_TOPIC)).toBe(false);
	await test.listen();
	expect(sandbox.pubsub.topics.get(PUSH_TOPIC)?.labels).toEqual({ 'managed-by': 'n8n-gmail-push-trigger' });
	await settled();
	expect(test.emitted()).toEqual([m]);
	// Not weakened: no token, or a token for the production URL, is refused at the test URL with no run.
	const envelope = pushEnvelope('forged-1', { emailAddress: email, historyId: 1 });
	const none = await test.call({}, envelope);
	const wrongAudience = await test.call({ authorization: `Bearer ${pushToken(sandbox, { aud: PUSH_URL })}` }, envelope);
	const right = await test.call({ authorization: `Bearer ${pushToken(sandbox, { aud: TEST_URL })}` }, envelope);
	expect([none.responseStatus, wrongAudience.responseStatus, right.responseStatus]).toEqual([401, 403, 200]);
	expect([none.workflowData, wrongAudience.workflowData]).toEqual([undefined, undefined]);
	await test.end();
	expect(sandbox.pubsub.subscriptions.size).toBe(0);
	expect(sandbox.pubsub.topics.has(PUSH_TOPIC)).toBe(false);
	expect(sandbox.pubsub.watch.calls).toEqual([]);
	expect(t.persisted).toEqual({});
});
