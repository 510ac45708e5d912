// Ring 3 harness: a real n8n 2.41.0 process on Node 24, with this package packed and installed the
// way Settings → Community Nodes installs it, embedded SQLite in a temp user folder, a free port.
// The Google sandbox runs in the jest process; pass `sandbox.server.childEnv()` as `env` so n8n (and
// every n8n CLI process the helpers spawn) reaches the sandbox at Google's real host names.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { request as httpRequest } from 'node:http';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox, type Sandbox } from '../sandbox';

export interface HostPaths {
	dir: string;
	node: string;
	nodeBinDir: string;
	n8nBin: string;
	n8nDir: string;
	version: string;
}
export interface PackageInfo {
	hash: string;
	tarball: string;
	nodesDir: string;
	files: string[];
	size: number;
}
interface HostLib {
	ensureHost(): Promise<HostPaths>;
	n8nEnv(host: HostPaths, userFolder: string, extra?: Record<string, string>): Record<string, string>;
}
interface PackLib {
	ensurePackage(opts?: { build?: boolean }): Promise<PackageInfo>;
	installIntoUserFolder(pkg: PackageInfo, userFolder: string): string;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const hostLib: HostLib = require('../../scripts/n8n-host');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const packLib: PackLib = require('../../scripts/package-tarball');

/** A cold host install (≈7 min here, more under load) fits in this; use it as the beforeAll timeout. */
export const HOST_SETUP_TIMEOUT = 25 * 60_000;

export const OWNER = { email: 'owner@acme-crm.test', firstName: 'Olive', lastName: 'Owner', password: 'Sandbox-Owner-Pass-1' };

export async function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const srv = createServer();
		srv.unref();
		srv.on('error', reject);
		srv.listen(0, '127.0.0.1', () => {
			const { port } = srv.address() as AddressInfo;
			srv.close(() => resolve(port));
		});
	});
}

export interface HttpResult {
	status: number;
	headers: Record<string, string | string[] | undefined>;
	text: string;
	json<T = any>(): T;
}

/** Plain HTTP/1.1 request to a URL (the n8n host is http on localhost). No redirects followed. */
export function http(
	method: string,
	url: string,
	opts: { body?: unknown; headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<HttpResult> {
	return new Promise((resolve, reject) => {
		const u = new URL(url);
		const headers: Record<string, string> = { ...(opts.headers ?? {}) };
		let payload: Buffer | undefined;
		if (opts.body !== undefined) {
			if (Buffer.isBuffer(opts.body)) payload = opts.body;
			else if (typeof opts.body === 'string') payload = Buffer.from(opts.body);
			else {
				payload = Buffer.from(JSON.stringify(opts.body));
				if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
			}
			headers['content-length'] = String(payload.length);
		}
		const req = httpRequest(
			{ method, hostname: u.hostname, port: u.port, path: `${u.pathname}${u.search}`, headers, timeout: opts.timeoutMs ?? 60_000 },
			(res) => {
				const chunks: Buffer[] = [];
				res.on('data', (c: Buffer) => chunks.push(c));
				res.on('end', () => {
					const text = Buffer.concat(chunks).toString('utf8');
					resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) });
				});
				res.on('error', reject);
			},
		);
		req.on('timeout', () => req.destroy(new Error(`timeout: ${method} ${url}`)));
		req.on('error', reject);
		if (payload) req.write(payload);
		req.end();
	});
}

export interface CliResult {
	code: number | null;
	stdout: string;
	stderr: string;
}

export interface ExecuteResult extends CliResult {
	/** The run data n8n printed (`{ data: { resultData: { runData, lastNodeExecuted, error? } } }`), if any. */
	output?: any;
	/** Items of the last node's first output, as plain json objects. */
	items: any[];
	/** runData of a node by name: items (json) of its first output, first run. */
	nodeItems(name: string): any[];
	error?: any;
}

export interface N8nHostOptions {
	/** Extra env for n8n and its CLI processes (e.g. the sandbox's childEnv()). */
	env?: Record<string, string>;
	/** Existing user folder (restart on the same data); default a new temp folder. */
	userFolder?: string;
	/** Skip installing the package (baseline n8n, e.g. for benchmarks). */
	withoutPackage?: boolean;
	/** Build before packing (default true; false packs whatever dist holds). */
	build?: boolean;
	readinessTimeoutMs?: number;
	logLevel?: 'error' | 'warn' | 'info' | 'debug';
}

export class N8nHost {
	readonly logs: string[] = [];
	port = 0;
	brokerPort = 0;
	cookie?: string;
	/** Measured: spawn → /healthz/readiness 200, for the last start. */
	readyMs = 0;
	/** Measured durations: every start and CLI command. */
	readonly timings: { what: string; ms: number }[] = [];
	private child?: ChildProcess;
	private exited?: Promise<void>;
	private readonly browserId = randomBytes(8).toString('hex');
	private readonly encryptionKey = randomBytes(24).toString('hex');
	private ownerCreated = false;

	private constructor(
		readonly host: HostPaths,
		readonly userFolder: string,
		readonly opts: N8nHostOptions,
		readonly pkg?: PackageInfo,
	) {}

	/** Installs the host if needed (cached), packs the package (cached per content hash), starts n8n. */
	static async start(opts: N8nHostOptions = {}): Promise<N8nHost> {
		const host = await hostLib.ensureHost();
		const pkg = opts.withoutPackage ? undefined : await packLib.ensurePackage({ build: opts.build ?? true });
		const userFolder = opts.userFolder ?? mkdtempSync(join(tmpdir(), 'n8n-host-'));
		if (pkg && !opts.userFolder) packLib.installIntoUserFolder(pkg, userFolder);
		const n8n = new N8nHost(host, userFolder, opts, pkg);
		await n8n.launch();
		return n8n;
	}

	get baseUrl(): string {
		return `http://localhost:${this.port}`;
	}

	/** Environment for the server and for CLI commands on the same folder. */
	env(extra: Record<string, string> = {}): Record<string, string> {
		const env = hostLib.n8nEnv(this.host, this.userFolder, {
			N8N_PORT: String(this.port),
			N8N_LISTEN_ADDRESS: '127.0.0.1',
			N8N_HOST: 'localhost',
			N8N_PROTOCOL: 'http',
			WEBHOOK_URL: `http://localhost:${this.port}/`,
			N8N_EDITOR_BASE_URL: `http://localhost:${this.port}/`,
			N8N_ENCRYPTION_KEY: this.encryptionKey,
			N8N_RUNNERS_BROKER_PORT: String(this.brokerPort),
			N8N_LOG_LEVEL: this.opts.logLevel ?? (process.env.N8N_HOST_LOG_LEVEL as string) ?? 'info',
			N8N_LOG_OUTPUT: 'console',
			// Apply publications quickly (defaults: reconcile every 10 s, outbox poll every 15 s).
			N8N_WORKFLOW_PUBLICATION_RECONCILE_INTERVAL_SECONDS: '1',
			N8N_WORKFLOW_PUBLICATION_OUTBOX_POLL_INTERVAL_MS: '500',
			N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
			NODE_ENV: 'production',
			...(this.opts.env ?? {}),
			...extra,
		});
		// Jest's own variables must not leak into n8n.
		for (const k of Object.keys(env)) if (k.startsWith('JEST_') || k === 'TS_JEST_LOG') delete env[k];
		return env;
	}

	private async launch(): Promise<void> {
		if (!this.port) this.port = await freePort();
		if (!this.brokerPort) this.brokerPort = await freePort();
		const t0 = Date.now();
		const child = spawn(this.host.node, [this.host.n8nBin, 'start'], {
			cwd: this.userFolder,
			env: this.env(),
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		this.child = child;
		const collect = (stream: string) => (chunk: Buffer) => {
			for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) this.logs.push(`[${stream}] ${line}`);
			if (process.env.N8N_HOST_ECHO) process.stderr.write(chunk);
		};
		child.stdout!.on('data', collect('out'));
		child.stderr!.on('data', collect('err'));
		this.exited = new Promise((resolve) => child.once('exit', (code, signal) => {
			this.logs.push(`[host] n8n exited code=${code} signal=${signal}`);
			resolve();
		}));
		const deadline = Date.now() + (this.opts.readinessTimeoutMs ?? 180_000);
		let exitedEarly = false;
		void this.exited.then(() => (exitedEarly = true));
		for (;;) {
			if (exitedEarly) throw new Error(`n8n exited before it was ready:\n${this.logs.slice(-40).join('\n')}`);
			try {
				const r = await http('GET', `${this.baseUrl}/healthz/readiness`, { timeoutMs: 2000 });
				if (r.status === 200) break;
			} catch {}
			if (Date.now() > deadline) {
				await this.stop();
				throw new Error(`n8n not ready within the timeout:\n${this.logs.slice(-40).join('\n')}`);
			}
			await new Promise((r) => setTimeout(r, 250));
		}
		this.readyMs = Date.now() - t0;
		this.timings.push({ what: 'n8n start → ready', ms: this.readyMs });
	}

	async stop(): Promise<void> {
		const child = this.child;
		if (!child || child.exitCode !== null || child.signalCode !== null) return;
		child.kill('SIGTERM');
		const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
		await this.exited;
		clearTimeout(timer);
		this.child = undefined;
	}

	/** The n8n server process and every process below it (task runners), as pids; [] when not running. */
	processTree(): number[] {
		const root = this.child?.pid;
		if (!root || this.child!.exitCode !== null || this.child!.signalCode !== null) return [];
		const parents = new Map<number, number[]>();
		for (const entry of readdirSync('/proc')) {
			if (!/^\d+$/.test(entry)) continue;
			try {
				// /proc/<pid>/stat: "pid (comm) state ppid …"; comm may hold spaces and parentheses.
				const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
				const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
				parents.set(ppid, [...(parents.get(ppid) ?? []), Number(entry)]);
			} catch {}
		}
		const out = [root];
		for (let i = 0; i < out.length; i++) out.push(...(parents.get(out[i]) ?? []));
		return out;
	}

	/**
	 * SIGKILLs n8n and the given processes at once (a power cut: nothing is flushed). Synchronous, so it
	 * can be called the instant something happens; take `tree` beforehand (processTree), as the children
	 * are re-parented once n8n is gone. `crashed()` resolves when n8n has exited; `restart()` starts it again.
	 */
	killNow(tree: number[]): void {
		for (const pid of tree) {
			try {
				process.kill(pid, 'SIGKILL');
			} catch {}
		}
	}

	async crashed(): Promise<void> {
		await this.exited;
		this.child = undefined;
	}

	/** Stops n8n and starts it again on the same user folder and port (same database, same key). */
	async restart(): Promise<void> {
		await this.stop();
		this.cookie = undefined;
		await this.launch();
		if (this.ownerCreated) await this.login();
		await this.settlePublications();
	}

	/** Stops n8n and deletes its temp user folder (unless the folder was given). */
	async dispose(): Promise<void> {
		await this.stop();
		if (!this.opts.userFolder && process.env.N8N_HOST_KEEP !== '1') rmSync(this.userFolder, { recursive: true, force: true });
	}

	/** Resident memory of the n8n server process in MB (Linux /proc), or NaN when unknown. */
	rssMb(): number {
		const pid = this.child?.pid;
		if (!pid) return NaN;
		try {
			const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
			return kb ? Number(kb) / 1024 : NaN;
		} catch {
			return NaN;
		}
	}

	get running(): boolean {
		return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
	}

	/** All log lines (stdout and stderr of the server, and of CLI commands run through `cli`). */
	logText(): string {
		return this.logs.join('\n');
	}

	// ---------------------------------------------------------------- CLI

	/** Runs `n8n <args>` on the same user folder / database as the server (works while it runs). */
	async cli(args: string[], opts: { env?: Record<string, string>; timeoutMs?: number } = {}): Promise<CliResult> {
		// A CLI process (execute starts its own task broker) must not bind the server's broker port.
		const brokerPort = String(await freePort());
		const t0 = Date.now();
		return new Promise((resolve, reject) => {
			const child = spawn(this.host.node, [this.host.n8nBin, ...args], {
				cwd: this.userFolder,
				env: this.env({ N8N_RUNNERS_BROKER_PORT: brokerPort, ...(opts.env ?? {}) }),
				stdio: ['ignore', 'pipe', 'pipe'],
			});
			let stdout = '';
			let stderr = '';
			child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
			child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
			const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 300_000);
			child.on('error', reject);
			child.on('exit', (code) => {
				clearTimeout(timer);
				for (const line of `${stdout}\n${stderr}`.split('\n')) if (line.trim()) this.logs.push(`[cli ${args[0]}] ${line}`);
				this.timings.push({ what: `n8n ${args[0]}`, ms: Date.now() - t0 });
				resolve({ code, stdout, stderr });
			});
		});
	}

	private async importFile(command: string, json: unknown): Promise<CliResult> {
		const dir = join(this.userFolder, 'imports');
		mkdirSync(dir, { recursive: true });
		const file = join(dir, `${command.replace(':', '-')}-${Date.now()}-${randomBytes(3).toString('hex')}.json`);
		writeFileSync(file, JSON.stringify(json));
		const res = await this.cli([command, `--input=${file}`]);
		rmSync(file, { force: true });
		if (res.code !== 0) throw new Error(`n8n ${command} failed (${res.code}):\n${res.stdout}\n${res.stderr}`);
		return res;
	}

	/** `n8n import:credentials`: one credential or an array; plain `data` is encrypted on import. Give each an `id`. */
	importCredential(json: object | object[]): Promise<CliResult> {
		return this.importFile('import:credentials', json);
	}

	/** `n8n import:workflow`: one workflow or an array. Give each an `id`. */
	importWorkflow(json: object | object[]): Promise<CliResult> {
		return this.importFile('import:workflow', json);
	}

	/**
	 * `n8n publish:workflow --id`: marks the current version published in the database. n8n prints
	 * that a running instance will not notice, but 2.41's publication reconciler (every second here,
	 * see `env`) does pick it up; with `wait` (default when running) this waits for the triggers.
	 */
	async publishWorkflow(id: string, opts: { wait?: boolean } = {}): Promise<CliResult> {
		const wait = opts.wait ?? this.running;
		const after = wait ? await this.lastOutboxId() : 0;
		const res = await this.cli(['publish:workflow', `--id=${id}`]);
		if (res.code !== 0) throw new Error(`n8n publish:workflow failed (${res.code}):\n${res.stdout}\n${res.stderr}`);
		if (wait) await this.waitForPublication([id], after);
		return res;
	}

	/** `n8n execute --id --rawOutput`: runs the workflow in a CLI process and parses its run data. */
	async executeWorkflow(id: string): Promise<ExecuteResult> {
		const res = await this.cli(['execute', `--id=${id}`, '--rawOutput']);
		const output = parseExecuteOutput(res.stdout);
		const runData = output?.data?.resultData?.runData ?? {};
		const itemsOf = (name: string): any[] => {
			const run = runData[name]?.[0];
			return (run?.data?.main?.[0] ?? []).map((i: any) => i.json);
		};
		const last = output?.data?.resultData?.lastNodeExecuted;
		return {
			...res,
			output,
			items: last ? itemsOf(last) : [],
			nodeItems: itemsOf,
			error: output?.data?.resultData?.error,
		};
	}

	/** Decrypted credential data as stored (`n8n export:credentials --decrypted`). */
	async credentialData(id: string): Promise<Record<string, any>> {
		const file = join(this.userFolder, 'imports', `export-${id}-${Date.now()}.json`);
		mkdirSync(join(this.userFolder, 'imports'), { recursive: true });
		const res = await this.cli(['export:credentials', `--id=${id}`, '--decrypted', `--output=${file}`]);
		if (res.code !== 0) throw new Error(`n8n export:credentials failed (${res.code}):\n${res.stdout}\n${res.stderr}`);
		const parsed = JSON.parse(readFileSync(file, 'utf8'));
		rmSync(file, { force: true });
		const cred = Array.isArray(parsed) ? parsed[0] : parsed;
		return cred?.data ?? {};
	}

	/**
	 * Activates (publishes) a workflow in the running n8n through REST, and waits until n8n has really
	 * registered its triggers. n8n 2.41 answers the REST call first and applies the publication from
	 * an outbox table (workflow_publication_outbox) moments later; a webhook 404s until then.
	 */
	async activateWorkflow(id: string, timeoutMs = 60_000): Promise<any> {
		const after = await this.lastOutboxId();
		const wf = await this.rest<any>('GET', `/workflows/${id}`);
		const res = await this.rest('POST', `/workflows/${id}/activate`, { versionId: wf.versionId });
		await this.waitForPublication([id], after, timeoutMs);
		return res;
	}

	async deactivateWorkflow(id: string, timeoutMs = 60_000): Promise<any> {
		const after = await this.lastOutboxId();
		const res = await this.rest('POST', `/workflows/${id}/deactivate`, {});
		await this.waitForPublication([id], after, timeoutMs);
		return res;
	}

	/**
	 * After a start: n8n is ready before its publication reconciler has re-registered the in-memory
	 * triggers (pollers, push subscriptions) of published workflows; webhooks work at once (they live
	 * in the database). Waits for a few reconcile rounds (1 s each here) and an empty outbox queue.
	 */
	async settlePublications(timeoutMs = 60_000): Promise<void> {
		const deadline = Date.now() + timeoutMs;
		const minUntil = Date.now() + 2_500;
		let idleRounds = 0;
		while (idleRounds < 2 || Date.now() < minUntil) {
			const [row] = await this.sql(
				"SELECT COUNT(*) AS n FROM workflow_publication_outbox WHERE status IN ('pending', 'in_progress')",
			);
			idleRounds = Number(row?.n ?? 0) === 0 ? idleRounds + 1 : 0;
			if (Date.now() > deadline) throw new Error(`publications still pending after ${timeoutMs} ms`);
			await new Promise((r) => setTimeout(r, 500));
		}
	}

	/** Highest publication outbox record id so far (0 if none): pass it to `waitForPublication`. */
	async lastOutboxId(): Promise<number> {
		const rows = await this.sql('SELECT MAX(id) AS id FROM workflow_publication_outbox');
		return Number(rows[0]?.id ?? 0);
	}

	/**
	 * Waits until, for each workflow, a publication outbox record newer than `afterId` has finished
	 * (n8n's consumer registered or removed its triggers). Throws if one failed.
	 */
	async waitForPublication(ids: string[], afterId: number, timeoutMs = 60_000): Promise<void> {
		const deadline = Date.now() + timeoutMs;
		for (const id of ids) {
			for (;;) {
				const rows = await this.sql(
					'SELECT status, errorMessage FROM workflow_publication_outbox WHERE workflowId = ? AND id > ? ORDER BY id DESC LIMIT 1',
					[id, afterId],
				);
				const row = rows[0];
				if (row?.status === 'failed') throw new Error(`publication of workflow ${id} failed: ${row.errorMessage ?? ''}`);
				if (row?.status === 'completed') break;
				if (Date.now() > deadline) throw new Error(`publication of workflow ${id} not done after ${timeoutMs} ms (${row?.status ?? 'no record'})`);
				await new Promise((r) => setTimeout(r, 250));
			}
		}
	}

	/** Resolves with the first log line (from `since`, default all) matching the pattern. */
	async waitForLog(pattern: RegExp, timeoutMs = 30_000, since = 0): Promise<string> {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const hit = this.logs.slice(since).find((l) => pattern.test(l));
			if (hit) return hit;
			if (Date.now() > deadline) throw new Error(`no log line matching ${pattern} within ${timeoutMs} ms`);
			await new Promise((r) => setTimeout(r, 100));
		}
	}

	/** Runs a read query on n8n's SQLite database (with Node 24 and n8n's own sqlite3), concurrently with n8n. */
	/** The executions of one workflow, oldest first, from n8n's database. */
	async executionsOf(workflowId: string): Promise<Array<{ id: number; status: string }>> {
		return (await this.sql('SELECT id, status FROM execution_entity WHERE workflowId = ? ORDER BY id', [workflowId])) as Array<{ id: number; status: string }>;
	}

	sql(query: string, params: unknown[] = []): Promise<any[]> {
		return this.sqliteScript(`
const db = new sqlite3.Database(process.argv[1], sqlite3.OPEN_READONLY, (e) => { if (e) { console.error(e.message); process.exit(2); } });
db.configure('busyTimeout', 5000);
db.all(process.argv[2], JSON.parse(process.argv[3]), (e, rows) => {
	if (e) { console.error(e.message); process.exit(3); }
	process.stdout.write(JSON.stringify(rows));
	db.close();
});`, [query, JSON.stringify(params)]);
	}

	/**
	 * Holds a write transaction on n8n's database for `ms` (as a slow disk or a long write by another
	 * process would): n8n's own writes wait or fail meanwhile. Resolves once the lock is taken; its
	 * `released` once the transaction ended.
	 */
	async holdWriteLock(ms: number): Promise<{ released: Promise<unknown> }> {
		let taken!: () => void;
		const ready = new Promise<void>((r) => (taken = r));
		const released = this.sqliteScript(`
const db = new sqlite3.Database(process.argv[1], (e) => { if (e) { console.error(e.message); process.exit(2); } });
db.configure('busyTimeout', 5000);
db.exec('BEGIN IMMEDIATE', (e) => {
	if (e) { console.error(e.message); process.exit(3); }
	process.stdout.write('[]');
	process.stderr.write('locked');
	setTimeout(() => db.exec('COMMIT', () => db.close()), Number(process.argv[2]));
});`, [String(ms)], (chunk) => chunk.includes('locked') && taken());
		await Promise.race([ready, released]);
		return { released };
	}

	private sqliteScript(body: string, args: string[], onStderr?: (chunk: string) => void): Promise<any[]> {
		const script = `const sqlite3 = require(${JSON.stringify(join(this.host.dir, 'n8n', 'node_modules', 'sqlite3'))});\n${body}`;
		return new Promise((resolve, reject) => {
			const child = spawn(this.host.node, ['-e', script, join(this.userFolder, '.n8n', 'database.sqlite'), ...args], {
				stdio: ['ignore', 'pipe', 'pipe'],
			});
			let out = '';
			let err = '';
			child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
			child.stderr.on('data', (c: Buffer) => {
				err += c.toString('utf8');
				onStderr?.(err);
			});
			child.on('error', reject);
			child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out || '[]')) : reject(new Error(`sql failed (${code}): ${err}`))));
		});
	}

	// ---------------------------------------------------------------- HTTP / REST

	/** Any HTTP call on this n8n (path starting with /). Sends the session cookie once logged in. */
	async request(method: string, path: string, opts: { body?: unknown; headers?: Record<string, string> } = {}): Promise<HttpResult> {
		const headers: Record<string, string> = { 'browser-id': this.browserId, ...(opts.headers ?? {}) };
		if (this.cookie) headers.cookie = this.cookie;
		try {
			return await http(method, `${this.baseUrl}${path}`, { body: opts.body, headers });
		} catch (error) {
			throw this.explain(error as Error);
		}
	}

	/** Adds n8n's state and last log lines to a connection error (n8n may have exited). */
	private explain(error: Error): Error {
		if (this.running) return error;
		const tail = this.logs.filter((l) => !/^\[(out|err)\]\s+at /.test(l)).slice(-40).join('\n');
		error.message = `${error.message}\nn8n is not running:\n${tail}`;
		return error;
	}

	/** A production webhook: `/webhook/<path>`. */
	webhook(path: string, opts: { method?: string; body?: unknown; headers?: Record<string, string>; query?: Record<string, string> } = {}) {
		const q = opts.query ? `?${new URLSearchParams(opts.query)}` : '';
		return http(opts.method ?? 'POST', `${this.baseUrl}/webhook/${path.replace(/^\//, '')}${q}`, { body: opts.body, headers: opts.headers }).catch(
			(e: Error) => Promise.reject(this.explain(e)),
		);
	}

	/** REST call (`/rest/...`) with the owner's session; returns the `data` field; throws on non-2xx. */
	async rest<T = any>(method: string, path: string, body?: unknown): Promise<T> {
		const res = await this.request(method, `/rest${path}`, { body });
		if (res.status < 200 || res.status >= 300) throw new Error(`${method} /rest${path} → ${res.status}: ${res.text.slice(0, 500)}`);
		const parsed = res.text ? res.json() : {};
		return (parsed && typeof parsed === 'object' && 'data' in parsed ? parsed.data : parsed) as T;
	}

	private takeCookie(res: HttpResult) {
		const set = res.headers['set-cookie'];
		const list = Array.isArray(set) ? set : set ? [set] : [];
		const auth = list.map((c) => c.split(';')[0]).find((c) => c.startsWith('n8n-auth='));
		if (auth) this.cookie = auth;
	}

	/** Creates the owner (first run) and logs in; the session cookie is kept for `rest`/`request`. */
	async setupOwner(): Promise<void> {
		const res = await this.request('POST', '/rest/owner/setup', { body: OWNER });
		if (res.status >= 300 && !/already|instance owner/i.test(res.text)) {
			throw new Error(`owner setup → ${res.status}: ${res.text.slice(0, 300)}`);
		}
		this.ownerCreated = true;
		this.takeCookie(res);
		if (!this.cookie) await this.login();
	}

	async login(): Promise<void> {
		const res = await this.request('POST', '/rest/login', {
			body: { emailOrLdapLoginId: OWNER.email, email: OWNER.email, password: OWNER.password },
		});
		if (res.status !== 200) throw new Error(`login → ${res.status}: ${res.text.slice(0, 300)}`);
		this.takeCookie(res);
		if (!this.cookie) throw new Error('login gave no n8n-auth cookie');
	}
}

/** A test file's usual start: the sandbox, then one n8n that reaches it (with its owner set up when asked). */
export async function startHostWithSandbox(opts: { owner?: boolean } = {}): Promise<{ sandbox: Sandbox; n8n: N8nHost }> {
	const sandbox = await startSandbox();
	try {
		const n8n = await N8nHost.start({ env: sandbox.server.childEnv() });
		if (opts.owner) await n8n.setupOwner();
		return { sandbox, n8n };
	} catch (error) {
		await sandbox.close();
		throw error;
	}
}

/** The matching end (either may be missing when the start failed). */
export async function stopHostWithSandbox(host: { sandbox?: Sandbox; n8n?: N8nHost }): Promise<void> {
	await host.n8n?.dispose();
	await host.sandbox?.close();
}

/** `n8n execute --rawOutput` prints the run data as JSON after some log lines; find that JSON. */
export function parseExecuteOutput(stdout: string): any {
	const marker = stdout.indexOf('{');
	for (let i = marker; i >= 0 && i < stdout.length; i = stdout.indexOf('{', i + 1)) {
		// Only consider a '{' at the start of a line.
		if (i > 0 && stdout[i - 1] !== '\n') continue;
		const candidate = stdout.slice(i).trim();
		try {
			return JSON.parse(candidate);
		} catch {
			// The JSON may be followed by more lines: cut at the last closing brace.
			const end = candidate.lastIndexOf('}');
			try {
				return JSON.parse(candidate.slice(0, end + 1));
			} catch {}
		}
	}
	return undefined;
}
