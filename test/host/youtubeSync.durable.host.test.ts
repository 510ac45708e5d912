// Ring 3: the YouTube Sync Trigger in a real n8n 2.41.0 with durable poll cursors (the scheduler chain
// N8N_POLLER_DURABLE_CURSORS_ENABLED needs). n8n drops what the activation poll staged; the trigger keeps
// a copy in the workflow's static data, so a comment written before the first scheduled poll still comes
// out (before that copy, it was taken as the starting point and never emitted), and so does a later one.
import { startSandbox, type Sandbox } from '../sandbox';
import { N8nHost, HOST_SETUP_TIMEOUT } from './n8nHost';
import { sleep, waitFor } from './gmailSyncHost';
import { importYouTubeSync } from './youtubeSyncHost';

const WF = 'hostYouTubeDurab1';
const CRED = { id: 'hostYTDurableCred', name: 'Google (YouTube durable host test)' };
const EMAIL = 'rep@acme-crm.test';
const DURABLE = { N8N_POLLER_DURABLE_CURSORS_ENABLED: 'true', N8N_SCHEDULER_ENABLED: 'true', N8N_SCHEDULER_POLL_TRIGGERS_ENABLED: 'true', N8N_USE_WORKFLOW_PUBLICATION_SERVICE: 'true' };

jest.setTimeout(900_000);

let sandbox: Sandbox;
let n8n: N8nHost;

beforeAll(async () => {
	sandbox = await startSandbox();
	sandbox.server.recordRequests = true;
	n8n = await N8nHost.start({ env: { ...sandbox.server.childEnv(), ...DURABLE }, logLevel: 'debug' });
	await n8n.setupOwner();
}, HOST_SETUP_TIMEOUT);

afterAll(async () => {
	await n8n?.dispose();
	await sandbox?.close();
});

const threadReads = () => sandbox.server.seen('youtube.googleapis.com', '/youtube/v3/commentThreads').length;

test('durable poll cursors: a comment written before the first scheduled poll and one after it come out once each; the cursor is in poller_state', async () => {
	const yt = sandbox.youtube;
	const channel = yt.addChannel({ ownerEmail: EMAIL, title: 'Acme durable', handle: '@acmedurable' });
	const video = yt.addVideo(channel.id, { title: 'Durable video' });
	const old = yt.addComment(video.id, { text: 'before activation' });
	const grant = await importYouTubeSync(n8n, sandbox, { id: WF, name: 'YouTube comments (durable host test)', credential: CRED, email: EMAIL, nodeIdPrefix: 'f0000000' });
	await n8n.activateWorkflow(WF);
	expect(n8n.logText()).not.toMatch(/durable poll cursors stay disabled/);
	const rows = async () => (await n8n.sql('SELECT workflowId, cursor FROM poller_state WHERE workflowId = ?', [WF])) as Array<{ workflowId: string; cursor: string }>;
	const runData = async (id: number) => String(((await n8n.sql('SELECT d.data AS data FROM execution_data d WHERE d.executionId = ?', [id])) as Array<{ data: string }>)[0]?.data ?? '');
	// Written before n8n's first scheduled poll (n8n drops what the activation poll staged).
	const c0 = yt.addComment(video.id, { text: 'Durable comment in the first minute', author: 'Ingrid' });
	const activationReads = threadReads();
	await waitFor('the first scheduled poll', async () => (threadReads() > activationReads ? true : undefined), 150_000);
	const first = await waitFor('the run with the first-minute comment', async () => {
		const all = await n8n.executionsOf(WF);
		return all.length > 0 && all[0].status === 'success' ? all : undefined;
	}, 60_000, () => `${threadReads()} commentThreads reads`);
	expect(first).toHaveLength(1);
	// Written after it: the cursor committed with that execution (poller_state) bounds the next poll.
	const c1 = yt.addComment(video.id, { text: 'Durable comment 2', author: 'Ingrid' });
	const r1 = yt.addReply(old.id, { text: 'A reply after the first poll' });
	const runs = await waitFor('a second run', async () => {
		const all = await n8n.executionsOf(WF);
		return all.length > 1 && all[1].status === 'success' ? all : undefined;
	}, 150_000, () => `${threadReads()} commentThreads reads`);
	// One more poll: nothing new, nothing started.
	const reads = threadReads();
	await waitFor('one more poll', async () => (threadReads() > reads ? true : undefined), 120_000);
	await sleep(5000);
	expect(await n8n.executionsOf(WF)).toHaveLength(2);
	const [d0, d1] = [await runData(runs[0].id), await runData(runs[1].id)];
	expect(d0).toContain(c0.id);
	expect([c1.id, r1.id].filter((id) => d0.includes(id))).toEqual([]);
	expect([c1.id, r1.id].filter((id) => d1.includes(id))).toEqual([c1.id, r1.id]);
	expect(d1).not.toContain(c0.id);
	for (const d of [d0, d1]) expect(d).not.toContain('before activation');
	const state = await rows();
	expect(state).toHaveLength(1);
	expect(Object.keys(JSON.parse(state[0].cursor).comments.sources[`channel:${channel.id}`].threads)).toEqual(expect.arrayContaining([old.id, c0.id, c1.id]));
	// The activation's copy of the cursor is gone from the workflow's static data once used.
	const [wf] = (await n8n.sql('SELECT staticData FROM workflow_entity WHERE id = ?', [WF])) as Array<{ staticData: string | null }>;
	expect(String(wf.staticData ?? '')).not.toContain('youtubeSyncBaselines');
	expect(n8n.logText()).not.toContain(grant.access_token);
	await n8n.deactivateWorkflow(WF);
});
