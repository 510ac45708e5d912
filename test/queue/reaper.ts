// A watchdog for the queue ring's processes. afterAll stops each process by its pid; the reaper covers
// what afterAll cannot: jest killed, a timeout with --forceExit, a crash. It is a small detached Node
// process that polls the test process's pid and, once that is gone, kills every pid listed in its
// file (PostgreSQL with SIGQUIT first, the rest with SIGKILL), then removes the temp folder.
import { spawn } from 'node:child_process';
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const SCRIPT = `
const fs = require('node:fs');
const [parent, file, dir] = [Number(process.argv[1]), process.argv[2], process.argv[3]];
const alive = (pid) => { try { process.kill(pid, 0); return true; } catch (e) { return e.code === 'EPERM'; } };
const pids = () => fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\\n').map(Number).filter((n) => n > 0) : [];
setInterval(() => {
	if (fs.existsSync(file + '.done')) process.exit(0);
	if (alive(parent)) return;
	for (const pid of pids()) { try { process.kill(pid, 'SIGKILL'); } catch {} }
	setTimeout(() => { if (!process.env.N8N_HOST_KEEP) fs.rmSync(dir, { recursive: true, force: true }); process.exit(0); }, 1000);
}, 1000);
`;

export class Reaper {
	private readonly file: string;

	constructor(readonly dir: string) {
		this.file = join(dir, 'pids');
		writeFileSync(this.file, '');
		const child = spawn(process.execPath, ['-e', SCRIPT, String(process.pid), this.file, dir], { detached: true, stdio: 'ignore' });
		child.unref();
	}

	add(pid: number): void {
		appendFileSync(this.file, `${pid}\n`);
	}

	/** Everything was stopped normally: the reaper exits without touching anything. */
	done(): void {
		writeFileSync(`${this.file}.done`, '');
	}
}
