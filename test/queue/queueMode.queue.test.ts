// The queue-mode ring: n8n 2.41.0 as one main, two workers and two webhook processes on PostgreSQL and
// Redis (see queueCluster.ts), this package installed as a community node, the Google sandbox.
// One cluster for the file (start ≈1-3 min); n8n polls at most once a minute, so the poll test waits
// for a few minute boundaries. Figures go to stderr with QUEUE_REPORT=1.
import { startSandbox, YT_TOPIC, type Sandbox } from '../sandbox';
import { HOST_SETUP_TIMEOUT, http } from '../host/n8nHost';
import { QueueCluster } from './queueCluster';
import {
	CLIENT, G, PKG, SECRETS, chainWorkflow, connectorTrigger, executionsOf, gmailTrigger, noOp, postLead, redisClaim, removeDuplicates,
	signedPush, sleep, triggerUrl, waitFor, waitNode, youtubeTrigger, type ExecutionRecord,
} from './fixtures';

const EMAIL = 'rep@acme-crm.test';
const WEBHOOK_CRED = { id: 'queueWebhookSec01', name: 'Webhook secrets (queue)' };
const REDIS_CRED = { id: 'queueRedisCred001', name: 'Redis (queue)' };
const CHANNEL = 'UC_queueqqqqqqqqqqqqqqqq';
/** Three workflows on the same events: the trigger alone, + Remove Duplicates, + a Redis claim. */
const VARIANTS = [
	{ id: 'queueHooksPlain01', hook: 'e1000000-0000-4000-8000-00000000c001', tail: () => [noOp('Passed')] },
	{ id: 'queueHooksRmDup01', hook: 'e1000000-0000-4000-8000-00000000c002', tail: () => [removeDuplicates(), noOp('Passed')] },
	{ id: 'queueHooksClaim01', hook: 'e1000000-0000-4000-8000-00000000c003', tail: () => [...redisClaim(REDIS_CRED), noOp('Passed')] },
] as const;
const report = (line: string) => process.env.QUEUE_REPORT && process.stderr.write(`[queue] ${line}\n`);

let sandbox: Sandbox;
let cluster: QueueCluster;

jest.setTimeout(600_000);

beforeAll(async () => {
	sandbox = await startSandbox();
	cluster = await QueueCluster.start({ env: sandbox.server.childEnv() });
	for (const t of cluster.timings) report(`${t.what}: ${(t.ms / 1000).toFixed(1)} s`);
	await cluster.setupOwner();
	await cluster.importCredential([
		{ ...WEBHOOK_CRED, type: 'googleConnectorWebhookApi', data: SECRETS },
		{ ...REDIS_CRED, type: 'redis', data: { host: '127.0.0.1', port: cluster.redis!.port, database: 0, password: '' } },
	]);
	await cluster.importWorkflow(VARIANTS.map((v) => chainWorkflow(v.id, `Google events (${v.id})`, [connectorTrigger(v.hook, CHANNEL, WEBHOOK_CRED), ...v.tail()])));
	// A hub that verifies 300 ms after the subscribe request, while the main is still publishing: the webhook
	// process answering it has neither the request in memory nor in static data (the main saves it later),
	// and recognises it by the topic's proof in the callback URL (before that proof: 404 for all three).
	sandbox.hub.verifyDelayMs = 300;
	for (const v of VARIANTS) await cluster.activateWorkflow(v.id);
	await sandbox.hub.settled();
}, HOST_SETUP_TIMEOUT);

afterAll(async () => {
	await cluster?.dispose();
	await sandbox?.close();
});

const passed = (runs: ExecutionRecord[]) => runs.filter((r) => (r.nodes.Passed ?? []).length > 0);

/** Waits until the workflow's executions are all finished and their count stopped growing. */
async function settled(workflowId: string, atLeast: number, timeoutMs = 60_000): Promise<ExecutionRecord[]> {
	let last = -1;
	await waitFor(`executions of ${workflowId}`, async () => {
		const [row] = await cluster.sql<{ n: number; open: number }>(
			`SELECT COUNT(*) AS n, COUNT(*) FILTER (WHERE status IN ('new', 'running')) AS open FROM execution_entity WHERE "workflowId" = '${workflowId}'`,
		);
		const n = Number(row.n);
		const stable = Number(row.open) === 0 && n >= atLeast && n === last;
		last = n;
		return stable ? true : undefined;
	}, timeoutMs, 1000);
	return executionsOf(cluster, workflowId);
}

test('the trigger on both webhook processes: activation subscribes through the main, the hub verifies through the webhook processes; a lead, a conversion callback (GET and POST) and a push each start one run on a worker', async () => {
	// Activation ran in the main; the hub's verification GETs reached the webhook processes through the balancer.
	const subs = sandbox.server.seen('pubsubhubbub.appspot.com', '/subscribe', 'POST').map((r) => new URLSearchParams(r.body));
	expect(subs.filter((f) => f.get('hub.mode') === 'subscribe' && f.get('hub.topic') === YT_TOPIC + CHANNEL)).toHaveLength(VARIANTS.length);
	expect(sandbox.hub.verifications.filter((v) => v.topic === YT_TOPIC + CHANNEL).map((v) => [v.status, v.confirmed])).toEqual(VARIANTS.map(() => [200, true]));
	const verified = sandbox.hub.verifications.filter((v) => v.topic === YT_TOPIC + CHANNEL);
	report(`hub verifications ${verified.map((v) => `${v.status}${v.confirmed ? ' confirmed' : ''}`).join(', ')} (hub delay ${sandbox.hub.verifyDelayMs} ms); answered by ${JSON.stringify(cluster.balanced.slice(0, VARIANTS.length))}`);
	const saved = await cluster.sql<{ id: string; staticData: any }>(`SELECT id, "staticData" FROM workflow_entity WHERE id IN (${VARIANTS.map((v) => `'${v.id}'`).join(',')})`);
	report(`push records as saved: ${JSON.stringify(saved.map((r) => { const d = typeof r.staticData === 'string' ? JSON.parse(r.staticData) : r.staticData; const rec = Object.values<any>(d?.['node:Google']?.push ?? {})[0]; return [r.id, rec ? { requestedAt: rec.requestedAt, verifiedAt: rec.verifiedAt } : null]; }))}`);
	expect(new Set(cluster.balanced)).toEqual(new Set(['webhook-1', 'webhook-2']));

	const wf = VARIANTS[0];
	const before = (await executionsOf(cluster, wf.id)).length;
	const served0 = cluster.balanced.length;
	const via = cluster.webhookBase;
	const json = { 'content-type': 'application/json' };
	const answers = [
		await postLead(via, wf.hook, 'QL-1'),
		await http('GET', triggerUrl(via, wf.hook, { action: 'ads-conversion-callback', token: SECRETS.sharedSecret, gclid: 'Cj0-queue-1', value: '12.5', currency: 'EUR' })),
		await http('POST', triggerUrl(via, wf.hook, { action: 'ads-conversion-callback' }), { body: JSON.stringify({ gbraid: 'GB-queue-1' }), headers: { ...json, 'x-webhook-token': SECRETS.sharedSecret } }),
		...(await sandbox.hub.notifyUpload([{ videoId: 'queueVideo01', channelId: CHANNEL, title: 'Queue launch' }])),
	];
	// The hub delivers the push to every subscriber of the channel: the three workflows.
	expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 200]);
	// The balancer alternated: both webhook processes served these.
	expect(new Set(cluster.balanced.slice(served0))).toEqual(new Set(['webhook-1', 'webhook-2']));
	const runs = (await settled(wf.id, before + 4)).slice(before);
	expect(runs.map((r) => [r.mode, r.status])).toEqual(runs.map(() => ['webhook', 'success']));
	const events = runs.map((r) => r.nodes.Google?.[0]);
	expect(events.map((e) => e.action).sort()).toEqual(['ads-conversion-callback', 'ads-conversion-callback', 'ads-webhook', 'youtube-webhook']);
	// Each event carries its natural key (what Remove Duplicates or a claim is keyed on).
	for (const e of events) expect(e.dedupeKey).toMatch(new RegExp(`^${e.action}:.+`));
	expect(events.find((e) => e.action === 'ads-webhook').data).toMatchObject({ leadId: 'QL-1', fields: { FULL_NAME: 'Ada Lovelace' } });
	expect(events.filter((e) => e.action === 'ads-conversion-callback').map((e) => e.data.gclid ?? e.data.gbraid).sort()).toEqual(['Cj0-queue-1', 'GB-queue-1']);
	expect(events.find((e) => e.action === 'youtube-webhook').data).toMatchObject({ videoId: 'queueVideo01', channelId: CHANNEL });
	// Every run ran on a worker (its log says so), none in the main or a webhook process.
	for (const r of runs) expect(cluster.ranOn(r.id)).toMatch(/^worker-/);
	expect(cluster.logText()).not.toMatch(new RegExp(`${SECRETS.sharedSecret}|${SECRETS.leadFormKey}|${SECRETS.pushKey}`));
});

test('the same lead and the same push delivered to both webhook processes at the same moment, 20 times each: duplicates with the trigger alone, with Remove Duplicates on the key, and with a Redis claim on the key', async () => {
	const ROUNDS = 20;
	const [w1, w2] = cluster.webhooks;
	const before = await Promise.all(VARIANTS.map(async (v) => (await executionsOf(cluster, v.id)).length));
	const statuses: number[] = [];
	const t0 = Date.now();
	// Each round: one lead and one push, each sent to both webhook processes at once, for each variant.
	const round = async (i: number) => {
		const id = `RACE-${String(i).padStart(2, '0')}`;
		const push = signedPush(CHANNEL, `raceVideo${String(i).padStart(2, '0')}`);
		const sends = VARIANTS.flatMap((v) => [
			postLead(w1.baseUrl, v.hook, id),
			postLead(w2.baseUrl, v.hook, id),
			http('POST', triggerUrl(w1.baseUrl, v.hook, { action: 'youtube-webhook' }), push),
			http('POST', triggerUrl(w2.baseUrl, v.hook, { action: 'youtube-webhook' }), push),
		]);
		statuses.push(...(await Promise.all(sends)).map((r) => r.status));
	};
	for (let i = 1; i <= ROUNDS; i++) await round(i);
	const byStatus = statuses.reduce<Record<number, number>>((a, s) => ({ ...a, [s]: (a[s] ?? 0) + 1 }), {});
	report(`race: ${statuses.length} requests answered in ${((Date.now() - t0) / 1000).toFixed(1)} s, by status ${JSON.stringify(byStatus)}`);
	const refusedWhy = cluster.logText().split('\n').filter((l) => /could not handle/.test(l));
	if (refusedWhy.length) report(`race: 503 causes in the logs: ${[...new Set(refusedWhy.map((l) => l.replace(/^.*could not handle/, 'could not handle').slice(0, 300)))].join(' | ')}`);
	// 200: taken (or a lead repeat, answered `duplicate: true`); 202: a push repeat this process already saw, ignored.
	expect(Object.keys(byStatus).filter((s) => s !== '200' && s !== '202')).toEqual([]);
	const figures: Record<string, { leads: number; pushes: number; runs: number; errors: number }> = {};
	for (const [k, v] of VARIANTS.entries()) {
		const runs = (await settled(v.id, before[k] + 1, 120_000)).slice(before[k]);
		const through = passed(runs).map((r) => r.nodes.Google?.[0] ?? {});
		const leads = through.filter((e) => String(e.data?.leadId ?? '').startsWith('RACE-'));
		const pushes = through.filter((e) => String(e.data?.videoId ?? '').startsWith('raceVideo'));
		// Every lead and every push got through at least once: nothing lost.
		expect(new Set(leads.map((e) => e.data.leadId)).size).toBe(ROUNDS);
		expect(new Set(pushes.map((e) => e.data.videoId)).size).toBe(ROUNDS);
		figures[v.id] = { leads: leads.length - ROUNDS, pushes: pushes.length - ROUNDS, runs: runs.length, errors: runs.filter((r) => r.status !== 'success').length };
		// Every run that succeeded ran on a worker. (Once, under load, an enqueued execution was never started by
		// any worker and ended without running: reported, and the event still got through in another run.)
		for (const r of runs.filter((x) => x.status === 'success')) expect([r.id, cluster.ranOn(r.id)]).toEqual([r.id, expect.stringMatching(/^worker-/)]);
		const notRun = runs.filter((r) => !cluster.ranOn(r.id));
		if (notRun.length) report(`race: ${v.id}: executions no worker started: ${JSON.stringify(notRun.map((r) => [r.id, r.status]))}`);
	}
	report(`race: all runs finished ${((Date.now() - t0) / 1000).toFixed(1)} s after the first request`);
	report(`race duplicates of ${ROUNDS} (leads, pushes) and runs/errors: ${JSON.stringify(figures)}`);
	// The atomic claim lets exactly one execution per event through, whatever the race did upstream.
	expect(figures.queueHooksClaim01).toMatchObject({ leads: 0, pushes: 0, errors: 0 });
	// The race is real: the trigger alone (static data, last writer wins) lets duplicates through.
	expect(figures.queueHooksPlain01.leads + figures.queueHooksPlain01.pushes).toBeGreaterThan(0);
}, 600_000);

test('credential refresh under concurrency: 10 executions on 2 workers hit an expired access token at once; every call succeeds and the stored token stays valid', async () => {
	const CRED = { id: 'queueRefreshCred1', name: 'Google (refresh, queue)' };
	const WF = 'queueRefreshWf001';
	const hook = 'e1000000-0000-4000-8000-00000000c0aa';
	const grant = sandbox.oauth.issueGrant({ email: EMAIL, scopes: ['openid', `${G}userinfo.email`, `${G}userinfo.profile`] });
	await cluster.importCredential([{ ...CRED, type: 'googleConnectorOAuth2Api', data: { ...CLIENT, identity: true, oauthTokenData: grant } }]);
	await cluster.importWorkflow([
		chainWorkflow(WF, 'Profile on demand (queue)', [
			{ name: 'Webhook', type: 'n8n-nodes-base.webhook', typeVersion: 2, webhookId: hook, parameters: { httpMethod: 'POST', path: 'queue-profile', responseMode: 'lastNode', options: {} } },
			{ name: 'Profile', type: `${PKG}.googleConnector`, parameters: { resource: 'identity', operation: 'getProfile' }, credentials: { googleConnectorOAuth2Api: CRED } },
		]),
	]);
	await cluster.activateWorkflow(WF);
	sandbox.oauth.expireAccessTokens();
	sandbox.server.clearRequests();
	const answers = await Promise.all(Array.from({ length: 10 }, () => http('POST', `${cluster.webhookBase}/webhook/queue-profile`, { body: {}, timeoutMs: 120_000 })));
	expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
	for (const a of answers) expect(a.json()).toMatchObject({ email: EMAIL });
	const runs = await settled(WF, 10);
	expect(runs.map((r) => r.status)).toEqual(runs.map(() => 'success'));
	const ranOn = runs.map((r) => cluster.ranOn(r.id));
	expect(new Set(ranOn)).toEqual(new Set(['worker-1', 'worker-2']));
	// What Google saw: the expired token refused, then refresh grants, each answered with a new token.
	const refreshes = sandbox.server.seen('oauth2.googleapis.com', '/token', 'POST').filter((r) => new URLSearchParams(r.body).get('grant_type') === 'refresh_token');
	expect(refreshes.length).toBeGreaterThanOrEqual(1);
	expect(refreshes.length).toBeLessThanOrEqual(10);
	expect(refreshes.every((r) => r.status === 200)).toBe(true);
	const userinfo = sandbox.server.seen('openidconnect.googleapis.com', '/userinfo');
	expect(userinfo.filter((r) => r.status === 200)).toHaveLength(10);
	// The token n8n stored last is one Google issued and still honours, and the refresh token is kept.
	const stored = (await cluster.credentialData(CRED.id)).oauthTokenData;
	expect(stored.refresh_token).toBe(grant.refresh_token);
	expect(stored.access_token).not.toBe(grant.access_token);
	const record = sandbox.oauth.accessTokens.get(stored.access_token);
	expect(record).toBeDefined();
	expect(record!.revoked).toBeFalsy();
	expect(record!.expiresAt).toBeGreaterThan(Date.now());
	// The expired token was presented and refused at least once (what made n8n refresh).
	expect(userinfo.filter((r) => r.status === 401).length).toBeGreaterThanOrEqual(1);
	report(`refresh under concurrency: ${userinfo.filter((r) => r.status === 401).length} calls refused with 401, ${refreshes.length} refresh grants for 10 executions; runs per worker ${JSON.stringify(ranOn.reduce<Record<string, number>>((a, w) => ({ ...a, [String(w)]: (a[String(w)] ?? 0) + 1 }), {}))}`);
	expect(cluster.logText()).not.toContain(grant.refresh_token);
});

test('Gmail Sync and YouTube Sync: polls run in the main, executions on workers; each message and comment exactly once across polls, a worker killed mid-run and a main restart', async () => {
	const CRED = { id: 'queuePollCred0001', name: 'Google (sync, queue)' };
	const GMAIL_WF = 'queueGmailSync001';
	const YT_WF = 'queueYouTubeSync1';
	const g = sandbox.gmail;
	const yt = sandbox.youtube;
	const clients = g.label('Clients', EMAIL);
	const old = g.insertMessage({ account: EMAIL, from: 'Old <old@client.test>', subject: 'before activation', labelIds: ['INBOX', clients.id] });
	const channel = yt.addChannel({ ownerEmail: EMAIL, title: 'Acme sync', handle: '@acmesync' });
	const video = yt.addVideo(channel.id, { title: 'Queue video' });
	const oldComment = yt.addComment(video.id, { text: 'before activation' });
	const grant = sandbox.oauth.issueGrant({ email: EMAIL, scopes: [`${G}gmail.readonly`, `${G}youtube.readonly`] });
	await cluster.importCredential([{ ...CRED, type: 'googleConnectorOAuth2Api', data: { ...CLIENT, gmailRead: true, youtubeRead: true, oauthTokenData: grant } }]);
	// The Wait keeps each Gmail run on its worker for 20 s: the window to kill that worker.
	await cluster.importWorkflow([
		chainWorkflow(GMAIL_WF, 'Gmail Clients → CRM (queue)', [gmailTrigger(CRED, clients.id), waitNode(20), noOp('Done')]),
		chainWorkflow(YT_WF, 'YouTube comments (queue)', [youtubeTrigger(CRED), noOp('Done')]),
	]);
	const history = () => sandbox.server.seen(/googleapis\.com$/, '/gmail/v1/users/me/history').length;
	await cluster.activateWorkflow(GMAIL_WF);
	await cluster.activateWorkflow(YT_WF);

	// Poll 1 (next minute boundary): m1 and c1.
	const m1 = g.insertMessage({ account: EMAIL, from: '"Ingrid Client" <ingrid@client.test>', subject: 'Contract signed', labelIds: ['INBOX', clients.id] });
	const c1 = yt.addComment(video.id, { text: 'Do you ship to Norway?', author: 'Ingrid' });
	const e1 = await waitFor('the Gmail run of poll 1 on a worker', async () => {
		const [run] = await executionsOf(cluster, GMAIL_WF);
		return run && cluster.ranOn(run.id) ? run : undefined;
	}, 150_000, 250);
	const victim = cluster.workers.find((w) => w.name === cluster.ranOn(e1.id))!;
	expect((await executionsOf(cluster, GMAIL_WF))[0].status).toBe('running');
	// SIGKILL mid-run (inside the Wait): no shutdown hook runs on that worker.
	await victim.kill();
	const killedAt = Date.now();
	const m2 = g.insertMessage({ account: EMAIL, from: 'ingrid@client.test', subject: 'Re: Contract signed', labelIds: ['INBOX', clients.id] });
	const c2 = yt.addComment(video.id, { text: 'And to Iceland?', author: 'Ingrid' });
	// The main restarts while the killed run is dangling and new mail waits; the worker comes back too.
	await Promise.all([victim.start(), cluster.restartMain()]);
	report(`restart: main ready in ${(cluster.main.readyMs / 1000).toFixed(1)} s, ${victim.name} in ${(victim.readyMs / 1000).toFixed(1)} s`);

	// The killed run is marked crashed by the main's queue recovery; it is not run again.
	const crashed = await waitFor('the killed run to be marked', async () => {
		const run = (await executionsOf(cluster, GMAIL_WF)).find((r) => r.id === e1.id)!;
		return ['crashed', 'error', 'failed'].includes(run.status) ? run : undefined;
	}, 120_000);
	report(`killed run ${e1.id}: status ${crashed.status} ${((Date.now() - killedAt) / 1000).toFixed(0)} s after SIGKILL`);
	const gmailRuns = await waitFor('the Gmail run with m2', async () => {
		const runs = await executionsOf(cluster, GMAIL_WF);
		return runs.some((r) => r.text.includes(m2.id) && r.status === 'success') ? runs : undefined;
	}, 180_000);
	const ytRuns = await waitFor('the YouTube run with c2', async () => {
		const runs = await executionsOf(cluster, YT_WF);
		return runs.some((r) => r.text.includes(c2.id) && r.status === 'success') ? runs : undefined;
	}, 120_000);
	// Polls so far: the activation poll, poll 1, and at least one by the restarted main (more if idle ones fell between).
	expect(history()).toBeGreaterThanOrEqual(2);
	await sleep(3000);
	const finalGmail = await executionsOf(cluster, GMAIL_WF);
	const finalYt = await executionsOf(cluster, YT_WF);
	expect(finalGmail.map((r) => r.id)).toEqual(gmailRuns.map((r) => r.id));
	expect(finalYt.map((r) => r.id)).toEqual(ytRuns.map((r) => r.id));

	const count = (runs: ExecutionRecord[], id: string) => runs.filter((r) => r.text.includes(id)).length;
	// Exactly once: m1 only in the killed run (its items are kept there, for a retry), m2 in one run.
	expect([count(finalGmail, m1.id), count(finalGmail, m2.id), count(finalGmail, old.id)]).toEqual([1, 1, 0]);
	expect(finalGmail.find((r) => r.text.includes(m1.id))!.id).toBe(e1.id);
	expect([count(finalYt, c1.id), count(finalYt, c2.id), count(finalYt, oldComment.id)]).toEqual([1, 1, 0]);
	expect(finalYt.map((r) => r.status)).toEqual(finalYt.map(() => 'success'));
	// Where things ran: every execution on a worker; polls only in the main (debug log), which enqueued them.
	for (const r of [...finalGmail, ...finalYt]) {
		expect(cluster.ranOn(r.id)).toMatch(/^worker-/);
		expect(cluster.main.logs.some((l) => l.includes(`Enqueued execution ${r.id} `))).toBe(true);
	}
	for (const name of ['Gmail Clients → CRM (queue)', 'YouTube comments (queue)']) {
		expect(cluster.main.logs.some((l) => l.includes(`Poll trigger initiated for workflow "${name}"`))).toBe(true);
		for (const p of [...cluster.workers, ...cluster.webhooks]) expect(p.logs.some((l) => l.includes('Poll trigger initiated'))).toBe(false);
	}
	expect(cluster.logText()).not.toContain(grant.access_token);
	report(`polls: gmail runs ${JSON.stringify(finalGmail.map((r) => [r.id, r.status, cluster.ranOn(r.id)]))}, youtube runs ${JSON.stringify(finalYt.map((r) => [r.id, r.status, cluster.ranOn(r.id)]))}`);
});
