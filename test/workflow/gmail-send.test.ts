// Ring 2, Gmail send / reply / read: real workflows run by n8n-core against the sandbox. What the
// sandbox received is parsed by a real MIME parser (mailparser, in test/sandbox/gmailSend.ts) and
// compared with the inputs; threading is checked in the sandbox mailboxes by Gmail's rules.
import type { AddressObject, ParsedMail } from 'mailparser';
import { LoadOptionsContext } from 'n8n-core';
import { Workflow, type IDataObject, type INodeParameters } from 'n8n-workflow';
import { GoogleConnector } from '../../nodes/GoogleConnector/GoogleConnector.node';
import { getGmailSendAs } from '../../nodes/shared/methods';
import { startSandbox, type Sandbox } from '../sandbox';
import { buildAdditionalData, chain, harnessLogger, runWorkflow, startNode, TestCredentialsHelper, CredentialTypeRegistry, type CredentialsMap } from '../helpers/workflow';
import { TestNodeTypes } from '../helpers/node-types';
import { credentialTypes, oauthCredentials, serviceAccountCredentials } from '../helpers/google';
import { BinaryMaker } from '../helpers/binaryMaker';

const REP = 'rep@acme-crm.test';
const CLIENT = 'casey@client-co.test';

let sandbox: Sandbox;

beforeAll(async () => {
	harnessLogger();
	sandbox = await startSandbox();
	sandbox.server.useInThisProcess();
	sandbox.oauth.addUser({ email: CLIENT, name: 'Casey Client' });
	const box = sandbox.gmail.mailbox(REP);
	box.sendAs.push({ sendAsEmail: 'sales@acme-crm.test', displayName: 'Acme Sales', isPrimary: false, verificationStatus: 'accepted' });
	box.sendAs.push({ sendAsEmail: 'pending@acme-crm.test', displayName: 'Not Yet', isPrimary: false, verificationStatus: 'pending' });
});

afterAll(async () => {
	await sandbox.close();
});

beforeEach(() => {
	sandbox.server.faults = [];
	sandbox.server.clearRequests();
	sandbox.gmail.quota.unitsPerSecond = 0;
});

const sends = () => sandbox.server.requests.filter((r) => /\/messages\/send$/.test(r.path) && r.method === 'POST');
const parsedOf = (i = 0) => sends()[i].annotations.parsed as ParsedMail;
const addresses = (a: AddressObject | AddressObject[] | undefined) =>
	(Array.isArray(a) ? a : a ? [a] : []).flatMap((o) => o.value).map((v) => ({ name: v.name, email: v.address }));
const sentIn = (account: string) => [...sandbox.gmail.mailbox(account).messages.values()].filter((m) => m.labelIds.includes('SENT'));

function gmailNode(parameters: IDataObject, extra: IDataObject = {}) {
	return { name: 'Gmail', type: 'googleConnector', parameters: { resource: 'gmail', ...parameters } as INodeParameters, ...extra };
}

async function run(credentials: CredentialsMap, parameters: IDataObject, input?: Array<{ json: IDataObject; files?: unknown[] }>, nodeExtra: IDataObject = {}) {
	const nodes = input
		? [{ name: 'Files', type: 'binaryMaker', parameters: { items: input } as unknown as INodeParameters }, gmailNode(parameters, nodeExtra)]
		: [startNode(), gmailNode(parameters, nodeExtra)];
	return await runWorkflow({
		nodes,
		connections: chain(input ? 'Files' : 'Start', 'Gmail'),
		credentials,
		credentialTypes,
		nodeTypes: [new GoogleConnector(), new BinaryMaker()],
		startNode: input ? 'Files' : undefined,
	});
}

const both = () => oauthCredentials(sandbox, { gmailSend: true, gmailRead: true }).credentials;
const errorText = (e: unknown) => `${(e as Error)?.message ?? ''} | ${(e as { description?: string })?.description ?? ''}`;

describe('Gmail → Send', () => {
	it('what the sandbox parsed equals the inputs: non-ASCII, html + text, attachments, cc/bcc/reply-to', async () => {
		const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.from(Array.from({ length: 4000 }, (_, i) => (i * 31) % 256)), Buffer.from('\n%%EOF')]);
		const csv = Buffer.from('name,city\nJürgen,Köln\n', 'utf8');
		const json = {
			to: 'Jürgen Groß <juergen@kunde.example>, sam@example.com',
			subject: 'Angebot für Café Müller — 見積もり 🚀 with a long enough subject to need folding',
			text: 'Hallo Jürgen,\n\nanbei das Angebot (100 € netto).\n\nGrüße\nRiley',
			html: '<p>Hallo <b>Jürgen</b>,</p><p>anbei das Angebot (100&nbsp;€ netto).</p>',
		};
		const r = await run(
			both(),
			{
				operation: 'send',
				to: '={{ $json.to }}',
				subject: '={{ $json.subject }}',
				text: '={{ $json.text }}',
				html: '={{ $json.html }}',
				options: { cc: 'Zoë <zoe@kunde.example>', bcc: 'audit@acme-crm.test', replyTo: 'Sales Desk <sales@acme-crm.test>', attachments: 'quote, sheet' },
			},
			[
				{
					json,
					files: [
						{ prop: 'quote', name: 'Angebot Müller.pdf', mime: 'application/pdf', base64: pdf.toString('base64') },
						{ prop: 'sheet', name: 'kunden.csv', mime: 'text/csv', base64: csv.toString('base64') },
					],
				},
			],
		);
		expect(r.error).toBeUndefined();
		expect(sends()).toHaveLength(1);
		expect(sends()[0].host).toBe('gmail.googleapis.com');
		const parsed = parsedOf();
		expect(parsed.subject).toBe(json.subject);
		expect(addresses(parsed.from)).toEqual([{ name: 'Riley Rep', email: REP }]);
		expect(addresses(parsed.to)).toEqual([
			{ name: 'Jürgen Groß', email: 'juergen@kunde.example' },
			{ name: '', email: 'sam@example.com' },
		]);
		expect(addresses(parsed.cc)).toEqual([{ name: 'Zoë', email: 'zoe@kunde.example' }]);
		expect(addresses(parsed.bcc)).toEqual([{ name: '', email: 'audit@acme-crm.test' }]);
		expect(addresses(parsed.replyTo)).toEqual([{ name: 'Sales Desk', email: 'sales@acme-crm.test' }]);
		expect(parsed.text).toBe(json.text);
		expect(parsed.html).toBe(json.html);
		expect(parsed.headers.get('content-type')).toMatchObject({ value: 'multipart/mixed' });
		expect(parsed.attachments.map((a) => [a.filename, a.contentType])).toEqual([
			['Angebot Müller.pdf', 'application/pdf'],
			['kunden.csv', 'text/csv'],
		]);
		expect(parsed.attachments[0].content.equals(pdf)).toBe(true);
		expect(parsed.attachments[1].content.equals(csv)).toBe(true);
		expect(parsed.messageId).toMatch(/@acme-crm\.test>$/);
		expect(parsed.date).toBeInstanceOf(Date);

		// The node's output matches what the sandbox stored (in the rep's Sent folder) and charged.
		const out = r.json.Gmail[0];
		const stored = sandbox.gmail.mailbox(REP).messages.get(String(out.id));
		expect(stored?.labelIds).toEqual(['SENT']);
		expect(out).toMatchObject({ threadId: stored?.threadId, labelIds: ['SENT'], rfc822MessageId: parsed.messageId, subject: json.subject });
		expect(out.activity).toMatchObject({
			type: 'email',
			direction: 'outbound',
			account: REP,
			messageId: out.id,
			threadId: stored?.threadId,
			rfc822MessageId: parsed.messageId,
			from: { name: 'Riley Rep', email: REP },
			isNewThread: true,
			labels: ['SENT'],
			text: json.text,
		});
		expect((out.activity as IDataObject).participants).toEqual([REP, 'juergen@kunde.example', 'sam@example.com', 'zoe@kunde.example', 'audit@acme-crm.test']);
		expect(r.items.Gmail[0][0].pairedItem).toEqual({ item: 0 });
	});

	it('refuses a header with CR/LF before anything is sent, naming the field', async () => {
		const r = await run(both(), { operation: 'send', to: 'sam@example.com', subject: '={{ "Hello\\r\\nBcc: victim@example.com" }}', text: 'x' });
		expect(errorText(r.error)).toMatch(/subject contains a line break/);
		expect(errorText(r.error)).toMatch(/Nothing was sent/);
		expect(sandbox.server.requests).toHaveLength(0);

		const r2 = await run(both(), { operation: 'send', to: '={{ "Eve\\n <eve@example.com>" }}', subject: 'Hi', text: 'x' });
		expect(errorText(r2.error)).toMatch(/To address contains a line break/);
		expect(sends()).toHaveLength(0);
	});

	it('continueOnFail: a bad item becomes an error item, the others are sent, paired items kept', async () => {
		const r = await run(
			both(),
			{ operation: 'send', to: '={{ $json.to }}', subject: '={{ $json.subject }}', text: 'Hello' },
			[{ json: { to: 'a@example.com', subject: 'One' } }, { json: { to: 'b@example.com', subject: 'Two\nBcc: x@example.com' } }, { json: { to: 'not-an-address', subject: 'Three' } }, { json: { to: 'c@example.com', subject: 'Four' } }],
			{ continueOnFail: true },
		);
		expect(r.error).toBeUndefined();
		const items = r.items.Gmail[0];
		expect(items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }, { item: 3 }]);
		expect(items[0].json.subject).toBe('One');
		expect(String(items[1].json.error)).toMatch(/subject contains a line break/);
		expect(String(items[2].json.error)).toMatch(/not-an-address/);
		expect(items[3].json.subject).toBe('Four');
		expect(sends().map((s) => (s.annotations.parsed as ParsedMail).subject)).toEqual(['One', 'Four']);
	});

	it('sends from a send-as alias chosen in the dropdown; the dropdown lists verified aliases', async () => {
		const { credentials } = oauthCredentials(sandbox, { gmailSend: true, gmailRead: true });
		const nodeTypes = new TestNodeTypes([new GoogleConnector()]);
		const node = {
			id: 'n1',
			name: 'Gmail',
			type: 'googleConnector',
			typeVersion: 1,
			position: [0, 0] as [number, number],
			parameters: { resource: 'gmail', operation: 'send' },
			credentials: { googleConnectorOAuth2Api: { id: credentials.googleConnectorOAuth2Api.id, name: 'Google' } },
		};
		const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes });
		const helper = new TestCredentialsHelper(new CredentialTypeRegistry(credentialTypes), credentials);
		const ctx = new LoadOptionsContext(workflow, node, buildAdditionalData({ credentialsHelper: helper }), 'parameters.from');
		const options = await getGmailSendAs.call(ctx);
		expect(options).toEqual([
			{ name: 'Primary Address (Default)', value: '', description: "The mailbox's own address" },
			{ name: `Riley Rep <${REP}>`, value: REP, description: 'Primary address' },
			{ name: 'Acme Sales <sales@acme-crm.test>', value: 'sales@acme-crm.test', description: undefined },
		]);
		expect(sandbox.server.seen('gmail.googleapis.com', '/settings/sendAs')).toHaveLength(1);

		const r = await run(credentials, { operation: 'send', from: 'sales@acme-crm.test', to: 'sam@example.com', subject: 'From sales', text: 'x' });
		expect(r.error).toBeUndefined();
		expect(addresses(parsedOf().from)).toEqual([{ name: 'Acme Sales', email: 'sales@acme-crm.test' }]);
		expect(sends()[0].annotations.fromRewritten).toBeUndefined();

		const bad = await run(credentials, { operation: 'send', from: 'pending@acme-crm.test', to: 'sam@example.com', subject: 'x', text: 'x' });
		expect(errorText(bad.error)).toMatch(/not a send-as alias/);
		expect(sends()).toHaveLength(1);
	});

	it('a 503 after Google performed the send is not retried: exactly one message, and a clear error', async () => {
		const before = sentIn(REP).length;
		sandbox.server.faults.push({ host: 'gmail.googleapis.com', pathIncludes: '/messages/send', count: 1, status: 503, when: 'after' });
		const r = await run(both(), { operation: 'send', to: 'sam@example.com', subject: 'Once only', text: 'x' });
		expect(errorText(r.error)).toMatch(/may have reached Google, so it was not sent again/);
		expect(sends()).toHaveLength(1);
		expect(sentIn(REP).length).toBe(before + 1);
		expect(sentIn(REP).filter((m) => m.headers.some((h) => h.name === 'Subject' && h.value === 'Once only'))).toHaveLength(1);
	});

	it('a 429 before the send (not performed) is retried and the message sent once', async () => {
		const before = sentIn(REP).length;
		sandbox.server.faults.push({ host: 'gmail.googleapis.com', pathIncludes: '/messages/send', count: 1, status: 429, when: 'before' });
		const r = await run(both(), { operation: 'send', to: 'sam@example.com', subject: 'Retried', text: 'x' });
		expect(r.error).toBeUndefined();
		expect(sends().map((s) => s.status)).toEqual([429, 200]);
		expect(sentIn(REP).length).toBe(before + 1);
	});

	it('paces bulk sends to the per-user rate (100 units a send) and sends each exactly once', async () => {
		sandbox.gmail.quota.unitsPerSecond = 250;
		const { credentials } = oauthCredentials(sandbox, { gmailSend: true, gmailRead: true }, { extra: { gmailUnitsPerSecond: 250 } });
		const before = sentIn(REP).length;
		const started = Date.now();
		const r = await run(
			credentials,
			{ operation: 'send', to: '={{ $json.to }}', subject: 'Bulk', text: 'x' },
			Array.from({ length: 6 }, (_, i) => ({ json: { to: `bulk${i}@example.com` } })),
		);
		const elapsed = Date.now() - started;
		expect(r.error).toBeUndefined();
		expect(r.json.Gmail).toHaveLength(6);
		// 600 units (+1 for the alias lookup) under 250 units/s cannot go out in less than two seconds of windows
		expect(elapsed).toBeGreaterThanOrEqual(2000);
		const statuses = sends().map((s) => s.status);
		expect(statuses.filter((s) => s === 200)).toHaveLength(6);
		// The client paces on its own clock and Google counts on arrival: a send that lands a few ms early in
		// the next window is refused with 429 (not performed) and resent; nothing else is allowed.
		expect(statuses.every((s) => s === 200 || s === 429)).toBe(true);
		// the aliases are read once per run, not once per item
		expect(sandbox.server.seen('gmail.googleapis.com', '/settings/sendAs')).toHaveLength(1);
		const stored = sentIn(REP).slice(before);
		expect(stored.map((m) => m.headers.find((h) => h.name === 'To')?.value).sort()).toEqual(Array.from({ length: 6 }, (_, i) => `bulk${i}@example.com`));
	});

	it('without the gmail.send scope the error names the Gmail send surface, and nothing is stored', async () => {
		const before = sentIn(REP).length;
		const { credentials } = oauthCredentials(sandbox, { gmailRead: true });
		const r = await run(credentials, { operation: 'send', to: 'sam@example.com', subject: 'x', text: 'x' });
		expect(errorText(r.error)).toMatch(/Gmail send/);
		expect(errorText(r.error)).toMatch(/reconnect/i);
		expect(sends().map((s) => s.status)).toEqual([403]);
		expect(sentIn(REP).length).toBe(before);
	});

	it('a service account impersonating the rep sends as the rep, into the rep mailbox', async () => {
		const fixture = serviceAccountCredentials(sandbox, { identity: false, gmailSend: true }, { impersonateUser: REP });
		const before = sentIn(REP).length;
		const r = await run(fixture.credentials, { authentication: 'serviceAccount', operation: 'send', to: 'sam@example.com', subject: 'Via delegation', text: 'x' });
		expect(r.error).toBeUndefined();
		expect(addresses(parsedOf().from)).toEqual([{ name: '', email: REP }]);
		expect(sentIn(REP).length).toBe(before + 1);
		const bearer = String(sends()[0].headers.authorization).slice(7);
		const token = sandbox.oauth.accessTokens.get(bearer);
		expect(token).toMatchObject({ via: 'jwt-bearer', user: { email: REP } });
		expect(token?.scopes).toEqual(['https://www.googleapis.com/auth/gmail.send']);
		const grant = sandbox.oauth.jwtGrants.find((g) => g.claims.iss === fixture.clientEmail);
		expect(grant).toMatchObject({ outcome: 'granted', signatureVerified: true, claims: { sub: REP } });
	});

	it('a large message goes through the upload endpoint; one over 35 MB is refused before sending', async () => {
		const big = Buffer.alloc(6 * 1024 * 1024);
		for (let i = 0; i < big.length; i++) big[i] = (i * 7919) % 251;
		const r = await run(both(), { operation: 'send', to: 'sam@example.com', subject: 'Big file', text: 'x', options: { attachments: 'data' } }, [
			{ json: {}, files: [{ prop: 'data', name: 'big.bin', mime: 'application/octet-stream', base64: big.toString('base64') }] },
		]);
		expect(r.error).toBeUndefined();
		const upload = sandbox.server.seen('gmail.googleapis.com', '/upload/gmail/v1/users/me/messages/send');
		expect(upload).toHaveLength(1);
		expect(upload[0].query.uploadType).toBe('multipart');
		const parsed = upload[0].annotations.parsed as ParsedMail;
		expect(parsed.attachments[0].content.equals(big)).toBe(true);
		sandbox.server.clearRequests();

		const huge = Buffer.alloc(27 * 1024 * 1024, 1);
		const r2 = await run(both(), { operation: 'send', to: 'sam@example.com', subject: 'Huge', text: 'x', options: { attachments: 'data' } }, [
			{ json: {}, files: [{ prop: 'data', name: 'huge.bin', mime: 'application/octet-stream', base64: huge.toString('base64') }] },
		]);
		expect(errorText(r2.error)).toMatch(/over Gmail's limit of 35 MB/);
		expect(sandbox.server.requests.filter((q) => q.path.endsWith('/messages/send'))).toHaveLength(0);
	});
});

describe('Gmail → Reply', () => {
	it("joins the original thread in the rep's and the client's mailboxes by Gmail's rules", async () => {
		// The client wrote to the rep: the rep has it in INBOX, the client in SENT.
		const rfcId = '<pricing-1@client-co.test>';
		const original = { from: `Casey Client <${CLIENT}>`, to: `Riley Rep <${REP}>`, cc: 'Finance <finance@client-co.test>, sales@acme-crm.test', subject: 'Pricing question', text: 'What does it cost?', messageIdHeader: rfcId };
		const inbound = sandbox.gmail.insertMessage({ ...original, account: REP, labelIds: ['INBOX', 'UNREAD'] });
		const theirs = sandbox.gmail.insertMessage({ ...original, account: CLIENT, labelIds: ['SENT'] });

		const r = await run(both(), { operation: 'reply', messageId: inbound.id, text: 'It costs 100 €.', html: '<p>It costs 100&nbsp;€.</p>' });
		expect(r.error).toBeUndefined();
		const parsed = parsedOf();
		// recipient-side headers, as parsed by a real MIME parser
		expect(parsed.inReplyTo).toBe(rfcId);
		expect(parsed.references).toBe(rfcId);
		expect(parsed.subject).toBe('Re: Pricing question');
		expect(addresses(parsed.to)).toEqual([{ name: 'Casey Client', email: CLIENT }]);
		expect(parsed.cc).toBeUndefined();
		expect(parsed.text).toBe('It costs 100 €.');
		expect(JSON.parse(sends()[0].body).threadId).toBe(inbound.threadId);

		const out = r.json.Gmail[0];
		const mine = sandbox.gmail.mailbox(REP).messages.get(String(out.id))!;
		expect(mine.threadId).toBe(inbound.threadId);
		expect(mine.labelIds).toEqual(['SENT']);
		expect(out).toMatchObject({ threadId: inbound.threadId, joinedThread: true, inReplyTo: rfcId, references: [rfcId] });
		expect((out.activity as IDataObject).isNewThread).toBe(false);
		// the client's Gmail threads the delivered reply with the message they sent
		const delivered = [...sandbox.gmail.mailbox(CLIENT).messages.values()].find((m) => m.headers.some((h) => h.name.toLowerCase() === 'in-reply-to' && h.value === rfcId));
		expect(delivered?.threadId).toBe(theirs.threadId);
		expect(sandbox.gmail.mailbox(CLIENT).threads.get(theirs.threadId)).toHaveLength(2);
	});

	it('reply all copies To and Cc without the mailbox itself or its aliases; a chain keeps its References', async () => {
		const root = '<root-7@client-co.test>';
		const rfcId = '<chain-2@client-co.test>';
		const inbound = sandbox.gmail.insertMessage({
			account: REP,
			from: `Casey Client <${CLIENT}>`,
			to: `Riley Rep <${REP}>, Boss <boss@client-co.test>`,
			cc: 'sales@acme-crm.test, Finance <finance@client-co.test>',
			subject: 'Re: Contract',
			text: 'see below',
			messageIdHeader: rfcId,
			inReplyTo: root,
			references: root,
		});
		const r = await run(both(), { operation: 'reply', messageId: inbound.id, replyAll: true, text: 'Thanks all' });
		expect(r.error).toBeUndefined();
		const parsed = parsedOf();
		expect(parsed.subject).toBe('Re: Contract');
		expect(parsed.references).toEqual([root, rfcId]);
		expect(parsed.inReplyTo).toBe(rfcId);
		expect(addresses(parsed.to)).toEqual([{ name: 'Casey Client', email: CLIENT }]);
		expect(addresses(parsed.cc)).toEqual([
			{ name: 'Boss', email: 'boss@client-co.test' },
			{ name: 'Finance', email: 'finance@client-co.test' },
		]);
		expect(sandbox.gmail.mailbox(REP).messages.get(String(r.json.Gmail[0].id))?.threadId).toBe(inbound.threadId);
	});

	it("a follow-up on the rep's own sent mail goes to the original recipient, in the same thread", async () => {
		const first = await run(both(), { operation: 'send', to: `Casey Client <${CLIENT}>`, subject: 'Our proposal', text: 'Here it is.' });
		expect(first.error).toBeUndefined();
		const sentId = String(first.json.Gmail[0].id);
		sandbox.server.clearRequests();
		const r = await run(both(), { operation: 'reply', messageId: sentId, text: 'Just following up.' });
		expect(r.error).toBeUndefined();
		const parsed = parsedOf();
		expect(addresses(parsed.to)).toEqual([{ name: 'Casey Client', email: CLIENT }]);
		expect(parsed.inReplyTo).toBe(first.json.Gmail[0].rfc822MessageId);
		expect(parsed.subject).toBe('Re: Our proposal');
		expect(r.json.Gmail[0].threadId).toBe(first.json.Gmail[0].threadId);
		// and on the client's side both arrive in one thread
		const clientBox = sandbox.gmail.mailbox(CLIENT);
		const copies = [...clientBox.messages.values()].filter((m) => /Our proposal/.test(m.headers.find((h) => h.name === 'Subject')?.value ?? ''));
		expect(copies).toHaveLength(2);
		expect(new Set(copies.map((m) => m.threadId)).size).toBe(1);
	});

	it('control: a threadId without the reply headers does not join the thread (the sandbox applies the rule)', async () => {
		const inbound = sandbox.gmail.insertMessage({ account: REP, from: CLIENT, to: REP, subject: 'Control', text: 'x', messageIdHeader: '<control@client-co.test>' });
		const r = await run(both(), { operation: 'send', to: CLIENT, subject: 'Control', text: 'y', options: { threadId: inbound.threadId } });
		expect(r.error).toBeUndefined();
		expect(r.json.Gmail[0].threadId).not.toBe(inbound.threadId);
	});
});

describe('Gmail → read', () => {
	it('gets a sent message with bodies decoded, its thread, and lists messages, threads, labels and aliases', async () => {
		const sent = await run(both(), { operation: 'send', to: 'Ünal <uenal@example.com>', subject: 'Read me — bitte', text: 'Plain body ü', html: '<p>HTML body ü</p>' });
		const id = String(sent.json.Gmail[0].id);
		const threadId = String(sent.json.Gmail[0].threadId);

		const full = await run(both(), { operation: 'getMessage', messageId: id, format: 'full' });
		expect(full.error).toBeUndefined();
		expect(full.json.Gmail[0]).toMatchObject({
			id,
			threadId,
			labelIds: ['SENT'],
			subject: 'Read me — bitte',
			from: { name: 'Riley Rep', email: REP },
			to: [{ name: 'Ünal', email: 'uenal@example.com' }],
			text: 'Plain body ü',
			html: '<p>HTML body ü</p>',
			rfc822MessageId: sent.json.Gmail[0].rfc822MessageId,
		});
		const meta = await run(both(), { operation: 'getMessage', messageId: id, format: 'metadata' });
		expect(meta.json.Gmail[0].text).toBeUndefined();
		expect(sandbox.server.seen('gmail.googleapis.com', `/messages/${id}`).map((q) => q.query.format)).toEqual(['full', 'metadata']);

		const thread = await run(both(), { operation: 'getThread', threadId });
		expect(thread.json.Gmail[0]).toMatchObject({ id: threadId, messageCount: 1 });

		const sentCount = sentIn(REP).length;
		const all = await run(both(), { operation: 'listMessages', labelIds: ['SENT'], returnAll: true });
		expect(all.json.Gmail.map((m) => m.id).sort()).toEqual(sentIn(REP).map((m) => m.id).sort());
		expect(all.json.Gmail).toHaveLength(sentCount);
		const limited = await run(both(), { operation: 'listMessages', labelIds: ['SENT'], returnAll: false, limit: 3 });
		expect(limited.json.Gmail).toHaveLength(3);

		const threads = await run(both(), { operation: 'listThreads', q: '', labelIds: ['SENT'], returnAll: true });
		expect(threads.json.Gmail.map((t) => t.id)).toContain(threadId);

		const labels = await run(both(), { operation: 'listLabels' });
		expect(labels.json.Gmail.map((l) => l.id)).toEqual(sandbox.gmail.mailbox(REP).labels.map((l) => l.id));
		const aliases = await run(both(), { operation: 'listSendAs' });
		expect(aliases.json.Gmail.map((a) => a.sendAsEmail)).toEqual([REP, 'sales@acme-crm.test', 'pending@acme-crm.test']);
	});
});
