// `npm run bench -- footprint`: what the package costs n8n. Starts n8n 2.41.0 alternately with and
// without the package installed (as Community Nodes installs it), on fresh SQLite folders, and
// measures time to /healthz/readiness and the server's resident memory once settled; also the
// packed and installed package size. Prints both sides and the ratios. Measures; never fails on speed.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { N8nHost } from '../test/host/n8nHost';

const ROUNDS = Number(process.env.BENCH_FOOTPRINT_ROUNDS ?? 3);
const SETTLE_MS = 5_000;

function rssMb(pid: number): number {
	const status = readFileSync(`/proc/${pid}/status`, 'utf8');
	const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
	return kb / 1024;
}

function dirBytes(dir: string): { bytes: number; files: number } {
	let bytes = 0;
	let files = 0;
	for (const entry of readdirSync(dir, { withFileTypes: true })) {
		const p = join(dir, entry.name);
		if (entry.isDirectory()) {
			const sub = dirBytes(p);
			bytes += sub.bytes;
			files += sub.files;
		} else {
			bytes += statSync(p).size;
			files++;
		}
	}
	return { bytes, files };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function measure(withoutPackage: boolean) {
	const n8n = await N8nHost.start({ withoutPackage, logLevel: 'warn' });
	try {
		await new Promise((r) => setTimeout(r, SETTLE_MS));
		const pid = (n8n as unknown as { child: { pid: number } }).child.pid;
		const installed = n8n.pkg ? dirBytes(join(n8n.userFolder, '.n8n', 'nodes', 'node_modules', 'n8n-nodes-google-connector')) : undefined;
		return { readyMs: n8n.readyMs, rssMb: rssMb(pid), installed, tarball: n8n.pkg ? statSync(n8n.pkg.tarball).size : undefined };
	} finally {
		await n8n.dispose();
	}
}

async function main() {
	const runs: { with: Awaited<ReturnType<typeof measure>>[]; without: Awaited<ReturnType<typeof measure>>[] } = { with: [], without: [] };
	for (let round = 0; round < ROUNDS; round++) {
		runs.without.push(await measure(true));
		runs.with.push(await measure(false));
		console.log(`round ${round + 1}/${ROUNDS}: ready ${runs.without.at(-1)!.readyMs} ms / ${runs.with.at(-1)!.readyMs} ms, rss ${runs.without.at(-1)!.rssMb.toFixed(0)} MB / ${runs.with.at(-1)!.rssMb.toFixed(0)} MB (without / with)`);
	}
	const readyWithout = median(runs.without.map((r) => r.readyMs));
	const readyWith = median(runs.with.map((r) => r.readyMs));
	const rssWithout = median(runs.without.map((r) => r.rssMb));
	const rssWith = median(runs.with.map((r) => r.rssMb));
	const installed = runs.with[0].installed!;
	console.log('\nn8n 2.41.0 start-up, median of', ROUNDS, 'alternating rounds (fresh SQLite each)');
	console.log('| | without the package | with the package | ratio with/without |');
	console.log('|---|---:|---:|---:|');
	console.log(`| time to /healthz/readiness | ${readyWithout} ms | ${readyWith} ms | ${(readyWith / readyWithout).toFixed(2)} |`);
	console.log(`| server RSS after ${SETTLE_MS / 1000} s | ${rssWithout.toFixed(0)} MB | ${rssWith.toFixed(0)} MB | ${(rssWith / rssWithout).toFixed(2)} |`);
	console.log(`\npackage: tarball ${(runs.with[0].tarball! / 1024).toFixed(0)} KiB; installed ${(installed.bytes / 1024).toFixed(0)} KiB in ${installed.files} files; runtime dependencies: none`);
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
