'use strict';
// `npm run release:pack`: the one way this package is built and packed. `npm start`, the ring-3
// harness (test/host/n8nHost.ts), CI and the release workflow all come through ensurePackage().
// Why not `npm pack`: .npmrc sets ignore-scripts=true (installs need it), which also skips prepack,
// so a plain pack of a clean clone would hold no dist/. A plain `npm pack` therefore fails (.npmrc's
// pack-destination is a folder that does not exist; this script passes its own), package.json is
// "private" (a plain `npm publish` refuses), and the staged copy packed here drops that flag.
// It builds in a staging copy once per content hash, checks the tarball holds every file the
// package.json `n8n` section names, and installs it the way Settings → Community Nodes does, into
// `<N8N_USER_FOLDER>/.n8n/nodes/node_modules/<name>`.
//
//   node scripts/package-tarball.js [--out DIR] [--no-build] [--strict]
//     --out DIR   copy the tarball there (default: the project folder) and print its path
//     --strict    fail on any build error (the release); otherwise tsc's output is packed with a warning
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { cacheRoot, withLock, npm, run, log } = require('./n8n-host');

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
function sourceHash(root = ROOT, entries = SOURCES) {
	const h = crypto.createHash('sha256');
	for (const entry of entries) {
		for (const file of listFiles(path.join(root, entry), [])) {
			h.update(path.relative(root, file));
			h.update('\0');
			h.update(fs.readFileSync(file));
			h.update('\0');
		}
	}
	return h.digest('hex').slice(0, 16);
}

/** Copies the hashed sources (and dist when not building) into `stage`, with node_modules linked. */
function stageSources(root, stage, build) {
	fs.mkdirSync(stage, { recursive: true });
	for (const entry of [...SOURCES, '.npmrc', ...(build ? [] : ['dist'])]) {
		const from = path.join(root, entry);
		if (fs.existsSync(from)) fs.cpSync(from, path.join(stage, entry), { recursive: true });
	}
	// The published package.json: everything but "private" (which keeps a plain `npm publish` of an unbuilt tree from shipping).
	const pj = path.join(stage, 'package.json');
	// eslint-disable-next-line no-unused-vars
	const { private: _private, ...published } = JSON.parse(fs.readFileSync(pj, 'utf8'));
	fs.writeFileSync(pj, `${JSON.stringify(published, null, 2)}\n`);
	fs.symlinkSync(path.join(root, 'node_modules'), path.join(stage, 'node_modules'), 'dir');
}

/** Files the package.json `n8n` section names, and the others a working install needs. */
function requiredFiles(pkg = PKG) {
	const n8n = pkg.n8n || {};
	return ['package.json', 'README.md', ...(n8n.nodes || []), ...(n8n.credentials || [])];
}

/** Throws unless the packed file list holds every required file. */
function checkPacked(files, pkg = PKG) {
	const have = new Set(files);
	const missing = requiredFiles(pkg).filter((f) => !have.has(f));
	if (missing.length) throw new Error(`the packed tarball lacks ${missing.join(', ')} (named in package.json)`);
	if (have.has('package.json') && files.some((f) => f.startsWith('node_modules/'))) throw new Error('the packed tarball holds node_modules');
}

/**
 * `npm run build`. When it fails only on type errors (tsc still emits; type checking is
 * `npm run typecheck`'s job, and others may be mid-edit), the emitted output is used with a warning,
 * as long as every file the package.json `n8n` section names exists.
 */
function buildStage(stage, strict) {
	log(`building ${PKG.name} (npm run build in a staging copy)…`);
	try {
		npm(['run', 'build'], stage);
		return true;
	} catch (e) {
		if (strict) throw new Error(`npm run build failed:\n${String(e.message).split('\n').slice(0, 30).join('\n')}`);
		log(`npm run build failed; packing what tsc emitted:\n${String(e.message).split('\n').slice(0, 15).join('\n')}`);
	}
	npm(['exec', '--', 'gulp', 'build:icons'], stage);
	const missing = requiredFiles().filter((f) => f.startsWith('dist/') && !fs.existsSync(path.join(stage, f)));
	if (missing.length) throw new Error(`build produced no ${missing.join(', ')}`);
	return false;
}

function packsDir() {
	return path.join(cacheRoot(), 'packs');
}

/**
 * Builds (npm run build) and packs the package; returns {hash, tarball, nodesDir}. `nodesDir` is a
 * ready `.n8n/nodes` folder (package.json + node_modules) with the tarball installed, to be copied.
 * Cached by content hash: a second call (another jest worker, a rerun) reuses it.
 */
async function ensurePackage({ root = ROOT, build = true, strict = false } = {}) {
	const hash = build ? sourceHash(root) : `nobuild-${sourceHash(root, [...SOURCES, 'dist'])}`;
	const dir = path.join(packsDir(), hash);
	const done = path.join(dir, '.complete');
	const result = () => {
		const out = JSON.parse(fs.readFileSync(done, 'utf8'));
		if (strict && !out.buildOk) throw new Error(`the cached pack ${hash} was made from a build that failed; fix the build (npm run build)`);
		return out;
	};
	if (fs.existsSync(done)) return result();
	return withLock(`${dir}.lock`, async () => {
		if (fs.existsSync(done)) return result();
		fs.rmSync(dir, { recursive: true, force: true });
		const tmp = `${dir}.tmp-${process.pid}`;
		fs.rmSync(tmp, { recursive: true, force: true });
		fs.mkdirSync(tmp, { recursive: true });
		const t0 = Date.now();
		// Build and pack from a staging copy of exactly the hashed sources, so a test run never touches
		// the checkout's dist/ (others may be using it) and the tarball matches the hash.
		const stage = path.join(tmp, 'stage');
		stageSources(root, stage, build);
		let packed;
		let buildOk = !build ? undefined : false;
		try {
			if (build) buildOk = buildStage(stage, strict);
			// .npmrc has ignore-scripts=true, so `npm pack` does not run prepack (we just built).
			packed = npm(['pack', '--json', '--ignore-scripts', '--pack-destination', tmp], stage);
		} catch (e) {
			fs.rmSync(tmp, { recursive: true, force: true });
			throw e;
		}
		const info = JSON.parse(packed.stdout)[0];
		checkPacked(info.files.map((f) => f.path));
		const tarballTmp = path.join(tmp, info.filename);
		const nodesTmp = path.join(tmp, 'nodes');
		installTarball(tarballTmp, nodesTmp);
		fs.rmSync(stage, { recursive: true, force: true });
		fs.renameSync(tmp, dir);
		const out = {
			hash,
			tarball: path.join(dir, info.filename),
			nodesDir: path.join(dir, 'nodes'),
			files: info.files.map((f) => f.path),
			buildOk,
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
 * What Settings → Community Nodes does in n8n 2.41 (CommunityPackagesService.downloadPackage): the
 * `nodes` folder has its own package.json; the tarball is extracted into node_modules/<name>, its
 * package.json loses devDependencies, peerDependencies and optionalDependencies (n8n-workflow comes
 * from n8n itself), `npm install` runs inside the package folder with scripts ignored, and the
 * package is recorded in nodes/package.json. n8n loads every package in nodes/node_modules at start.
 */
function installTarball(tarball, nodesDir) {
	fs.mkdirSync(nodesDir, { recursive: true });
	const pj = path.join(nodesDir, 'package.json');
	const nodesPkg = fs.existsSync(pj) ? JSON.parse(fs.readFileSync(pj, 'utf8')) : { name: 'installed-nodes', private: true, dependencies: {} };
	const pkgDir = path.join(nodesDir, 'node_modules', PKG.name);
	fs.rmSync(pkgDir, { recursive: true, force: true });
	fs.mkdirSync(pkgDir, { recursive: true });
	run('tar', ['-xzf', tarball, '-C', pkgDir, '--strip-components=1']);
	const pkgJsonPath = path.join(pkgDir, 'package.json');
	// eslint-disable-next-line no-unused-vars
	const { devDependencies, peerDependencies, optionalDependencies, ...pkgJson } = JSON.parse(fs.readFileSync(pkgJsonPath, 'utf8'));
	fs.writeFileSync(pkgJsonPath, JSON.stringify(pkgJson, null, 2));
	npm(
		['install', '--audit=false', '--fund=false', '--bin-links=false', '--install-strategy=shallow', '--ignore-scripts=true', '--package-lock=false'],
		pkgDir,
	);
	nodesPkg.dependencies = { ...(nodesPkg.dependencies ?? {}), [PKG.name]: pkgJson.version };
	fs.writeFileSync(pj, JSON.stringify(nodesPkg, null, 2));
	return pkgDir;
}

/** Copies a prepared nodes folder into `<userFolder>/.n8n/nodes`. */
function installIntoUserFolder(pkg, userFolder) {
	const target = path.join(userFolder, '.n8n', 'nodes');
	fs.rmSync(target, { recursive: true, force: true });
	fs.mkdirSync(path.dirname(target), { recursive: true });
	fs.cpSync(pkg.nodesDir, target, { recursive: true });
	return target;
}

module.exports = { ROOT, PKG, sourceHash, ensurePackage, installTarball, installIntoUserFolder, requiredFiles, checkPacked };

async function main(argv) {
	const outIndex = argv.indexOf('--out');
	const out = path.resolve(outIndex >= 0 ? argv[outIndex + 1] : ROOT);
	const pkg = await ensurePackage({ build: !argv.includes('--no-build'), strict: argv.includes('--strict') });
	fs.mkdirSync(out, { recursive: true });
	const target = path.join(out, path.basename(pkg.tarball));
	fs.copyFileSync(pkg.tarball, target);
	const dist = pkg.files.filter((f) => f.startsWith('dist/'));
	log(`${target}: ${pkg.files.length} files (${dist.length} in dist/), ${pkg.size} bytes packed, ${pkg.unpackedSize} unpacked; every file the n8n section names is in it`);
	process.stdout.write(`${target}\n`);
}

if (require.main === module) {
	main(process.argv.slice(2)).catch((e) => {
		console.error(e.message);
		process.exit(1);
	});
}
