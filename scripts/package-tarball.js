'use strict';
// Builds and packs this package once per content hash, and installs the tarball the way
// Settings → Community Nodes does: `npm install <tarball>` inside `<N8N_USER_FOLDER>/.n8n/nodes`.
// Used by `npm start` and by the ring-3 harness (test/host/n8nHost.ts).
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { cacheRoot, withLock, npm, log } = require('./n8n-host');

const ROOT = path.join(__dirname, '..');
const PKG = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const SOURCES = ['nodes', 'credentials', 'index.ts', 'package.json', 'tsconfig.json', 'gulpfile.js', 'README.md', 'LICENSE', 'LICENSE.md'];

function listFiles(p, out) {
	let st;
	try {
		st = fs.statSync(p);
	} catch {
		return out;
	}
	if (st.isDirectory()) {
		for (const name of fs.readdirSync(p).sort()) listFiles(path.join(p, name), out);
	} else {
		out.push(p);
	}
	return out;
}

/** Hash of everything that goes into the tarball (sources, not dist), so a rebuild happens only on change. */
function sourceHash(root = ROOT) {
	const h = crypto.createHash('sha256');
	for (const entry of SOURCES) {
		for (const file of listFiles(path.join(root, entry), [])) {
			h.update(path.relative(root, file));
			h.update('\0');
			h.update(fs.readFileSync(file));
			h.update('\0');
		}
	}
	return h.digest('hex').slice(0, 16);
}

function packsDir() {
	return path.join(cacheRoot(), 'packs');
}

/**
 * Builds (npm run build) and packs the package; returns {hash, tarball, nodesDir}. `nodesDir` is a
 * ready `.n8n/nodes` folder (package.json + node_modules) with the tarball installed, to be copied.
 * Cached by content hash: a second call (another jest worker, a rerun) reuses it.
 */
async function ensurePackage({ root = ROOT, build = true } = {}) {
	const hash = sourceHash(root);
	const dir = path.join(packsDir(), hash);
	const done = path.join(dir, '.complete');
	const result = () => JSON.parse(fs.readFileSync(done, 'utf8'));
	if (fs.existsSync(done)) return result();
	return withLock(`${dir}.lock`, async () => {
		if (fs.existsSync(done)) return result();
		fs.rmSync(dir, { recursive: true, force: true });
		const tmp = `${dir}.tmp-${process.pid}`;
		fs.rmSync(tmp, { recursive: true, force: true });
		fs.mkdirSync(tmp, { recursive: true });
		const t0 = Date.now();
		if (build) {
			log(`building ${PKG.name} (npm run build)…`);
			npm(['run', 'build'], root);
		}
		// .npmrc has ignore-scripts=true, so `npm pack` does not run prepack (we just built).
		const packed = npm(['pack', '--json', '--ignore-scripts', '--pack-destination', tmp], root);
		const info = JSON.parse(packed.stdout)[0];
		const tarballTmp = path.join(tmp, info.filename);
		const nodesTmp = path.join(tmp, 'nodes');
		installTarball(tarballTmp, nodesTmp);
		fs.renameSync(tmp, dir);
		const out = {
			hash,
			tarball: path.join(dir, info.filename),
			nodesDir: path.join(dir, 'nodes'),
			files: info.files.map((f) => f.path),
			size: info.size,
			unpackedSize: info.unpackedSize,
			ms: Date.now() - t0,
		};
		fs.writeFileSync(done, JSON.stringify(out, null, 2));
		log(`packed ${info.filename} (${info.size} bytes, hash ${hash}) in ${out.ms} ms`);
		return out;
	});
}

/**
 * What Community Nodes does: a `nodes` folder with its own package.json, `npm install <pkg>` there.
 * n8n 2.41 installs with scripts ignored and without peer dependencies (n8n-workflow comes from n8n).
 */
function installTarball(tarball, nodesDir) {
	fs.mkdirSync(nodesDir, { recursive: true });
	const pj = path.join(nodesDir, 'package.json');
	if (!fs.existsSync(pj)) fs.writeFileSync(pj, JSON.stringify({ name: 'installed-nodes', private: true }, null, 2));
	npm(
		['install', tarball, '--ignore-scripts', '--no-audit', '--no-fund', '--bin-links=false', '--legacy-peer-deps', '--install-strategy=shallow', '--package-lock=false'],
		nodesDir,
	);
}

/** Copies a prepared nodes folder into `<userFolder>/.n8n/nodes`. */
function installIntoUserFolder(pkg, userFolder) {
	const target = path.join(userFolder, '.n8n', 'nodes');
	fs.rmSync(target, { recursive: true, force: true });
	fs.mkdirSync(path.dirname(target), { recursive: true });
	fs.cpSync(pkg.nodesDir, target, { recursive: true });
	return target;
}

module.exports = { ROOT, PKG, sourceHash, ensurePackage, installTarball, installIntoUserFolder };
