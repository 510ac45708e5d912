// The sandbox mailbox itself: threading rules, history records and expiry, list queries, formats, quota.
import { request } from 'node:https';
import { startSandbox, type Sandbox } from '../../sandbox';
import { buildBatchBody, parseBatchResponse } from '../../../nodes/shared/transport/gmailBatch';

let sandbox: Sandbox;
let token: string;
const READ = 'https://www.googleapis.com/auth/gmail.readonly';

beforeAll(async () => {
	sandbox = await startSandbox();
	token = sandbox.oauth.issueGrant({ scopes: [READ] }).access_token;
});
afterAll(async () => sandbox?.close());

function get(host: string, path: string): Promise<{ status: number; body: any }> {
	return new Promise((resolve, reject) => {
		const req = request(
			{ host: '127.0.0.1', port: sandbox.port, servername: host, path, headers: { host, authorization: `Bearer ${token}` } },
			(res) => {
				const chunks: Buffer[] = [];
				res.on('data', (c: Buffer) => chunks.push(c));
				res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null') }));
			},
		);
		req.on('error', reject);
		req.end();
	});
}
const gmail = (path: string) => get('gmail.googleapis.com', `/gmail/v1/users/me${path}`);

describe('sandbox Gmail mailbox', () => {
	test('threading: same thread only with threadId AND references AND matching subject', () => {
		const g = sandbox.gmail;
		const first = g.insertMessage({ from: 'Ann <ann@client.test>', subject: 'Quote for Q3', text: 'hello' });
		expect(first.threadId).toBe(first.id);
		const rfc = first.headers.find((h) => h.name === 'Message-ID')!.value;
		const reply = g.insertMessage({ from: 'rep@acme-crm.test', subject: 'Re: Quote for Q3', text: 'ok', threadId: first.threadId, inReplyTo: rfc, references: rfc, labelIds: ['SENT'] });
		expect(reply.threadId).toBe(first.threadId);
		const noRefs = g.insertMessage({ subject: 'Re: Quote for Q3', threadId: first.threadId });
		expect(noRefs.threadId).toBe(noRefs.id);
		const otherSubject = g.insertMessage({ subject: 'Something else', threadId: first.threadId, inReplyTo: rfc });
		expect(otherSubject.threadId).toBe(otherSubject.id);
		const noThreadId = g.insertMessage({ subject: 'Fwd: RE: quote for q3', inReplyTo: rfc });
		expect(noThreadId.threadId).toBe(noThreadId.id);
		const fwd = g.insertMessage({ subject: 'Fwd: RE: quote for q3', inReplyTo: rfc, threadId: first.threadId });
		expect(fwd.threadId).toBe(first.threadId);
	});

	test('raw messages are parsed into headers and a payload', async () => {
		const raw = [
			'From: =?UTF-8?B?w4lsaWU=?= <elie@client.test>',
			'To: rep@acme-crm.test',
			'Subject: Multi',
			'Message-ID: <raw-1@client.test>',
			'Content-Type: multipart/alternative; boundary="XX"',
			'',
			'--XX',
			'Content-Type: text/plain; charset=UTF-8',
			'Content-Transfer-Encoding: quoted-printable',
			'',
			'caf=C3=A9',
			'--XX',
			'Content-Type: text/html; charset=UTF-8',
			'',
			'<p>café</p>',
			'--XX--',
			'',
		].join('\r\n');
		const msg = sandbox.gmail.insertMessage({ raw });
		expect(msg.headers.find((h) => h.name === 'From')!.value).toBe('Élie <elie@client.test>');
		const full = await gmail(`/messages/${msg.id}?format=full`);
		expect(full.status).toBe(200);
		expect(full.body.payload.mimeType).toBe('multipart/alternative');
		const [plain, html] = full.body.payload.parts;
		expect(Buffer.from(plain.body.data, 'base64url').toString('utf8')).toBe('café');
		expect(Buffer.from(html.body.data, 'base64url').toString('utf8')).toBe('<p>café</p>');
		const rawBack = await gmail(`/messages/${msg.id}?format=raw`);
		expect(Buffer.from(rawBack.body.raw, 'base64url').toString('utf8')).toBe(raw);
		const meta = await gmail(`/messages/${msg.id}?format=metadata&metadataHeaders=Subject&metadataHeaders=From`);
		expect(meta.body.payload.headers.map((h: { name: string }) => h.name)).toEqual(['From', 'Subject']);
		expect(typeof meta.body.internalDate).toBe('string');
		expect(typeof meta.body.historyId).toBe('string');
	});

	test('history: records per change, paging, label filter, expiry gives 404', async () => {
		const g = sandbox.gmail;
		const clients = g.label('Clients');
		const start = g.mailbox().historyId;
		const a = g.insertMessage({ subject: 'a', labelIds: ['INBOX', clients.id] });
		const b = g.insertMessage({ subject: 'b', labelIds: ['INBOX'] });
		g.modifyLabels(b.id, [clients.id], ['INBOX']);
		g.deleteMessage(a.id);
		const all = await gmail(`/history?startHistoryId=${start}&maxResults=2`);
		expect(all.status).toBe(200);
		expect(all.body.history).toHaveLength(2);
		expect(all.body.history[0].messagesAdded[0].message).toMatchObject({ id: a.id, labelIds: ['INBOX', clients.id] });
		const next = await gmail(`/history?startHistoryId=${start}&maxResults=2&pageToken=${all.body.nextPageToken}`);
		const kinds = next.body.history.map((h: Record<string, unknown>) => Object.keys(h).find((k) => k !== 'id' && k !== 'messages'));
		expect(kinds).toEqual(['labelsAdded', 'labelsRemoved', 'messagesDeleted'].slice(0, next.body.history.length));
		expect(next.body.historyId).toBe(String(g.mailbox().historyId));
		const onlyAdded = await gmail(`/history?startHistoryId=${start}&historyTypes=messageAdded&labelId=${clients.id}`);
		expect(onlyAdded.body.history.map((h: { messages: { id: string }[] }) => h.messages[0].id)).toEqual([a.id]);

		g.expireHistory();
		const gone = await gmail(`/history?startHistoryId=${start}`);
		expect(gone.status).toBe(404);
		expect(gone.body.error.errors[0].reason).toBe('notFound');
		const current = await gmail(`/history?startHistoryId=${g.mailbox().historyId}`);
		expect(current.status).toBe(200);
		expect(current.body.history).toBeUndefined();
	});

	test('messages.list: q subset, labelIds, paging, newest first; same API on www.googleapis.com', async () => {
		const g = sandbox.gmail;
		const vip = g.label('VIP');
		const t0 = Date.now() - 10 * 86_400_000;
		g.bulkInsert(30, { labelIds: [['INBOX', vip.id], ['INBOX']], startDate: t0, spacingMs: 3_600_000, from: ['Bob <bob@vip.test>', 'carol@other.test'] });
		const after = Math.floor((t0 + 10 * 3_600_000) / 1000);
		const r = await gmail(`/messages?q=${encodeURIComponent(`after:${after} from:bob@vip.test label:vip`)}&maxResults=5`);
		expect(r.status).toBe(200);
		expect(r.body.resultSizeEstimate).toBe(10);
		expect(r.body.messages).toHaveLength(5);
		const p2 = await get('www.googleapis.com', `/gmail/v1/users/me/messages?q=${encodeURIComponent(`after:${after} from:bob@vip.test label:vip`)}&maxResults=5&pageToken=${r.body.nextPageToken}`);
		expect(p2.body.messages).toHaveLength(5);
		expect(p2.body.nextPageToken).toBeUndefined();
		const ids = [...r.body.messages, ...p2.body.messages].map((m: { id: string }) => m.id);
		const dates = ids.map((id) => g.mailbox().messages.get(id)!.internalDate);
		expect([...dates].sort((x, y) => y - x)).toEqual(dates);
		const byLabelIds = await gmail(`/messages?labelIds=INBOX&labelIds=${vip.id}&maxResults=500`);
		expect(byLabelIds.body.resultSizeEstimate).toBe(15);
		const recent = await gmail(`/messages?q=newer_than:2d&labelIds=${vip.id}`);
		expect(recent.body.resultSizeEstimate).toBeLessThan(15);
	});

	test('quota: each method costs its units; over the ceiling gives 429 rateLimitExceeded', async () => {
		const g = sandbox.gmail;
		g.quota.reset();
		await gmail('/history?startHistoryId=1');
		const id = g.insertMessage({ subject: 'q' }).id;
		await gmail(`/messages/${id}?format=minimal`);
		expect(g.quota.byMethod.get('history.list')).toBe(2);
		expect(g.quota.byMethod.get('messages.get')).toBe(5);
		g.quota.unitsPerSecond = 10;
		const statuses: number[] = [];
		for (let i = 0; i < 3; i++) statuses.push((await gmail(`/messages/${id}?format=minimal`)).status);
		expect(statuses).toEqual([200, 200, 429]);
		g.quota.unitsPerSecond = 0;
	});

	test('batch endpoint: parts dispatched with the outer auth, each charged, answered by Content-ID', async () => {
		const g = sandbox.gmail;
		const a = g.insertMessage({ subject: 'batch a' });
		const b = g.insertMessage({ subject: 'batch b' });
		g.quota.reset();
		const { body, boundary } = buildBatchBody([
			{ id: '0', method: 'GET', path: `/gmail/v1/users/me/messages/${a.id}?format=metadata&metadataHeaders=Subject` },
			{ id: '1', method: 'GET', path: `/gmail/v1/users/me/messages/nope?format=minimal` },
			{ id: '2', method: 'GET', path: `/gmail/v1/users/me/messages/${b.id}?format=minimal` },
		]);
		const res = await new Promise<{ status: number; type: string; text: string }>((resolve, reject) => {
			const req = request(
				{ method: 'POST', host: '127.0.0.1', port: sandbox.port, servername: 'gmail.googleapis.com', path: '/batch/gmail/v1', headers: { host: 'gmail.googleapis.com', authorization: `Bearer ${token}`, 'content-type': `multipart/mixed; boundary=${boundary}` } },
				(r) => {
					const chunks: Buffer[] = [];
					r.on('data', (c: Buffer) => chunks.push(c));
					r.on('end', () => resolve({ status: r.statusCode ?? 0, type: String(r.headers['content-type']), text: Buffer.concat(chunks).toString('utf8') }));
				},
			);
			req.on('error', reject);
			req.end(body);
		});
		expect(res.status).toBe(200);
		const parts = parseBatchResponse(res.text, res.type);
		expect(parts.get('0')).toMatchObject({ status: 200, body: { id: a.id, payload: { headers: [{ name: 'Subject', value: 'batch a' }] } } });
		expect(parts.get('1')?.status).toBe(404);
		expect(parts.get('2')).toMatchObject({ status: 200, body: { id: b.id } });
		expect(g.quota.byMethod.get('messages.get')).toBe(15);
	});

	test('bulkInsert of 20,000 messages is cheap', () => {
		const before = process.memoryUsage().heapUsed;
		const t = Date.now();
		sandbox.gmail.bulkInsert(20_000, { account: 'bulk@acme-crm.test' });
		expect(Date.now() - t).toBeLessThan(5_000);
		expect(sandbox.gmail.mailbox('bulk@acme-crm.test').messages.size).toBe(20_000);
		expect(process.memoryUsage().heapUsed - before).toBeLessThan(60 * 1024 * 1024);
	});
});
