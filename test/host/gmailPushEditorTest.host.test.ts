// Ring 3: "Fetch Test Event" on the Gmail Push Trigger in a real n8n 2.41.0, as the editor asks for it
// (POST /rest/workflows/:id/run with triggerToStartFrom): n8n answers waitingForWebhook and registers the
// test URL; the trigger's temporary subscription brings the sandbox's OIDC-signed push to that URL over
// HTTP; n8n runs a manual execution with recent mail; the test's end deletes the subscription. The
// published set-up (subscription, watch, saved static data) is the same before and after, and still pushes.
import type { Sandbox } from '../sandbox';
import { HOST_SETUP_TIMEOUT, startHostWithSandbox, stopHostWithSandbox, type N8nHost } from './n8nHost';
import { PUSH_TRIGGER, executionsWithItems, importPushCredential, pushParameters, triggerWorkflow, waitFor } from './gmailPushFixtures';

const WF = 'hostGmailPushTest01';
const WEBHOOK_ID = 'e0000000-0000-4000-8000-00000000b013';
const CRED = { id: 'hostGmailPushCred13', name: 'Google (Gmail push editor test)' };
const EMAIL = 'editor@acme-crm.test';

let sandbox: Sandbox;
let n8n: N8nHost;

jest.setTimeout(420_000);

beforeAll(async () => {
	({ sandbox, n8n } = await startHostWithSandbox({ owner: true }));
	sandbox.pubsub.allowHttpEndpoints = true; // n8n listens on plain HTTP here
}, HOST_SETUP_TIMEOUT);

afterAll(() => stopHostWithSandbox({ sandbox, n8n }));

async function savedNodeData(): Promise<Record<string, any>> {
	const [row] = (await n8n.sql('SELECT staticData FROM workflow_entity WHERE id = ?', [WF])) as Array<{ staticData: string | null }>;
	return (row?.staticData ? JSON.parse(row.staticData) : {})['node:Push'] ?? {};
}

test('Fetch Test Event on a published Gmail Push Trigger: a push to the test URL shows recent mail; the published set-up is untouched and still pushes', async () => {
	const clients = sandbox.gmail.label('Clients', EMAIL);
	await importPushCredential(sandbox, n8n, CRED, EMAIL);
	await n8n.importWorkflow([triggerWorkflow({ id: WF, name: 'Gmail push editor test (host)', trigger: PUSH_TRIGGER, nodeName: 'Push', cred: CRED, webhookId: WEBHOOK_ID, parameters: pushParameters({ labelIds: [clients.id] }) })]);
	await n8n.activateWorkflow(WF);
	const endpoint = `${n8n.baseUrl}/webhook/${WEBHOOK_ID}/gmail-push`;
	const testUrl = `${n8n.baseUrl}/webhook-test/${WEBHOOK_ID}/gmail-push`;
	const published = await waitFor('the published subscription', () => [...sandbox.pubsub.subscriptions.values()].find((s) => s.pushConfig?.pushEndpoint === endpoint), 30_000);
	const mail = (subject: string) => sandbox.gmail.insertMessage({ account: EMAIL, from: 'Dana <dana@northwind.test>', to: EMAIL, subject, labelIds: ['INBOX', clients.id] }).id;
	const first = mail('before the test');
	await waitFor('the first push run', async () => ((await executionsWithItems(n8n, WF, 'Push')).some((e) => e.items.some((i) => i.messageId === first)) ? true : undefined), 60_000);
	const before = { node: await savedNodeData(), subscription: structuredClone(published), watchCalls: sandbox.pubsub.watch.calls.length };
	expect(before.node.push).toMatchObject({ subscription: published.name, endpoint });

	const answer = await n8n.rest('POST', `/workflows/${WF}/run`, { triggerToStartFrom: { name: 'Push' }, destinationNode: { nodeName: 'Push', mode: 'inclusive' } });
	expect(answer).toEqual({ waitingForWebhook: true });
	const toTest = await waitFor('a push to the test URL', () => sandbox.pubsub.push.deliveries.find((d) => d.endpoint === testUrl && d.status === 200), 30_000);
	expect(toTest.outcome).toBe('acked');
	const manual = await waitFor('the manual execution', async () => (await executionsWithItems(n8n, WF, 'Push')).find((e) => e.mode === 'manual' && e.status === 'success'), 30_000);
	expect(manual.items.map((i) => i.messageId)).toEqual([first]);
	expect(manual.items[0]).toMatchObject({ account: EMAIL, subject: 'before the test' });
	// The test's end removed its subscription; the published one is the same, the watch was not touched.
	await waitFor('the test subscription removed', () => ([...sandbox.pubsub.subscriptions.values()].some((s) => s.pushConfig?.pushEndpoint === testUrl) ? undefined : true), 30_000);
	expect([...sandbox.pubsub.subscriptions.values()]).toEqual([before.subscription]);
	expect(sandbox.pubsub.watch.calls.length).toBe(before.watchCalls);
	expect(sandbox.pubsub.watch.watches.get(EMAIL)).toBeDefined();
	const after = await savedNodeData();
	expect(after.push).toEqual(before.node.push);
	expect(after.gmailPush).toEqual(before.node.gmailPush);

	// Push still works, and the test's mail is not emitted again by it.
	const second = mail('after the test');
	await waitFor('the push run after the test', async () => ((await executionsWithItems(n8n, WF, 'Push')).some((e) => e.items.some((i) => i.messageId === second)) ? true : undefined), 60_000);
	const triggered = (await executionsWithItems(n8n, WF, 'Push')).filter((e) => e.mode !== 'manual').flatMap((e) => e.items.map((i) => i.messageId));
	expect(triggered).toEqual([first, second]);
	await n8n.deactivateWorkflow(WF);
});
