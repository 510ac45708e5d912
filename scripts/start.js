#!/usr/bin/env node
'use strict';
// `npm start`: build, pack, install the tarball as Settings → Community Nodes does, then run
// n8n 2.41.0 on Node 24 at http://localhost:5678 with embedded SQLite and N8N_USER_FOLDER=.n8n-local/.
//
//   npm start                      n8n against the real Google
//   npm start -- --sandbox         also start the local Google sandbox with a demo account and point n8n
//                                  at it; connected credentials and every example are imported, wired
//   npm start -- --port 5680       another port (never 5679: n8n's task broker)
//   npm start -- --no-build        install the last packed tarball / current dist without building
//
// The host (Node 24 + n8n) is installed on first use into ${N8N_CONNECTOR_CACHE:-~/.cache/n8n-google-connector}.
const fs = require('node:fs');
const path = require('node:path');
const { spawn, spawnSync } = require('node:child_process');
const { ensureHost, n8nEnv, log } = require('./n8n-host');
const { ROOT, PKG, ensurePackage, installTarball } = require('./package-tarball');

function parseArgs(argv) {
	const args = { sandbox: false, port: Number(process.env.N8N_PORT) || 5678, build: true };
	for (let i = 0; i < argv.length; i++) {
		const a = argv[i];
		if (a === '--sandbox') args.sandbox = true;
		else if (a === '--no-build') args.build = false;
		else if (a === '--port') args.port = Number(argv[++i]);
		else if (a.startsWith('--port=')) args.port = Number(a.slice(7));
		else if (a === '--help' || a === '-h') args.help = true;
		else throw new Error(`unknown argument ${a}`);
	}
	if (args.port === 5679) throw new Error('port 5679 is used by n8n\'s task broker; pick another');
	return args;
}

/** Loads the TypeScript sandbox (test/sandbox) without ts-node: transpile on require. */
function registerTs() {
	const ts = require('typescript');
	const prev = require.extensions['.ts'];
	if (prev) return;
	require.extensions['.ts'] = (module, filename) => {
		const src = fs.readFileSync(filename, 'utf8');
		const out = ts.transpileModule(src, {
			compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2021, esModuleInterop: true },
			fileName: filename,
		});
		module._compile(out.outputText, filename);
	};
}

/** `n8n <command> --input=<file>` for the demo's credentials or workflows (plain data, encrypted on import). */
function importInto(host, userFolder, env, command, json) {
	const file = path.join(userFolder, `demo-${command.replace(':', '-')}.json`);
	fs.writeFileSync(file, JSON.stringify(json));
	const r = spawnSync(host.node, [host.n8nBin, command, `--input=${file}`], { cwd: userFolder, env, encoding: 'utf8' });
	fs.rmSync(file, { force: true });
	if (r.status !== 0) throw new Error(`n8n ${command} failed:\n${r.stdout}\n${r.stderr}`);
}

/**
 * The sandbox demo: a seeded Google account (test/sandbox/demo.ts), its credentials and every example
 * wired to them (test/sandbox/demoImport.ts), and a stand-in CRM for the examples' HTTP calls.
 */
async function startDemo(host, userFolder, extra) {
	registerTs();
	const { startSandbox } = require(path.join(ROOT, 'test', 'sandbox'));
	const { seedDemo } = require(path.join(ROOT, 'test', 'sandbox', 'demo'));
	const demoImport = require(path.join(ROOT, 'test', 'sandbox', 'demoImport'));
	const sandbox = await startSandbox({ port: Number(process.env.GOOGLE_SANDBOX_PORT) || 0 });
	const demo = seedDemo(sandbox);
	const crm = await demoImport.startDemoCrm(Number(process.env.DEMO_CRM_PORT) || 0);
	Object.assign(extra, sandbox.server.childEnv());
	log(`Google sandbox on https://127.0.0.1:${sandbox.port} (n8n reaches it at Google's host names); demo CRM on ${crm.url}`);
	fs.mkdirSync(userFolder, { recursive: true });
	const env = n8nEnv(host, userFolder, extra);
	try {
		// A connected credential, so nodes work without a consent round trip in a browser (the browser
		// cannot reach the sandbox at accounts.google.com; n8n's server can).
		importInto(host, userFolder, env, 'import:credentials', demoImport.demoCredentials(sandbox, demo));
		importInto(host, userFolder, env, 'import:workflow', demoImport.demoWorkflows(demo, { crmUrl: crm.url, baseUrl: extra.WEBHOOK_URL }));
		const r = spawnSync(host.node, [host.n8nBin, 'publish:workflow', `--id=${demoImport.DEMO_TRIGGER_WORKFLOW_ID}`], { cwd: userFolder, env, encoding: 'utf8' });
		if (r.status !== 0) log(`could not publish the demo trigger workflow:\n${r.stdout}\n${r.stderr}`);
		log(`demo ready: credentials "${demoImport.DEMO_OAUTH_CREDENTIAL.name}" (every surface, connected) and "${demoImport.DEMO_WEBHOOK_CREDENTIAL.name}"; workflows "Demo: …" (every example, wired)`);
		log(`demo account ${demo.summary}`);
	} catch (e) {
		log(`could not import the demo: ${e.message}`);
	}
	return { close: async () => { await crm.close(); await sandbox.close(); } };
}

async function main() {
	const args = parseArgs(process.argv.slice(2));
	if (args.help) {
		console.log(fs.readFileSync(__filename, 'utf8').split('\n').slice(2, 12).join('\n'));
		return;
	}
	const host = await ensureHost();
	const userFolder = path.join(ROOT, '.n8n-local');
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');

	// Build + pack + install like Community Nodes. A broken build must not block starting n8n.
	try {
		const pkg = await ensurePackage({ build: args.build });
		installTarball(pkg.tarball, nodesDir);
		log(`installed ${path.basename(pkg.tarball)} into ${nodesDir}`);
	} catch (e) {
		const installed = fs.existsSync(path.join(nodesDir, 'node_modules', PKG.name));
		log(`could not build/pack ${PKG.name}: ${String(e.message).split('\n').slice(0, 12).join('\n')}`);
		log(installed ? 'starting with the previously installed version' : 'starting n8n without the package');
	}

	let sandbox;
	const extra = {
		N8N_PORT: String(args.port),
		N8N_HOST: 'localhost',
		N8N_PROTOCOL: 'http',
		N8N_EDITOR_BASE_URL: `http://localhost:${args.port}/`,
		WEBHOOK_URL: `http://localhost:${args.port}/`,
		N8N_RUNNERS_BROKER_PORT: process.env.N8N_RUNNERS_BROKER_PORT || String(args.port === 5678 ? 5679 : args.port + 1000),
		NODE_ENV: 'production',
	};
	if (args.sandbox) sandbox = await startDemo(host, userFolder, extra);

	const env = n8nEnv(host, userFolder, extra);
	log(`starting n8n ${host.version} on Node 24 at http://localhost:${args.port} (user folder ${userFolder})`);
	const child = spawn(host.node, [host.n8nBin, 'start'], { cwd: userFolder, env, stdio: 'inherit' });
	const forward = (sig) => () => child.kill(sig);
	process.on('SIGINT', forward('SIGINT'));
	process.on('SIGTERM', forward('SIGTERM'));
	child.on('exit', async (code, signal) => {
		if (sandbox) await sandbox.close();
		process.exit(code ?? (signal ? 1 : 0));
	});
}

main().catch((e) => {
	console.error(e.stack || e.message);
	process.exit(1);
});
