#!/usr/bin/env node
// `npm run bench`: runs every bench/*.bench.ts (or those named on the command line) one after the
// other, each printing its side-by-side figures and ratios. Benchmarks measure; they never fail on speed.
const { readdirSync } = require('node:fs');
const { join } = require('node:path');
const { spawnSync } = require('node:child_process');

const root = join(__dirname, '..');
const wanted = process.argv.slice(2);
const files = readdirSync(join(root, 'bench'))
	.filter((f) => f.endsWith('.bench.ts'))
	.filter((f) => wanted.length === 0 || wanted.some((w) => f.includes(w)))
	.sort();
const env = { ...process.env, NODE_EXTRA_CA_CERTS: join(root, 'test', 'sandbox', 'certs', 'ca.pem') };
let failed = 0;
for (const file of files) {
	console.log(`\n=== ${file} ===`);
	const run = spawnSync(process.execPath, [require.resolve('tsx/cli'), join('bench', file)], { cwd: root, env, stdio: 'inherit' });
	if (run.status !== 0) failed++;
}
if (failed) {
	console.error(`${failed} benchmark(s) did not complete`);
	process.exit(1);
}
