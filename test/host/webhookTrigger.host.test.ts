// Ring 3: the Google Connector Trigger active in a real n8n 2.41.0 (packed tarball installed as a
// community package), YouTube's hub played by the sandbox and reaching n8n over plain HTTP on
// localhost, Google Ads senders played by this test. Executions are counted in n8n's database.
import { createHmac } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { uploadAtom, YT_TOPIC, type Sandbox } from '../sandbox';
import { namespaceFloodAtom } from '../sandbox/hub';
import { HOST_SETUP_TIMEOUT, http, startHostWithSandbox, stopHostWithSandbox, type HttpResult, type N8nHost } from './n8nHost';
import { topicCallback } from '../../nodes/shared/webhook/websub';

const TRIGGER = 'n8n-nodes-google-connector.googleConnectorTrigger';
const SECRETS = { leadFormKey: 'host-lead-form-key-7f3a9c', sharedSecret: 'host-shared-secret-4b8e2d6f1a9c', pushKey: 'host-push-key-9d2f7a4c1e8b6a3f' };
const CH1 = 'UC_x5XG1OV2P6uZZ5FSM9Ttw';
const CH2 = 'UCbbbbbbbbbbbbbbbbbbbbbb';
const OTHER = 'UCzzzzzzzzzzzzzzzzzzzzzz';
const ORG = 'acme-42';
const WF = 'hostGoogleTrig001';
const WEBHOOK_ID = 'd0000000-0000-4000-8000-00000000a001';
const CRED = { id: 'hostWebhookSec001', name: 'Webhook secrets (host test)' };

let sandbox: Sandbox;
let n8n: N8nHost;
let base: string;

function workflow() {
	return {
		id: WF,
		name: 'Google Connector Trigger (host test)',
		active: false,
		settings: { executionOrder: 'v1' },
		connections: { Google: { main: [[{ node: 'Done', type: 'main', index: 0 }]] } },
		nodes: [
			{
				id: 'd0000000-0000-4000-8000-000000000001',
				name: 'Google',
				type: TRIGGER,
				typeVersion: 1,
				position: [0, 0],
				webhookId: WEBHOOK_ID,
				parameters: {
					actions: ['youtube-webhook', 'ads-webhook', 'ads-conversion-callback', 'ads-performance-alert'],
					channelIds: `${CH1}, ${CH2}`,
					orgId: ORG,
				},
				credentials: { googleConnectorWebhookApi: CRED },
			},
			{ id: 'd0000000-0000-4000-8000-000000000002', name: 'Done', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [220, 0], parameters: {} },
		],
	};
}

async function executions(): Promise<number> {
	const [row] = await n8n.sql('SELECT COUNT(*) AS n FROM execution_entity WHERE workflowId = ?', [WF]);
	return Number(row?.n ?? 0);
}

/** Waits until the execution count reaches `expected` (and stays there a moment), or returns what it is. */
async function settleExecutions(expected: number, timeoutMs = 15_000): Promise<number> {
	const deadline = Date.now() + timeoutMs;
	let n = await executions();
	while (n < expected && Date.now() < deadline) {
		await new Promise((r) => setTimeout(r, 200));
		n = await executions();
	}
	await new Promise((r) => setTimeout(r, 600));
	return executions();
}

function url(query: Record<string, string>): string {
	return `${base}?${new URLSearchParams(query)}`;
}

function send(method: string, query: Record<string, string>, body?: string | Buffer, headers: Record<string, string> = {}, timeoutMs = 30_000): Promise<HttpResult> {
	return http(method, url(query), { body, headers, timeoutMs });
}

const lead = (id: string, key = SECRETS.leadFormKey) =>
	JSON.stringify({
		lead_id: id, api_version: '1.0', form_id: 111, campaign_id: 222, adgroup_id: 333, creative_id: 444, gcl_id: 'gclid-host', google_key: key, is_test: false,
		user_column_data: [{ column_id: 'FULL_NAME', string_value: 'Ada Lovelace' }, { column_id: 'EMAIL', string_value: 'ada@example.test' }],
	});

beforeAll(async () => {
	({ sandbox, n8n } = await startHostWithSandbox({ owner: true }));
	await n8n.importCredential([{ ...CRED, type: 'googleConnectorWebhookApi', data: SECRETS }]);
	await n8n.importWorkflow([workflow()]);
	base = `${n8n.baseUrl}/webhook/${WEBHOOK_ID}/google`;
	sandbox.hub.verifyDelayMs = 300;
	await n8n.activateWorkflow(WF);
	await sandbox.hub.settled();
}, HOST_SETUP_TIMEOUT);

afterAll(() => stopHostWithSandbox({ sandbox, n8n }));

test('activation: the trigger subscribed both channels; the hub verified them over HTTP; a foreign topic and an unasked mode get 404', async () => {
	const forms = sandbox.server.seen('pubsubhubbub.appspot.com', '/subscribe', 'POST').map((r) => new URLSearchParams(r.body));
	expect(forms.map((f) => [f.get('hub.mode'), f.get('hub.topic'), f.get('hub.callback')])).toEqual([
		['subscribe', YT_TOPIC + CH1, topicCallback(`${base}?action=youtube-webhook&orgid=${ORG}`, YT_TOPIC + CH1, SECRETS.pushKey)],
		['subscribe', YT_TOPIC + CH2, topicCallback(`${base}?action=youtube-webhook&orgid=${ORG}`, YT_TOPIC + CH2, SECRETS.pushKey)],
	]);
	expect(sandbox.hub.verifications.map((v) => [v.topic, v.status, v.confirmed]).sort()).toEqual([
		[YT_TOPIC + CH1, 200, true],
		[YT_TOPIC + CH2, 200, true],
	]);
	const callback = `${base}?action=youtube-webhook&orgid=${ORG}`;
	expect(await sandbox.hub.forgeVerification(callback, YT_TOPIC + OTHER)).toMatchObject({ status: 404, confirmed: false });
	expect(await sandbox.hub.forgeVerification(callback, YT_TOPIC + CH1, 'unsubscribe')).toMatchObject({ status: 404, confirmed: false });
	expect(await sandbox.hub.forgeVerification(`${base}?action=youtube-webhook&orgid=other`, YT_TOPIC + CH1)).toMatchObject({ status: 404, confirmed: false });
	expect(await settleExecutions(0, 1000)).toBe(0);
});

test('a signed upload notification starts the workflow once; forged, unsigned and replayed ones start nothing', async () => {
	const before = await executions();
	const [good] = await sandbox.hub.notifyUpload([{ videoId: 'hostVideo01', channelId: CH1, title: 'Host launch' }]);
	expect(good.status).toBe(200);
	expect(await settleExecutions(before + 1)).toBe(before + 1);
	const [row] = await n8n.sql('SELECT d.data AS data FROM execution_data d JOIN execution_entity e ON e.id = d.executionId WHERE e.workflowId = ? ORDER BY e.id DESC LIMIT 1', [WF]);
	expect(String(row.data)).toContain('hostVideo01');
	expect(String(row.data)).not.toContain(SECRETS.pushKey);
	for (const signature of ['wrong', 'none'] as const) {
		const [d] = await sandbox.hub.notifyUpload([{ videoId: 'hostVideo02', channelId: CH1 }], { signature });
		expect(d.status).toBe(202);
	}
	expect((await sandbox.hub.replay(good)).status).toBe(202);
	expect(await settleExecutions(before + 1, 1500)).toBe(before + 1);
});

test('each Google Ads action: good credentials start one run, bad ones start nothing; a duplicate lead starts one run', async () => {
	const before = await executions();
	const org = { orgid: ORG };
	const json = { 'content-type': 'application/json' };
	const good: Array<[string, Promise<HttpResult>]> = [
		['lead', send('POST', { action: 'ads-webhook', ...org }, lead('HL-1'), json)],
		['conversion GET', send('GET', { action: 'ads-conversion-callback', ...org, token: SECRETS.sharedSecret, gclid: 'Cj0-host-1', value: '5', currency: 'EUR' })],
		['conversion POST', send('POST', { action: 'ads-conversion-callback', ...org }, JSON.stringify({ gbraid: 'GB-host-1' }), { ...json, 'x-webhook-token': SECRETS.sharedSecret })],
		['alert', send('POST', { action: 'ads-performance-alert', ...org }, JSON.stringify({ alert_id: 'HA-1', metric: 'cpa', value: 9 }), { ...json, authorization: `Bearer ${SECRETS.sharedSecret}` })],
	];
	for (const [name, p] of good) expect({ name, status: (await p).status }).toEqual({ name, status: 200 });
	expect(await settleExecutions(before + 4)).toBe(before + 4);

	const bad: Array<[string, Promise<HttpResult>]> = [
		['lead wrong key', send('POST', { action: 'ads-webhook', ...org }, lead('HL-2', 'wrong-key'), json)],
		['conversion wrong token', send('GET', { action: 'ads-conversion-callback', ...org, token: 'guess', gclid: 'Cj0-host-2' })],
		['conversion no token', send('POST', { action: 'ads-conversion-callback', ...org }, JSON.stringify({ gclid: 'Cj0-host-3' }), json)],
		['alert wrong header', send('POST', { action: 'ads-performance-alert', ...org }, JSON.stringify({ alert_id: 'HA-2' }), { ...json, 'x-webhook-token': 'nope' })],
	];
	for (const [name, p] of bad) expect({ name, status: (await p).status }).toEqual({ name, status: 401 });
	const dup = await send('POST', { action: 'ads-webhook', ...org }, lead('HL-1'), json);
	expect(dup.status).toBe(200);
	expect(JSON.parse(dup.text)).toMatchObject({ duplicate: true });
	expect(await settleExecutions(before + 4, 1500)).toBe(before + 4);
	expect(n8n.logText()).not.toMatch(new RegExp(`${SECRETS.sharedSecret}|${SECRETS.leadFormKey}|${SECRETS.pushKey}`));
});

test('an accepted lead is answered only after n8n stored its execution: with the database held by another writer, no 200 before the lead is stored', async () => {
	const org = { orgid: ORG };
	const json = { 'content-type': 'application/json' };
	const storedWith = async (id: string) =>
		Number(((await n8n.sql('SELECT COUNT(*) AS n FROM execution_data d JOIN execution_entity e ON e.id = d.executionId WHERE e.workflowId = ? AND d.data LIKE ?', [WF, `%${id}%`])) as Array<{ n: number }>)[0]?.n);
	// The database is held for 3 s while a lead arrives. Before, the trigger answered 200 from webhook(),
	// before n8n created the execution: the answer came while the lock was held, and a crash (or a
	// failed insert) then lost a lead Google had seen acknowledged. Now a 200 comes only after the
	// execution (with the lead) is stored; if n8n cannot store it, the answer is an error and Google
	// sends the lead again.
	const id = 'HL-locked-1';
	const lock = await n8n.holdWriteLock(3000);
	const t0 = Date.now();
	let releasedAt = 0;
	void lock.released.then(() => (releasedAt = Date.now()));
	const r = await send('POST', { action: 'ads-webhook', ...org }, lead(id), json);
	const answeredAt = Date.now();
	await lock.released;
	const outcome = { status: r.status, answeredWhileLocked: releasedAt === 0 || answeredAt < releasedAt, answeredAfterMs: answeredAt - t0 };
	if (r.status === 200) {
		expect({ ...outcome, body: JSON.parse(r.text), storedWithLead: await storedWith(id) }).toEqual({ ...outcome, answeredWhileLocked: false, body: { received: true }, storedWithLead: 1 });
	} else {
		// n8n gave up on the insert: an error answer, so Google redelivers; the redelivery starts the run.
		expect({ ...outcome, stored: await storedWith(id) }).toEqual({ ...outcome, status: expect.any(Number), stored: 0 });
		expect(r.status).toBeGreaterThanOrEqual(500);
		const again = await send('POST', { action: 'ads-webhook', ...org }, lead(id), json);
		expect([again.status, await storedWith(id)]).toEqual([200, 1]);
	}
	expect([r.headers['cache-control'], r.headers['x-content-type-options']]).toEqual(['no-store', 'nosniff']);
	process.stdout.write(`lead under a held database: ${JSON.stringify(outcome)}\n`);
});

test('at least 40 malformed or hostile requests: none starts the workflow, none crashes n8n, each gets a 4xx (or the 2xx the protocol requires)', async () => {
	const before = await executions();
	const org = { orgid: ORG };
	const json = { 'content-type': 'application/json' };
	const atom = { 'content-type': 'application/atom+xml' };
	const secret1 = createHmac('sha256', SECRETS.pushKey).update(`websub-secret|${YT_TOPIC + CH1}`).digest('hex').slice(0, 40);
	const signed = (body: string) => ({ ...atom, 'x-hub-signature': `sha1=${createHmac('sha1', secret1).update(body).digest('hex')}` });
	const bomb = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"><!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]><feed xmlns="http://www.w3.org/2005/Atom"><title>&lol4;</title></feed>`;
	const xxe = '<?xml version="1.0"?><!DOCTYPE f [<!ENTITY x SYSTEM "file:///etc/passwd">]><feed xmlns="http://www.w3.org/2005/Atom"><title>&x;</title></feed>';
	const quadratic = `<?xml version="1.0"?><!DOCTYPE f [<!ENTITY a "${'x'.repeat(50_000)}">]><feed>${'&a;'.repeat(2000)}</feed>`;
	const big = 'x'.repeat(400 * 1024);
	const flood = namespaceFloodAtom(250 * 1024);
	// 64 MB of zeros in about 64 KB: n8n's readRawBody() would inflate it up to its 16 MB limit.
	const gzipBomb = gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x20));
	const cases: Array<[string, string, Record<string, string>, (string | Buffer)?, Record<string, string>?]> = [
		// Bad JSON and wrong shapes
		['lead: truncated JSON', 'POST', { action: 'ads-webhook', ...org }, '{"lead_id": ', json],
		['lead: JSON array', 'POST', { action: 'ads-webhook', ...org }, '[1,2,3]', json],
		['lead: JSON string', 'POST', { action: 'ads-webhook', ...org }, '"hello"', json],
		['lead: empty body', 'POST', { action: 'ads-webhook', ...org }, '', json],
		['lead: not JSON as text/plain', 'POST', { action: 'ads-webhook', ...org }, 'lead_id=1', { 'content-type': 'text/plain' }],
		['lead: no lead_id, right key', 'POST', { action: 'ads-webhook', ...org }, JSON.stringify({ google_key: SECRETS.leadFormKey }), json],
		['lead: columns not an array', 'POST', { action: 'ads-webhook', ...org }, JSON.stringify({ google_key: SECRETS.leadFormKey, lead_id: 'x', user_column_data: 'x' }), json],
		['lead: deeply nested JSON', 'POST', { action: 'ads-webhook', ...org }, `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`, { 'content-type': 'text/plain' }],
		['lead: key as number', 'POST', { action: 'ads-webhook', ...org }, JSON.stringify({ google_key: 12345, lead_id: 'n' }), json],
		['lead: __proto__ payload', 'POST', { action: 'ads-webhook', ...org }, '{"__proto__":{"google_key":"x"},"lead_id":"p"}', json],
		['alert: bad JSON', 'POST', { action: 'ads-performance-alert', ...org, token: SECRETS.sharedSecret }, '{oops', json],
		['alert: JSON array', 'POST', { action: 'ads-performance-alert', ...org, token: SECRETS.sharedSecret }, '[]', json],
		['alert: bad Pub/Sub data', 'POST', { action: 'ads-performance-alert', ...org, token: SECRETS.sharedSecret }, JSON.stringify({ message: { data: 'bm90IGpzb24=' }, subscription: 's' }), json],
		['conversion: bad JSON', 'POST', { action: 'ads-conversion-callback', ...org, token: SECRETS.sharedSecret }, '{"gclid":', json],
		['conversion: no click id', 'GET', { action: 'ads-conversion-callback', ...org, token: SECRETS.sharedSecret, value: '3' }],
		['conversion: bad value', 'GET', { action: 'ads-conversion-callback', ...org, token: SECRETS.sharedSecret, gclid: 'Cj0-x', value: 'lots' }],
		['conversion: bad currency', 'GET', { action: 'ads-conversion-callback', ...org, token: SECRETS.sharedSecret, gclid: 'Cj0-x', currency: 'DOLLARS' }],
		['conversion: bad time', 'GET', { action: 'ads-conversion-callback', ...org, token: SECRETS.sharedSecret, gclid: 'Cj0-x', conversion_time: 'soon' }],
		['conversion: script in click id', 'GET', { action: 'ads-conversion-callback', ...org, token: SECRETS.sharedSecret, gclid: '<script>alert(1)</script>' }],
		// Bad XML, entity bombs
		['atom: billion laughs, unsigned', 'POST', { action: 'youtube-webhook', ...org }, bomb, atom],
		['atom: billion laughs, signed', 'POST', { action: 'youtube-webhook', ...org }, bomb, signed(bomb)],
		['atom: XXE, signed', 'POST', { action: 'youtube-webhook', ...org }, xxe, signed(xxe)],
		['atom: quadratic blowup, signed', 'POST', { action: 'youtube-webhook', ...org }, quadratic, signed(quadratic)],
		['atom: truncated, signed', 'POST', { action: 'youtube-webhook', ...org }, '<feed><entry>', signed('<feed><entry>')],
		['atom: truncated, as text/plain, signed', 'POST', { action: 'youtube-webhook', ...org }, '<feed><entry>', { ...signed('<feed><entry>'), 'content-type': 'text/plain' }],
		['atom: not a feed, signed', 'POST', { action: 'youtube-webhook', ...org }, '<rss/>', signed('<rss/>')],
		['atom: JSON body, signed', 'POST', { action: 'youtube-webhook', ...org }, '{"a":1}', { ...signed('{"a":1}'), 'content-type': 'application/json' }],
		['atom: garbage signature', 'POST', { action: 'youtube-webhook', ...org }, uploadAtom([{ videoId: 'hostVideo09', channelId: CH1 }]), { ...atom, 'x-hub-signature': 'sha1=zz' }],
		['atom: namespace flood (250 KB), signed', 'POST', { action: 'youtube-webhook', ...org }, flood, signed(flood)],
		['gzip bomb lead', 'POST', { action: 'ads-webhook', ...org }, gzipBomb, { ...json, 'content-encoding': 'gzip' }],
		['deflate-encoded atom, unsigned', 'POST', { action: 'youtube-webhook', ...org }, gzipBomb, { ...atom, 'content-encoding': 'deflate' }],
		['atom: foreign channel signed with CH1 secret', 'POST', { action: 'youtube-webhook', ...org }, uploadAtom([{ videoId: 'hostVideo10', channelId: OTHER }], OTHER), signed(uploadAtom([{ videoId: 'hostVideo10', channelId: OTHER }], OTHER))],
		// Oversized bodies
		['oversized lead', 'POST', { action: 'ads-webhook', ...org }, JSON.stringify({ lead_id: 'big', google_key: SECRETS.leadFormKey, pad: big }), json],
		['oversized atom, unsigned', 'POST', { action: 'youtube-webhook', ...org }, `<feed>${big}</feed>`, atom],
		['oversized alert', 'POST', { action: 'ads-performance-alert', ...org, token: SECRETS.sharedSecret }, JSON.stringify({ pad: big }), json],
		// Wrong methods
		['GET lead form', 'GET', { action: 'ads-webhook', ...org }],
		['GET alert', 'GET', { action: 'ads-performance-alert', ...org, token: SECRETS.sharedSecret }],
		['GET notification without hub params', 'GET', { action: 'youtube-webhook', ...org }],
		['POST verification', 'POST', { action: 'youtube-verify', ...org }, '{}', json],
		['PUT', 'PUT', { action: 'ads-webhook', ...org }, lead('HX-1'), json],
		['DELETE', 'DELETE', { action: 'ads-webhook', ...org }],
		// Missing or unknown parameters
		['no action', 'POST', { ...org }, lead('HX-2'), json],
		['unknown action', 'POST', { action: 'ads-webhook2', ...org }, lead('HX-3'), json],
		['action with injection', 'GET', { action: '../../rest/owner', ...org }],
		['verification: no challenge', 'GET', { action: 'youtube-verify', ...org, 'hub.mode': 'subscribe', 'hub.topic': YT_TOPIC + CH1 }],
		['verification: no topic', 'GET', { action: 'youtube-verify', ...org, 'hub.mode': 'subscribe', 'hub.challenge': 'abc' }],
		['verification: bad mode', 'GET', { action: 'youtube-verify', ...org, 'hub.mode': 'steal', 'hub.topic': YT_TOPIC + CH1, 'hub.challenge': 'abc' }],
		['verification: challenge with spaces', 'GET', { action: 'youtube-verify', ...org, 'hub.mode': 'subscribe', 'hub.topic': YT_TOPIC + CH1, 'hub.challenge': 'a b c' }],
		['verification: forged verify token', 'GET', { action: 'youtube-verify', ...org, 'hub.mode': 'unsubscribe', 'hub.topic': YT_TOPIC + CH1, 'hub.challenge': 'abc', 'hub.verify_token': `${Math.floor(Date.now() / 1000)}.${'A'.repeat(43)}` }],
		// Wrong org
		['wrong org lead', 'POST', { action: 'ads-webhook', orgid: 'evil' }, lead('HX-4'), json],
		['missing org lead', 'POST', { action: 'ads-webhook' }, lead('HX-5'), json],
		['wrong org conversion', 'GET', { action: 'ads-conversion-callback', orgid: 'evil', token: SECRETS.sharedSecret, gclid: 'Cj0-org' }],
		['wrong org notification', 'POST', { action: 'youtube-webhook', orgid: 'evil' }, uploadAtom([{ videoId: 'hostVideo11', channelId: CH1 }]), signed(uploadAtom([{ videoId: 'hostVideo11', channelId: CH1 }]))],
	];
	// Hub deliveries whose signature does not verify (or verifies for another channel) must be acknowledged.
	// So must signed deliveries that are not a readable Atom feed: a 4xx would make the hub redeliver them.
	const ACK_ALLOWED = new Set([
		'atom: billion laughs, unsigned', 'atom: garbage signature', 'atom: foreign channel signed with CH1 secret', 'oversized atom, unsigned',
		'atom: billion laughs, signed', 'atom: XXE, signed', 'atom: quadratic blowup, signed', 'atom: truncated, signed', 'atom: truncated, as text/plain, signed',
		'atom: not a feed, signed', 'atom: JSON body, signed', 'atom: namespace flood (250 KB), signed',
	]);
	// What must be answered quickly (n8n's event loop is shared by every workflow): the namespace flood
	// took 54 s per 250 KB before namespace scopes became O(1) per element.
	const TIME_LIMIT_MS: Record<string, number> = { 'atom: namespace flood (250 KB), signed': 2000 };
	const STATUS: Record<string, number> = { 'gzip bomb lead': 415, 'deflate-encoded atom, unsigned': 415 };
	expect(cases.length).toBeGreaterThanOrEqual(40);
	const results: Array<{ name: string; status: number; ok: boolean; ms: number }> = [];
	for (const [name, method, query, body, headers] of cases) {
		let status = 0;
		const t0 = Date.now();
		try {
			status = (await send(method, query, body, headers ?? {}, 20_000)).status;
		} catch {
			status = 0; // connection reset: counted as a failure below
		}
		const ms = Date.now() - t0;
		if (process.env.WEBHOOK_HOST_REPORT) process.stderr.write(`hostile: ${name} → ${status} in ${ms} ms\n`);
		const ok = (STATUS[name] ? status === STATUS[name] : (status >= 400 && status < 500) || (ACK_ALLOWED.has(name) && status >= 200 && status < 300)) && ms <= (TIME_LIMIT_MS[name] ?? 20_000);
		results.push({ name, status, ok, ms });
	}
	const failures = results.filter((r) => !r.ok);
	expect(failures).toEqual([]);
	// n8n is alive and the workflow still works.
	expect(n8n.running).toBe(true);
	expect((await n8n.request('GET', '/healthz')).status).toBe(200);
	expect(await settleExecutions(before, 2000)).toBe(before);
	// Afterwards both kinds of body still work: JSON, and XML (n8n's own XML body parser, which an
	// unclosed document wedges, is not on this trigger's path).
	const after = await send('POST', { action: 'ads-webhook', orgid: ORG }, lead('HL-after'), json);
	expect(after.status).toBe(200);
	const [xml] = await sandbox.hub.notifyUpload([{ videoId: 'hostVideo99', channelId: CH1 }]);
	expect(xml.status).toBe(200);
	expect(await settleExecutions(before + 2)).toBe(before + 2);
	if (process.env.WEBHOOK_HOST_REPORT) process.stderr.write(`${JSON.stringify(results)}\n`);
}, 300_000);

test("n8n's shared XML body parser wedges after a bad entity and an unclosed document (n8n's Webhook node stops answering XML); this trigger, which reads raw bytes, keeps working", async () => {
	const hookId = 'd0000000-0000-4000-8000-00000000a0ff';
	await n8n.importWorkflow([
		{
			id: 'hostXmlHookWf0001',
			name: 'Webhook node XML',
			active: false,
			settings: { executionOrder: 'v1' },
			connections: {},
			nodes: [{ id: 'd0000000-0000-4000-8000-0000000000ff', name: 'Webhook', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0], webhookId: hookId, parameters: { httpMethod: 'POST', path: 'xml-probe', responseMode: 'onReceived', options: {} } }],
		},
	]);
	await n8n.activateWorkflow('hostXmlHookWf0001');
	const xml = { 'content-type': 'application/xml' };
	const probe = async (body: string) => {
		try {
			return (await http('POST', `${n8n.baseUrl}/webhook/xml-probe`, { body, headers: xml, timeoutMs: 5000 })).status;
		} catch {
			return 'no answer';
		}
	};
	expect(await probe('<a>1</a>')).toBe(200);
	expect(await probe('<?xml version="1.0"?><!DOCTYPE l [<!ENTITY e "x">]><a>&e;</a>')).toBe(422);
	expect(await probe('<feed><entry>')).toBe('no answer');
	expect(await probe('<a>1</a>')).toBe('no answer');
	// The trigger is unaffected: a signed Atom delivery is read and starts a run.
	const before = await executions();
	const [d] = await sandbox.hub.notifyUpload([{ videoId: 'hostVideoXml', channelId: CH1 }]);
	expect(d.status).toBe(200);
	expect(await settleExecutions(before + 1)).toBe(before + 1);
	await n8n.deactivateWorkflow('hostXmlHookWf0001');
}, 120_000);

test('deactivation asks the hub to unsubscribe both channels; n8n no longer serves the URL, so the hub cannot confirm (known limitation), and later deliveries start nothing', async () => {
	sandbox.server.clearRequests();
	const v0 = sandbox.hub.verifications.length;
	const before = await executions();
	await n8n.deactivateWorkflow(WF);
	await sandbox.hub.settled();
	const forms = sandbox.server.seen('pubsubhubbub.appspot.com', '/subscribe', 'POST').map((r) => new URLSearchParams(r.body));
	expect(forms.map((f) => [f.get('hub.mode'), f.get('hub.topic')])).toEqual([
		['unsubscribe', YT_TOPIC + CH1],
		['unsubscribe', YT_TOPIC + CH2],
	]);
	// n8n 2.41 removes the published version before it calls the node's delete(): the intent check gets 404.
	const checks = sandbox.hub.verifications.slice(v0).map((v) => [v.mode, v.status, v.confirmed]);
	expect(checks).toEqual([['unsubscribe', 404, false], ['unsubscribe', 404, false]]);
	expect(sandbox.hub.subscription(YT_TOPIC + CH1)).toBeDefined();
	const [late] = await sandbox.hub.notifyUpload([{ videoId: 'hostVideoLate', channelId: CH1 }]);
	expect(late.status).toBe(404);
	expect(await settleExecutions(before, 1500)).toBe(before);
});
