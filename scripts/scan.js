#!/usr/bin/env node
'use strict';
// n8n's verification scan (`@n8n/scan-community-package`), run here as n8n runs it on a published
// version: its analyzePackage() on the source tree (package.json, nodes/, credentials/) and on the
// tarball `npm run release:pack` makes (compiled .js and the published package.json). The scanner's
// CLI needs the public registry and provenance, so the function is called directly. Part of
// `npm run lint` and of CI.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { ROOT, ensurePackage } = require('./package-tarball');
const { run } = require('./n8n-host');

async function scan() {
	const scanner = await import(require.resolve('@n8n/scan-community-package/scanner/scanner.mjs'));
	const results = [];
	const t0 = Date.now();
	results.push({ what: 'source tree', ...(await scanner.analyzePackage(ROOT, scanner.SOURCE_FILE_PATTERNS)) });
	const pkg = await ensurePackage();
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scan-tarball-'));
	try {
		run('tar', ['-xzf', pkg.tarball, '-C', dir]);
		results.push({ what: `tarball ${path.basename(pkg.tarball)}`, ...(await scanner.analyzePackage(path.join(dir, 'package'), ['**/*.js', 'package.json'])) });
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
	for (const r of results) {
		console.log(`n8n scan (${r.what}): ${r.passed ? 'passed' : `FAILED: ${r.message}`}`);
		if (!r.passed && r.details) console.log(r.details);
	}
	console.log(`n8n scan took ${Date.now() - t0} ms`);
	return results.every((r) => r.passed);
}

if (require.main === module) {
	scan().then(
		(ok) => process.exit(ok ? 0 : 1),
		(e) => {
			console.error(e.stack || e.message);
			process.exit(1);
		},
	);
}

module.exports = { scan };
