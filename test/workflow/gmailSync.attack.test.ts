// Ring 2, the Gmail Sync trigger under attack (issue #10): label changes long after emission, drafts,
// trash and spam before the fetch, a message Gmail refuses every time, Retry-After far beyond the poll
// deadline, durable cursors dropping the activation poll's baseline, faults inside batch parts.
// Polled by n8n-core's PollTriggerExecutor against the sandbox; every test asserts what the sandbox
// holds and saw, not only what the node returned.
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import { GoogleConnectorOAuth2Api } from '../../credentials/GoogleConnectorOAuth2Api.credentials';
import { GmailSyncTrigger } from '../../nodes/GmailSyncTrigger/GmailSyncTrigger.node';
import { GoogleConnector } from '../../nodes/GoogleConnector/GoogleConnector.node';
import { startSandbox, type Sandbox, type FaultRule } from '../sandbox';
import { gmailReadCredential } from '../helpers/gmailSync';
import { Poller, chain, runWorkflow, startNode, type CredentialsMap, type PollResult } from '../helpers/workflow';

let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await startSandbox({ seed: 11 });
	sandbox.server.useInThisProcess();
});
afterAll(async () => sandbox?.close());
afterEach(() => {
	sandbox.server.faults = [];
	sandbox.server.recordRequests = true;
	sandbox.server.clearRequests();
	sandbox.gmail.quota.unitsPerSecond = 0;
});

const credentialFor = (email: string, opts: { unitsPerSecond?: number; maxRetries?: number } = {}): CredentialsMap => gmailReadCredential(sandbox, email, opts);

function poller(email: string, parameters: IDataObject, opts: { durableCursors?: boolean; pollBudgetMs?: number; unitsPerSecond?: number; maxRetries?: number; staticData?: IDataObject } = {}) {
	return new Poller(new GmailSyncTrigger(), {
		parameters: parameters as never,
		credentials: credentialFor(email, opts),
		credentialTypes: [new GoogleConnectorOAuth2Api()],
		staticData: opts.staticData ?? {},
		durableCursors: opts.durableCursors,
		pollBudgetMs: opts.pollBudgetMs,
	});
}

const ids = (items: INodeExecutionData[][] | null) => (items?.[0] ?? []).map((i) => i.json.messageId as string);

function ok(r: PollResult): PollResult {
	if (r.error) throw r.error;
	return r;
}

/** Polls until `done` or `max` polls; returns every emitted id in order (repeats kept). */
async function drain(p: Poller, max: number, done: (emitted: string[]) => boolean = () => false): Promise<string[]> {
	const emitted: string[] = [];
	for (let i = 0; i < max && !done(emitted); i++) emitted.push(...ids(ok(await p.poll()).items));
	return emitted;
}

/** Gmail → Sync ("sync now") once from `cursor`: its single output item. */
async function syncNow(email: string, cursor: unknown, parameters: IDataObject = {}): Promise<IDataObject> {
	const r = await runWorkflow({
		nodes: [
			startNode([{ cursor: cursor === undefined ? '' : JSON.stringify(cursor) }]),
			{ name: 'Sync', type: 'googleConnector', parameters: { resource: 'gmail', operation: 'sync', syncCursor: '={{ $json.cursor }}', ...parameters } },
		],
		connections: chain('Start', 'Sync'),
		credentials: credentialFor(email),
		credentialTypes: [new GoogleConnectorOAuth2Api()],
		nodeTypes: [new GoogleConnector()],
	});
	if (r.error) throw r.error;
	return r.json.Sync[0];
}

describe('Gmail Sync under attack (ring 2)', () => {
	test('item 1: a watched label added to a message emitted more than 5,000 messages ago does not emit it again', async () => {
		const email = 'relabel-old@acme-crm.test';
		const g = sandbox.gmail;
		sandbox.server.recordRequests = false;
		const [clients, leads] = ['Clients', 'Leads'].map((n) => g.label(n, email).id);
		const p = poller(email, { labelIds: [clients, leads] }, { durableCursors: true });
		expect(ok(await p.poll()).items).toBeNull();
		const first = g.insertMessage({ account: email, from: 'ann@client.test', subject: 'first', labelIds: ['INBOX', clients] });
		expect(ids(ok(await p.poll()).items)).toEqual([first.id]);
		const flood = g.bulkInsert(5001, { account: email, labelIds: [['INBOX', clients]] });
		// One poll or more (a poll stops at n8n's budget on a slow machine): each exactly once.
		const drained = await drain(p, 10, (e) => e.length >= flood.length);
		expect(drained).toEqual(flood.map((m) => m.id));
		// The bounded window of handled ids no longer holds the first message…
		expect((p.persisted.gmailSync as IDataObject).recent as string[]).not.toContain(first.id);
		// …and filing it into a second watched label is not new mail in the sync.
		g.modifyLabels(first.id, [leads], [], email);
		expect(ok(await p.poll()).items).toBeNull();
		// A watched label added to mail that was outside the sync does come out, once.
		const outside = g.insertMessage({ account: email, from: 'bob@client.test', subject: 'filed later', labelIds: ['INBOX'] });
		expect(ok(await p.poll()).items).toBeNull();
		g.modifyLabels(outside.id, [leads], [], email);
		expect(ids(ok(await p.poll()).items)).toEqual([outside.id]);
		g.modifyLabels(outside.id, [clients], [], email);
		expect(ok(await p.poll()).items).toBeNull();
	}, 180_000);

	test('item 2: with history alive, a watched label added to an old message emits it once', async () => {
		const email = 'relabel-alive@acme-crm.test';
		const g = sandbox.gmail;
		const clients = g.label('Clients', email).id;
		const old = g.insertMessage({ account: email, from: 'ann@client.test', subject: 'from last month', labelIds: ['INBOX'], internalDate: Date.now() - 40 * 86_400_000 });
		const p = poller(email, { labelIds: [clients] }, { durableCursors: true });
		expect(ok(await p.poll()).items).toBeNull();
		g.insertMessage({ account: email, subject: 'newer, not filed', labelIds: ['INBOX'] });
		g.modifyLabels(old.id, [clients], [], email);
		const r = ok(await p.poll());
		expect(ids(r.items)).toEqual([old.id]);
		expect(r.items![0][0].json.labels).toEqual(['INBOX', 'Clients']);
		expect(ok(await p.poll()).items).toBeNull();
	});

	describe('item 2: with history expired, mail newly in a watched label is told from mail already there (label record)', () => {
		/** History answers the sandbox gave this mailbox's cursor with 404 notFound (history expired). */
		const expiredAnswers = () => sandbox.server.requests.filter((r) => r.path.endsWith('/users/me/history') && r.status === 404).length;
		const record = (p: Poller) => (p.persisted.gmailSync as IDataObject).labelRecord as { labels: string[]; after: number; ids: string[] } | undefined;

		for (const durableCursors of [true, false]) {
			test(`a watched label added to an old message emits it exactly once; old mail already in the label never (durable cursors: ${durableCursors}, restart between polls)`, async () => {
				const email = `expired-relabel-${durableCursors}@acme-crm.test`;
				const g = sandbox.gmail;
				const clients = g.label('Clients', email).id;
				const day = 86_400_000;
				const alreadyIn = g.insertMessage({ account: email, from: 'ann@client.test', subject: 'in Clients for months', labelIds: ['INBOX', clients], internalDate: Date.now() - 90 * day });
				const oldOut = g.insertMessage({ account: email, from: 'bob@client.test', subject: 'from last month, filed later', labelIds: ['INBOX'], internalDate: Date.now() - 30 * day });
				const p = poller(email, { labelIds: [clients] }, { durableCursors });
				// Legacy cursors: n8n saves the activation poll's static data (a later empty poll's is not saved).
				expect(ok(await p.poll({ activation: !durableCursors })).items).toBeNull();
				const atBaseline = record(p);
				const fresh = g.insertMessage({ account: email, from: 'carol@client.test', subject: 'new', labelIds: ['INBOX', clients] });
				expect(ids(ok(await p.poll()).items)).toEqual([fresh.id]);
				p.restart();

				// Filed into Clients, and later Google drops the history that recorded it.
				g.modifyLabels(oldOut.id, [clients], [], email);
				const late = g.insertMessage({ account: email, from: 'dan@client.test', subject: 'while history was gone', labelIds: ['INBOX', clients] });
				g.expireHistory({ account: email });
				const before404 = expiredAnswers();
				const emitted = await drain(p, 3);
				expect(expiredAnswers()).toBe(before404 + 1);
				expect(emitted).toEqual([oldOut.id, late.id]);
				p.restart();

				// A quiet week: the cursor expires with nothing after it; nothing comes out again.
				g.expireHistory({ account: email });
				expect(await drain(p, 2)).toEqual([]);
				expect(expiredAnswers()).toBe(before404 + 2);
				// The record: the label's one message at the baseline, then each message handled.
				expect(atBaseline).toEqual({ labels: [clients], after: 0, ids: [alreadyIn.id] });
				expect(record(p)?.ids.sort()).toEqual([alreadyIn.id, fresh.id, oldOut.id, late.id].sort());
			});
		}

		test('with history alive and expired: the label taken off and put back does not emit the message again; mail never in it does, once', async () => {
			const email = 'relabel-twice@acme-crm.test';
			const g = sandbox.gmail;
			const clients = g.label('Clients', email).id;
			const member = g.insertMessage({ account: email, from: 'ann@client.test', subject: 'in Clients before the baseline', labelIds: ['INBOX', clients], internalDate: Date.now() - 10 * 86_400_000 });
			const p = poller(email, { labelIds: [clients] }, { durableCursors: true });
			expect(ok(await p.poll()).items).toBeNull();
			const emittedOnce = g.insertMessage({ account: email, from: 'bob@client.test', subject: 'emitted once', labelIds: ['INBOX', clients] });
			expect(ids(ok(await p.poll()).items)).toEqual([emittedOnce.id]);
			const outside = g.insertMessage({ account: email, from: 'carol@client.test', subject: 'not filed yet', labelIds: ['INBOX'], internalDate: Date.now() - 5 * 86_400_000 });
			expect(ok(await p.poll()).items).toBeNull();

			// History alive: off, then on again (two polls apart and within one poll).
			for (const m of [member, emittedOnce]) g.modifyLabels(m.id, [], [clients], email);
			expect(ok(await p.poll()).items).toBeNull();
			for (const m of [member, emittedOnce]) g.modifyLabels(m.id, [clients], [], email);
			g.modifyLabels(outside.id, [clients], [], email);
			g.modifyLabels(outside.id, [], [clients], email);
			g.modifyLabels(outside.id, [clients], [], email);
			expect(ids(ok(await p.poll()).items)).toEqual([outside.id]);

			// History expired over the same round trip: nothing again.
			for (const m of [member, emittedOnce, outside]) g.modifyLabels(m.id, [], [clients], email);
			for (const m of [member, emittedOnce, outside]) g.modifyLabels(m.id, [clients], [], email);
			g.expireHistory({ account: email });
			expect(await drain(p, 2)).toEqual([]);
			expect(sandbox.server.requests.some((r) => r.path.endsWith('/users/me/history') && r.status === 404)).toBe(true);
		});

		test('a cursor saved before the label record existed loads, gains a record on its first complete poll, then covers an expiry', async () => {
			const email = 'old-cursor@acme-crm.test';
			const g = sandbox.gmail;
			const clients = g.label('Clients', email).id;
			const alreadyIn = g.insertMessage({ account: email, from: 'ann@client.test', subject: 'in Clients', labelIds: ['INBOX', clients], internalDate: Date.now() - 20 * 86_400_000 });
			const handled = g.insertMessage({ account: email, from: 'bob@client.test', subject: 'emitted by the old version', labelIds: ['INBOX', clients], internalDate: Date.now() - 60_000 });
			const oldOut = g.insertMessage({ account: email, from: 'carol@client.test', subject: 'filed later', labelIds: ['INBOX'], internalDate: Date.now() - 15 * 86_400_000 });
			// Exactly the shape the trigger saved before this change (no labelRecord).
			const saved = { v: 1, account: email, historyId: String(g.mailbox(email).historyId), watermark: handled.internalDate, recent: [handled.id] };
			const p = poller(email, { labelIds: [clients] }, { durableCursors: true, staticData: { gmailSync: structuredClone(saved) } });
			const fresh = g.insertMessage({ account: email, from: 'dan@client.test', subject: 'new', labelIds: ['INBOX', clients] });
			expect(ids(ok(await p.poll()).items)).toEqual([fresh.id]);
			expect(p.persisted.gmailSync).toMatchObject({ ...saved, historyId: String(g.mailbox(email).historyId), watermark: fresh.internalDate, recent: [handled.id, fresh.id] });
			const gained = record(p);
			g.modifyLabels(oldOut.id, [clients], [], email);
			g.expireHistory({ account: email });
			expect(await drain(p, 2)).toEqual([oldOut.id]);
			expect(gained?.ids.sort()).toEqual([alreadyIn.id, handled.id, fresh.id].sort());
		});

		test('past its bound the record covers the newest 4,000 messages: newly labelled mail after the cut comes out once, before it is lost, old mail never', async () => {
			const email = 'record-bound@acme-crm.test';
			const g = sandbox.gmail;
			sandbox.server.recordRequests = false;
			const clients = g.label('Clients', email).id;
			const minute = 60_000;
			const start = Date.now() - 7 * 86_400_000;
			const archive = g.bulkInsert(6000, { account: email, labelIds: [['INBOX', clients]], startDate: start, spacingMs: minute });
			const cutAt = archive[6000 - 4001].internalDate;
			const beforeCut = g.insertMessage({ account: email, from: 'ann@client.test', subject: 'older than the cut', labelIds: ['INBOX'], internalDate: cutAt - 30 * minute });
			const afterCut = g.insertMessage({ account: email, from: 'bob@client.test', subject: 'newer than the cut', labelIds: ['INBOX'], internalDate: cutAt + 30 * minute + 1 });
			const p = poller(email, { labelIds: [clients] }, { durableCursors: true });
			g.quota.reset();
			expect(ok(await p.poll()).items).toBeNull();
			const baselineUnits = g.quota.total(email);
			const r = structuredClone(record(p));

			for (const m of [beforeCut, afterCut]) g.modifyLabels(m.id, [clients], [], email);
			g.expireHistory({ account: email });
			expect(await drain(p, 3)).toEqual([afterCut.id]);
			// The baseline's record: the newest 4,000 of the label, from one second after the cut message.
			expect(r?.ids).toHaveLength(4000);
			expect(r?.after).toBe(Math.floor(cutAt / 1000) + 1);
			expect(new Set(r?.ids)).toEqual(new Set(archive.slice(2000).map((m) => m.id)));

			// 1,200 new messages: the record passes 5,000 and is cut back, never emitting old mail.
			const burst = g.bulkInsert(1200, { account: email, labelIds: [['INBOX', clients]] });
			expect(await drain(p, 5, (e) => e.length >= 1200)).toEqual(burst.map((m) => m.id));
			const cut = record(p)!;
			expect(cut.ids.length).toBeLessThanOrEqual(4000);
			expect(cut.after).toBeGreaterThan(r!.after);
			g.expireHistory({ account: email });
			expect(await drain(p, 3)).toEqual([]);
			process.stdout.write(`label record: baseline of a 6,000-message label cost ${baselineUnits} units; after 1,200 more: ${cut.ids.length} ids\n`);
		}, 240_000);
	});

	describe('item 3: drafts are never activities; a sent draft is one (outbound), however history records it', () => {
		test('backfill and the re-list after a history expiry leave drafts out (messages.list returns them)', async () => {
			const email = 'drafts-list@acme-crm.test';
			const g = sandbox.gmail;
			const mail = g.insertMessage({ account: email, from: 'ann@client.test', subject: 'real mail', internalDate: Date.now() - 3_600_000 });
			const draft = g.drafts.create({ account: email, to: 'ann@client.test', subject: 'unfinished reply' });
			const p = poller(email, { labelIds: [], backfillDays: 2 }, { durableCursors: true });
			expect(ids(ok(await p.poll()).items)).toEqual([mail.id]);
			// History expires; the re-list since the watermark sees a new draft and a new message.
			const draft2 = g.drafts.create({ account: email, to: 'bob@client.test', subject: 'another draft' });
			const fresh = g.insertMessage({ account: email, from: 'bob@client.test', subject: 'after expiry' });
			g.expireHistory({ account: email });
			const emitted = await drain(p, 3);
			expect(emitted).toEqual([fresh.id]);
			// The sandbox still holds both drafts, and messages.list returns them.
			expect(g.mailbox(email).messages.get(draft.message.id)?.labelIds).toEqual(['DRAFT']);
			expect(g.mailbox(email).messages.get(draft2.message.id)?.labelIds).toEqual(['DRAFT']);
		});

		for (const recordsAs of ['newMessage', 'labelChange'] as const) {
			for (const labels of [[], ['SENT']]) {
				test(`sent as ${recordsAs}, labels ${JSON.stringify(labels)}: the draft never, the sent message once`, async () => {
					const email = `draft-${recordsAs}-${labels.length}@acme-crm.test`.toLowerCase();
					const g = sandbox.gmail;
					const p = poller(email, { labelIds: labels }, { durableCursors: true });
					expect(ok(await p.poll()).items).toBeNull();
					const draft = g.drafts.create({ account: email, from: email, to: 'ann@client.test', subject: 'Proposal' });
					expect(ok(await p.poll()).items).toBeNull();
					const sent = g.drafts.send(draft.id, { recordsAs });
					const r = ok(await p.poll());
					expect(ids(r.items)).toEqual([sent.id]);
					expect(r.items![0][0].json).toMatchObject({ direction: 'outbound', subject: 'Proposal', labels: ['SENT'] });
					expect(ok(await p.poll()).items).toBeNull();
					expect(g.mailbox(email).messages.get(sent.id)?.labelIds).toEqual(['SENT']);
				});
			}
		}
	});

	test('item 4: mail trashed or marked spam before it is fetched is skipped and counted', async () => {
		const email = 'trash-before-fetch@acme-crm.test';
		const g = sandbox.gmail;
		const p = poller(email, { labelIds: ['INBOX'] }, { durableCursors: true });
		expect(ok(await p.poll()).items).toBeNull();
		const start = await syncNow(email, undefined, { syncLabelIds: ['INBOX'] });
		const [keep, trashed, spam] = ['keep', 'trash me', 'spam me'].map((subject) => g.insertMessage({ account: email, from: 'ann@client.test', subject }));
		g.trash(trashed.id, email);
		g.markSpam(spam.id, email);
		expect(ids(ok(await p.poll()).items)).toEqual([keep.id]);
		expect(ok(await p.poll()).items).toBeNull();
		const out = await syncNow(email, start.cursor, { syncLabelIds: ['INBOX'] });
		expect((out.activities as IDataObject[]).map((a) => a.messageId)).toEqual([keep.id]);
		expect(out.stats).toMatchObject({ fetched: 3, emitted: 1, skipped: { trash: 1, spam: 1, draft: 0, failing: 0 } });
		expect(g.mailbox(email).messages.get(trashed.id)?.labelIds).toContain('TRASH');
	});

	test('item 5: a message Gmail refuses every time is skipped after a bounded number of polls, with a warning; the cursor moves on', async () => {
		const email = 'poison@acme-crm.test';
		const g = sandbox.gmail;
		const p = poller(email, { labelIds: ['INBOX'] }, { durableCursors: true });
		expect(ok(await p.poll()).items).toBeNull();
		const msgs = g.bulkInsert(30, { account: email });
		const poison = msgs[9];
		g.poison(poison.id, 500, email);
		const emitted: string[] = [];
		const logs: string[] = [];
		for (let i = 0; i < 6; i++) {
			const r = await p.poll();
			expect(r.error).toBeUndefined();
			emitted.push(...ids(r.items));
			logs.push(...r.log);
		}
		const others = msgs.filter((m) => m.id !== poison.id).map((m) => m.id);
		expect(emitted.sort()).toEqual(others.sort());
		expect(logs.join('\n')).toMatch(new RegExp(`skipped message ${poison.id}: Gmail failed to return it 3 times`, 'i'));
		// The cursor is at the mailbox's history id: nothing pins it any more.
		expect((p.persisted.gmailSync as IDataObject).historyId).toBe(String(g.mailbox(email).historyId));
		const late = g.insertMessage({ account: email, subject: 'after the poison' });
		expect(ids(ok(await p.poll()).items)).toEqual([late.id]);
		// Gmail → Sync reports it in the stats.
		const cursor = structuredClone(p.persisted.gmailSync);
		const poison2 = g.insertMessage({ account: email, subject: 'poison 2' });
		g.poison(poison2.id, 500, email);
		let out = await syncNow(email, cursor, { syncLabelIds: ['INBOX'] });
		for (let i = 0; i < 3 && !(out.stats as IDataObject).warnings; i++) out = await syncNow(email, out.cursor, { syncLabelIds: ['INBOX'] });
		expect(out.stats).toMatchObject({ skipped: { failing: 1 } });
		expect(String((out.stats as IDataObject).warnings)).toContain(poison2.id);
	}, 120_000);

	describe('item 6: the poll returns what it has before n8n abandons it', () => {
		test('Retry-After 60 s on every fetch: the poll ends within its budget, nothing lost, nothing repeated', async () => {
			const email = 'retry-after@acme-crm.test';
			const g = sandbox.gmail;
			const p = poller(email, { labelIds: ['INBOX'] }, { durableCursors: true, pollBudgetMs: 4_000 });
			expect(ok(await p.poll()).items).toBeNull();
			const msgs = g.bulkInsert(40, { account: email });
			const faults: FaultRule[] = [
				{ host: 'gmail.googleapis.com', pathIncludes: '/batch/gmail/v1', rate: 1, status: 429, retryAfterSeconds: 60 },
				{ host: 'gmail.googleapis.com', pathIncludes: '/gmail/v1/users/me/messages/', rate: 1, status: 429, retryAfterSeconds: 60 },
			];
			sandbox.server.faults.push(...faults);
			const t = Date.now();
			const r = await p.poll();
			const elapsed = Date.now() - t;
			expect(elapsed).toBeLessThan(5_500);
			expect(r.items).toBeNull();
			sandbox.server.faults = [];
			expect((await drain(p, 3)).sort()).toEqual(msgs.map((m) => m.id).sort());
		}, 200_000);

		test('label names are fetched before the messages, and a refused label call costs nothing', async () => {
			const email = 'labels-first@acme-crm.test';
			const g = sandbox.gmail;
			const p = poller(email, { labelIds: ['INBOX'] }, { durableCursors: true, pollBudgetMs: 4_000 });
			expect(ok(await p.poll()).items).toBeNull();
			const msgs = g.bulkInsert(5, { account: email });
			sandbox.server.clearRequests();
			sandbox.server.faults.push({ host: 'gmail.googleapis.com', pathIncludes: '/users/me/labels', rate: 1, status: 429, retryAfterSeconds: 60 });
			const t = Date.now();
			const refused = await p.poll();
			expect(Date.now() - t).toBeLessThan(5_500);
			expect(refused.items).toBeNull();
			// Nothing was fetched for nothing: the label call came first and failed, so no message was read.
			expect(sandbox.server.seen('gmail.googleapis.com', '/batch/gmail/v1')).toEqual([]);
			sandbox.server.faults = [];
			sandbox.server.clearRequests();
			expect(ids(ok(await p.poll()).items)).toEqual(msgs.map((m) => m.id));
			const order = sandbox.server.requests.map((r) => r.path).filter((path) => /\/labels$|\/batch\//.test(path));
			expect(order[0]).toMatch(/\/labels$/);
		}, 200_000);

		test('sustained 429/503 with Retry-After: every poll ends in time and the backlog drains', async () => {
			const email = 'livelock@acme-crm.test';
			const g = sandbox.gmail;
			const p = poller(email, { labelIds: ['INBOX'] }, { durableCursors: true, pollBudgetMs: 3_000, unitsPerSecond: 250 });
			expect(ok(await p.poll()).items).toBeNull();
			const msgs = g.bulkInsert(200, { account: email });
			sandbox.server.faults.push({ host: 'gmail.googleapis.com', pathIncludes: '/gmail/v1/', rate: 0.4, statuses: [429, 503], retryAfterSeconds: 20 });
			const emitted: string[] = [];
			let slowest = 0;
			for (let i = 0; i < 40 && emitted.length < msgs.length; i++) {
				const t = Date.now();
				const r = await p.poll();
				slowest = Math.max(slowest, Date.now() - t);
				if (!r.error) emitted.push(...ids(r.items));
			}
			expect(slowest).toBeLessThan(4_500);
			expect(emitted.sort()).toEqual(msgs.map((m) => m.id).sort());
		}, 300_000);
	});

	test('item 7: with durable cursors, mail arriving between activation and the first scheduled poll is emitted', async () => {
		const email = 'durable-activation@acme-crm.test';
		const g = sandbox.gmail;
		const before = g.insertMessage({ account: email, from: 'ann@client.test', subject: 'before activation' });
		const p = poller(email, { labelIds: ['INBOX'] }, { durableCursors: true });
		// The activation poll: n8n discards what it stages in the node's static data when it returns null.
		const activation = ok(await p.poll({ activation: true }));
		expect(activation.items).toBeNull();
		expect(p.persisted.gmailSync).toBeUndefined();
		const early = g.insertMessage({ account: email, from: 'ann@client.test', subject: 'in the first minute' });
		expect(ids(ok(await p.poll()).items)).toEqual([early.id]);
		const later = g.insertMessage({ account: email, from: 'ann@client.test', subject: 'later' });
		expect(ids(ok(await p.poll()).items)).toEqual([later.id]);
		expect(ok(await p.poll()).items).toBeNull();
		expect(g.mailbox(email).messages.has(before.id)).toBe(true);
	});

	describe('item 10: faults inside batch parts and the batch fallback', () => {
		test('5xx and 429 parts are fetched again; each message exactly once', async () => {
			const email = 'part-faults@acme-crm.test';
			const g = sandbox.gmail;
			const p = poller(email, { labelIds: ['INBOX'] }, { durableCursors: true });
			expect(ok(await p.poll()).items).toBeNull();
			const msgs = g.bulkInsert(200, { account: email });
			g.batchParts.length = 0;
			sandbox.server.faults.push({ host: 'gmail.googleapis.com', pathIncludes: '/gmail/v1/users/me/messages/', rate: 0.3, statuses: [500, 503, 429] });
			const emitted = await drain(p, 5, (e) => e.length >= msgs.length);
			expect(emitted.sort()).toEqual(msgs.map((m) => m.id).sort());
			const failedParts = g.batchParts.filter((part) => part.status >= 429);
			expect(failedParts.length).toBeGreaterThan(20);
			expect(new Set(failedParts.map((part) => part.status))).toEqual(new Set([429, 500, 503]));
		});

		test('a batch endpoint that answers 404 falls back to single calls; each message exactly once', async () => {
			const email = 'batch-fallback@acme-crm.test';
			const g = sandbox.gmail;
			const p = poller(email, { labelIds: ['INBOX'] }, { durableCursors: true });
			expect(ok(await p.poll()).items).toBeNull();
			const msgs = g.bulkInsert(25, { account: email });
			sandbox.server.clearRequests();
			sandbox.server.faults.push({ host: 'gmail.googleapis.com', pathIncludes: '/batch/gmail/v1', rate: 1, status: 404 });
			expect(ids(ok(await p.poll()).items)).toEqual(msgs.map((m) => m.id));
			const singles = sandbox.server.requests.filter((r) => r.method === 'GET' && /\/users\/me\/messages\/[0-9a-f]+$/.test(r.path));
			expect(singles.map((r) => r.path.split('/').pop()).sort()).toEqual(msgs.map((m) => m.id).sort());
			expect(sandbox.server.seen('gmail.googleapis.com', '/batch/gmail/v1').every((r) => r.status === 404)).toBe(true);
		});
	});
});

describe('item 11: only the activation poll is held to the activation deadline', () => {
	test("the scheduled polls after it keep n8n's 5-minute poll budget; after a restart (a new workflow) the first poll is capped again", async () => {
		const email = 'activation-cap@acme-crm.test';
		const g = sandbox.gmail;
		const p = poller(email, { labelIds: ['INBOX'] });
		expect(ok(await p.poll({ activation: true })).items).toBeNull();
		// Every Gmail call the sandbox serves takes 10 simulated seconds: 60 messages (history, labels,
		// 6 batches) take about 80 s, more than the 30 s activation cap, far less than 5 minutes.
		const real = Date.now.bind(Date);
		let offset = 0;
		const clock = jest.spyOn(Date, 'now').mockImplementation(() => real() + offset);
		sandbox.server.onServed = (req) => {
			if (req.path.includes('/gmail/v1')) offset += 10_000;
		};
		try {
			const first = g.bulkInsert(60, { account: email });
			sandbox.server.clearRequests();
			expect(ids(ok(await p.poll()).items).sort()).toEqual(first.map((m) => m.id).sort());
			const fetched = g.batchParts.length;
			expect(sandbox.server.seen(/googleapis\.com$/, '/batch/gmail/v1').length).toBe(6);

			p.restart();
			const second = g.bulkInsert(60, { account: email });
			const afterRestart = ids(ok(await p.poll()).items);
			expect(afterRestart.length).toBeGreaterThan(0);
			expect(afterRestart.length).toBeLessThan(60);
			const rest = ids(ok(await p.poll()).items);
			expect([...afterRestart, ...rest].sort()).toEqual(second.map((m) => m.id).sort());
			expect(g.batchParts.length).toBeGreaterThan(fetched);
		} finally {
			sandbox.server.onServed = undefined;
			clock.mockRestore();
		}
	});
});
