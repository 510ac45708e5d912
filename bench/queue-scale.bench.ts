// `npm run bench -- queue`: the Gmail Sync Trigger at scale, n8n in queue mode (1 main, 2 workers, 2 webhook
// processes, PostgreSQL, Redis) against one regular-mode n8n on the same PostgreSQL, side by side:
//   50 mailboxes (50 workflows, one trigger each, 50 sandbox users with their own 250 units/s quota),
//   1,000 new messages each → time from the last insert to each mailbox's last activity, against that
//   mailbox's physical minimum (its first poll after the insert + 1,000 × 5 units / 250 units/s);
//   quota units per message; main CPU and RSS; worker RSS.
// Then webhook throughput (queue mode): leads through the balancer to both webhook processes against the
// same number straight to one. Sizes: QUEUE_BENCH_MAILBOXES, QUEUE_BENCH_MESSAGES, QUEUE_BENCH_LEADS,
// QUEUE_BENCH_MODES=queue,regular, QUEUE_BENCH_DRAIN_MINUTES (30). A benchmark measures; it never fails on speed.
// Figures of the runs so far: README, queue section.
import { join } from 'node:path';
import { startSandbox, type Sandbox } from '../test/sandbox';
import { QueueCluster } from '../test/queue/queueCluster';
import { CLIENT, G, SECRETS, chainWorkflow, connectorTrigger, gmailTrigger, noOp, postLead, sleep } from '../test/queue/fixtures';

const MAILBOXES = Number(process.env.QUEUE_BENCH_MAILBOXES ?? 50);
const MESSAGES = Number(process.env.QUEUE_BENCH_MESSAGES ?? 1000);
const LEADS = Number(process.env.QUEUE_BENCH_LEADS ?? 300);
/** How long each mode may take to drain before the figures are taken as they are (minutes). */
const DRAIN_MINUTES = Number(process.env.QUEUE_BENCH_DRAIN_MINUTES ?? 30);
const MODES = (process.env.QUEUE_BENCH_MODES ?? 'queue,regular').split(',') as Array<'queue' | 'regular'>;
const CEILING = 250;
const fetchSeconds = (MESSAGES * 5) / CEILING;
const fmt = (n: number, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : 'n/a');
const mb = (b: number) => `${Math.round(b / 1048576)} MB`;
// Info-level logs in every process (the queue ring runs the main at debug; that would cost the main CPU here).
process.env.N8N_HOST_LOG_LEVEL ??= 'info';
const log = (s: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${s}\n`);

interface SyncFigures {
	mode: string;
	startS: number;
	emitted: number;
	expected: number;
	duplicates: number;
	/** Per mailbox: last activity emitted (execution created) after the last insert, and the mailbox's minimum. */
	lastEmitS: number;
	lastDoneS: number;
	medianRatio: number;
	worstRatio: number;
	fetchRatio: number;
	unitsPerMessage: number;
	mainCpuPct: number;
	mainRssPeak: number;
	workerRssPeak: number;
	rateRefusals: number;
}

async function syncRun(mode: 'queue' | 'regular'): Promise<{ figures: SyncFigures; throughput?: { both: number; one: number } }> {
	const sandbox: Sandbox = await startSandbox();
	sandbox.gmail.quota.unitsPerSecond = CEILING;
	// Nothing recorded (tens of thousands of batch answers would stay on this process's heap): only each
	// mailbox's first history.list after the insert, by its token.
	sandbox.server.recordRequests = false;
	let insertEnd = Number.POSITIVE_INFINITY;
	const firstPoll = new Map<string, number>();
	sandbox.server.onServed = (req) => {
		if (!req.path.includes('/gmail/v1/users/me/history') || Date.now() < insertEnd) return;
		const email = sandbox.oauth.accessTokens.get(String(req.headers.authorization ?? '').replace(/^Bearer /i, ''))?.user.email;
		if (email && !firstPoll.has(email)) firstPoll.set(email, Date.now());
	};
	const t0 = Date.now();
	const cluster = await QueueCluster.start({ env: sandbox.server.childEnv(), regular: mode === 'regular' });
	const startS = (Date.now() - t0) / 1000;
	log(`${mode}: cluster up in ${fmt(startS)} s (${cluster.timings.map((t) => `${t.what} ${fmt(t.ms / 1000)} s`).join('; ')})`);
	try {
		await cluster.setupOwner();
		const boxes = Array.from({ length: MAILBOXES }, (_, i) => {
			const n = String(i + 1).padStart(2, '0');
			const email = `rep${n}@acme-crm.test`;
			const grant = sandbox.oauth.issueGrant({ email, scopes: [`${G}gmail.readonly`] });
			return { email, cred: { id: `benchQueueCred${n}`.padEnd(16, '0'), name: `Gmail ${email}` }, wf: `benchQueueWf${n}`.padEnd(16, '0'), grant };
		});
		for (const b of boxes) sandbox.gmail.insertMessage({ account: b.email, from: 'seed@client.test', subject: 'before', labelIds: ['INBOX'] });
		await cluster.importCredential(boxes.map((b) => ({ ...b.cred, type: 'googleConnectorOAuth2Api', data: { ...CLIENT, gmailRead: true, oauthTokenData: b.grant } })));
		await cluster.importWorkflow(boxes.map((b) => chainWorkflow(b.wf, `Mailbox ${b.email}`, [gmailTrigger(b.cred, 'INBOX'), noOp('Done')])));
		const ta = Date.now();
		// Ten at a time (one by one, 50 publications take minutes on a loaded machine; nothing measured here).
		for (let i = 0; i < boxes.length; i += 10) await Promise.all(boxes.slice(i, i + 10).map((b) => cluster.activateWorkflow(b.wf, 300_000)));
		log(`${mode}: ${MAILBOXES} workflows activated in ${fmt((Date.now() - ta) / 1000)} s`);
		sandbox.gmail.quota.reset();
		const rejected0 = sandbox.gmail.quota.rejected;
		for (let k = 0; k < MESSAGES; k++) for (const b of boxes) sandbox.gmail.insertMessage({ account: b.email, from: `"Client ${k}" <c${k}@client.test>`, subject: `Message ${k}`, labelIds: ['INBOX'] });
		insertEnd = Date.now();
		log(`${mode}: ${MAILBOXES * MESSAGES} messages inserted`);

		// Sample CPU and memory while the backlog drains.
		const cpu0 = cluster.main.usage()?.cpuMs ?? 0;
		let mainRssPeak = 0;
		let workerRssPeak = 0;
		const sampler = setInterval(() => {
			mainRssPeak = Math.max(mainRssPeak, cluster.main.usage()?.rssBytes ?? 0);
			for (const w of cluster.workers) workerRssPeak = Math.max(workerRssPeak, w.usage()?.rssBytes ?? 0);
		}, 1000);

		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const flatted: { parse(s: string): any } = require(join(cluster.host.dir, 'n8n', 'node_modules', 'flatted'));
		const seen = new Map<number, { wf: string; items: number; created: number; stopped: number }>();
		const deadline = Date.now() + DRAIN_MINUTES * 60_000;
		let done = false;
		while (!done && Date.now() < deadline) {
			await sleep(5000);
			const ids = seen.size ? `AND e.id NOT IN (${[...seen.keys()].join(',')})` : '';
			const rows = await cluster.sql<{ id: number; wf: string; created: string; stopped: string | null; status: string }>(
				`SELECT e.id, e."workflowId" AS wf, e."createdAt" AS created, e."stoppedAt" AS stopped, e.status FROM execution_entity e WHERE e.status NOT IN ('new', 'running') ${ids}`,
			);
			for (const r of rows) {
				const [d] = await cluster.sql<{ data: string }>(`SELECT data FROM execution_data WHERE "executionId" = ${r.id}`);
				let items = 0;
				try {
					items = (flatted.parse(d?.data ?? '[]')?.resultData?.runData?.['New mail']?.[0]?.data?.main?.[0] ?? []).length;
				} catch {}
				seen.set(Number(r.id), { wf: r.wf, items, created: Date.parse(r.created), stopped: Date.parse(r.stopped ?? r.created) });
			}
			const perWf = new Map<string, number>();
			for (const s of seen.values()) perWf.set(s.wf, (perWf.get(s.wf) ?? 0) + s.items);
			const emitted = [...perWf.values()].reduce((a, b) => a + b, 0);
			done = boxes.every((b) => (perWf.get(b.wf) ?? 0) >= MESSAGES);
			log(`${mode}: ${emitted} / ${MAILBOXES * MESSAGES} activities emitted, ${seen.size} executions`);
		}
		clearInterval(sampler);
		const cpuMs = (cluster.main.usage()?.cpuMs ?? 0) - cpu0;

		// Per mailbox: its first poll after the insert (first history.list with its token) and its last activity.
		const ratios: number[] = [];
		const fetchRatios: number[] = [];
		let lastEmit = 0;
		let lastDone = 0;
		let emitted = 0;
		for (const b of boxes) {
			const runs = [...seen.values()].filter((s) => s.wf === b.wf && s.items > 0);
			emitted += runs.reduce((a, s) => a + s.items, 0);
			const last = Math.max(...runs.map((s) => s.created));
			lastEmit = Math.max(lastEmit, last);
			lastDone = Math.max(lastDone, ...runs.map((s) => s.stopped));
			const poll = firstPoll.get(b.email) ?? insertEnd;
			ratios.push((last - insertEnd) / 1000 / ((poll - insertEnd) / 1000 + fetchSeconds));
			fetchRatios.push((last - poll) / 1000 / fetchSeconds);
		}
		ratios.sort((a, b) => a - b);
		fetchRatios.sort((a, b) => a - b);
		const units = boxes.reduce((a, b) => a + sandbox.gmail.quota.total(b.email), 0);
		const figures: SyncFigures = {
			mode,
			startS,
			emitted,
			expected: MAILBOXES * MESSAGES,
			duplicates: emitted - MAILBOXES * MESSAGES,
			lastEmitS: (lastEmit - insertEnd) / 1000,
			lastDoneS: (lastDone - insertEnd) / 1000,
			medianRatio: ratios[Math.floor(ratios.length / 2)],
			worstRatio: ratios[ratios.length - 1],
			fetchRatio: fetchRatios[Math.floor(fetchRatios.length / 2)],
			unitsPerMessage: units / Math.max(1, emitted),
			mainCpuPct: (cpuMs / Math.max(1, lastDone - insertEnd)) * 100,
			mainRssPeak,
			workerRssPeak,
			rateRefusals: sandbox.gmail.quota.rejected - rejected0,
		};
		for (let i = 0; i < boxes.length; i += 10) await Promise.all(boxes.slice(i, i + 10).map((b) => cluster.deactivateWorkflow(b.wf, 300_000)));
		log(`${mode}: ${JSON.stringify(figures)}`);
		let throughput: { both: number; one: number } | undefined;
		try {
			if (mode === 'queue' && LEADS > 0) throughput = await webhookThroughput(cluster);
		} catch (error) {
			log(`${mode}: webhook throughput not measured: ${(error as Error).message}`);
		}
		return { figures, throughput };
	} finally {
		await cluster.dispose();
		await sandbox.close();
	}
}

/** Leads through the balancer (both webhook processes) against straight to one; answered requests per second. */
async function webhookThroughput(cluster: QueueCluster): Promise<{ both: number; one: number }> {
	await cluster.importCredential([{ id: 'benchQueueHookSec', name: 'Secrets', type: 'googleConnectorWebhookApi', data: SECRETS }]);
	const hook = 'b0000000-0000-4000-8000-00000000d001';
	await cluster.importWorkflow([chainWorkflow('benchQueueHookWf1', 'Leads', [connectorTrigger(hook, 'UC_benchbbbbbbbbbbbbbbbb', { id: 'benchQueueHookSec', name: 'Secrets' }), noOp('Done')])]);
	await cluster.activateWorkflow('benchQueueHookWf1');
	const run = async (base: string, tag: string) => {
		let next = 0;
		const t = Date.now();
		await Promise.all(Array.from({ length: 8 }, async () => {
			while (next < LEADS) {
				const i = next++;
				const r = await postLead(base, hook, `${tag}-${i}`);
				if (r.status !== 200) log(`lead ${tag}-${i}: ${r.status}`);
			}
		}));
		return LEADS / ((Date.now() - t) / 1000);
	};
	// Alternate, so neither side gets the quieter half of the run.
	const one1 = await run(cluster.webhooks[0].baseUrl, 'one-a');
	const both1 = await run(cluster.webhookBase, 'both-a');
	const both2 = await run(cluster.webhookBase, 'both-b');
	const one2 = await run(cluster.webhooks[0].baseUrl, 'one-b');
	return { both: (both1 + both2) / 2, one: (one1 + one2) / 2 };
}

async function main() {
	log(`queue-scale: ${MAILBOXES} mailboxes × ${MESSAGES} messages, ceiling ${CEILING} units/user/s (fetch minimum ${fmt(fetchSeconds)} s per mailbox), modes ${MODES.join(', ')}`);
	const results: SyncFigures[] = [];
	let throughput: { both: number; one: number } | undefined;
	for (const mode of MODES) {
		const r = await syncRun(mode);
		results.push(r.figures);
		throughput = r.throughput ?? throughput;
		log(JSON.stringify(r));
	}
	const rows: Array<[string, (f: SyncFigures) => string]> = [
		['n8n processes up (s)', (f) => fmt(f.startS)],
		['activities emitted / expected', (f) => `${f.emitted} / ${f.expected}`],
		['duplicates', (f) => String(f.duplicates)],
		['last activity emitted after the last insert (s)', (f) => fmt(f.lastEmitS)],
		['last execution finished after the last insert (s)', (f) => fmt(f.lastDoneS)],
		['per mailbox: time to last activity ÷ physical minimum (median / worst)', (f) => `${fmt(f.medianRatio, 2)} / ${fmt(f.worstRatio, 2)}`],
		['per mailbox: fetch part ÷ (N × 5 / ceiling) (median)', (f) => fmt(f.fetchRatio, 2)],
		['quota units per message', (f) => fmt(f.unitsPerMessage, 3)],
		['rate refusals (429) from the sandbox', (f) => String(f.rateRefusals)],
		['main CPU during the drain (% of one core)', (f) => fmt(f.mainCpuPct, 0)],
		['main RSS peak', (f) => mb(f.mainRssPeak)],
		['worker RSS peak', (f) => (f.workerRssPeak ? mb(f.workerRssPeak) : 'n/a')],
	];
	console.log(`\n| ${MAILBOXES} mailboxes × ${MESSAGES} messages | ${results.map((r) => r.mode).join(' | ')} |`);
	console.log(`|---|${results.map(() => '---').join('|')}|`);
	for (const [name, f] of rows) console.log(`| ${name} | ${results.map(f).join(' | ')} |`);
	if (throughput) console.log(`\nwebhook throughput (${LEADS} leads per side ×2, concurrency 8): two webhook processes ${fmt(throughput.both)} req/s, one ${fmt(throughput.one)} req/s, ratio ${fmt(throughput.both / throughput.one, 2)}`);
}

main().then(
	() => process.exit(0),
	(e) => {
		console.error(e);
		process.exit(1);
	},
);
