// Ring 3: the Gmail Push Trigger active in a real n8n 2.41.0 (packed tarball as a community package).
// The sandbox plays Gmail and Cloud Pub/Sub and pushes over HTTP to n8n's production webhook URL with a
// Google-signed OIDC token, as Pub/Sub would (n8n is plain http on localhost here, hence allowHttpEndpoints).
import { createSign, generateKeyPairSync } from 'node:crypto';
import { DEFAULT_PUSH_SERVICE_ACCOUNT, type Sandbox } from '../sandbox';
import { HOST_SETUP_TIMEOUT, startHostWithSandbox, stopHostWithSandbox, type N8nHost } from './n8nHost';
import { PUSH_TRIGGER, TOPIC, emittedCounts, executionsWithItems, importPushCredential, pushParameters, sleep, triggerWorkflow, waitFor } from './gmailPushFixtures';

const WF = 'hostGmailPush0001';
const WEBHOOK_ID = '5d7c2f1e-9a4b-4c3d-8e2f-1a2b3c4d5e6f';
const NODE = 'New mail (push)';
const CRED = { id: 'hostPushCred0001', name: 'Google (push host test)' };
const EMAIL = 'rep@acme-crm.test';

let sandbox: Sandbox;
let n8n: N8nHost;
let accessToken = '';

jest.setTimeout(900_000);

beforeAll(async () => {
	({ sandbox, n8n } = await startHostWithSandbox({ owner: true }));
	sandbox.pubsub.allowHttpEndpoints = true;
	accessToken = await importPushCredential(sandbox, n8n, CRED, EMAIL);
	await n8n.importWorkflow([triggerWorkflow({ id: WF, name: 'Gmail push → CRM (host test)', trigger: PUSH_TRIGGER, nodeName: NODE, cred: CRED, webhookId: WEBHOOK_ID, parameters: pushParameters() })]);
}, HOST_SETUP_TIMEOUT);

afterAll(() => stopHostWithSandbox({ sandbox, n8n }));

const endpoint = () => `${n8n.baseUrl}/webhook/${WEBHOOK_ID}/gmail-push`;
const executions = () => executionsWithItems(n8n, WF, NODE);
const pushSubscription = () => [...sandbox.pubsub.subscriptions.values()].find((s) => s.pushConfig?.pushEndpoint === endpoint());

test('activation creates topic, publisher grant, OIDC push subscription to the production URL and the watch', async () => {
	await n8n.activateWorkflow(WF);
	await waitFor('the watch', () => (sandbox.pubsub.watch.watches.get(EMAIL) ? true : undefined), 60_000, 250);
	const sub = pushSubscription();
	expect(sub).toBeDefined();
	expect(sub!.topic).toBe(TOPIC);
	expect(sub!.pushConfig!.oidcToken).toMatchObject({ serviceAccountEmail: DEFAULT_PUSH_SERVICE_ACCOUNT });
	expect(sandbox.pubsub.topics.get(TOPIC)!.policy.bindings).toEqual(
		expect.arrayContaining([expect.objectContaining({ role: 'roles/pubsub.publisher', members: expect.arrayContaining(['serviceAccount:gmail-api-push@system.gserviceaccount.com']) })]),
	);
	expect(sandbox.pubsub.watch.watches.get(EMAIL)!.topicName).toBe(TOPIC);
	expect(sandbox.pubsub.calls.filter((c) => c.status >= 400 && c.status !== 404 && c.status !== 409)).toEqual([]);
	expect(n8n.logText()).not.toContain(accessToken);
});

test('500 messages in bursts of 50 → each emitted exactly once, nothing else emitted', async () => {
	const before = emittedCounts(await executions());
	const inserted: string[] = [];
	for (let burst = 0; burst < 10; burst++) {
		for (let i = 0; i < 50; i++) {
			const n = burst * 50 + i;
			inserted.push(sandbox.gmail.insertMessage({ account: EMAIL, from: `Client ${n} <client${n}@client.test>`, subject: `Burst ${burst} message ${i}`, text: `body ${n}` }).id);
		}
		await sleep(1500);
	}
	const counts = await waitFor(
		'all 500 messages emitted',
		async () => {
			const c = emittedCounts(await executions());
			return inserted.every((id) => c.has(id)) ? c : undefined;
		},
		240_000,
		2000,
	);
	// Let any late redelivery or tick land before counting duplicates.
	await sandbox.pubsub.push.idle();
	await sleep(5000);
	const final = emittedCounts(await executions());
	const twice = inserted.filter((id) => (final.get(id) ?? 0) !== 1);
	expect(twice).toEqual([]);
	const extra = [...final.keys()].filter((id) => !inserted.includes(id) && !before.has(id));
	expect(extra).toEqual([]);
	expect(counts.size).toBeGreaterThanOrEqual(500);
	const runs = await executions();
	expect(runs.filter((r) => r.status !== 'success')).toEqual([]);
	const notes = sandbox.pubsub.watch.notifications;
	// Gmail published about one notification per burst and dropped the rest (one per second per user).
	expect(notes.filter((n) => n.outcome === 'published').length).toBeGreaterThanOrEqual(10);
	expect(sandbox.pubsub.watch.dropped(EMAIL)).toBeGreaterThan(400);
	const ours = sandbox.pubsub.push.deliveries.filter((d) => d.endpoint === endpoint());
	expect(ours.filter((d) => d.outcome === 'acked').length).toBeGreaterThanOrEqual(10);
});

function forgedToken(claims: Record<string, unknown>): string {
	const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
	const header = { alg: 'RS256', kid: sandbox.oauth.idTokenKeys[0].kid, typ: 'JWT' };
	const input = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
	return `${input}.${createSign('RSA-SHA256').update(input).sign(privateKey).toString('base64url')}`;
}

test('a forged or missing token → 401 and no execution; Pub/Sub then redelivers with a good token and the mail comes once', async () => {
	const runsBefore = (await executions()).length;
	const sub = pushSubscription()!;
	const now = Math.floor(Date.now() / 1000);
	const claims = { iss: 'https://accounts.google.com', aud: endpoint(), email: DEFAULT_PUSH_SERVICE_ACCOUNT, email_verified: true, iat: now, exp: now + 3600, sub: '1' };
	const data = Buffer.from(JSON.stringify({ emailAddress: EMAIL, historyId: sandbox.gmail.mailbox(EMAIL).historyId + 1000 })).toString('base64');
	const body = { message: { data, messageId: '999000111', publishTime: new Date().toISOString() }, subscription: sub.name };
	const forged = await n8n.webhook(`${WEBHOOK_ID}/gmail-push`, { body, headers: { authorization: `Bearer ${forgedToken(claims)}` } });
	expect(forged.status).toBe(401);
	const none = await n8n.webhook(`${WEBHOOK_ID}/gmail-push`, { body });
	expect(none.status).toBe(401);

	// The sandbox's Pub/Sub signing with a wrong key: refused, redelivered, then accepted once signed right.
	sandbox.pubsub.push.tokenMode = 'forged';
	const msg = sandbox.gmail.insertMessage({ account: EMAIL, from: 'Forge Test <forge@client.test>', subject: 'after a forged push' });
	await waitFor('a refused push', () => (sandbox.pubsub.push.deliveries.some((d) => d.endpoint === endpoint() && d.status === 401) ? true : undefined), 60_000, 200);
	await sleep(1000);
	expect((await executions()).length).toBe(runsBefore);
	sandbox.pubsub.push.tokenMode = 'good';
	const counts = await waitFor('the message after redelivery', async () => {
		const c = emittedCounts(await executions());
		return c.has(msg.id) ? c : undefined;
	}, 150_000, 1000);
	await sandbox.pubsub.push.idle();
	await sleep(3000);
	expect(emittedCounts(await executions()).get(msg.id)).toBe(1);
	expect(counts.get(msg.id)).toBe(1);
});

test('deactivation: users.stop, then the subscription and the topic it created are deleted', async () => {
	const subName = pushSubscription()!.name;
	await n8n.deactivateWorkflow(WF);
	await waitFor('the teardown', () => (sandbox.pubsub.topics.has(TOPIC) ? undefined : true), 60_000, 250);
	expect(sandbox.pubsub.watch.calls.filter((c) => c.op === 'stop').map((c) => c.status)).toEqual([204]);
	expect(sandbox.pubsub.watch.watches.has(EMAIL)).toBe(false);
	expect(sandbox.pubsub.subscriptions.has(subName)).toBe(false);
	expect(sandbox.pubsub.calls.filter((c) => c.op === 'subscriptions.delete' || c.op === 'topics.delete').map((c) => `${c.op} ${c.status}`)).toEqual(['subscriptions.delete 200', 'topics.delete 200']);
	const runs = (await executions()).length;
	sandbox.gmail.insertMessage({ account: EMAIL, subject: 'after deactivation' });
	await sleep(3000);
	expect((await executions()).length).toBe(runs);
});
