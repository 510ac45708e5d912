// REST (owner session) and CLI commands against the queue ring's main process; the CLI runs with the
// main's environment (same PostgreSQL, same key) on a broker port of its own.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { freePort, http, OWNER, type CliResult, type HttpResult } from '../host/n8nHost';
import { type N8nProcess } from './n8nProcess';

export class N8nRest {
	cookie?: string;
	readonly cliLogs: string[] = [];
	readonly timings: { what: string; ms: number }[] = [];
	private readonly browserId = randomBytes(8).toString('hex');

	constructor(private readonly main: N8nProcess, private readonly envFor: (extra: Record<string, string>) => Record<string, string>) {}

	async request(method: string, path: string, body?: unknown): Promise<HttpResult> {
		const headers: Record<string, string> = { 'browser-id': this.browserId };
		if (this.cookie) headers.cookie = this.cookie;
		return http(method, `${this.main.baseUrl}${path}`, { body, headers });
	}

	/** `/rest/...` with the owner's session; returns `data`; throws on non-2xx. */
	async call<T = any>(method: string, path: string, body?: unknown): Promise<T> {
		const res = await this.request(method, `/rest${path}`, body);
		if (res.status < 200 || res.status >= 300) throw new Error(`${method} /rest${path} → ${res.status}: ${res.text.slice(0, 500)}`);
		const parsed = res.text ? res.json() : {};
		return (parsed && typeof parsed === 'object' && 'data' in parsed ? parsed.data : parsed) as T;
	}

	private takeCookie(res: HttpResult): void {
		const set = res.headers['set-cookie'];
		const list = Array.isArray(set) ? set : set ? [set] : [];
		const auth = list.map((c) => c.split(';')[0]).find((c) => c.startsWith('n8n-auth='));
		if (auth) this.cookie = auth;
	}

	async setupOwner(): Promise<void> {
		const res = await this.request('POST', '/rest/owner/setup', OWNER);
		if (res.status >= 300 && !/already|instance owner/i.test(res.text)) throw new Error(`owner setup → ${res.status}: ${res.text.slice(0, 300)}`);
		this.takeCookie(res);
		if (!this.cookie) await this.login();
	}

	async login(): Promise<void> {
		const res = await this.request('POST', '/rest/login', { emailOrLdapLoginId: OWNER.email, email: OWNER.email, password: OWNER.password });
		if (res.status !== 200) throw new Error(`login → ${res.status}: ${res.text.slice(0, 300)}`);
		this.takeCookie(res);
	}

	async cli(args: string[], timeoutMs = 300_000): Promise<CliResult> {
		const brokerPort = String(await freePort());
		const t0 = Date.now();
		return new Promise((resolve, reject) => {
			const child = spawn(this.main.host.node, [this.main.host.n8nBin, ...args], {
				cwd: this.main.folder,
				env: this.envFor({ N8N_RUNNERS_BROKER_PORT: brokerPort, N8N_PORT: String(this.main.port) }),
				stdio: ['ignore', 'pipe', 'pipe'],
			});
			let stdout = '';
			let stderr = '';
			child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
			child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
			const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
			child.on('error', reject);
			child.on('exit', (code) => {
				clearTimeout(timer);
				for (const line of `${stdout}\n${stderr}`.split('\n')) if (line.trim()) this.cliLogs.push(`cli ${args[0]} ${line}`);
				this.timings.push({ what: `n8n ${args[0]}`, ms: Date.now() - t0 });
				resolve({ code, stdout, stderr });
			});
		});
	}

	async importFile(command: string, json: unknown): Promise<CliResult> {
		const dir = join(this.main.folder, 'imports');
		mkdirSync(dir, { recursive: true });
		const file = join(dir, `${command.replace(':', '-')}-${Date.now()}-${randomBytes(3).toString('hex')}.json`);
		writeFileSync(file, JSON.stringify(json));
		const res = await this.cli([command, `--input=${file}`]);
		rmSync(file, { force: true });
		if (res.code !== 0) throw new Error(`n8n ${command} failed (${res.code}):\n${res.stdout}\n${res.stderr}`);
		return res;
	}

	/** Decrypted credential data as stored (`n8n export:credentials --decrypted`). */
	async credentialData(id: string): Promise<Record<string, any>> {
		const file = join(this.main.folder, 'imports', `export-${id}-${Date.now()}.json`);
		mkdirSync(join(this.main.folder, 'imports'), { recursive: true });
		const res = await this.cli(['export:credentials', `--id=${id}`, '--decrypted', `--output=${file}`]);
		if (res.code !== 0) throw new Error(`n8n export:credentials failed (${res.code}):\n${res.stdout}\n${res.stderr}`);
		const parsed = JSON.parse(readFileSync(file, 'utf8'));
		rmSync(file, { force: true });
		return (Array.isArray(parsed) ? parsed[0] : parsed)?.data ?? {};
	}
}
