// One n8n process of the queue ring (`n8n start`, `n8n worker` or `n8n webhook`) on the cached
// Node 24 host. Ports are picked once and kept across restarts; readiness is n8n's own
// /healthz/readiness (a worker serves it on QUEUE_HEALTH_CHECK_PORT).
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { freePort, http, type HostPaths } from '../host/n8nHost';
import { type Reaper } from './reaper';

export type Role = 'main' | 'worker' | 'webhook';

export class N8nProcess {
	readonly logs: string[] = [];
	port = 0;
	brokerPort = 0;
	readyMs = 0;
	/** Every pid this process had (one per start). */
	readonly pids: number[] = [];
	private child?: ChildProcess;
	private exited?: Promise<void>;

	constructor(
		readonly role: Role,
		readonly name: string,
		readonly folder: string,
		readonly host: HostPaths,
		private readonly envFor: (extra: Record<string, string>) => Record<string, string>,
		private readonly reaper: Reaper,
		readonly concurrency = 10,
	) {}

	get baseUrl(): string {
		return `http://localhost:${this.port}`;
	}

	get pid(): number | undefined {
		return this.running ? this.child!.pid : undefined;
	}

	get running(): boolean {
		return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
	}

	async start(timeoutMs = 240_000): Promise<void> {
		if (!this.port) this.port = await freePort();
		if (!this.brokerPort) this.brokerPort = await freePort();
		const extra: Record<string, string> = { N8N_RUNNERS_BROKER_PORT: String(this.brokerPort) };
		if (this.role === 'worker') Object.assign(extra, { QUEUE_HEALTH_CHECK_ACTIVE: 'true', QUEUE_HEALTH_CHECK_PORT: String(this.port), N8N_WORKER_SERVER_ADDRESS: '127.0.0.1' });
		else extra.N8N_PORT = String(this.port);
		const args = this.role === 'main' ? ['start'] : this.role === 'worker' ? ['worker', `--concurrency=${this.concurrency}`] : ['webhook'];
		const t0 = Date.now();
		const child = spawn(this.host.node, [this.host.n8nBin, ...args], { cwd: this.folder, env: this.envFor(extra), stdio: ['ignore', 'pipe', 'pipe'] });
		this.child = child;
		this.pids.push(child.pid!);
		this.reaper.add(child.pid!);
		const push = (stream: string) => (c: Buffer) => {
			for (const line of c.toString('utf8').split('\n')) if (line.trim()) this.logs.push(`[${stream}] ${line}`);
			if (process.env.N8N_HOST_ECHO) process.stderr.write(`${this.name}: ${c.toString('utf8')}`);
		};
		child.stdout!.on('data', push('out'));
		child.stderr!.on('data', push('err'));
		this.exited = new Promise((resolve) =>
			child.once('exit', (code, signal) => {
				this.logs.push(`[host] ${this.name} (pid ${child.pid}) exited code=${code} signal=${signal}`);
				resolve();
			}),
		);
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${this.name} exited before it was ready:\n${this.logs.slice(-40).join('\n')}`);
			try {
				if ((await http('GET', `http://127.0.0.1:${this.port}/healthz/readiness`, { timeoutMs: 2000 })).status === 200) break;
			} catch {}
			if (Date.now() > deadline) {
				await this.stop();
				throw new Error(`${this.name} not ready within ${timeoutMs} ms:\n${this.logs.slice(-40).join('\n')}`);
			}
			await new Promise((r) => setTimeout(r, 250));
		}
		this.readyMs = Date.now() - t0;
	}

	/** SIGTERM (n8n's graceful shutdown), SIGKILL after the grace period. */
	async stop(graceMs = 20_000): Promise<void> {
		const child = this.child;
		if (!child || !this.running) return;
		child.kill('SIGTERM');
		const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
		await this.exited;
		clearTimeout(timer);
	}

	/** Kills the process at once (SIGKILL: no shutdown hooks run) and waits until it is gone. */
	async kill(): Promise<void> {
		if (!this.running) return;
		this.child!.kill('SIGKILL');
		await this.exited;
	}

	/** Resident memory (kB → bytes) and CPU time (ms) of the n8n process itself, from /proc. */
	usage(): { rssBytes: number; cpuMs: number } | undefined {
		const pid = this.pid;
		if (!pid) return undefined;
		try {
			const status = readFileSync(`/proc/${pid}/status`, 'utf8');
			const rss = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024;
			const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
			const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
			const ticks = Number(fields[11]) + Number(fields[12]);
			return { rssBytes: rss, cpuMs: (ticks * 1000) / 100 };
		} catch {
			return undefined;
		}
	}
}
