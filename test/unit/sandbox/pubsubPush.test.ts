// The sandbox's Gmail notifications and Pub/Sub push delivery: what Gmail publishes per history change
// (label filter, one per second per user, watch expiry), what reaches the endpoint (envelope, OIDC token),
// redelivery with backoff, and the faults tests can ask for (duplicates, reordering, delays, lost attempts).
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startSandbox, type Sandbox, type CallbackRequest, GMAIL_PUSH_ACCOUNT, DEFAULT_PUSH_SERVICE_ACCOUNT, WATCH_LIFETIME_MS } from '../../sandbox';
import { clients, GMAIL_READ, PUBSUB_SCOPE } from '../../helpers/sandboxCall';
import { verifyIdToken, type Jwks } from '../../../nodes/shared/auth/idToken';

let sandbox: Sandbox;
let api: ReturnType<typeof clients>;
const T = 'projects/acme-crm-prod/topics/n8n-gmail-push';
const S = 'projects/acme-crm-prod/subscriptions/n8n-gmail-push-sub';
const ENDPOINT = 'https://n8n.acme.test/webhook/abc/gmail-push';
const ME = 'rep@acme-crm.test';
let seen: CallbackRequest[];
let answer: (req: CallbackRequest, n: number) => Promise<number> | number;

beforeEach(async () => {
	sandbox = await startSandbox();
	api = clients(sandbox, sandbox.oauth.issueGrant({ scopes: [PUBSUB_SCOPE, GMAIL_READ] }).access_token);
	seen = [];
	answer = () => 204;
	sandbox.pubsub.push.transport = async (req) => {
		seen.push(req);
		return { status: await answer(req, seen.length), body: '' };
	};
});
afterEach(async () => sandbox?.close());

async function setUp(watch: Record<string, unknown> = {}, sub: Record<string, unknown> = {}) {
	await api.pubsub('PUT', T);
	await api.pubsub('POST', `${T}:setIamPolicy`, { policy: { bindings: [{ role: 'roles/pubsub.publisher', members: [`serviceAccount:${GMAIL_PUSH_ACCOUNT}`] }] } });
	const created = await api.pubsub('PUT', S, { topic: T, pushConfig: { pushEndpoint: ENDPOINT, oidcToken: { serviceAccountEmail: DEFAULT_PUSH_SERVICE_ACCOUNT } }, ackDeadlineSeconds: 30, ...sub });
	expect(created.status).toBe(200);
	const watched = await api.gmail('POST', 'watch', { topicName: T, ...watch });
	expect(watched.status).toBe(200);
}

const jwks = (): Jwks => ({ keys: sandbox.oauth.idTokenKeys.map(({ kid, publicKey }) => ({ ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256' })) });
const bodyOf = (req: CallbackRequest) => JSON.parse(req.body ?? '{}');
const dataOf = (req: CallbackRequest) => JSON.parse(Buffer.from(bodyOf(req).message.data, 'base64').toString('utf8'));

describe('Gmail notifications', () => {
	test('a new message → one notification {emailAddress, historyId} pushed with an OIDC token Google would sign', async () => {
		await setUp();
		const msg = sandbox.gmail.insertMessage({ from: 'ann@client.test', subject: 'Quote' });
		await sandbox.pubsub.push.idle();
		expect(seen).toHaveLength(1);
		const req = seen[0];
		expect(req).toMatchObject({ method: 'POST', url: ENDPOINT, headers: { 'content-type': 'application/json' } });
		const body = bodyOf(req);
		expect(body.subscription).toBe(S);
		expect(body.message.messageId).toBe(body.message.message_id);
		expect(body.message.publishTime).toMatch(/^\d{4}-\d\d-\d\dT/);
		expect(dataOf(req)).toEqual({ emailAddress: ME, historyId: msg.historyId });
		const claims = verifyIdToken(req.headers.authorization.replace(/^Bearer /, ''), jwks(), { audiences: [ENDPOINT] });
		expect(claims).toMatchObject({ iss: 'https://accounts.google.com', aud: ENDPOINT, email: DEFAULT_PUSH_SERVICE_ACCOUNT, email_verified: true });
		expect(claims.exp - claims.iat).toBe(3600);
		expect(sandbox.pubsub.watch.notifications).toEqual([expect.objectContaining({ email: ME, historyId: msg.historyId, kind: 'messageAdded', outcome: 'published', messageId: body.message.messageId })]);
		expect(sandbox.pubsub.push.deliveries).toEqual([expect.objectContaining({ subscription: S, messageId: body.message.messageId, attempt: 1, status: 204, outcome: 'acked', duplicate: false })]);
		expect(sandbox.pubsub.published[0].by).toBe(GMAIL_PUSH_ACCOUNT);
	});

	test('at most one notification per second per user: the rest of a burst is dropped and counted', async () => {
		await setUp();
		sandbox.gmail.bulkInsert(5);
		expect(sandbox.pubsub.watch.notifications.map((n) => n.outcome)).toEqual(['published', 'dropped', 'dropped', 'dropped', 'dropped']);
		expect(sandbox.pubsub.watch.dropped(ME)).toBe(4);
		sandbox.pubsub.advanceClock(500);
		sandbox.gmail.insertMessage({ subject: 'still inside the second' });
		sandbox.pubsub.advanceClock(500);
		const late = sandbox.gmail.insertMessage({ subject: 'a second later' });
		await sandbox.pubsub.push.idle();
		expect(seen.map((r) => dataOf(r).historyId)).toEqual([sandbox.pubsub.watch.notifications[0].historyId, late.historyId]);
		expect(sandbox.pubsub.watch.dropped(ME)).toBe(5);
	});

	test('label filter: include sends only changes touching the labels, exclude the others', async () => {
		const customers = sandbox.gmail.label('Customers');
		await setUp({ labelIds: [customers.id], labelFilterBehavior: 'include' });
		const other = sandbox.gmail.insertMessage({ subject: 'newsletter', labelIds: ['INBOX'] });
		sandbox.pubsub.advanceClock(1000);
		sandbox.gmail.modifyLabels(other.id, [customers.id]);
		expect(sandbox.pubsub.watch.notifications.map((n) => `${n.kind} ${n.outcome}`)).toEqual(['messageAdded filtered', 'labelAdded published']);
		await api.gmail('POST', 'watch', { topicName: T, labelIds: [customers.id], labelFilterBehavior: 'exclude' });
		sandbox.pubsub.advanceClock(1000);
		sandbox.gmail.insertMessage({ subject: 'customer', labelIds: ['INBOX', customers.id] });
		sandbox.pubsub.advanceClock(1000);
		sandbox.gmail.insertMessage({ subject: 'other', labelIds: ['INBOX'] });
		expect(sandbox.pubsub.watch.notifications.slice(2).map((n) => n.outcome)).toEqual(['filtered', 'published']);
		await sandbox.pubsub.push.idle();
		expect(seen).toHaveLength(2);
	});

	test('a watch lasts 7 days on the sandbox clock: past it Gmail sends nothing until watch is called again', async () => {
		await setUp();
		sandbox.pubsub.advanceClock(WATCH_LIFETIME_MS);
		sandbox.gmail.insertMessage({ subject: 'after expiry' });
		await sandbox.pubsub.push.idle();
		expect(seen).toHaveLength(0);
		expect(sandbox.pubsub.watch.notifications.map((n) => n.outcome)).toEqual(['expired']);
		await api.gmail('POST', 'watch', { topicName: T });
		const renewed = sandbox.gmail.insertMessage({ subject: 'after renewal' });
		await sandbox.pubsub.push.idle();
		expect(seen.map((r) => dataOf(r).historyId)).toEqual([renewed.historyId]);
	});

	test('Gmail\'s publish rights taken away after the watch: nothing is published (publishFailed); users.stop ends notifications', async () => {
		await setUp();
		const policy = await api.pubsub('GET', `${T}:getIamPolicy`);
		await api.pubsub('POST', `${T}:setIamPolicy`, { policy: { etag: policy.body.etag, bindings: [] } });
		sandbox.gmail.insertMessage({ subject: 'no rights' });
		await api.pubsub('POST', `${T}:setIamPolicy`, { policy: { bindings: [{ role: 'roles/pubsub.publisher', members: [`serviceAccount:${GMAIL_PUSH_ACCOUNT}`] }] } });
		await api.gmail('POST', 'stop');
		sandbox.pubsub.advanceClock(1000);
		sandbox.gmail.insertMessage({ subject: 'stopped' });
		await sandbox.pubsub.push.idle();
		expect(sandbox.pubsub.watch.notifications.map((n) => n.outcome)).toEqual(['publishFailed']);
		expect(seen).toHaveLength(0);
	});

	test('historyIdAs = "string" gives the shape of Google\'s documentation page', async () => {
		await setUp();
		sandbox.pubsub.watch.historyIdAs = 'string';
		const msg = sandbox.gmail.insertMessage({ subject: 'string id' });
		await sandbox.pubsub.push.idle();
		expect(dataOf(seen[0])).toEqual({ emailAddress: ME, historyId: String(msg.historyId) });
	});
});

describe('push delivery', () => {
	const publish = (n = 1) => sandbox.pubsub.publish(T, Array.from({ length: n }, (_, i) => ({ data: Buffer.from(`m${i}`).toString('base64') })), ME);

	test('non-2xx → redelivered with exponential backoff until a 2xx; the same messageId each time', async () => {
		await setUp();
		sandbox.pubsub.push.backoffBaseMs = 40;
		answer = (_req, n) => (n <= 3 ? [503, 500, 429][n - 1] : 200);
		const [id] = publish();
		await sandbox.pubsub.push.idle();
		const attempts = sandbox.pubsub.push.attemptsOf(id);
		expect(attempts.map((a) => [a.attempt, a.status, a.outcome])).toEqual([[1, 503, 'nacked'], [2, 500, 'nacked'], [3, 429, 'nacked'], [4, 200, 'acked']]);
		const gaps = attempts.slice(1).map((a, i) => a.at - attempts[i].at);
		expect(gaps[0]).toBeGreaterThanOrEqual(35);
		expect(gaps[1]).toBeGreaterThanOrEqual(75);
		expect(gaps[2]).toBeGreaterThanOrEqual(155);
		expect(new Set(seen.map((r) => bodyOf(r).message.messageId))).toEqual(new Set([id]));
		expect(sandbox.pubsub.push.acked(id)).toBe(true);
	});

	test('no answer within the ack deadline → timeout, redelivered (the slow first attempt may still finish later)', async () => {
		await setUp();
		sandbox.pubsub.push.ackDeadlineMs = 50;
		sandbox.pubsub.push.backoffBaseMs = 10;
		answer = async (_req, n) => {
			if (n === 1) await new Promise((r) => setTimeout(r, 200));
			return 200;
		};
		const [id] = publish();
		await sandbox.pubsub.push.idle();
		expect(sandbox.pubsub.push.attemptsOf(id).map((a) => a.outcome)).toEqual(['timeout', 'acked']);
		expect(seen).toHaveLength(2);
	});

	test('102 and 202 acknowledge like 200', async () => {
		await setUp({}, { ackDeadlineSeconds: 10 });
		answer = (_req, n) => (n === 1 ? 102 : 202);
		const ids = publish(2);
		await sandbox.pubsub.push.idle();
		expect(ids.map((id) => sandbox.pubsub.push.acked(id))).toEqual([true, true]);
		expect(sandbox.pubsub.push.deliveries).toHaveLength(2);
	});

	test('duplicateRate 1: every message comes twice with the same messageId', async () => {
		await setUp();
		sandbox.pubsub.push.duplicateRate = 1;
		const ids = publish(3);
		await sandbox.pubsub.push.idle();
		for (const id of ids) expect(seen.filter((r) => bodyOf(r).message.messageId === id)).toHaveLength(2);
		expect(sandbox.pubsub.push.deliveries.filter((d) => d.duplicate)).toHaveLength(3);
	});

	test('hold + release("reverse") delivers out of order; pushDelayMs delays the first attempt', async () => {
		await setUp();
		sandbox.pubsub.push.hold = true;
		const ids = publish(4);
		await sandbox.pubsub.push.idle();
		expect(seen).toHaveLength(0);
		expect(sandbox.pubsub.push.heldCount()).toBe(4);
		sandbox.pubsub.push.release('reverse');
		await sandbox.pubsub.push.idle();
		expect(seen.map((r) => bodyOf(r).message.messageId)).toEqual([...ids].reverse());
		sandbox.pubsub.push.hold = false;
		sandbox.pubsub.push.pushDelayMs = 120;
		const before = Date.now();
		publish();
		await sandbox.pubsub.push.idle();
		expect(sandbox.pubsub.push.deliveries[4].at - sandbox.pubsub.clockOffsetMs - before).toBeGreaterThanOrEqual(110);
	});

	test('dropRate: a lost attempt never reaches the endpoint and is redelivered after the ack deadline', async () => {
		await setUp();
		sandbox.pubsub.push.ackDeadlineMs = 30;
		sandbox.pubsub.push.backoffBaseMs = 5;
		sandbox.pubsub.push.dropRate = 1;
		const [id] = publish();
		await new Promise((r) => setTimeout(r, 20));
		sandbox.pubsub.push.dropRate = 0;
		await sandbox.pubsub.push.idle();
		expect(sandbox.pubsub.push.attemptsOf(id).map((a) => a.outcome)).toEqual(['dropped', 'acked']);
		expect(seen).toHaveLength(1);
	});

	test('tokenMode: forged (another key under Google\'s kid), expired, none', async () => {
		await setUp();
		const tokens: (string | undefined)[] = [];
		for (const mode of ['forged', 'expired', 'none'] as const) {
			sandbox.pubsub.push.tokenMode = mode;
			publish();
			await sandbox.pubsub.push.idle();
			tokens.push(seen[seen.length - 1].headers.authorization?.replace(/^Bearer /, ''));
		}
		expect(() => verifyIdToken(tokens[0]!, jwks(), { audiences: [ENDPOINT] })).toThrow(expect.objectContaining({ reason: 'bad_signature' }));
		expect(() => verifyIdToken(tokens[1]!, jwks(), { audiences: [ENDPOINT] })).toThrow(expect.objectContaining({ reason: 'expired' }));
		expect(tokens[2]).toBeUndefined();
	});

	test('every push subscription of the topic gets the message; a deleted subscription is not redelivered to', async () => {
		await setUp();
		await api.pubsub('PUT', `${S}-2`, { topic: T, pushConfig: { pushEndpoint: `${ENDPOINT}-2`, oidcToken: { serviceAccountEmail: DEFAULT_PUSH_SERVICE_ACCOUNT, audience: 'custom-aud' } } });
		await api.pubsub('PUT', `${S}-pull`, { topic: T });
		sandbox.pubsub.push.backoffBaseMs = 30;
		answer = (req) => (req.url.endsWith('-2') ? 500 : 200);
		publish();
		await new Promise((r) => setTimeout(r, 50));
		await api.pubsub('DELETE', `${S}-2`);
		await sandbox.pubsub.push.idle();
		const second = seen.filter((r) => r.url.endsWith('-2'));
		expect(second.length).toBeGreaterThanOrEqual(1);
		expect(second.length).toBeLessThanOrEqual(2);
		expect(verifyIdToken(second[0].headers.authorization.slice(7), jwks(), { audiences: ['custom-aud'] }).aud).toBe('custom-aud');
		expect(seen.filter((r) => r.url === ENDPOINT)).toHaveLength(1);
	});

	test('the default transport is real HTTP to the endpoint (allowHttpEndpoints for a local n8n)', async () => {
		const got: { headers: IncomingHttpHeaders; body: string }[] = [];
		const server = createServer((req, res) => {
			let body = '';
			req.on('data', (c) => (body += c));
			req.on('end', () => {
				got.push({ headers: req.headers, body });
				res.writeHead(200).end();
			});
		});
		await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
		try {
			const { httpCallbackTransport } = await import('../../sandbox');
			sandbox.pubsub.push.transport = httpCallbackTransport(30_000);
			sandbox.pubsub.allowHttpEndpoints = true;
			const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook/x/gmail-push`;
			await api.pubsub('PUT', T);
			await api.pubsub('PUT', S, { topic: T, pushConfig: { pushEndpoint: url, oidcToken: { serviceAccountEmail: DEFAULT_PUSH_SERVICE_ACCOUNT } } });
			const [id] = publish();
			await sandbox.pubsub.push.idle();
			expect(got).toHaveLength(1);
			expect(JSON.parse(got[0].body).message.messageId).toBe(id);
			expect(got[0].headers.authorization).toMatch(/^Bearer ey/);
			expect(sandbox.pubsub.push.acked(id)).toBe(true);
		} finally {
			server.close();
		}
	});
});
