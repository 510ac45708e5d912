// Ring 3: the Gmail Push Trigger's set-up in a real n8n 2.41.0 (packed tarball, community package):
// publishing creates the topic, Gmail's binding, the push subscription and the watch in the sandbox;
// n8n saves the set-up with the workflow (an n8n restart finds it and creates nothing twice); mail then
// arrives by push; unpublishing stops the watch and removes what was created.
import { DEFAULT_PUSH_SERVICE_ACCOUNT, type Sandbox } from '../sandbox';
import { HOST_SETUP_TIMEOUT, startHostWithSandbox, stopHostWithSandbox, type N8nHost } from './n8nHost';
import { waitFor } from './gmailPushFixtures';

const TRIGGER = 'n8n-nodes-google-connector.gmailPushTrigger';
const WF = 'hostGmailPushSet01';
const WEBHOOK_ID = 'e0000000-0000-4000-8000-00000000b001';
const CRED = { id: 'hostGmailPushCred1', name: 'Google (Gmail push host test)' };
const EMAIL = 'rep@acme-crm.test';
const PROJECT = 'sandbox-project';
const TOPIC = `projects/${PROJECT}/topics/n8n-gmail-push`;
const G = 'https://www.googleapis.com/auth/';

let sandbox: Sandbox;
let n8n: N8nHost;

jest.setTimeout(420_000);

beforeAll(async () => {
	({ sandbox, n8n } = await startHostWithSandbox({ owner: true }));
	// n8n listens on plain HTTP on localhost; Google pushes only to HTTPS (the sandbox's one leniency).
	sandbox.pubsub.allowHttpEndpoints = true;
}, HOST_SETUP_TIMEOUT);

afterAll(() => stopHostWithSandbox({ sandbox, n8n }));

const createCalls = () => sandbox.pubsub.calls.filter((c) => c.op === 'topics.create' || c.op === 'subscriptions.create').length;

async function savedStaticData(): Promise<Record<string, any>> {
	const [row] = (await n8n.sql('SELECT staticData FROM workflow_entity WHERE id = ?', [WF])) as Array<{ staticData: string | null }>;
	return row?.staticData ? JSON.parse(row.staticData) : {};
}

test('publish sets up topic, binding, subscription and watch; restart creates nothing twice; mail arrives by push; unpublish cleans up', async () => {
	const clients = sandbox.gmail.label('Clients', EMAIL);
	const grant = sandbox.oauth.issueGrant({ email: EMAIL, scopes: [`${G}gmail.readonly`, `${G}pubsub`] });
	await n8n.importCredential([
		{ ...CRED, type: 'googleConnectorOAuth2Api', data: { clientId: 'sandbox-client.apps.googleusercontent.com', clientSecret: 'GOCSPX-sandbox-client-secret', gmailRead: true, pubsub: true, oauthTokenData: grant } },
	]);
	await n8n.importWorkflow([
		{
			id: WF,
			name: 'Gmail push set-up (host test)',
			active: false,
			settings: { executionOrder: 'v1' },
			connections: { Push: { main: [[{ node: 'Done', type: 'main', index: 0 }]] } },
			nodes: [
				{
					id: 'e0000000-0000-4000-8000-000000000001',
					name: 'Push',
					type: TRIGGER,
					typeVersion: 1,
					position: [0, 0],
					webhookId: WEBHOOK_ID,
					parameters: {
						pollTimes: { item: [{ mode: 'everyMinute' }] },
						labelIds: [clients.id],
						setupMode: 'create',
						projectId: PROJECT,
						topicName: 'n8n-gmail-push',
						pushServiceAccount: DEFAULT_PUSH_SERVICE_ACCOUNT,
					},
					credentials: { googleConnectorOAuth2Api: CRED },
				},
				{ id: 'e0000000-0000-4000-8000-000000000002', name: 'Done', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [220, 0], parameters: {} },
			],
		},
	]);

	await n8n.activateWorkflow(WF);
	const endpoint = `${n8n.baseUrl}/webhook/${WEBHOOK_ID}/gmail-push`;
	const sub = await waitFor('the push subscription', () => [...sandbox.pubsub.subscriptions.values()][0], 30_000);
	expect(sub).toMatchObject({ topic: TOPIC, ackDeadlineSeconds: 60, pushConfig: { pushEndpoint: endpoint, oidcToken: { serviceAccountEmail: DEFAULT_PUSH_SERVICE_ACCOUNT, audience: endpoint } } });
	expect(sandbox.pubsub.topics.get(TOPIC)?.policy.bindings).toEqual([{ role: 'roles/pubsub.publisher', members: ['serviceAccount:gmail-api-push@system.gserviceaccount.com'] }]);
	expect(sandbox.pubsub.watch.watches.get(EMAIL)).toMatchObject({ topicName: TOPIC, labelIds: [clients.id] });
	// n8n saved what the set-up wrote (the push state and the baseline cursor) with the workflow.
	const saved = await savedStaticData();
	expect(saved['node:Push']).toMatchObject({ push: { mode: 'create', topic: TOPIC, subscription: sub.name, createdTopic: true, endpoint }, gmailPush: { account: EMAIL } });

	await n8n.restart();
	await n8n.settlePublications();
	expect(createCalls()).toBe(2);
	expect(sandbox.pubsub.subscriptions.size).toBe(1);

	// Mail in "Clients" → Gmail notifies → Pub/Sub pushes to n8n → one execution.
	const before = (await n8n.executionsOf(WF)).length;
	sandbox.gmail.insertMessage({ account: EMAIL, from: 'Dana <dana@northwind.test>', subject: 'pushed to n8n', labelIds: ['INBOX', clients.id] });
	const runs = await waitFor('an execution from the push', async () => {
		const all = await n8n.executionsOf(WF);
		return all.length > before ? all : undefined;
	}, 60_000);
	expect(runs.length).toBeGreaterThan(before);

	await n8n.deactivateWorkflow(WF);
	await waitFor('the clean-up', () => (sandbox.pubsub.topics.size === 0 && sandbox.pubsub.subscriptions.size === 0 ? true : undefined), 30_000);
	expect(sandbox.pubsub.watch.watches.has(EMAIL)).toBe(false);
	expect(sandbox.pubsub.watch.calls.map((c) => c.op)).toContain('stop');
});
