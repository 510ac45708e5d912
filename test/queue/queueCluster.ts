// The queue-mode ring's harness: n8n 2.41.0 as n8n's scaling docs run it, all on this machine.
//
//   PostgreSQL (private cluster)   Redis (no persistence)
//   main      `n8n start`    owns triggers and polls (leader), REST and the editor; serves no production webhooks
//   worker ×2 `n8n worker`   runs every execution from the Bull queue (concurrency 10 each)
//   webhook ×2 `n8n webhook` serves /webhook/*, runs the trigger's webhook(), enqueues the execution
//   balancer  (in this process) round-robin HTTP proxy in front of the webhook processes; WEBHOOK_URL
//
// One encryption key for all. Every process has its own user folder whose `.n8n/nodes` links to one
// folder holding the packed package, installed as Settings → Community Nodes installs it. Processes
// are stopped by pid (SIGTERM, then SIGKILL) in `dispose()`, and by the reaper if this process dies.
//
//   const cluster = await QueueCluster.start({ env: sandbox.server.childEnv() });
//   await cluster.setupOwner(); await cluster.importCredential([...]); await cluster.importWorkflow([...]);
//   await cluster.activateWorkflow(id);
//   cluster.workers[0].kill('SIGKILL'); await cluster.workers[0].start(); await cluster.main.restart();
//   await cluster.sql('SELECT …');   cluster.ranOn(executionId) → 'worker-1'
import { chmodSync, mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, type HostPaths, type PackageInfo } from '../host/n8nHost';
import { Reaper } from './reaper';
import { startPostgres, startRedis, type Postgres, type Redis } from './services';
import { N8nProcess, type Role } from './n8nProcess';
import { N8nRest } from './n8nRest';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const hostLib: { ensureHost(): Promise<HostPaths>; n8nEnv(h: HostPaths, folder: string, extra?: Record<string, string>): Record<string, string> } = require('../../scripts/n8n-host');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const packLib: { ensurePackage(o?: { build?: boolean }): Promise<PackageInfo>; installIntoUserFolder(p: PackageInfo, f: string): string } = require('../../scripts/package-tarball');

export interface QueueClusterOptions {
	/** Extra env for every n8n process and CLI command (the sandbox's childEnv()). */
	env?: Record<string, string>;
	workers?: number;
	webhooks?: number;
	/** Worker concurrency (n8n's default 10). */
	concurrency?: number;
	/** Run n8n in regular mode instead: one `n8n start` on the same PostgreSQL, no Redis (benchmarks). */
	regular?: boolean;
	withoutPackage?: boolean;
}

export class QueueCluster {
	readonly timings: { what: string; ms: number }[] = [];
	readonly encryptionKey = randomBytes(24).toString('hex');
	main!: N8nProcess;
	readonly workers: N8nProcess[] = [];
	readonly webhooks: N8nProcess[] = [];
	redis?: Redis;
	/** Which webhook process served each request through the balancer, in order. */
	readonly balanced: string[] = [];
	balancerPort = 0;
	rest!: N8nRest;
	/** Extra env of the main only, read at each (re)start (e.g. n8n's scheduler and durable poll cursors). */
	mainEnv: Record<string, string> = {};
	private balancer?: Server;
	private next = 0;

	private constructor(
		readonly host: HostPaths,
		readonly root: string,
		readonly reaper: Reaper,
		readonly pg: Postgres,
		readonly opts: QueueClusterOptions,
	) {}

	static async start(opts: QueueClusterOptions = {}): Promise<QueueCluster> {
		const t0 = Date.now();
		const [host, pkg] = await Promise.all([hostLib.ensureHost(), opts.withoutPackage ? undefined : packLib.ensurePackage()]);
		const root = mkdtempSync(join(tmpdir(), 'n8n-queue-'));
		// PostgreSQL runs as another user when this runs as root: it must reach its folder inside.
		chmodSync(root, 0o755);
		const reaper = new Reaper(root);
		const shared = join(root, 'shared');
		if (pkg) packLib.installIntoUserFolder(pkg, shared);
		const tServices = Date.now();
		const [pgStarted, redisStarted] = await Promise.allSettled([startPostgres(join(root, 'pg'), reaper), opts.regular ? undefined : startRedis(join(root, 'redis'), reaper)]);
		if (pgStarted.status === 'rejected' || redisStarted.status === 'rejected') {
			await Promise.all([pgStarted.status === 'fulfilled' && pgStarted.value.stop(), redisStarted.status === 'fulfilled' && redisStarted.value?.stop()]);
			reaper.done();
			rmSync(root, { recursive: true, force: true });
			throw pgStarted.status === 'rejected' ? pgStarted.reason : (redisStarted as PromiseRejectedResult).reason;
		}
		const [pg, redis] = [pgStarted.value, redisStarted.value];
		const cluster = new QueueCluster(host, root, reaper, pg, opts);
		cluster.redis = redis;
		cluster.timings.push({ what: 'PostgreSQL + Redis ready', ms: Date.now() - tServices });
		try {
			await cluster.startBalancer();
			const folder = (name: string) => {
				const dir = join(root, name);
				mkdirSync(join(dir, '.n8n'), { recursive: true });
				if (pkg) symlinkSync(join(shared, '.n8n', 'nodes'), join(dir, '.n8n', 'nodes'));
				return dir;
			};
			const make = (role: Role, name: string) => new N8nProcess(role, name, folder(name), host, (extra) => cluster.env(role, name, extra), reaper, opts.concurrency);
			cluster.main = make('main', 'main');
			cluster.rest = new N8nRest(cluster.main, (extra) => cluster.env('cli', 'main', extra));
			// The main runs the database migrations; the others start once it is ready.
			await cluster.main.start();
			cluster.timings.push({ what: 'main start → ready (incl. migrations on an empty database)', ms: cluster.main.readyMs });
			if (!opts.regular) {
				for (let i = 1; i <= (opts.workers ?? 2); i++) cluster.workers.push(make('worker', `worker-${i}`));
				for (let i = 1; i <= (opts.webhooks ?? 2); i++) cluster.webhooks.push(make('webhook', `webhook-${i}`));
				const t1 = Date.now();
				await Promise.all([...cluster.workers, ...cluster.webhooks].map((p) => p.start()));
				cluster.timings.push({ what: `${cluster.workers.length} workers + ${cluster.webhooks.length} webhook processes start → ready (in parallel)`, ms: Date.now() - t1 });
			}
			cluster.timings.push({ what: 'cluster start total (host and package cached)', ms: Date.now() - t0 });
			return cluster;
		} catch (error) {
			await cluster.dispose();
			throw error;
		}
	}

	get processes(): N8nProcess[] {
		return [this.main, ...this.workers, ...this.webhooks].filter(Boolean);
	}

	/** Public base URL of production webhooks (the balancer; in regular mode the main itself). */
	get webhookBase(): string {
		return this.opts.regular ? this.main.baseUrl : `http://localhost:${this.balancerPort}`;
	}

	env(role: Role | 'cli', name: string, extra: Record<string, string> = {}): Record<string, string> {
		const folder = join(this.root, role === 'cli' ? 'main' : name);
		const queue: Record<string, string> = this.opts.regular
			? { EXECUTIONS_MODE: 'regular' }
			: {
					EXECUTIONS_MODE: 'queue',
					QUEUE_BULL_REDIS_HOST: '127.0.0.1',
					QUEUE_BULL_REDIS_PORT: String(this.redis!.port),
					// A killed worker's job is seen as stalled within seconds (defaults: 60 s lock, 30 s check);
					// n8n sets maxStalledCount 0, so a stalled job fails instead of running again.
					QUEUE_WORKER_LOCK_DURATION: '10000',
					QUEUE_WORKER_LOCK_RENEW_TIME: '2000',
					QUEUE_WORKER_STALLED_INTERVAL: '5000',
					// The leader marks executions without a queue job as crashed (default every 180 min).
					N8N_EXECUTIONS_QUEUE_RECOVERY_INTERVAL: '0.25',
					N8N_DISABLE_PRODUCTION_MAIN_PROCESS: 'true',
				};
		const env = hostLib.n8nEnv(this.host, folder, {
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: '127.0.0.1',
			DB_POSTGRESDB_PORT: String(this.pg.port),
			DB_POSTGRESDB_DATABASE: this.pg.database,
			DB_POSTGRESDB_USER: this.pg.user,
			DB_POSTGRESDB_PASSWORD: '',
			...queue,
			N8N_ENCRYPTION_KEY: this.encryptionKey,
			N8N_HOST: 'localhost',
			N8N_PROTOCOL: 'http',
			N8N_LISTEN_ADDRESS: '127.0.0.1',
			WEBHOOK_URL: `${this.webhookBase}/`,
			N8N_EDITOR_BASE_URL: this.main ? `${this.main.baseUrl}/` : '',
			// The main at debug: its log says when it polls ("Poll trigger initiated"), the proof that polls run there.
			N8N_LOG_LEVEL: process.env.N8N_HOST_LOG_LEVEL ?? (role === 'main' ? 'debug' : 'info'),
			N8N_LOG_OUTPUT: 'console',
			N8N_WORKFLOW_PUBLICATION_RECONCILE_INTERVAL_SECONDS: '1',
			N8N_WORKFLOW_PUBLICATION_OUTBOX_POLL_INTERVAL_MS: '500',
			N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
			N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '10',
			NODE_ENV: 'production',
			...(this.opts.env ?? {}),
			...(role === 'main' ? this.mainEnv : {}),
			...extra,
		});
		for (const k of Object.keys(env)) if (k.startsWith('JEST_') || k === 'TS_JEST_LOG') delete env[k];
		return env;
	}

	// ---------------------------------------------------------------- balancer

	private async startBalancer(): Promise<void> {
		if (this.opts.regular) return;
		this.balancerPort = await freePort();
		this.balancer = createServer((req, res) => {
			const target = this.webhooks[this.next++ % this.webhooks.length];
			this.balanced.push(target.name);
			const upstream = httpRequest(
				{ host: '127.0.0.1', port: target.port, method: req.method, path: req.url, headers: req.headers },
				(up) => {
					res.writeHead(up.statusCode ?? 502, up.headers);
					up.pipe(res);
				},
			);
			upstream.on('error', () => {
				if (!res.headersSent) res.writeHead(502);
				res.end();
			});
			req.pipe(upstream);
		});
		await new Promise<void>((r) => this.balancer!.listen(this.balancerPort, '127.0.0.1', () => r()));
	}

	// ---------------------------------------------------------------- database and logs

	/** A query on n8n's PostgreSQL database (n8n's columns are camelCase: quote them, "workflowId"). */
	sql<T = any>(query: string): Promise<T[]> {
		return this.pg.query<T>(query);
	}

	/** The process whose log says it ran this execution ("Worker started execution N"), or undefined. */
	ranOn(executionId: number | string): string | undefined {
		const re = new RegExp(`Worker started execution ${executionId} \\(job`);
		return this.processes.find((p) => p.logs.some((l) => re.test(l)))?.name;
	}

	logText(): string {
		return [...this.processes.flatMap((p) => p.logs.map((l) => `${p.name} ${l}`)), ...this.rest.cliLogs].join('\n');
	}

	// ---------------------------------------------------------------- REST and CLI (through the main)

	setupOwner = () => this.rest.setupOwner();
	importCredential = (json: object | object[]) => this.rest.importFile('import:credentials', json);
	importWorkflow = (json: object | object[]) => this.rest.importFile('import:workflow', json);
	credentialData = (id: string) => this.rest.credentialData(id);

	async activateWorkflow(id: string, timeoutMs = 90_000): Promise<void> {
		const after = await this.lastOutboxId();
		const wf = await this.rest.call<any>('GET', `/workflows/${id}`);
		await this.rest.call('POST', `/workflows/${id}/activate`, { versionId: wf.versionId });
		await this.waitForPublication(id, after, timeoutMs);
	}

	async deactivateWorkflow(id: string, timeoutMs = 60_000): Promise<void> {
		const after = await this.lastOutboxId();
		await this.rest.call('POST', `/workflows/${id}/deactivate`, {});
		await this.waitForPublication(id, after, timeoutMs);
	}

	async lastOutboxId(): Promise<number> {
		const [row] = await this.sql<{ id: number | null }>('SELECT MAX(id) AS id FROM workflow_publication_outbox');
		return Number(row?.id ?? 0);
	}

	async waitForPublication(id: string, afterId: number, timeoutMs = 90_000): Promise<void> {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const [row] = await this.sql<{ status: string; errorMessage: string | null }>(
				`SELECT status, "errorMessage" FROM workflow_publication_outbox WHERE "workflowId" = '${id}' AND id > ${afterId} ORDER BY id DESC LIMIT 1`,
			);
			if (row?.status === 'failed' || row?.status === 'partial_success') throw new Error(`publication of workflow ${id}: ${row.status} ${row.errorMessage ?? ''}`);
			if (row?.status === 'completed') return;
			if (Date.now() > deadline) throw new Error(`publication of ${id} not done after ${timeoutMs} ms (${row?.status ?? 'no record'})`);
			await new Promise((r) => setTimeout(r, 250));
		}
	}

	/** After a main (re)start: waits until the outbox is empty for a few rounds (pollers re-registered). */
	async settlePublications(timeoutMs = 60_000): Promise<void> {
		const deadline = Date.now() + timeoutMs;
		const minUntil = Date.now() + 2_500;
		let idle = 0;
		while (idle < 2 || Date.now() < minUntil) {
			const [row] = await this.sql<{ n: number }>("SELECT COUNT(*) AS n FROM workflow_publication_outbox WHERE status IN ('pending', 'in_progress')");
			idle = Number(row?.n ?? 0) === 0 ? idle + 1 : 0;
			if (Date.now() > deadline) throw new Error(`publications still pending after ${timeoutMs} ms`);
			await new Promise((r) => setTimeout(r, 500));
		}
	}

	/** Restarts the main (same folder, port and key) and logs in again; `kill`: SIGKILL instead of n8n's shutdown. */
	async restartMain(opts: { kill?: boolean } = {}): Promise<void> {
		await (opts.kill ? this.main.kill() : this.main.stop());
		await this.main.start();
		this.rest.cookie = undefined;
		await this.rest.login();
		await this.settlePublications();
	}

	/** Stops every process by its pid, then the services; removes the temp folder. */
	async dispose(): Promise<void> {
		await Promise.all([...this.webhooks, ...this.workers].map((p) => p.stop()));
		await this.main?.stop();
		await new Promise<void>((r) => (this.balancer ? this.balancer.close(() => r()) : r()));
		await Promise.all([this.redis?.stop(), this.pg.stop()]);
		this.reaper.done();
		// QUEUE_LOGS_DIR: each process's log kept there (the temp folder is removed).
		const logsDir = process.env.QUEUE_LOGS_DIR;
		if (logsDir) {
			mkdirSync(logsDir, { recursive: true });
			for (const p of this.processes) writeFileSync(join(logsDir, `${p.name}.log`), p.logs.join('\n'));
		}
		if (process.env.N8N_HOST_KEEP !== '1') rmSync(this.root, { recursive: true, force: true });
		else writeFileSync(join(this.root, 'KEPT'), '');
	}
}
