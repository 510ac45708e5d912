// The two services n8n's queue mode needs beside n8n itself, each private to one test run: a
// PostgreSQL 15 cluster in a temp folder and a Redis without persistence, both on free ports on
// 127.0.0.1. Every process is a direct child (its pid is the server's), registered with the reaper
// so it is killed even when jest itself dies.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../host/n8nHost';
import { type Reaper } from './reaper';

const PG_BIN_CANDIDATES = ['/usr/lib/postgresql/15/bin', '/usr/lib/postgresql/16/bin', '/usr/lib/postgresql/17/bin'];

/** The directory holding initdb/postgres/psql (Debian layout), or undefined. */
export function postgresBinDir(): string | undefined {
	if (process.env.QUEUE_PG_BIN) return process.env.QUEUE_PG_BIN;
	for (const dir of PG_BIN_CANDIDATES) if (existsSync(join(dir, 'initdb'))) return dir;
	try {
		for (const v of readdirSync('/usr/lib/postgresql').sort().reverse()) if (existsSync(join('/usr/lib/postgresql', v, 'bin', 'initdb'))) return join('/usr/lib/postgresql', v, 'bin');
	} catch {}
	return undefined;
}

export function redisServerBin(): string | undefined {
	for (const p of [process.env.QUEUE_REDIS_SERVER, '/usr/bin/redis-server', '/usr/local/bin/redis-server']) if (p && existsSync(p)) return p;
	return undefined;
}

/** initdb and postgres refuse to run as root: as root, run them as the `postgres` user (or nobody). */
function serviceUser(): { uid: number; gid: number } | undefined {
	if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined;
	for (const name of ['postgres', 'nobody']) {
		const r = spawnSync('getent', ['passwd', name], { encoding: 'utf8' });
		const f = r.status === 0 ? r.stdout.trim().split(':') : [];
		if (f.length > 3) return { uid: Number(f[2]), gid: Number(f[3]) };
	}
	throw new Error('running as root and neither a postgres nor a nobody user exists to run PostgreSQL as');
}

function collect(child: ChildProcess, logs: string[], tag: string): void {
	const push = (c: Buffer) => {
		for (const line of c.toString('utf8').split('\n')) if (line.trim()) logs.push(`[${tag}] ${line}`);
	};
	child.stdout?.on('data', push);
	child.stderr?.on('data', push);
}

async function stopChild(child: ChildProcess, signal: NodeJS.Signals, graceMs: number): Promise<void> {
	if (child.exitCode !== null || child.signalCode !== null) return;
	const exited = new Promise<void>((r) => child.once('exit', () => r()));
	child.kill(signal);
	const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
	await exited;
	clearTimeout(timer);
}

export interface Postgres {
	port: number;
	database: string;
	user: string;
	pid: number;
	logs: string[];
	/** Rows of a read or write query, as JSON objects (psql wraps it in json_agg). */
	query<T = any>(sql: string): Promise<T[]>;
	stop(): Promise<void>;
}

/** initdb in `dir` (owned by the service user), then `postgres` on a free port, trust auth on localhost. */
export async function startPostgres(dir: string, reaper: Reaper): Promise<Postgres> {
	const bin = postgresBinDir();
	if (!bin) throw new Error('PostgreSQL not found (looked in /usr/lib/postgresql/*/bin; set QUEUE_PG_BIN); .ci/run installs it');
	const user = serviceUser();
	const dataDir = join(dir, 'data');
	mkdirSync(dir, { recursive: true });
	if (user) chownSync(dir, user.uid, user.gid);
	const logs: string[] = [];
	const init = spawnSync(join(bin, 'initdb'), ['-D', dataDir, '-U', 'n8n', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync'], {
		encoding: 'utf8',
		...(user ?? {}),
	});
	if (init.status !== 0) throw new Error(`initdb failed (${init.status}): ${init.stderr || init.error?.message}`);
	const port = await freePort();
	// A throwaway cluster: durability off, it only has to be fast.
	const child = spawn(
		join(bin, 'postgres'),
		['-D', dataDir, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=200'],
		{ stdio: ['ignore', 'pipe', 'pipe'], ...(user ?? {}) },
	);
	reaper.add(child.pid!);
	collect(child, logs, 'postgres');
	const psql = (sql: string, db = 'n8n') =>
		new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
			const p = spawn(join(bin, 'psql'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'n8n', '-d', db, '-v', 'ON_ERROR_STOP=1', '-At', '-c', sql], { stdio: ['ignore', 'pipe', 'pipe'] });
			let out = '';
			let err = '';
			p.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
			p.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
			p.on('exit', (code) => resolve({ code, out, err }));
		});
	const deadline = Date.now() + 30_000;
	for (;;) {
		const r = await psql('SELECT 1', 'postgres');
		if (r.code === 0) break;
		if (child.exitCode !== null || Date.now() > deadline) throw new Error(`PostgreSQL did not start:\n${logs.slice(-20).join('\n')}\n${r.err}`);
		await new Promise((res) => setTimeout(res, 200));
	}
	const created = await psql('CREATE DATABASE n8n', 'postgres');
	if (created.code !== 0) throw new Error(`CREATE DATABASE failed: ${created.err}`);
	return {
		port,
		database: 'n8n',
		user: 'n8n',
		pid: child.pid!,
		logs,
		async query<T>(sql: string): Promise<T[]> {
			const r = await psql(`SELECT coalesce(json_agg(q), '[]'::json) FROM (${sql}) q`);
			if (r.code !== 0) throw new Error(`query failed: ${r.err.trim()}\n${sql}`);
			return JSON.parse(r.out.trim() || '[]') as T[];
		},
		// SIGINT is PostgreSQL's "fast shutdown".
		stop: () => stopChild(child, 'SIGINT', 15_000),
	};
}

export interface Redis {
	port: number;
	pid: number;
	logs: string[];
	stop(): Promise<void>;
}

/** redis-server on a free port, no RDB snapshots, no AOF, working dir in `dir`. */
export async function startRedis(dir: string, reaper: Reaper): Promise<Redis> {
	const bin = redisServerBin();
	if (!bin) throw new Error('redis-server not found (apt-get install redis-server; .ci/run installs it)');
	mkdirSync(dir, { recursive: true });
	const port = await freePort();
	const logs: string[] = [];
	const child = spawn(bin, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no'], {
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	reaper.add(child.pid!);
	collect(child, logs, 'redis');
	const deadline = Date.now() + 15_000;
	while (!logs.some((l) => /Ready to accept connections/.test(l))) {
		if (child.exitCode !== null || Date.now() > deadline) throw new Error(`redis-server did not start:\n${logs.slice(-20).join('\n')}`);
		await new Promise((res) => setTimeout(res, 100));
	}
	return { port, pid: child.pid!, logs, stop: () => stopChild(child, 'SIGTERM', 10_000) };
}

export { stopChild, collect };
