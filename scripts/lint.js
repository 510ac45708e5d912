#!/usr/bin/env node
// `npm run lint`: n8n's community-node lint (`n8n-node lint`, strict rules for verified nodes) over
// what ships: nodes/, credentials/, index.ts and package.json; then n8n's verification scan
// (scripts/scan.js) on the source tree and on the packed tarball. It runs in a staging copy because the
// linter lints the whole folder it runs in, and test/, scripts/ and bench/ are tooling that uses
// Node APIs a node may not (child processes, servers, timers).
const { cpSync, mkdirSync, rmSync, symlinkSync } = require('node:fs');
const { join } = require('node:path');
const { spawnSync } = require('node:child_process');

const root = join(__dirname, '..');
const stage = join(root, 'node_modules', '.cache', 'lint-stage');
rmSync(stage, { recursive: true, force: true });
mkdirSync(stage, { recursive: true });
for (const entry of ['nodes', 'credentials', 'index.ts', 'package.json', 'tsconfig.json', 'eslint.config.mjs']) {
	cpSync(join(root, entry), join(stage, entry), { recursive: true });
}
symlinkSync(join(root, 'node_modules'), join(stage, 'node_modules'), 'dir');
const bin = join(root, 'node_modules', '.bin', 'n8n-node');
const run = spawnSync(bin, ['lint', ...process.argv.slice(2)], { cwd: stage, stdio: 'inherit' });
if (run.status !== 0) process.exit(run.status ?? 1);
require('./scan')
	.scan()
	.then(
		(ok) => process.exit(ok ? 0 : 1),
		(e) => {
			console.error(e.stack || e.message);
			process.exit(1);
		},
	);
