// Ring 2: the Gmail Sync trigger polled by n8n-core's PollTriggerExecutor against the sandbox mailbox.
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import { GoogleConnectorOAuth2Api } from '../../credentials/GoogleConnectorOAuth2Api.credentials';
import { GmailSyncTrigger } from '../../nodes/GmailSyncTrigger/GmailSyncTrigger.node';
import { startSandbox, type Sandbox } from '../sandbox';
import { GoogleConnector } from '../../nodes/GoogleConnector/GoogleConnector.node';
import { gmailReadCredential } from '../helpers/gmailSync';
import { Poller, chain, runWorkflow, startNode, type CredentialsMap, type PollResult } from '../helpers/workflow';

let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await startSandbox({ seed: 7 });
	sandbox.server.useInThisProcess();
	sandbox.server.recordRequests = false;
});
afterAll(async () => sandbox?.close());

/** A connected credential for a fresh mailbox of its own (tests do not share mailboxes). */
const credentialFor = (email: string, unitsPerSecond = 0): CredentialsMap => gmailReadCredential(sandbox, email, { unitsPerSecond });

function poller(email: string, parameters: IDataObject, opts: { durableCursors?: boolean; staticData?: IDataObject } = {}) {
	return new Poller(new GmailSyncTrigger(), {
		parameters: parameters as never,
		credentials: credentialFor(email),
		credentialTypes: [new GoogleConnectorOAuth2Api()],
		staticData: opts.staticData ?? {},
		durableCursors: opts.durableCursors,
	});
}

const ids = (items: INodeExecutionData[][] | null) => (items?.[0] ?? []).map((i) => i.json.messageId as string);

function expectOk(r: PollResult) {
	if (r.error) throw r.error;
	return r;
}

describe('Gmail Sync trigger (ring 2)', () => {
	test('Fetch Test Event with nothing to show says so (an error naming Labels, Direction and Contacts), and reads nothing else', async () => {
		const email = 'empty-fetch@acme-crm.test';
		const quiet = sandbox.gmail.label('Quiet', email);
		sandbox.gmail.insertMessage({ account: email, subject: 'elsewhere', labelIds: ['INBOX'] });
		const p = poller(email, { labelIds: [quiet.id] });
		sandbox.server.recordRequests = true;
		const r = await p.poll({ mode: 'manual' }).finally(() => (sandbox.server.recordRequests = false));
		expect(r.items ?? null).toBeNull();
		expect(r.error?.message).toBe('No mail to show: the chosen labels hold no message that matches Direction and Contacts');
		expect((r.error as { description?: string }).description).toMatch(/leaves the sync cursor alone/);
		const listed = sandbox.server.seen(/googleapis\.com$/, '/messages').filter((q) => q.method === 'GET' && JSON.stringify(q.query).includes(quiet.id));
		expect(listed.length).toBeGreaterThan(0);
		expect(p.persisted.gmailSync).toBeUndefined();
	});

	test('baseline, new mail once in the activity shape, idle poll ≤ 2 units, manual fetch leaves the cursor', async () => {
		const email = 'shape@acme-crm.test';
		const g = sandbox.gmail;
		const clients = g.label('Clients', email);
		const p = poller(email, { labelIds: [clients.id, 'SENT'] }, { durableCursors: true });
		// First poll: baseline only (history id from the profile), nothing emitted, cursor committed.
		g.insertMessage({ account: email, subject: 'before the baseline', labelIds: ['INBOX', clients.id] });
		expect(expectOk(await p.poll()).items).toBeNull();
		const baseline = structuredClone(p.persisted.gmailSync) as IDataObject;
		expect(baseline.historyId).toBe(String(g.mailbox(email).historyId));

		const first = g.insertMessage({
			account: email,
			from: '"Ann Client" <Ann@Client.test>',
			to: [email, 'Bob <bob@client.test>'],
			cc: 'carol@partner.test',
			subject: 'Quote for Q3',
			text: 'Hello, can we talk about the quote?',
			labelIds: ['INBOX', clients.id, 'UNREAD'],
		});
		const rfc = first.headers.find((h) => h.name === 'Message-ID')!.value;
		const reply = g.insertMessage({ account: email, from: email, to: 'ann@client.test', subject: 'Re: Quote for Q3', text: 'Sure', labelIds: ['SENT'], threadId: first.threadId, inReplyTo: rfc, references: rfc });
		g.insertMessage({ account: email, subject: 'not synced', labelIds: ['INBOX'] });

		// Manual "fetch test event": recent mail, the persisted cursor does not move.
		const manual = expectOk(await p.poll({ mode: 'manual' }));
		expect(ids(manual.items)).toEqual(expect.arrayContaining([first.id, reply.id]));
		expect(p.persisted.gmailSync).toEqual(baseline);

		const r = expectOk(await p.poll());
		expect(r.committed).toBe(true);
		const items = r.items![0].map((i) => i.json);
		expect(items).toHaveLength(2);
		expect(items[0]).toEqual({
			type: 'email',
			direction: 'inbound',
			account: email,
			messageId: first.id,
			threadId: first.threadId,
			rfc822MessageId: rfc,
			subject: 'Quote for Q3',
			snippet: 'Hello, can we talk about the quote?',
			from: { name: 'Ann Client', email: 'ann@client.test' },
			to: [
				{ name: '', email },
				{ name: 'Bob', email: 'bob@client.test' },
			],
			cc: [{ name: '', email: 'carol@partner.test' }],
			participants: ['ann@client.test', email, 'bob@client.test', 'carol@partner.test'],
			matchedContacts: [],
			labels: ['INBOX', 'Clients', 'UNREAD'],
			occurredAt: new Date(first.internalDate).toISOString(),
			isNewThread: true,
		});
		expect(items[1]).toMatchObject({ direction: 'outbound', messageId: reply.id, threadId: first.threadId, isNewThread: false, subject: 'Re: Quote for Q3' });

		// Idle: one history.list call, 2 units, nothing emitted, nothing repeated.
		g.quota.reset();
		expect(expectOk(await p.poll()).items).toBeNull();
		expect(g.quota.total(email)).toBeLessThanOrEqual(2);
		expect(g.quota.byMethod.get('history.list')).toBe(2);
	});

	test('contact matching and direction filter what is emitted', async () => {
		const email = 'match@acme-crm.test';
		const g = sandbox.gmail;
		const p = poller(email, { labelIds: [], contacts: 'client.test, vip@other.test', direction: 'inbound' }, { durableCursors: true });
		expectOk(await p.poll());
		const a = g.insertMessage({ account: email, from: 'x@sub.client.test', subject: 'a' });
		g.insertMessage({ account: email, from: 'nobody@other.test', subject: 'b' });
		const c = g.insertMessage({ account: email, from: 'VIP <vip@other.test>', subject: 'c' });
		g.insertMessage({ account: email, from: email, to: 'ann@client.test', subject: 'd', labelIds: ['SENT'] });
		g.insertMessage({ account: email, from: 'spam@client.test', subject: 'e', labelIds: ['SPAM'] });
		const r = expectOk(await p.poll());
		expect(ids(r.items)).toEqual([a.id, c.id]);
		expect(r.items![0][0].json.matchedContacts).toEqual(['x@sub.client.test']);
		expect(r.items![0][1].json.matchedContacts).toEqual(['vip@other.test']);
	});

	const SENDERS = ['Ann <ann@client.test>', 'x@other.test', 'Bob <bob@sub.client.test>', 'y@client.test.evil'];
	const fromMatches = (from: string) => /@(sub\.)?client\.test>?$/.test(from);
	for (const [durableCursors, contacts] of [
		[true, ''],
		[false, ''],
		[true, 'client.test'],
	] as Array<[boolean, string]>) {
		test(`2,000 messages across three labels with 10% 429/503 and a history expiry: each exactly once, restarts included (durable cursors: ${durableCursors}, contacts: "${contacts}")`, async () => {
			const email = `backlog-${durableCursors}-${contacts || 'all'}@acme-crm.test`;
			const g = sandbox.gmail;
			const labels = ['Clients', 'Leads', 'Partners'].map((n) => g.label(n, email).id);
			const p = poller(email, { labelIds: labels, maxPerPoll: 450, contacts }, { durableCursors });
			// Legacy: the activator saves the baseline set by the activation poll. Durable: an activation
			// poll that returns null commits nothing, so the first scheduled poll sets the baseline.
			expectOk(await p.poll({ activation: !durableCursors }));
			expect(p.persisted.gmailSync).toBeDefined();

			// 2,000 in the three labels plus 300 elsewhere that must not come out.
			const synced = g.bulkInsert(2000, { account: email, labelIds: labels.map((l) => ['INBOX', l]), spacingMs: 1, startDate: Date.now(), from: SENDERS });
			g.bulkInsert(300, { account: email, labelIds: [['INBOX'], ['SENT']], subjectPrefix: 'other' });
			const faults = { host: /googleapis\.com$/, pathIncludes: '/gmail/v1/', rate: 0.1, statuses: [429, 503] };
			sandbox.server.faults.push(faults);

			const emitted = new Map<string, number>();
			const count = (r: PollResult) => {
				for (const id of ids(r.items)) emitted.set(id, (emitted.get(id) ?? 0) + 1);
			};
			let polls = 0;
			try {
				count(expectOk(await p.poll()));
				polls++;
				p.restart();
				count(expectOk(await p.poll()));
				polls++;
				// History expires in the middle of the backlog: the next poll gets 404 and re-lists.
				g.expireHistory({ account: email });
				// Mail keeps arriving meanwhile.
				const late = g.bulkInsert(50, { account: email, labelIds: [['INBOX', labels[1]]], subjectPrefix: 'late', from: SENDERS });
				synced.push(...late);
				const want = contacts ? synced.filter((m) => fromMatches(m.headers[0].value)).length : synced.length;
				for (let i = 0; i < 20 && emitted.size < want; i++) {
					const r = expectOk(await p.poll());
					count(r);
					const c = p.persisted.gmailSync as IDataObject;
					if (process.env.DEBUG_SYNC) console.log(i, ids(r.items).length, c.historyId, (c.pending as string[] | undefined)?.length, (c.recent as string[]).length, c.watermark, emitted.size);
					polls++;
					if (i % 2 === 0) p.restart();
				}
			} finally {
				sandbox.server.faults.splice(sandbox.server.faults.indexOf(faults), 1);
			}
			// Nothing more on further polls after the restart.
			p.restart();
			const after = expectOk(await p.poll());
			expect(after.items).toBeNull();

			const expected = new Set(synced.filter((m) => !contacts || fromMatches(m.headers[0].value)).map((m) => m.id));
			if (contacts) expect(expected.size).toBe(1025); // ann@ and bob@sub. of every 4 senders: 1000 + 25 late
			// The sandbox's own view: every message in the three labels after the baseline (from a contact).
			const inLabels = [...g.mailbox(email).messages.values()].filter(
				(m) => m.labelIds.some((l) => labels.includes(l)) && (!contacts || fromMatches(m.headers.find((h) => h.name === 'From')!.value)),
			);
			expect(new Set(inLabels.map((m) => m.id))).toEqual(expected);
			expect([...emitted.keys()].filter((id) => !expected.has(id))).toEqual([]);
			expect([...expected].filter((id) => !emitted.has(id))).toEqual([]);
			expect([...emitted.values()].filter((n) => n > 1)).toEqual([]);
			expect(polls).toBeGreaterThan(3);
		}, 300_000);
	}

	test('restart after a poll that emitted in legacy mode: the persisted cursor resumes exactly', async () => {
		const email = 'restart@acme-crm.test';
		const g = sandbox.gmail;
		const staticData: IDataObject = {};
		const p = poller(email, { labelIds: ['INBOX'], maxPerPoll: 3 }, { staticData });
		expectOk(await p.poll({ activation: true }));
		expect(staticData.gmailSync).toBeDefined();
		const msgs = g.bulkInsert(7, { account: email });
		const seen: string[] = [];
		for (let i = 0; i < 4; i++) {
			seen.push(...ids(expectOk(await p.poll()).items));
			p.restart();
		}
		expect(seen).toEqual(msgs.map((m) => m.id));
	});

	test('backfill on the first poll emits the last N days, then only new mail', async () => {
		const email = 'backfill@acme-crm.test';
		const g = sandbox.gmail;
		const old = g.insertMessage({ account: email, subject: 'old', internalDate: Date.now() - 10 * 86_400_000 });
		const recent = g.insertMessage({ account: email, subject: 'recent', internalDate: Date.now() - 86_400_000 });
		const p = poller(email, { labelIds: ['INBOX'], backfillDays: 3 }, { durableCursors: true });
		const first = expectOk(await p.poll());
		expect(ids(first.items)).toEqual([recent.id]);
		expect(ids(first.items)).not.toContain(old.id);
		const fresh = g.insertMessage({ account: email, subject: 'fresh' });
		expect(ids(expectOk(await p.poll()).items)).toEqual([fresh.id]);
	});

	test('stops before the poll budget runs out and leaves the rest for the next poll', async () => {
		const email = 'budget@acme-crm.test';
		const g = sandbox.gmail;
		const p = new Poller(new GmailSyncTrigger(), {
			parameters: { labelIds: ['INBOX'] } as never,
			credentials: credentialFor(email, 250),
			credentialTypes: [new GoogleConnectorOAuth2Api()],
			staticData: {},
			durableCursors: true,
			pollBudgetMs: 3_000,
		});
		expectOk(await p.poll());
		// 150 messages × 5 units at 250 units/s take 3 s: more than the budget leaves for fetching.
		const msgs = g.bulkInsert(150, { account: email });
		const t = Date.now();
		const first = expectOk(await p.poll());
		const elapsed = Date.now() - t;
		expect(elapsed).toBeLessThan(3_000);
		const n1 = ids(first.items).length;
		expect(n1).toBeGreaterThan(0);
		expect(n1).toBeLessThan(150);
		const all = [...ids(first.items)];
		for (let i = 0; i < 10 && all.length < 150; i++) all.push(...ids(expectOk(await p.poll()).items));
		expect(all.sort()).toEqual(msgs.map((m) => m.id).sort());
	}, 120_000);

	test('googleConnector → Gmail → Sync: baseline cursor, then activities and the next cursor', async () => {
		const email = 'syncop@acme-crm.test';
		const g = sandbox.gmail;
		const credentials = credentialFor(email);
		const run = async (cursor: unknown) =>
			await runWorkflow({
				nodes: [
					startNode([{ cursor: cursor === undefined ? '' : JSON.stringify(cursor) }]),
					{
						name: 'Sync',
						type: 'googleConnector',
						parameters: { resource: 'gmail', operation: 'sync', syncCursor: '={{ $json.cursor }}', syncLabelIds: ['INBOX'], syncMaxMessages: 2 },
					},
				],
				connections: chain('Start', 'Sync'),
				credentials,
				credentialTypes: [new GoogleConnectorOAuth2Api()],
				nodeTypes: [new GoogleConnector()],
			});
		g.insertMessage({ account: email, subject: 'before' });
		const first = await run(undefined);
		expect(first.error).toBeUndefined();
		const out1 = first.json.Sync[0];
		expect(out1.activities).toEqual([]);
		expect(out1.cursor).toMatchObject({ v: 1, account: email, historyId: String(g.mailbox(email).historyId) });
		const m = [1, 2, 3].map((i) => g.insertMessage({ account: email, subject: `new ${i}`, from: 'ann@client.test' }));
		const second = (await run(out1.cursor)).json.Sync[0];
		expect((second.activities as IDataObject[]).map((a) => a.messageId)).toEqual([m[0].id, m[1].id]);
		expect(second.hasMore).toBe(true);
		const third = (await run(second.cursor)).json.Sync[0];
		expect((third.activities as IDataObject[]).map((a) => a.messageId)).toEqual([m[2].id]);
		expect(third.hasMore).toBe(false);
		expect((await run(third.cursor)).json.Sync[0].activities).toEqual([]);
		const bad = await run({ nope: true });
		expect(bad.error?.message).toMatch(/cursor/i);
	});

	test('a poll that starts while the previous one is still fetching emits nothing (no overlap, no repeat)', async () => {
		const email = 'overlap@acme-crm.test';
		const g = sandbox.gmail;
		const p = new Poller(new GmailSyncTrigger(), {
			parameters: { labelIds: ['INBOX'] } as never,
			credentials: credentialFor(email, 250),
			credentialTypes: [new GoogleConnectorOAuth2Api()],
			staticData: {},
		});
		expectOk(await p.poll({ activation: true }));
		const msgs = g.bulkInsert(150, { account: email, startDate: Date.now() + 1000 });
		const first = p.poll();
		await new Promise((r) => setTimeout(r, 300));
		const second = expectOk(await p.poll());
		expect(second.items).toBeNull();
		const a = expectOk(await first);
		expect(ids(a.items).sort()).toEqual(msgs.map((m) => m.id).sort());
		expect(expectOk(await p.poll()).items).toBeNull();
	}, 60_000);
});
