// Ring 2: the Gmail Push Trigger's webhook path with pushes built here (Pub/Sub's envelope, tokens
// signed by the sandbox's Google key): who may push, what a push reads from Gmail, repeats and
// notifications at or below the cursor, Gmail failures, concurrent pushes.
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import type { IDataObject } from 'n8n-workflow';
import { forgetPushMirrors } from '../../nodes/shared/gmail/push/mirror';
import { forgetGoogleCerts } from '../../nodes/shared/transport/googleCerts';
import { startSandbox, type Sandbox } from '../sandbox';
import { PUSH_URL, PushedTrigger, pushEnvelope, pushParameters, pushToken } from '../helpers/gmailPush';

let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await startSandbox({ seed: 13 });
	sandbox.server.useInThisProcess();
});
afterAll(async () => sandbox?.close());
beforeEach(() => {
	forgetPushMirrors();
	sandbox.server.clearRequests();
});

const gmailCalls = () => sandbox.server.seen(/gmail\.googleapis\.com$/).length;

function trigger(email: string, extra: IDataObject = {}) {
	const g = sandbox.gmail;
	const clients = g.label('Clients', email);
	const t = new PushedTrigger(sandbox, email, pushParameters([clients.id], extra as never)).baseline();
	const mail = (subject: string, labelIds = ['INBOX', clients.id]) => g.insertMessage({ account: email, from: `"Ann Client" <ann@client.test>`, to: email, subject, text: `About ${subject}`, labelIds });
	return { t, clients, mail };
}

describe('who may push', () => {
	test.each([
		['no token', 401, () => null, /bearer token is required/],
		['not a JWT', 401, () => 'abc.def', /not valid \(malformed\)/],
		['a token signed by another key', 401, () => pushToken(sandbox, {}, { key: createPrivateKey(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' })) }), /bad_signature/],
		['an unknown key id', 401, () => pushToken(sandbox, {}, { kid: 'not-a-google-key' }), /unknown_key/],
		['HS256', 401, () => pushToken(sandbox, {}, { alg: 'HS256' }), /unsupported_algorithm/],
		['another issuer', 401, () => pushToken(sandbox, { iss: 'https://evil.test' }), /wrong_issuer/],
		['an expired token', 401, () => pushToken(sandbox, { iat: Math.floor(Date.now() / 1000) - 7200, exp: Math.floor(Date.now() / 1000) - 3600 }), /expired/],
		['a token from the future', 401, () => pushToken(sandbox, { iat: Math.floor(Date.now() / 1000) + 3600 }), /issued_in_future/],
		['another audience', 403, () => pushToken(sandbox, { aud: 'https://other.example/webhook/x' }), /another audience/],
		['another service account', 403, () => pushToken(sandbox, { email: 'someone@evil-project.iam.gserviceaccount.com' }), /another service account/],
		['an unverified email', 403, () => pushToken(sandbox, { email_verified: false }), /not verified/],
	])('%s → %i, no run, no Gmail call, cursor unchanged', async (_what, status, token, reason) => {
		const { t, mail } = trigger(`refuse-${status}-${Math.random().toString(36).slice(2, 8)}@acme-crm.test`);
		mail('should not be read');
		const before = structuredClone(t.persisted);
		const r = await t.notify({ token: token() });
		expect(r.responseStatus).toBe(status);
		expect(JSON.parse(r.response.body).error).toMatch(reason);
		expect(r.workflowData).toBeUndefined();
		expect(gmailCalls()).toBe(0);
		expect(t.persisted).toEqual(before);
	});

	test('a custom audience replaces the URL; the URL is then refused', async () => {
		const { t, mail } = trigger('audience@acme-crm.test', { audience: 'https://crm.acme.test/gmail-push' });
		const m = mail('custom audience');
		expect((await t.notify({ token: pushToken(sandbox) })).responseStatus).toBe(403);
		const ok = await t.notify({ token: pushToken(sandbox, { aud: 'https://crm.acme.test/gmail-push' }) });
		expect(ok.responseStatus).toBe(200);
		expect(t.emitted()).toEqual([m.id]);
	});

	test("Google's keys are fetched once for many pushes", async () => {
		forgetGoogleCerts();
		const { t, mail } = trigger('certs@acme-crm.test');
		mail('one');
		expect((await t.notify()).responseStatus).toBe(200);
		mail('two');
		expect((await t.notify()).responseStatus).toBe(200);
		expect(sandbox.server.seen(/googleapis\.com$/, '/oauth2/v3/certs')).toHaveLength(1);
		expect(PUSH_URL).toMatch(/\/webhook\/push-webhook-id\/gmail-push$/);
	});
});

describe('a push', () => {
	test('reads history from the cursor and emits the Gmail Sync activity shape; the cursor moves', async () => {
		const email = 'shape-push@acme-crm.test';
		const { t, mail } = trigger(email);
		const m = mail('Quote for Q3');
		sandbox.gmail.insertMessage({ account: email, subject: 'not synced', labelIds: ['INBOX'] });
		const r = await t.notify();
		expect(r.responseStatus).toBe(200);
		expect(JSON.parse(r.response.body)).toEqual({ activities: 1 });
		const [item] = r.workflowData![0];
		expect(item.json).toMatchObject({ messageId: m.id, threadId: m.threadId, account: email, direction: 'inbound', subject: 'Quote for Q3', from: { email: 'ann@client.test' } });
		expect(r.staticDataPersisted).toBe(true);
		expect((t.persisted.gmailPush as IDataObject).historyId).toBe(String(sandbox.gmail.mailbox(email).historyId));
		expect(t.persisted.gmailPushMessages).toEqual([`${email}-m1`]);
		// Gmail saw the history list from the baseline, then the message fetch.
		const history = sandbox.server.seen(/gmail\.googleapis\.com$/, '/history');
		expect(history).toHaveLength(1);
	});

	test('at or below the cursor: 204 and no Gmail call at all (published before the last read, as older notifications are)', async () => {
		const { t, mail } = trigger('below@acme-crm.test');
		mail('first');
		const publishedAt = Date.now();
		const first = await t.notify({ publishedAt });
		expect(first.responseStatus).toBe(200);
		const cursor = Number((t.persisted.gmailPush as IDataObject).historyId);
		sandbox.server.clearRequests();
		// Gmail published older notifications at least a second apart, before the first one.
		for (const [i, historyId] of [cursor, cursor - 1, 1].entries()) {
			const r = await t.notify({ historyId, publishedAt: publishedAt - i * 1000 });
			expect(r.responseStatus).toBe(204);
			expect(r.workflowData).toBeUndefined();
		}
		expect(gmailCalls()).toBe(0);
		// Contrast: one at the cursor but published after that read started: its drop window (mail whose
		// notification Gmail dropped because of it) was still open, so it reads history once; nothing new.
		const late = await t.notify({ historyId: cursor });
		expect(late.responseStatus).toBe(204);
		expect(sandbox.server.seen(/gmail\.googleapis\.com$/, '/history')).toHaveLength(1);
		expect(t.emitted()).toHaveLength(1);
	});

	test("after a restart the last read's start comes from static data: a covered push with its window open reads once, an older one not at all", async () => {
		const { t, mail } = trigger('restart-window@acme-crm.test');
		mail('first');
		const publishedAt = Date.now();
		expect((await t.notify({ publishedAt })).responseStatus).toBe(200);
		const cursor = Number((t.persisted.gmailPush as IDataObject).historyId);
		expect(t.persisted.gmailPushReadAt).toEqual(expect.any(Number));
		expect(t.persisted.gmailPushReadAt as number).toBeGreaterThanOrEqual(publishedAt + 1100);
		forgetPushMirrors(); // a restarted process: static data alone
		sandbox.server.clearRequests();
		expect((await t.notify({ historyId: cursor, publishedAt: publishedAt - 1000 })).responseStatus).toBe(204);
		expect(gmailCalls()).toBe(0);
		const late = mail('within the window of a notification published after that read');
		const r = await t.notify({ historyId: cursor });
		expect(r.responseStatus).toBe(200);
		expect(r.workflowData![0].map((i) => i.json.messageId)).toEqual([late.id]);
		expect(sandbox.server.seen(/gmail\.googleapis\.com$/, '/history')).toHaveLength(1);
	});

	test('the same Pub/Sub message again: 204, no Gmail call, even after a restart', async () => {
		const { t, mail } = trigger('redelivered@acme-crm.test');
		const m = mail('once');
		const body = pushEnvelope('msg-77', t.notification());
		expect((await t.push(body)).responseStatus).toBe(200);
		mail('arrives later'); // the redelivery's history id is old, but its id alone must stop it
		sandbox.server.clearRequests();
		const again = await t.push(pushEnvelope('msg-77', t.notification()));
		expect(again.responseStatus).toBe(204);
		forgetPushMirrors(); // a restarted process: static data alone
		expect((await t.push(pushEnvelope('msg-77', t.notification()))).responseStatus).toBe(204);
		expect(gmailCalls()).toBe(0);
		expect(t.emitted()).toEqual([m.id]);
	});

	test('a notification for another mailbox: 204, a warning, no Gmail call', async () => {
		const { t, mail } = trigger('mine@acme-crm.test');
		mail('mine');
		const r = await t.push(pushEnvelope('other-1', { emailAddress: 'someone-else@acme-crm.test', historyId: 999_999 }));
		expect(r.responseStatus).toBe(204);
		expect(r.log.join('\n')).toMatch(/someone-else@acme-crm\.test was dropped: this trigger syncs mine@acme-crm\.test/);
		expect(gmailCalls()).toBe(0);
	});

	test.each([
		['no message', { subscription: 's' }, /no "message" object/],
		['no message id', { message: { data: 'e30=' } }, /messageId is missing/],
		['data that is not a notification', pushEnvelope('bad-1', 'hello'), /not base64 of JSON/],
		['no history id', pushEnvelope('bad-2', { emailAddress: 'x@acme-crm.test' }), /no valid historyId/],
	])('a verified push with %s is acknowledged (204) with a warning and reads nothing', async (_what, body, warning) => {
		const { t } = trigger(`bad-${Math.random().toString(36).slice(2, 8)}@acme-crm.test`);
		const r = await t.push(body);
		expect(r.responseStatus).toBe(204);
		expect(r.log.join('\n')).toMatch(warning);
		expect(gmailCalls()).toBe(0);
	});

	test('Gmail failing: 503 so Pub/Sub redelivers, cursor and handled ids unchanged; the redelivery emits', async () => {
		const { t, mail } = trigger('gmail-down@acme-crm.test');
		const m = mail('during an outage');
		const before = structuredClone(t.persisted);
		sandbox.server.faults.push({ host: 'gmail.googleapis.com', pathIncludes: '/history', status: 500, count: 20 });
		const body = pushEnvelope('outage-1', t.notification());
		const r = await t.push(body);
		sandbox.server.faults.length = 0;
		expect(r.responseStatus).toBe(503);
		expect(r.workflowData).toBeUndefined();
		expect(r.log.join('\n')).toMatch(/Gmail failed; the cursor is kept and Pub\/Sub will redeliver/);
		expect(t.persisted).toEqual(before);
		const again = await t.push(body);
		expect(again.responseStatus).toBe(200);
		expect(t.emitted()).toEqual([m.id]);
	});
});

describe('concurrent and out-of-order pushes', () => {
	test('ten pushes at once for the same burst: every message once, the cursor never goes back', async () => {
		const { t, mail } = trigger('concurrent@acme-crm.test');
		const sent: string[] = [];
		const pushes: Promise<unknown>[] = [];
		for (let i = 0; i < 10; i++) {
			sent.push(mail(`burst ${i}`).id);
			pushes.push(t.notify());
		}
		await Promise.all(pushes);
		expect(t.emitted().sort()).toEqual([...sent].sort());
		expect(new Set(t.emitted()).size).toBe(t.emitted().length);
		expect((t.persisted.gmailPush as IDataObject).historyId).toBe(String(sandbox.gmail.mailbox('concurrent@acme-crm.test').historyId));
		expect((t.persisted.gmailPushMessages as string[]).length).toBe(10);
	});

	test('two pushes racing on stale static data (n8n saved neither yet) never emit a message twice', async () => {
		const email = 'stale@acme-crm.test';
		const { t, mail } = trigger(email);
		const a = mail('a');
		// Both calls start from the same persisted copy; the second waits for the lock, then reads the
		// mirror's cursor instead of its stale one.
		const [r1, r2] = await Promise.all([t.notify(), t.notify()]);
		expect([r1.responseStatus, r2.responseStatus].sort()).toEqual([200, 204]);
		expect(t.emitted()).toEqual([a.id]);
		// Now a later push whose static data predates both saves (the later save won): still nothing twice.
		const b = mail('b');
		await Promise.all([t.notify(), t.notify(), t.notify()]);
		expect(t.emitted()).toEqual([a.id, b.id]);
	});

	test('a newer notification first, then the older ones: the older ones read nothing', async () => {
		const { t, mail } = trigger('ooo@acme-crm.test');
		const box = sandbox.gmail.mailbox('ooo@acme-crm.test');
		const ids: number[] = [];
		const sent: string[] = [];
		for (let i = 0; i < 3; i++) {
			sent.push(mail(`m${i}`).id);
			ids.push(box.historyId);
		}
		const publishedAt = Date.now();
		expect((await t.notify({ historyId: ids[2], publishedAt })).responseStatus).toBe(200);
		sandbox.server.clearRequests();
		// The older ones were published earlier (Gmail: at most one a second), delivered late.
		expect((await t.notify({ historyId: ids[0], publishedAt: publishedAt - 2000 })).responseStatus).toBe(204);
		expect((await t.notify({ historyId: ids[1], publishedAt: publishedAt - 1000 })).responseStatus).toBe(204);
		expect(gmailCalls()).toBe(0);
		expect(t.emitted()).toEqual(sent);
	});
});

describe('the poll in manual mode', () => {
	test('samples recent mail as activities, stores nothing, publishes nothing', async () => {
		const { t, mail } = trigger('manual-sample@acme-crm.test');
		const a = mail('older');
		const b = mail('newer');
		const before = structuredClone(t.persisted);
		const r = await t.tick('manual');
		expect(r.error).toBeUndefined();
		expect(r.items![0].map((i) => i.json.messageId)).toEqual([b.id, a.id]);
		expect(r.items![0][0].json).toMatchObject({ subject: 'newer', account: 'manual-sample@acme-crm.test' });
		expect(t.persisted).toEqual(before);
		expect(sandbox.server.seen(/pubsub\.googleapis\.com$/)).toHaveLength(0);
	});

	test('with nothing to show it says why', async () => {
		const { t } = trigger('manual-empty@acme-crm.test');
		const r = await t.tick('manual');
		expect(r.error?.message).toBe('No mail to show: the chosen labels hold no message that matches Direction and Contacts');
	});
});
