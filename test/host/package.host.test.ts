// Ring 3: what a release ships. `npm run release:pack` (scripts/package-tarball.js, the one path that
// npm start, this harness, CI and the release workflow use) packs a tarball holding every file the
// package.json `n8n` section names; a real n8n 2.41.0 with that tarball installed as a community
// package loads every node and credential from it. A plain `npm pack` of a clean clone cannot build
// (.npmrc ignore-scripts=true skips prepack): it would hold no dist/, so it fails, and a plain
// `npm publish` refuses.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { N8nHost, HOST_SETUP_TIMEOUT } from './n8nHost';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const packLib = require('../../scripts/package-tarball') as {
	ROOT: string;
	PKG: { name: string; n8n: { nodes: string[]; credentials: string[] } };
	ensurePackage(opts?: { build?: boolean; strict?: boolean }): Promise<{ tarball: string; files: string[]; size: number; unpackedSize: number; buildOk?: boolean }>;
	requiredFiles(): string[];
};

jest.setTimeout(300_000);

let n8n: N8nHost | undefined;
afterAll(async () => n8n?.dispose());

test('the release tarball holds every file the n8n section names, and its package.json is publishable', async () => {
	const pkg = await packLib.ensurePackage({ strict: true });
	expect(pkg.buildOk).toBe(true);
	const named = [...packLib.PKG.n8n.nodes, ...packLib.PKG.n8n.credentials];
	expect(named.length).toBe(8);
	expect(pkg.files).toEqual(expect.arrayContaining([...named, 'package.json', 'README.md', 'dist/index.js']));
	// Icons the node descriptions point at ship beside the compiled nodes.
	expect(pkg.files).toEqual(expect.arrayContaining(['dist/nodes/GmailSyncTrigger/gmail.svg', 'dist/nodes/GmailPushTrigger/gmail.svg', 'dist/nodes/GoogleConnector/google.svg']));
	expect(pkg.files.filter((f) => !f.startsWith('dist/')).sort()).toEqual(['README.md', 'package.json']);
	const published = JSON.parse(execFileSync('tar', ['-xzOf', pkg.tarball, 'package/package.json'], { encoding: 'utf8' }));
	expect(published.private).toBeUndefined();
	expect(published.n8n).toEqual(packLib.PKG.n8n);
	expect(published.dependencies ?? {}).toEqual({});
});

test('a real n8n loads every node and credential from that tarball', async () => {
	n8n = await N8nHost.start();
	await n8n.setupOwner();
	const nodes = (await n8n.request('GET', '/types/nodes.json')).json() as Array<{ name: string }>;
	const credentials = (await n8n.request('GET', '/types/credentials.json')).json() as Array<{ name: string }>;
	const ours = (list: Array<{ name: string }>, prefix: string) => [...new Set(list.map((t) => t.name).filter((n) => n.startsWith(prefix)))].sort();
	expect(ours(nodes, `${packLib.PKG.name}.`)).toEqual(
		// googleConnectorTool: the AI-agent tool n8n derives from the action node (usableAsTool).
		['gmailPushTrigger', 'gmailSyncTrigger', 'googleConnector', 'googleConnectorTool', 'googleConnectorTrigger', 'youTubeSyncTrigger'].map((n) => `${packLib.PKG.name}.${n}`),
	);
	expect(ours(credentials, 'googleConnector')).toEqual(['googleConnectorOAuth2Api', 'googleConnectorServiceAccountApi', 'googleConnectorWebhookApi']);
	expect(n8n.logText()).not.toMatch(/Error loading package|Could not load node|Failed to load/i);
}, HOST_SETUP_TIMEOUT);

test('a plain `npm pack` of a clean clone fails instead of shipping no dist/, and a plain `npm publish` refuses it', () => {
	const clone = mkdtempSync(join(tmpdir(), 'clean-clone-'));
	try {
		execFileSync('git', ['clone', '--quiet', '--depth=1', `file://${packLib.ROOT}`, clone]);
		const packed = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json'], { cwd: clone, encoding: 'utf8' }))[0] as { files: Array<{ path: string }> };
		expect(packed.files.map((f) => f.path).sort()).toEqual(['README.md', 'package.json']);
		// What would be packed is empty of nodes, so the real pack fails (and leaves no tarball anywhere).
		// `npm test --silent` (CI) hands npm_config_loglevel=silent down, which would hide npm's error here.
		const plain = spawnSync('npm', ['pack'], { cwd: clone, encoding: 'utf8', env: { ...process.env, npm_config_loglevel: 'notice' } });
		expect(plain.status).not.toBe(0);
		expect(plain.stderr).toMatch(/ENOENT.*npm-pack-ships-no-nodes-use-npm-run-release-pack\/n8n-nodes-google-connector-[^/]*\.tgz/);
		expect(readdirSync(clone).filter((f) => f.endsWith('.tgz') || f.startsWith('npm-pack-'))).toEqual([]);
		expect(JSON.parse(readFileSync(join(clone, 'package.json'), 'utf8')).private).toBe(true);
		// npm's own publish library, as `npm publish` calls it: refused before any request is made.
		const npmRoot = execFileSync('npm', ['root', '-g'], { encoding: 'utf8' }).trim();
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const { publish } = require(join(npmRoot, 'npm', 'node_modules', 'libnpmpublish')) as { publish(manifest: object, tarball: Buffer, opts: object): Promise<unknown> };
		const manifest = JSON.parse(readFileSync(join(clone, 'package.json'), 'utf8'));
		return expect(publish(manifest, Buffer.alloc(0), { registry: 'http://127.0.0.1:9/' })).rejects.toMatchObject({ code: 'EPRIVATE' });
	} finally {
		rmSync(clone, { recursive: true, force: true });
	}
});
