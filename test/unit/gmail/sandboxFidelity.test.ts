// The sandbox behaves as Google's spec allows where the Gmail sync is exposed: batch parts meet the same
// injected faults and rate refusals as single calls, drafts are in the mailbox and in messages.list,
// a sent draft shows in history either way Gmail may record it, trash and spam are labels, a poison
// message fails every fetch, history ids expire by age (a quiet mailbox's cursor too) with Google's 404.
import { request } from 'node:https';
import { startSandbox, type Sandbox } from '../../sandbox';
import { buildBatchBody, parseBatchResponse } from '../../../nodes/shared/transport/gmailBatch';

let sandbox: Sandbox;
const READ = 'https://www.googleapis.com/auth/gmail.readonly';
const COMPOSE = 'https://www.googleapis.com/auth/gmail.compose';

beforeAll(async () => {
	sandbox = await startSandbox({ seed: 3 });
});
afterAll(async () => sandbox?.close());

function call(method: string, path: string, token: string, opts: { body?: string; contentType?: string } = {}): Promise<{ status: number; type: string; text: string; json(): any }> {
	return new Promise((resolve, reject) => {
		const headers: Record<string, string> = { host: 'gmail.googleapis.com', authorization: `Bearer ${token}` };
		if (opts.contentType) headers['content-type'] = opts.contentType;
		const req = request({ method, host: '127.0.0.1', port: sandbox.port, servername: 'gmail.googleapis.com', path, headers }, (r) => {
			const chunks: Buffer[] = [];
			r.on('data', (c: Buffer) => chunks.push(c));
			r.on('end', () => {
				const text = Buffer.concat(chunks).toString('utf8');
				resolve({ status: r.statusCode ?? 0, type: String(r.headers['content-type']), text, json: () => JSON.parse(text || 'null') });
			});
		});
		req.on('error', reject);
		req.end(opts.body);
	});
}

function user(email: string, scopes = [READ]): string {
	sandbox.oauth.addUser({ email, name: email });
	return sandbox.oauth.issueGrant({ email, scopes }).access_token;
}

async function batchGet(token: string, ids: string[]) {
	const { body, boundary } = buildBatchBody(ids.map((id, i) => ({ id: String(i), method: 'GET', path: `/gmail/v1/users/me/messages/${id}?format=minimal` })));
	const res = await call('POST', '/batch/gmail/v1', token, { body, contentType: `multipart/mixed; boundary=${boundary}` });
	expect(res.status).toBe(200);
	return parseBatchResponse(res.text, res.type);
}

describe('sandbox fidelity for the Gmail sync', () => {
	test('batch parts get the injected faults of single calls (before and after the call), with Retry-After', async () => {
		const email = 'fault-parts@acme-crm.test';
		const token = user(email);
		const msgs = [1, 2, 3, 4].map((i) => sandbox.gmail.insertMessage({ account: email, subject: `m${i}` }));
		const rule = { host: 'gmail.googleapis.com', pathIncludes: `/messages/${msgs[1].id}`, count: 1, status: 503, retryAfterSeconds: 7 };
		const after = { host: 'gmail.googleapis.com', pathIncludes: `/messages/${msgs[3].id}`, count: 1, status: 500, when: 'after' as const };
		sandbox.server.faults.push(rule, after);
		try {
			const parts = await batchGet(token, msgs.map((m) => m.id));
			expect(parts.get('0')).toMatchObject({ status: 200, body: { id: msgs[0].id } });
			expect(parts.get('1')).toMatchObject({ status: 503, body: { error: { errors: [{ reason: 'backendError' }] } } });
			expect(parts.get('2')?.status).toBe(200);
			expect(parts.get('3')?.status).toBe(500);
			expect(rule.count).toBe(0);
			// The same rule shape on a single call: the next one is refused too.
			rule.count = 1;
			expect((await call('GET', `/gmail/v1/users/me/messages/${msgs[1].id}`, token)).status).toBe(503);
		} finally {
			sandbox.server.faults.splice(sandbox.server.faults.indexOf(rule), 2);
		}
	});

	test('batch parts over the per-user quota are refused 429 part by part, as single calls are', async () => {
		const email = 'quota-parts@acme-crm.test';
		const token = user(email);
		const msgs = sandbox.gmail.bulkInsert(10, { account: email });
		sandbox.gmail.quota.unitsPerSecond = 20; // four messages.get (5 units each) per second
		try {
			const parts = await batchGet(token, msgs.map((m) => m.id));
			const statuses = [...parts.values()].map((p) => p.status);
			expect(statuses.filter((s) => s === 200)).toHaveLength(4);
			expect(statuses.filter((s) => s === 429)).toHaveLength(6);
			expect(JSON.stringify([...parts.values()][9].body)).toContain('rateLimitExceeded');
		} finally {
			sandbox.gmail.quota.unitsPerSecond = 0;
		}
	});

	test('drafts: in the mailbox, in messages.list, not in history as SENT until sent', async () => {
		const email = 'drafts@acme-crm.test';
		const token = user(email, [READ, COMPOSE]);
		const g = sandbox.gmail;
		const start = g.mailbox(email).historyId;
		const draft = g.drafts.create({ account: email, to: 'ann@client.test', subject: 'Proposal (draft)', text: 'tbd' });
		expect(draft.message.labelIds).toEqual(['DRAFT']);
		const listed = (await call('GET', '/gmail/v1/users/me/messages', token)).json();
		expect(listed.messages.map((m: { id: string }) => m.id)).toContain(draft.message.id);
		const drafts = (await call('GET', '/gmail/v1/users/me/drafts', token)).json();
		expect(drafts.drafts).toEqual([{ id: draft.id, message: { id: draft.message.id, threadId: draft.message.threadId } }]);
		const history = (await call('GET', `/gmail/v1/users/me/history?startHistoryId=${start}`, token)).json();
		expect(history.history).toHaveLength(1);
		expect(history.history[0].messagesAdded[0].message.labelIds).toEqual(['DRAFT']);
	});

	test("a sent draft, as Google's guide says: the draft's message deleted, a new id with SENT", async () => {
		const email = 'draft-new@acme-crm.test';
		const token = user(email, [READ, COMPOSE]);
		const g = sandbox.gmail;
		const draft = g.drafts.create({ account: email, to: 'ann@client.test', subject: 'Offer', text: 'hello' });
		const start = g.mailbox(email).historyId;
		const res = await call('POST', '/gmail/v1/users/me/drafts/send', token, { body: JSON.stringify({ id: draft.id }), contentType: 'application/json' });
		expect(res.status).toBe(200);
		const sent = res.json();
		expect(sent.id).not.toBe(draft.message.id);
		expect(sent.labelIds).toEqual(['SENT']);
		const history = (await call('GET', `/gmail/v1/users/me/history?startHistoryId=${start}`, token)).json().history;
		expect(history.map((h: Record<string, unknown>) => Object.keys(h).find((k) => k !== 'id' && k !== 'messages'))).toEqual(['messagesDeleted', 'messagesAdded']);
		expect(history[1].messagesAdded[0].message).toMatchObject({ id: sent.id, labelIds: ['SENT'] });
		expect((await call('GET', `/gmail/v1/users/me/drafts/${draft.id}`, token)).status).toBe(404);
	});

	test('a sent draft recorded as a label change: same id, SENT added, then DRAFT removed', async () => {
		const email = 'draft-relabel@acme-crm.test';
		user(email, [READ, COMPOSE]);
		const g = sandbox.gmail;
		const draft = g.drafts.create({ account: email, to: 'ann@client.test', subject: 'Offer 2', text: 'hello' });
		const start = g.mailbox(email).historyId;
		const sent = g.drafts.send(draft.id, { recordsAs: 'labelChange' });
		expect(sent.id).toBe(draft.message.id);
		expect(sent.labelIds).toEqual(['SENT']);
		const records = g.mailbox(email).history.filter((r) => r.id > start);
		expect(records.map((r) => [r.kind, r.changed, r.labelIds])).toEqual([
			['labelAdded', ['SENT'], ['DRAFT', 'SENT']],
			['labelRemoved', ['DRAFT'], ['SENT']],
		]);
	});

	test('trash and spam are labels; messages.list leaves them out, messages.get still answers', async () => {
		const email = 'trash@acme-crm.test';
		const token = user(email);
		const g = sandbox.gmail;
		const a = g.insertMessage({ account: email, subject: 'to trash' });
		const b = g.insertMessage({ account: email, subject: 'to spam' });
		g.trash(a.id, email);
		g.markSpam(b.id, email);
		expect(g.mailbox(email).messages.get(b.id)!.labelIds).toEqual(['UNREAD', 'SPAM']);
		const listed = (await call('GET', '/gmail/v1/users/me/messages', token)).json();
		expect(listed.messages ?? []).toEqual([]);
		expect((await call('GET', `/gmail/v1/users/me/messages/${a.id}?format=minimal`, token)).json().labelIds).toContain('TRASH');
	});

	test('a poison message fails every fetch, alone and in a batch', async () => {
		const email = 'poison@acme-crm.test';
		const token = user(email);
		const g = sandbox.gmail;
		const [ok, bad] = g.bulkInsert(2, { account: email });
		g.poison(bad.id, 500, email);
		for (let i = 0; i < 3; i++) expect((await call('GET', `/gmail/v1/users/me/messages/${bad.id}`, token)).status).toBe(500);
		const parts = await batchGet(token, [ok.id, bad.id]);
		expect(parts.get('0')?.status).toBe(200);
		expect(parts.get('1')?.status).toBe(500);
	});

	test("history ids expire by age, as Google's do: a quiet mailbox's cursor gets 404 notFound, the profile then gives a fresh id", async () => {
		const email = 'quiet-expiry@acme-crm.test';
		const token = user(email);
		const g = sandbox.gmail;
		g.insertMessage({ account: email, subject: 'last mail for a week' });
		const cursor = (await call('GET', '/gmail/v1/users/me/profile', token)).json().historyId as string;
		expect((await call('GET', `/gmail/v1/users/me/history?startHistoryId=${cursor}`, token)).status).toBe(200);
		// A week without mail: nothing follows the cursor, and still Google no longer knows the id.
		g.expireHistory({ account: email });
		const gone = await call('GET', `/gmail/v1/users/me/history?startHistoryId=${cursor}`, token);
		expect(gone.status).toBe(404);
		expect(gone.json()).toEqual({
			error: { code: 404, message: 'Requested entity was not found.', errors: [{ message: 'Requested entity was not found.', domain: 'global', reason: 'notFound' }], status: 'NOT_FOUND' },
		});
		const fresh = (await call('GET', '/gmail/v1/users/me/profile', token)).json().historyId as string;
		expect(Number(fresh)).toBeGreaterThan(Number(cursor));
		expect((await call('GET', `/gmail/v1/users/me/history?startHistoryId=${fresh}`, token)).status).toBe(200);
	});

	test('history kept only for hours (historyRetentionMs): an id older than that expires with its records, a younger one lists what followed it', async () => {
		const email = 'short-history@acme-crm.test';
		const token = user(email);
		const g = sandbox.gmail;
		const early = g.insertMessage({ account: email, subject: 'early' });
		const mid = g.insertMessage({ account: email, subject: 'mid' });
		const later = g.insertMessage({ account: email, subject: 'later' });
		// The first record was written three hours ago; this mailbox's history lives one hour.
		g.mailbox(email).history.find((r) => r.messageId === early.id)!.at = Date.now() - 3 * 3_600_000;
		g.historyRetentionMs = 3_600_000;
		try {
			expect((await call('GET', `/gmail/v1/users/me/history?startHistoryId=${early.historyId}`, token)).status).toBe(404);
			const alive = await call('GET', `/gmail/v1/users/me/history?startHistoryId=${mid.historyId}`, token);
			expect(alive.status).toBe(200);
			expect(alive.json().history.map((h: { messages: { id: string }[] }) => h.messages[0].id)).toEqual([later.id]);
		} finally {
			g.historyRetentionMs = 0;
		}
	});
});
