// Ring 3: the YouTube Sync Trigger active in a real n8n 2.41.0 (packed tarball installed as a
// community package) polling the sandbox's YouTube. n8n refuses poll intervals under a minute, so this
// test waits for two scheduled polls after activation (≈2 min): one emits, the next is idle.
import type { Sandbox } from '../sandbox';
import { HOST_SETUP_TIMEOUT, startHostWithSandbox, stopHostWithSandbox, type N8nHost } from './n8nHost';
import { importYouTubeSync } from './youtubeSyncHost';

const WF = 'hostYouTubeSync01';
const CRED = { id: 'hostYouTubeCred01', name: 'Google (YouTube host test)' };
const EMAIL = 'rep@acme-crm.test';

let sandbox: Sandbox;
let n8n: N8nHost;

jest.setTimeout(300_000);

beforeAll(async () => {
	({ sandbox, n8n } = await startHostWithSandbox({ owner: true }));
}, HOST_SETUP_TIMEOUT);

afterAll(() => stopHostWithSandbox({ sandbox, n8n }));

const executions = () => n8n.executionsOf(WF);

test('an activated trigger emits a comment added to the sandbox while it runs, once', async () => {
	const yt = sandbox.youtube;
	const channel = yt.addChannel({ ownerEmail: EMAIL, title: 'Acme host', handle: '@acmehost' });
	const video = yt.addVideo(channel.id, { title: 'Launch video' });
	const old = yt.addComment(video.id, { text: 'before activation' });
	const grant = await importYouTubeSync(n8n, sandbox, { id: WF, name: 'YouTube comments (host test)', credential: CRED, email: EMAIL, nodeIdPrefix: 'e0000000' });

	sandbox.server.clearRequests();
	await n8n.activateWorkflow(WF);
	// The activation poll reads where the channel stands (one commentThreads page after channels?mine).
	const deadline0 = Date.now() + 30_000;
	while (sandbox.server.seen('youtube.googleapis.com', '/youtube/v3/commentThreads').length === 0 && Date.now() < deadline0) await new Promise((r) => setTimeout(r, 250));
	expect(sandbox.server.seen('youtube.googleapis.com', '/youtube/v3/channels').length).toBeGreaterThanOrEqual(1);
	const activationReads = sandbox.server.seen('youtube.googleapis.com', '/youtube/v3/commentThreads').length;
	expect(activationReads).toBeGreaterThanOrEqual(1);

	const fresh = yt.addComment(video.id, { text: 'Do you ship to Norway?', author: 'Ingrid' });
	const reply = yt.addReply(old.id, { text: 'Me too, please answer' });

	// The next scheduled poll (n8n: once a minute) starts one execution with both messages.
	const deadline = Date.now() + 150_000;
	let runs = await executions();
	while (runs.length === 0 && Date.now() < deadline) {
		await new Promise((r) => setTimeout(r, 1000));
		runs = await executions();
	}
	expect(runs.length).toBe(1);
	const [row] = (await n8n.sql('SELECT d.data AS data FROM execution_data d WHERE d.executionId = ?', [runs[0].id])) as Array<{ data: string }>;
	const data = String(row.data);
	expect(data).toContain(fresh.id);
	expect(data).toContain('Do you ship to Norway?');
	expect(data).toContain(reply.id);
	expect(data).toContain('youtube_comment');
	expect(data).not.toContain('before activation'); // what existed at activation is not emitted
	const afterFirst = sandbox.server.seen('youtube.googleapis.com', '/youtube/v3/commentThreads').length;
	expect(afterFirst).toBeGreaterThan(activationReads);

	// The poll after that reads one page again, finds nothing new and starts nothing.
	const deadline2 = Date.now() + 90_000;
	while (sandbox.server.seen('youtube.googleapis.com', '/youtube/v3/commentThreads').length === afterFirst && Date.now() < deadline2) await new Promise((r) => setTimeout(r, 1000));
	expect(sandbox.server.seen('youtube.googleapis.com', '/youtube/v3/commentThreads').length).toBe(afterFirst + 1);
	await new Promise((r) => setTimeout(r, 3000));
	expect((await executions()).length).toBe(1);
	expect(n8n.logText()).not.toContain(grant.access_token);
	await n8n.deactivateWorkflow(WF);
});
