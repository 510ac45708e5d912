// `npm run bench -- webhook`: requests/s and latency of the Google Connector Trigger (ads-webhook,
// a Google Ads lead form) against n8n's own Webhook node, in the same n8n 2.41.0, with the same
// payload and the same load: loopback only, a fixed number of requests at a fixed concurrency,
// every request starting one execution on both sides (unique lead ids, so the trigger's dedupe
// never drops one). Rounds alternate between the two to spread warm-up and GC effects.
// The trigger starts in its steady state: its dedupe memory (default size) already full, as after a
// few days of leads, since n8n loads and saves that static data with every request. Each round
// waits until the previous round's executions have finished, so neither side pays for the other's
// backlog. Prints a table and the ratio trigger / Webhook node. Then the hostile loads: 50
// concurrent leads with a wrong key (what a refusal costs: slowest answer, n8n's RSS growth), the
// same against the Webhook node with header auth (its cheapest refusal, for comparison), and ten
// concurrent gzip bombs (64 MB of zeros each, ~64 KB on the wire). All of it twice, on a fresh n8n
// each: with n8n's default expression engine ('vm': isolated-vm, which n8n starts per webhook
// request for every trigger but its own Webhook node) and with 'legacy', to show that share
// (BENCH_WEBHOOK_ENGINES=vm runs only the first). An entry may add n8n's expression-engine settings,
// each a suffix of N8N_EXPRESSION_ENGINE_: `vm:POOL_SIZE=4:COMPILE_CACHE=true`. Measures; never fails on speed.
import { Agent, request } from 'node:http';
import { gzipSync } from 'node:zlib';
import { N8nHost } from '../test/host/n8nHost';

const REQUESTS = Number(process.env.BENCH_WEBHOOK_REQUESTS ?? 400);
const CONCURRENCY = Number(process.env.BENCH_WEBHOOK_CONCURRENCY ?? 8);
const ROUNDS = Number(process.env.BENCH_WEBHOOK_ROUNDS ?? 3);
const WARMUP = 40;
const TIME_LIMIT_MS = Number(process.env.BENCH_WEBHOOK_TIME_LIMIT_MS ?? 120_000);
// n8n 2.41 evaluates expressions in isolated-vm isolates ('vm'); 'legacy' shows what that costs.
const ENGINES = (process.env.BENCH_WEBHOOK_ENGINES ?? 'vm,legacy').split(',').map((e) => e.trim()).filter(Boolean);
const DEDUPE_FILL = Number(process.env.BENCH_WEBHOOK_DEDUPE_FILL ?? 5000);
const KEY = 'bench-lead-form-key-0123456789';
const CRED = { id: 'benchWebhookSec01', name: 'Bench webhook secrets' };
const AUTH_CRED = { id: 'benchHeaderAuth01', name: 'Bench header auth' };
const AUTH_HEADER = 'x-bench-key';

const TRIGGER_HOOK = 'e0000000-0000-4000-8000-00000000b001';
const BASE_HOOK = 'e0000000-0000-4000-8000-00000000b002';
const AUTH_HOOK = 'e0000000-0000-4000-8000-00000000b003';

function wf(id: string, node: object) {
	return {
		id,
		name: id,
		active: false,
		settings: { executionOrder: 'v1' },
		connections: { In: { main: [[{ node: 'Done', type: 'main', index: 0 }]] } },
		nodes: [node, { id: `${id}-done`.padEnd(36, '0').slice(0, 36), name: 'Done', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [220, 0], parameters: {} }],
	};
}

const triggerWf = wf('benchTriggerWf001', {
	id: 'e0000000-0000-4000-8000-000000000011',
	name: 'In',
	type: 'n8n-nodes-google-connector.googleConnectorTrigger',
	typeVersion: 1,
	position: [0, 0],
	webhookId: TRIGGER_HOOK,
	parameters: { actions: ['ads-webhook'], settings: {} },
	credentials: { googleConnectorWebhookApi: CRED },
});
/** n8n's own Webhook node (v2, answering on receipt), with `extra` parameters and credentials. */
function webhookNodeWf(id: string, nodeId: string, webhookId: string, path: string, extra: { authentication?: string; credentials?: object } = {}) {
	const { credentials, ...params } = extra;
	return wf(id, {
		id: nodeId,
		name: 'In',
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		position: [0, 0],
		webhookId,
		parameters: { httpMethod: 'POST', path, responseMode: 'onReceived', options: {}, ...params },
		...(credentials ? { credentials } : {}),
	});
}
const baselineWf = webhookNodeWf('benchWebhookWf001', 'e0000000-0000-4000-8000-000000000012', BASE_HOOK, 'bench-lead');
// The Webhook node's cheapest refusal: header auth with a wrong value (403, nothing started).
const authWf = webhookNodeWf('benchWebhookAuth1', 'e0000000-0000-4000-8000-000000000013', AUTH_HOOK, 'bench-auth', { authentication: 'headerAuth', credentials: { httpHeaderAuth: AUTH_CRED } });

/**
 * A full dedupe memory of `count` earlier leads, in the record format the trigger has always been
 * able to read (hashed key → seconds, oldest first). n8n loads it with every request.
 */
function filledStaticData(count: number): object {
	const leads: Record<string, number> = {};
	for (let i = 0; i < count; i++) leads[String(i).padStart(12, '0').padEnd(22, 'A')] = 1_700_000_000 + i;
	return { 'node:In': { dedupe: { leads } } };
}

let seq = 0;
function leadBody(): string {
	seq++;
	return JSON.stringify({
		lead_id: `bench-${process.pid}-${seq}`,
		api_version: '1.0',
		form_id: 111,
		campaign_id: 222,
		adgroup_id: 333,
		creative_id: 444,
		gcl_id: 'EAIaIQobChMI-bench',
		google_key: KEY,
		is_test: false,
		user_column_data: [
			{ column_id: 'FULL_NAME', column_name: 'Full Name', string_value: 'Ada Lovelace' },
			{ column_id: 'EMAIL', column_name: 'User Email', string_value: 'ada@example.test' },
			{ column_id: 'PHONE_NUMBER', string_value: '+44 20 7946 0000' },
		],
	});
}

const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
// The hostile loads really are concurrent: one connection each, not queued on the load's 8 sockets.
const hostileAgent = new Agent({ keepAlive: false, maxSockets: Infinity });

function post(url: string, body: string | Buffer, extraHeaders: Record<string, string> = {}, via = agent): Promise<number> {
	return new Promise((resolve) => {
		const u = new URL(url);
		const req = request(
			{ agent: via, method: 'POST', hostname: u.hostname, port: u.port, path: `${u.pathname}${u.search}`, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...extraHeaders }, timeout: 30_000 },
			(res) => {
				res.resume();
				res.on('end', () => resolve(res.statusCode ?? 0));
			},
		);
		req.on('timeout', () => req.destroy());
		req.on('error', () => resolve(0));
		req.end(body);
	});
}

interface Result {
	ok: number;
	failed: number;
	seconds: number;
	latencies: number[];
}

async function load(url: string, count: number): Promise<Result> {
	const latencies: number[] = [];
	let next = 0;
	let ok = 0;
	let failed = 0;
	const t0 = process.hrtime.bigint();
	const deadline = Date.now() + TIME_LIMIT_MS;
	const worker = async () => {
		while (next < count && Date.now() < deadline) {
			next++;
			const body = leadBody();
			const s = process.hrtime.bigint();
			const status = await post(url, body);
			latencies.push(Number(process.hrtime.bigint() - s) / 1e6);
			if (status === 200) ok++;
			else failed++;
		}
	};
	await Promise.all(Array.from({ length: CONCURRENCY }, worker));
	return { ok, failed, seconds: Number(process.hrtime.bigint() - t0) / 1e9, latencies };
}

function pct(values: number[], p: number): number {
	const s = [...values].sort((a, b) => a - b);
	return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
}

async function executions(n8n: N8nHost, id: string): Promise<number> {
	const [row] = await n8n.sql('SELECT COUNT(*) AS n FROM execution_entity WHERE workflowId = ?', [id]);
	return Number(row?.n ?? 0);
}

/** Waits until the workflow has `expected` executions and none of n8n's executions is still going. */
async function settle(n8n: N8nHost, id: string, expected: number): Promise<void> {
	const until = Date.now() + 120_000;
	while (Date.now() < until) {
		const [row] = await n8n.sql("SELECT COUNT(*) AS busy FROM execution_entity WHERE status IN ('new', 'running')");
		if (Number(row?.busy ?? 0) === 0 && (await executions(n8n, id)) >= expected) return;
		await new Promise((r) => setTimeout(r, 100));
	}
}

/** `vm:POOL_SIZE=4` → { N8N_EXPRESSION_ENGINE: 'vm', N8N_EXPRESSION_ENGINE_POOL_SIZE: '4' }. */
function engineEnv(entry: string): Record<string, string> {
	const [engine, ...settings] = entry.split(':');
	const env: Record<string, string> = { N8N_EXPRESSION_ENGINE: engine };
	for (const s of settings) {
		const [key, value] = s.split('=');
		if (!key || value === undefined) throw new Error(`BENCH_WEBHOOK_ENGINES: "${s}" in "${entry}" is not KEY=VALUE`);
		env[`N8N_EXPRESSION_ENGINE_${key}`] = value;
	}
	return env;
}

/** One complete measurement on a fresh n8n whose expression engine is `entry` (see engineEnv). */
async function measure(entry: string) {
	const env = engineEnv(entry);
	const engine = Object.entries(env).map(([k, v]) => `${k}=${v}`).join(' ');
	const n8n = await N8nHost.start({ logLevel: 'warn', env });
	try {
		await n8n.setupOwner();
		await n8n.importCredential([
			{ ...CRED, type: 'googleConnectorWebhookApi', data: { leadFormKey: KEY } },
			{ ...AUTH_CRED, type: 'httpHeaderAuth', data: { name: AUTH_HEADER, value: KEY } },
		]);
		await n8n.importWorkflow([{ ...triggerWf, staticData: filledStaticData(DEDUPE_FILL) }, baselineWf, authWf]);
		await n8n.activateWorkflow(triggerWf.id);
		await n8n.activateWorkflow(baselineWf.id);
		await n8n.activateWorkflow(authWf.id);
		const ours = `${n8n.baseUrl}/webhook/${TRIGGER_HOOK}/google?action=ads-webhook`;
		const theirs = `${n8n.baseUrl}/webhook/bench-lead`;
		await load(ours, WARMUP);
		await load(theirs, WARMUP);
		// `doneSeconds` runs until the round's last execution finished: the trigger answers before n8n
		// creates the execution, the Webhook node after, so answers per second alone would flatter it.
		const totals = { ours: { ok: 0, failed: 0, seconds: 0, doneSeconds: 0, latencies: [] as number[] }, theirs: { ok: 0, failed: 0, seconds: 0, doneSeconds: 0, latencies: [] as number[] } };
		const e0 = { ours: await executions(n8n, triggerWf.id), theirs: await executions(n8n, baselineWf.id) };
		const sent = { ours: WARMUP, theirs: WARMUP };
		await settle(n8n, triggerWf.id, WARMUP);
		await settle(n8n, baselineWf.id, WARMUP);
		for (let r = 0; r < ROUNDS; r++) {
			for (const side of r % 2 === 0 ? (['ours', 'theirs'] as const) : (['theirs', 'ours'] as const)) {
				const res = await load(side === 'ours' ? ours : theirs, Math.ceil(REQUESTS / ROUNDS));
				const t = totals[side];
				t.ok += res.ok;
				t.failed += res.failed;
				t.seconds += res.seconds;
				t.latencies.push(...res.latencies);
				sent[side] += res.ok;
				const s0 = process.hrtime.bigint();
				await settle(n8n, side === 'ours' ? triggerWf.id : baselineWf.id, sent[side]);
				t.doneSeconds += res.seconds + Number(process.hrtime.bigint() - s0) / 1e9;
			}
		}
		const e1 = { ours: await executions(n8n, triggerWf.id), theirs: await executions(n8n, baselineWf.id) };
		const row = (name: string, t: typeof totals.ours, ex: number) => {
			const rps = t.ok / t.seconds;
			return { name, requests: t.ok + t.failed, failed: t.failed, executions: ex, 'answers/s': rps.toFixed(1), 'done/s': (t.ok / t.doneSeconds).toFixed(1), 'p50 ms': pct(t.latencies, 50).toFixed(1), 'p95 ms': pct(t.latencies, 95).toFixed(1), 'p99 ms': pct(t.latencies, 99).toFixed(1) };
		};
		const a = row('Google Connector Trigger (ads-webhook)', totals.ours, e1.ours - e0.ours);
		const b = row("n8n Webhook node (v2, onReceived)", totals.theirs, e1.theirs - e0.theirs);
		const [stored] = await n8n.sql('SELECT length(staticData) AS bytes FROM workflow_entity WHERE id = ?', [triggerWf.id]);
		console.log(`\n## ${engine}${entry === 'vm' ? ' (n8n 2.41 default)' : ''}`);
		console.log(`n8n 2.41.0, loopback, ${REQUESTS} requests per side in ${ROUNDS} alternating rounds (each waits for the last one's executions), concurrency ${CONCURRENCY}, payload ${Buffer.byteLength(leadBody())} bytes, every request starts one execution (SQLite); trigger dedupe memory prefilled with ${DEDUPE_FILL} leads (default size 5000; static data now ${stored?.bytes} bytes)`);
		console.table([a, b]);
		const ratio = totals.ours.ok / totals.ours.seconds / (totals.theirs.ok / totals.theirs.seconds);
		console.log(`throughput ratio trigger / Webhook node: ${ratio.toFixed(2)} (goal ≥ 1.2); until the executions finished: ${(totals.ours.ok / totals.ours.doneSeconds / (totals.theirs.ok / totals.theirs.doneSeconds)).toFixed(2)}`);
		const stored1 = async (id: string) => (await n8n.sql('SELECT AVG(length(d.data)) AS data, AVG(length(d.workflowData)) AS wf FROM execution_data d JOIN execution_entity e ON e.id = d.executionId WHERE e.workflowId = ?', [id]))[0] ?? {};
		const [so, st] = [await stored1(triggerWf.id), await stored1(baselineWf.id)];
		console.log(`stored per execution (bytes, average): trigger data ${Math.round(so.data)} + workflow ${Math.round(so.wf)}; Webhook node data ${Math.round(st.data)} + workflow ${Math.round(st.wf)}`);
		console.log(`p50 latency ratio trigger / Webhook node: ${(pct(totals.ours.latencies, 50) / pct(totals.theirs.latencies, 50)).toFixed(2)} (goal ≤ 1.0)`);

		// What a refusal costs: 50 concurrent leads with a wrong key.
		const hostile = async (name: string, count: number, send: () => Promise<number>) => {
			const rss0 = n8n.rssMb();
			let peak = rss0;
			const sampler = setInterval(() => (peak = Math.max(peak, n8n.rssMb())), 50);
			const t0 = Date.now();
			const times: number[] = [];
			const statuses = await Promise.all(
				Array.from({ length: count }, async () => {
					const s = Date.now();
					const status = await send();
					times.push(Date.now() - s);
					return status;
				}),
			);
			clearInterval(sampler);
			const counts: Record<string, number> = {};
			for (const st of statuses) counts[st] = (counts[st] ?? 0) + 1;
			const all = Date.now() - t0;
			return { load: name, answers: JSON.stringify(counts), 'slowest ms': Math.max(...times), 'all done ms': all, 'ms per answer': (all / count).toFixed(1), 'RSS before MB': rss0.toFixed(0), 'RSS peak MB': peak.toFixed(0), 'RSS growth MB': (peak - rss0).toFixed(0) };
		};
		const e2 = (await executions(n8n, triggerWf.id)) + (await executions(n8n, authWf.id));
		const wrongKey = () => post(ours, leadBody().replace(KEY, 'wrong-key-guess-000000'), {}, hostileAgent);
		const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x20));
		const theirsAuth = `${n8n.baseUrl}/webhook/bench-auth`;
		const rows = [
			await hostile('trigger: 50 concurrent leads, wrong key', 50, wrongKey),
			await hostile('Webhook node: 50 concurrent, wrong auth header', 50, () => post(theirsAuth, leadBody(), { [AUTH_HEADER]: 'wrong-key-guess-000000' }, hostileAgent)),
			await hostile('trigger: 50 concurrent leads, wrong key (again)', 50, wrongKey),
			await hostile('trigger: 10 concurrent gzip bombs (64 MB → 64 KB)', 10, () => post(ours, bomb, { 'content-encoding': 'gzip' }, hostileAgent)),
		];
		await new Promise((r) => setTimeout(r, 1000));
		const e3 = (await executions(n8n, triggerWf.id)) + (await executions(n8n, authWf.id));
		console.log(`refusals and hostile loads (n8n server process RSS sampled every 50 ms; executions started: ${e3 - e2})`);
		console.table(rows);
	} finally {
		await n8n.dispose();
	}
}

async function main() {
	try {
		for (const engine of ENGINES) await measure(engine);
	} finally {
		agent.destroy();
		hostileAgent.destroy();
	}
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
