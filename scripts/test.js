#!/usr/bin/env node
// `npm test`: runs every ring with jest and prints one plain line "N passed, N failed" from
// jest's own JSON results. The sandbox CA must be known to Node before it starts, hence the env here.
// Extra arguments go to jest (e.g. `npm test -- test/unit`).
const { spawnSync } = require('node:child_process');
const { readFileSync, mkdirSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const outDir = join(root, 'node_modules', '.cache', 'jest-results');
mkdirSync(outDir, { recursive: true });
const outFile = join(outDir, `results-${process.pid}.json`);
const env = { ...process.env, NODE_EXTRA_CA_CERTS: join(root, 'test', 'sandbox', 'certs', 'ca.pem') };
const jestBin = require.resolve('jest/bin/jest');
const run = spawnSync(process.execPath, [jestBin, '--json', `--outputFile=${outFile}`, ...process.argv.slice(2)], {
	cwd: root,
	env,
	stdio: 'inherit',
});
let passed = 0;
let failed = 0;
try {
	const results = JSON.parse(readFileSync(outFile, 'utf8'));
	passed = results.numPassedTests;
	failed = results.numFailedTests + (results.numRuntimeErrorTestSuites || 0);
} catch {
	failed = Math.max(failed, 1);
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(run.status === 0 && failed === 0 ? 0 : 1);
