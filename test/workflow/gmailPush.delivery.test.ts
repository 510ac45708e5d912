// Ring 2: the Gmail Push Trigger fed by the sandbox's own Gmail watch and Pub/Sub push delivery
// (in-process transport: each POST Pub/Sub makes is one webhook call on the trigger's static data).
// What the sandbox saw (notifications published/dropped, delivery attempts and their statuses,
// publishes, Gmail calls and units) is asserted along with what the trigger emitted.
import { GoogleConnectorOAuth2Api } from '../../credentials/GoogleConnectorOAuth2Api.credentials';
import { GmailPushTrigger } from '../../nodes/GmailPushTrigger/GmailPushTrigger.node';
import { forgetPushMirrors } from '../../nodes/shared/gmail/push/mirror';
import { forgetGoogleCerts } from '../../nodes/shared/transport/googleCerts';
import { startSandbox, type Sandbox } from '../sandbox';
import { PUSH_SERVICE_ACCOUNT, PUSH_TOPIC, PUSH_URL, PUSH_WEBHOOK_ID, PushedTrigger, createModeParameters, pushParameters } from '../helpers/gmailPush';
import { callSandbox } from '../helpers/sandboxCall';
import { activateWebhook, deactivateWebhook } from '../helpers/workflow';

let sandbox: Sandbox;

beforeEach(async () => {
	// A fresh sandbox and "process" per test: delivery settings, clock and backlog do not leak.
	sandbox = await startSandbox({ seed: 1300 });
	sandbox.server.useInThisProcess();
	forgetPushMirrors();
	forgetGoogleCerts(); // each sandbox signs with keys of its own
});
afterEach(async () => {
	sandbox.pubsub.push.stop();
	await sandbox.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, probe: () => boolean, ms = 10_000): Promise<void> {
	const deadline = Date.now() + ms;
	while (!probe()) {
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await sleep(20);
	}
}

/** Until Pub/Sub has nothing scheduled or in flight (continuations are published during deliveries). */
async function settled(): Promise<void> {
	for (let i = 0; i < 3; i++) {
		await sandbox.pubsub.push.idle();
		await sleep(10);
	}
}

async function connected(email: string, extra: Record<string, unknown> = {}) {
	const g = sandbox.gmail;
	const clients = g.label('Clients', email);
	const t = new PushedTrigger(sandbox, email, createModeParameters([clients.id], extra as never));
	await t.connectSandboxPush();
	const mail = (subject: string, labelIds = ['INBOX', clients.id]) => g.insertMessage({ account: email, from: 'Ann <ann@client.test>', to: email, subject, labelIds }).id;
	const notifications = () => sandbox.pubsub.watch.notifications.filter((n) => n.email === email);
	return { t, g, clients, mail, notifications };
}

const origin = (o: string) => sandbox.pubsub.published.filter((m) => m.topic === PUSH_TOPIC && m.attributes.origin === o);

test('more than one push holds: continuation messages bring the rest at once, each message once', async () => {
	const { t, mail, notifications } = await connected('continue@acme-crm.test', { maxPerPush: 10 });
	const sent = Array.from({ length: 35 }, (_, i) => mail(`#${i}`));
	await settled();
	// Gmail published one notification for the burst and dropped the rest (one a second per mailbox).
	expect(notifications().filter((n) => n.outcome === 'published')).toHaveLength(1);
	expect(notifications().filter((n) => n.outcome === 'dropped')).toHaveLength(34);
	expect(t.emitted()).toEqual(sent);
	// 10 per push: the trigger published three continuations to its topic, Pub/Sub pushed each back.
	expect(origin('continuation')).toHaveLength(3);
	expect(t.calls.map((c) => c.responseStatus)).toEqual([200, 200, 200, 200]);
	expect(sandbox.pubsub.push.deliveries.every((d) => d.outcome === 'acked')).toBe(true);
});

test('500 messages in bursts through Gmail and Pub/Sub (drops, duplicates, jitter, restarts) → every message exactly once', async () => {
	const { t, g, mail, notifications } = await connected('bursts-sandbox@acme-crm.test', { maxPerPush: 120 });
	const push = sandbox.pubsub.push;
	push.seed(99);
	push.duplicateRate = 0.3;
	push.jitterMs = 40;
	g.quota.reset();
	const sent: string[] = [];
	for (let burst = 0; burst < 10; burst++) {
		for (let i = 0; i < 50; i++) {
			sent.push(mail(`burst ${burst} #${i}`));
			mail(`elsewhere ${burst} #${i}`, ['INBOX']);
			// Now and then a second passes (sandbox clock): Gmail may notify again.
			if (i % 17 === 16) sandbox.pubsub.advanceClock(1_100);
		}
		sandbox.pubsub.advanceClock(1_100);
		await sleep(20);
		if (burst === 4) {
			// n8n restarts between bursts: memory gone, the static data it saved is all that is left.
			await settled();
			forgetPushMirrors();
		}
	}
	await settled();
	// The tail of the last burst had its notifications dropped: the tick catches it up.
	expect((await t.tick()).error).toBeUndefined();
	await settled();

	const emitted = t.emitted();
	expect(emitted.length).toBe(sent.length);
	expect(new Set(emitted).size).toBe(sent.length);
	expect([...emitted].sort()).toEqual([...sent].sort());
	expect(g.quota.byMethod.get('messages.get')).toBe(5 * sent.length);
	// What the sandbox did to us: dropped notifications, duplicated deliveries, all acknowledged.
	expect(notifications().filter((n) => n.outcome === 'dropped').length).toBeGreaterThan(400);
	expect(push.deliveries.filter((d) => d.duplicate).length).toBeGreaterThan(3);
	expect(push.deliveries.filter((d) => d.outcome !== 'acked')).toEqual([]);
	expect((t.persisted.gmailPush as { historyId: string }).historyId).toBe(String(g.mailbox('bursts-sandbox@acme-crm.test').historyId));
}, 180_000);

test('out of order: the newest push first; an older one whose drop window closed before a read answers 204 without a Gmail call', async () => {
	const { t, mail, notifications } = await connected('reverse@acme-crm.test');
	const push = sandbox.pubsub.push;
	push.hold = true;
	const sent: string[] = [];
	for (let i = 0; i < 3; i++) {
		sent.push(mail(`m${i}`));
		if (i < 2) await sleep(1_100); // a second apart (real time): Gmail notifies for each
	}
	await until('three held', () => push.heldCount() === 3);
	const [n0, n1, n2] = notifications().map((n) => String(n.messageId));
	sandbox.server.clearRequests();
	push.hold = false;
	push.release('reverse');
	await settled();
	expect(t.emitted()).toEqual(sent);
	const statusOf = new Map(push.deliveries.map((d) => [d.messageId, d.status]));
	// n2 (newest) waits out its window; n1's window has closed: it reads all three at once; n0 is covered
	// by that read (id and time): 204, no Gmail call. n2 then reads once more (its window was open at
	// n1's read), finds nothing new.
	expect([statusOf.get(n1), statusOf.get(n0), statusOf.get(n2)]).toEqual([200, 204, 204]);
	expect(t.calls.filter((c) => c.workflowData)).toHaveLength(1);
	expect(sandbox.server.seen(/gmail\.googleapis\.com$/, '/history')).toHaveLength(2);
});

test.each([
	['', 0],
	[" (Google's clock a minute ahead of n8n's: the wait stops at 1.5 s after the arrival)", 60_000],
])('mail within the drop window after a delivered notification comes with that same push, without the tick%s', async (_skew, aheadMs) => {
	const email = `window${aheadMs}@acme-crm.test`;
	const { t, g, mail, notifications } = await connected(email);
	sandbox.pubsub.advanceClock(aheadMs);
	sandbox.server.clearRequests();
	const before = new Map(g.quota.byMethod);
	const notified = mail('notified');
	await sleep(200);
	const second = mail('notification dropped');
	await sleep(200);
	const third = mail('notification dropped too');
	await settled();
	// Gmail sent one notification and dropped the next two (under a second later, one per second per user).
	expect(notifications().map((n) => n.outcome)).toEqual(['published', 'dropped', 'dropped']);
	expect(sandbox.pubsub.watch.dropped(email)).toBe(2);
	// The one push read history once, after the window, and its one execution holds all three.
	expect(t.calls.map((c) => c.responseStatus)).toEqual([200]);
	expect(t.calls[0].workflowData![0].map((i) => i.json.messageId)).toEqual([notified, second, third]);
	expect(sandbox.server.seen(/gmail\.googleapis\.com$/, '/history')).toHaveLength(1);
	expect((g.quota.byMethod.get('history.list') ?? 0) - (before.get('history.list') ?? 0)).toBe(2);
	// No tick ran and nothing was republished: no catch-up, no continuation.
	expect(origin('catch-up')).toEqual([]);
	expect(origin('continuation')).toEqual([]);
	expect(sandbox.pubsub.push.deliveries.map((d) => d.outcome)).toEqual(['acked']);
});

test('a notification whose history id the cursor already covers still reads once when that read came before its drop window closed', async () => {
	const email = 'window-covered@acme-crm.test';
	const { t, mail, notifications } = await connected(email);
	const push = sandbox.pubsub.push;
	// Gmail loses the first notification; a second later the tick publishes a catch-up for it (held).
	sandbox.pubsub.watch.dropNext = 1;
	const lost = mail('notification lost');
	await sleep(1_100);
	push.hold = true;
	expect((await t.tick()).error).toBeUndefined();
	// Gmail's next notification (also held): the catch-up's run will read this mail before it is pushed.
	const notified = mail('notified');
	await until('both held', () => push.heldCount() === 2);
	sandbox.server.clearRequests();
	push.hold = false;
	push.release('fifo');
	await sleep(300);
	const dropped = mail('dropped: within a second of the notification');
	await settled();
	expect(notifications().map((n) => n.outcome)).toEqual(['lost', 'published', 'dropped']);
	expect(origin('catch-up')).toHaveLength(1);
	// The catch-up (no window: the trigger's own message) read both at once; Gmail's notification was then
	// covered by history id, but that read predates its window's end: it read again and found the third.
	expect(t.calls.map((c) => c.responseStatus)).toEqual([200, 200]);
	expect(t.calls.map((c) => (c.workflowData?.[0] ?? []).map((i) => i.json.messageId))).toEqual([[lost, notified], [dropped]]);
	expect(sandbox.server.seen(/gmail\.googleapis\.com$/, '/history')).toHaveLength(2);
	expect(push.deliveries.every((d) => d.outcome === 'acked')).toBe(true);
});

test('a dropped notification is caught by the next tick (worst case: one tick interval + one push); an idle tick publishes nothing', async () => {
	const { t, g, mail, notifications } = await connected('dropped@acme-crm.test');
	sandbox.pubsub.watch.dropNext = 1;
	const lost = mail('the notification for this is lost');
	await settled();
	expect(notifications().map((n) => n.outcome)).toEqual(['lost']);
	expect(t.emitted()).toEqual([]);
	expect(sandbox.pubsub.push.deliveries).toHaveLength(0);

	const units = g.quota.total('dropped@acme-crm.test');
	const before = new Map(g.quota.byMethod);
	const first = await t.tick();
	expect(first.items).toBeNull();
	await settled();
	expect(origin('catch-up')).toHaveLength(1);
	expect(JSON.parse(Buffer.from(origin('catch-up')[0].data, 'base64').toString())).toEqual({ emailAddress: 'dropped@acme-crm.test', historyId: String(g.mailbox('dropped@acme-crm.test').historyId) });
	expect(t.emitted()).toEqual([lost]);
	// The tick spent 1 unit (profile; the watch was renewed at set-up, so not again); the push it
	// caused read history once (2) and the one message (5).
	const afterCatchUp = g.quota.total('dropped@acme-crm.test');
	const spent = (method: string) => (g.quota.byMethod.get(method) ?? 0) - (before.get(method) ?? 0);
	expect([spent('profile'), spent('watch'), spent('history.list'), spent('messages.get')]).toEqual([1, 0, 2, 5]);
	expect(afterCatchUp).toBeGreaterThan(units);

	// Nothing new: the next tick reads the profile (1 unit) and publishes nothing.
	expect((await t.tick()).items).toBeNull();
	await settled();
	expect(origin('catch-up')).toHaveLength(1);
	expect(g.quota.total('dropped@acme-crm.test') - afterCatchUp).toBe(1);
	// The tick never wrote static data (n8n would save its stale copy over the cursor).
	expect(t.emitted()).toEqual([lost]);
});

test.each([
	['forged', 401],
	['expired', 401],
	['none', 401],
] as const)('Pub/Sub pushing with a %s token: %i, no run; once tokens are good the redelivery emits once', async (mode, status) => {
	const { t, mail } = await connected(`token-${mode}@acme-crm.test`);
	const push = sandbox.pubsub.push;
	push.backoffBaseMs = 50;
	push.backoffMaxMs = 200;
	push.tokenMode = mode;
	const m = mail('waits for a good token');
	await until('two refused attempts', () => push.deliveries.filter((d) => d.status === status).length >= 2);
	expect(push.deliveries.every((d) => d.status === status && d.outcome === 'nacked')).toBe(true);
	expect(t.calls.every((c) => c.workflowData === undefined)).toBe(true);
	expect(t.emitted()).toEqual([]);
	push.tokenMode = 'good';
	await settled();
	expect(t.emitted()).toEqual([m]);
	expect(push.deliveries[push.deliveries.length - 1]).toMatchObject({ status: 200, outcome: 'acked' });
});

test('a subscription changed to push with another audience: 403 every time, nothing emitted', async () => {
	const email = 'audience-sandbox@acme-crm.test';
	const { t, g, clients } = await connected(email);
	const [sub] = [...sandbox.pubsub.subscriptions.values()];
	expect(sub.pushConfig?.oidcToken?.audience ?? sub.pushConfig?.pushEndpoint).toBe(PUSH_URL);
	sub.pushConfig!.oidcToken!.audience = 'https://someone-else.example/push';
	sandbox.pubsub.push.backoffBaseMs = 50;
	sandbox.pubsub.push.backoffMaxMs = 100;
	g.insertMessage({ account: email, subject: 'x', labelIds: ['INBOX', clients.id] });
	await until('three refused attempts', () => sandbox.pubsub.push.deliveries.length >= 3);
	sandbox.pubsub.push.stop();
	expect(sandbox.pubsub.push.deliveries.length).toBeGreaterThanOrEqual(2);
	expect(sandbox.pubsub.push.deliveries.every((d) => d.status === 403)).toBe(true);
	expect(t.emitted()).toEqual([]);
});

test('the endpoint down for a minute (Pub/Sub redelivers with backoff), then back: nothing lost, nothing twice', async () => {
	const email = 'down@acme-crm.test';
	const { t, mail, notifications } = await connected(email);
	const push = sandbox.pubsub.push;
	// Pub/Sub without a retry policy backs off 100 ms..60 s; capped at 10 s here so the test ends sooner.
	push.backoffBaseMs = 100;
	push.backoffMaxMs = 10_000;
	const toTrigger = push.transport;
	let down = true;
	push.transport = async (req) => (down ? { status: 502, body: 'Bad Gateway' } : await toTrigger(req));
	const sent: string[] = [];
	const start = Date.now();
	while (Date.now() - start < 60_000) {
		sent.push(mail(`while down ${sent.length}`));
		sandbox.pubsub.advanceClock(1_100); // a second apart: Gmail notifies for each
		await sleep(4_000);
	}
	const during = push.deliveries.length;
	expect(during).toBeGreaterThan(sent.length); // each message attempted again and again
	expect(push.deliveries.every((d) => d.status === 502)).toBe(true);
	expect(t.calls).toHaveLength(0);
	down = false;
	const back = Date.now();
	await settled();
	expect(t.emitted()).toEqual(sent);
	expect(notifications().filter((n) => n.outcome === 'published')).toHaveLength(sent.length);
	// Every notification finally acknowledged; the first one after the outage read all the mail.
	for (const n of notifications()) expect(push.acked(n.messageId!)).toBe(true);
	expect(t.calls.filter((c) => c.responseStatus === 200)).toHaveLength(1);
	expect(Date.now() - back).toBeLessThan(15_000);
}, 150_000);

test('a push that waits longer than the lock allows answers 204 at once, and the run in progress publishes a continuation for it', async () => {
	const email = 'contended@acme-crm.test';
	const { t, mail } = await connected(email);
	sandbox.pubsub.watch.dropNext = 2; // Gmail's own notifications lost: the two pushes below are ours
	const first = mail('first');
	// The run of push A lists history, then its label lookup hangs 14 s (then fails once and is retried).
	sandbox.server.faults.push({ host: 'gmail.googleapis.com', pathIncludes: '/labels', latencyMs: 14_000, status: 503, count: 1 });
	const a = t.notify();
	await sleep(1_600); // A waited its drop window (1.1 s), listed history and now hangs
	const second = mail('second, while A holds the lock');
	const started = Date.now();
	const b = await t.notify();
	// B waited its drop window (1.1 s) and the lock's 10 s, then answered 204 (acknowledged) instead of
	// running into the ack deadline.
	expect(b.responseStatus).toBe(204);
	expect(Date.now() - started).toBeGreaterThanOrEqual(10_500);
	expect(Date.now() - started).toBeLessThan(13_000);
	expect((await a).responseStatus).toBe(200);
	// A's history listing predates B's mail, so A published a continuation carrying B's history id.
	await settled();
	const continuation = origin('continuation');
	expect(continuation).toHaveLength(1);
	expect(JSON.parse(Buffer.from(continuation[0].data, 'base64').toString()).historyId).toBe(String(t.notification().historyId));
	expect(t.emitted()).toEqual([first, second]);
}, 60_000);

test('watch only, without the Pub/Sub scope: the catch-up cannot publish, warns once, and the mail comes with the next notification', async () => {
	const email = 'watch-only@acme-crm.test';
	const g = sandbox.gmail;
	const clients = g.label('Clients', email);
	// The topic and its push subscription made by hand (an admin with Pub/Sub rights).
	sandbox.pubsub.allowHttpEndpoints = true;
	sandbox.oauth.addUser({ email: 'admin@acme-crm.test', name: 'Admin' });
	const admin = sandbox.oauth.issueGrant({ email: 'admin@acme-crm.test', scopes: ['https://www.googleapis.com/auth/pubsub'] });
	const call = (method: string, path: string, body?: unknown) => callSandbox(sandbox, admin.access_token, method, 'pubsub.googleapis.com', `/v1/${path}`, body);
	expect((await call('PUT', PUSH_TOPIC, {})).status).toBe(200);
	const policy = (await call('GET', `${PUSH_TOPIC}:getIamPolicy`)).body;
	await call('POST', `${PUSH_TOPIC}:setIamPolicy`, { policy: { ...policy, bindings: [{ role: 'roles/pubsub.publisher', members: ['serviceAccount:gmail-api-push@system.gserviceaccount.com'] }] } });
	const made = await call('PUT', 'projects/sandbox-project/subscriptions/by-hand', { topic: PUSH_TOPIC, pushConfig: { pushEndpoint: PUSH_URL, oidcToken: { serviceAccountEmail: PUSH_SERVICE_ACCOUNT } }, ackDeadlineSeconds: 60 });
	expect(made.status).toBe(200);
	const t = new PushedTrigger(sandbox, email, pushParameters([clients.id]), { pubsubScope: false });
	await t.connectSandboxPush();
	expect(sandbox.pubsub.watch.watches.get(email)?.topicName).toBe(PUSH_TOPIC);

	sandbox.pubsub.watch.dropNext = 1;
	const waiting = g.insertMessage({ account: email, subject: 'notification lost', labelIds: ['INBOX', clients.id] }).id;
	await settled();
	const first = await t.tick();
	expect(first.error).toBeUndefined();
	expect(first.log.join('\n')).toMatch(/^warn Gmail push: could not publish a catch-up message to projects\/sandbox-project\/topics\/n8n-gmail-push \(The Google connection lacks the Cloud Pub\/Sub \(Gmail push set-up\) scope\); mail whose notification Gmail dropped waits for the next notification$/m);
	// Within the same second: Gmail drops this one over its one-per-second limit.
	g.insertMessage({ account: email, subject: 'still lost', labelIds: ['INBOX', clients.id] });
	await settled();
	expect(sandbox.pubsub.watch.notifications.map((n) => n.outcome)).toEqual(['lost', 'dropped']);
	const second = await t.tick();
	expect(second.error).toBeUndefined();
	expect(second.log.join('\n')).not.toMatch(/^warn .*could not publish/m); // once per process (then debug)
	expect(t.emitted()).toEqual([]);
	// The next notification Gmail sends brings everything since the cursor.
	sandbox.pubsub.advanceClock(1_100);
	const next = g.insertMessage({ account: email, subject: 'notified', labelIds: ['INBOX', clients.id] }).id;
	await settled();
	expect(t.emitted()).toEqual([waiting, expect.any(String), next]);
});

test("the editor's test run (test URL, same webhook methods) neither replaces nor removes the published set-up", async () => {
	const email = 'editor-test@acme-crm.test';
	const { t, mail } = await connected(email);
	const opts = { parameters: t.parameters, credentials: t.credentials, credentialTypes: [new GoogleConnectorOAuth2Api()], webhookId: PUSH_WEBHOOK_ID };
	const subscriptions = () => [...sandbox.pubsub.subscriptions.values()].map((s) => `${s.name} → ${s.pushConfig?.pushEndpoint}`);
	const published = subscriptions();
	expect(published).toEqual([expect.stringMatching(/ → http:\/\/localhost:5678\/webhook\/push-webhook-id\/gmail-push$/)]);
	const pubsubCalls = sandbox.pubsub.calls.length;
	const watchCalls = sandbox.pubsub.watch.calls.length;
	// "Listen for test event": checkExists/create in manual mode with the /webhook-test/ URL (here even
	// with the published static data; n8n gives the test an empty one) makes only the test's own
	// subscription (gmailPush.editorTest.test.ts) …
	const testData = structuredClone(t.persisted);
	const listen = await activateWebhook(new GmailPushTrigger(), { ...opts, staticData: testData, testWebhook: true });
	expect(listen.webhookUrl).toMatch(/\/webhook-test\/push-webhook-id\/gmail-push$/);
	expect([listen.existed, listen.created]).toEqual([false, true]);
	expect(listen.staticData.push).toEqual(t.persisted.push);
	// … and its end: delete, as on unpublish.
	const end = await deactivateWebhook(new GmailPushTrigger(), { ...opts, staticData: testData, testWebhook: true });
	expect(end.deleted).toBe(true);
	expect(end.staticData.push).toEqual(t.persisted.push);
	// Only the test's own subscription was made and removed (the topic exists: its create met 409).
	expect(sandbox.pubsub.calls.slice(pubsubCalls).map((c) => [c.op, c.status])).toEqual([
		['topics.create', 409], ['subscriptions.create', 200], ['topics.publish', 200], ['subscriptions.delete', 200],
	]);
	expect(sandbox.pubsub.watch.calls.length).toBe(watchCalls);
	expect(subscriptions()).toEqual(published);
	expect(sandbox.pubsub.watch.watches.get(email)).toBeDefined();
	// Push still works.
	const m = mail('after the editor test');
	await settled();
	expect(t.emitted()).toEqual([m]);
	// Control: the real unpublish does stop and remove.
	await deactivateWebhook(new GmailPushTrigger(), { ...opts, staticData: t.persisted });
	expect(sandbox.pubsub.watch.calls.map((c) => c.op)).toContain('stop');
	expect(subscriptions()).toEqual([]);
});

test('a message Gmail keeps refusing (poison) does not hold the others back or loop: skipped with a warning after three tries', async () => {
	const email = 'poison-push@acme-crm.test';
	const { t, g, mail } = await connected(email);
	const before = mail('before');
	const bad = mail('poison');
	const after = mail('after');
	g.poison(bad, 500, email);
	await settled();
	expect(t.emitted()).toEqual(expect.arrayContaining([before, after]));
	expect(t.emitted()).not.toContain(bad);
	expect(new Set(t.emitted()).size).toBe(t.emitted().length);
	expect(t.calls.flatMap((c) => c.log).join('\n')).toMatch(new RegExp(`${bad}`));
	// It ended: no push or continuation is still going round.
	const deliveries = sandbox.pubsub.push.deliveries.length;
	await sleep(300);
	expect(sandbox.pubsub.push.deliveries.length).toBe(deliveries);
	// The first push emitted the other two and stopped before the poison message; two continuations tried
	// it again (Gmail's 500s retried within each push) and the third try skipped it.
	expect(t.calls.map((c) => c.responseStatus)).toEqual([200, 204, 204]);
	expect(origin('continuation')).toHaveLength(2);
	expect(t.calls.flatMap((c) => c.log).join('\n')).toMatch(new RegExp(`Skipped message ${bad}: Gmail failed to return it 3 times`));
}, 90_000);
