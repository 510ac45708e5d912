// Ring 3: the Gmail Sync Trigger active in a real n8n 2.41.0 (packed tarball installed as a community
// package) polling the sandbox mailbox. n8n refuses poll intervals under a minute, so this waits for a
// couple of scheduled polls: one after activation, one after an n8n restart.
import type { Sandbox } from '../sandbox';
import { HOST_SETUP_TIMEOUT, startHostWithSandbox, stopHostWithSandbox, type N8nHost } from './n8nHost';
import { HOST_MAILBOX as EMAIL, executionData, importGmailSync, sleep, waitFor } from './gmailSyncHost';

const WF = 'hostGmailSync0001';
const CRED = { id: 'hostGmailCred0001', name: 'Google (Gmail host test)' };

let sandbox: Sandbox;
let n8n: N8nHost;

jest.setTimeout(420_000);

beforeAll(async () => {
	({ sandbox, n8n } = await startHostWithSandbox({ owner: true }));
}, HOST_SETUP_TIMEOUT);

afterAll(() => stopHostWithSandbox({ sandbox, n8n }));

const executions = () => n8n.executionsOf(WF);

const historyCalls = () => sandbox.server.seen(/googleapis\.com$/, '/gmail/v1/users/me/history').length;

test('an activated trigger emits mail added while it runs, once, and not again after n8n restarts', async () => {
	const g = sandbox.gmail;
	const clients = g.label('Clients', EMAIL);
	const before = g.insertMessage({ account: EMAIL, from: 'Old <old@client.test>', subject: 'before activation', labelIds: ['INBOX', clients.id] });
	const grant = await importGmailSync(n8n, sandbox, {
		id: WF,
		credential: CRED,
		triggerName: 'New mail in Clients',
		parameters: { labelIds: [clients.id], direction: 'both', contacts: 'client.test' },
	});

	sandbox.server.clearRequests();
	await n8n.activateWorkflow(WF);
	// The activation poll takes the baseline from the profile (1 unit).
	await waitFor('the activation poll', async () => (sandbox.server.seen(/googleapis\.com$/, '/gmail/v1/users/me/profile').length > 0 ? true : undefined), 60_000);

	const fresh = g.insertMessage({ account: EMAIL, from: '"Ingrid Client" <ingrid@client.test>', subject: 'Contract signed', text: 'Attached.', labelIds: ['INBOX', clients.id] });
	const other = g.insertMessage({ account: EMAIL, from: 'someone@elsewhere.test', subject: 'not a contact', labelIds: ['INBOX', clients.id] });

	// The next scheduled poll starts one execution with the new message only.
	const runs = await waitFor('the first execution', async () => {
		const r = await executions();
		return r.length > 0 ? r : undefined;
	}, 150_000);
	expect(runs).toHaveLength(1);
	const data = await executionData(n8n, runs[0].id);
	expect(data).toContain(fresh.id);
	expect(data).toContain('Contract signed');
	expect(data).toContain('ingrid@client.test');
	expect(data).not.toContain(before.id);
	expect(data).not.toContain(other.id);
	expect(n8n.logText()).not.toContain(grant.access_token);

	// Restart n8n: the cursor persisted with that execution; the next polls emit nothing already seen.
	await n8n.restart();
	const calls = historyCalls();
	const after = g.insertMessage({ account: EMAIL, from: 'ingrid@client.test', subject: 'Re: Contract signed', labelIds: ['INBOX', clients.id] });
	const second = await waitFor('an execution after the restart', async () => {
		const r = await executions();
		return r.length > 1 ? r : undefined;
	}, 180_000);
	expect(historyCalls()).toBeGreaterThan(calls);
	expect(second).toHaveLength(2);
	const data2 = await executionData(n8n, second[1].id);
	expect(data2).toContain(after.id);
	expect(data2).not.toContain(fresh.id);
	// One more scheduled poll: idle, nothing emitted.
	const callsNow = historyCalls();
	await waitFor('one more poll', async () => (historyCalls() > callsNow ? true : undefined), 90_000);
	await sleep(2000);
	expect(await executions()).toHaveLength(2);
	await n8n.deactivateWorkflow(WF);
});
