// The browser ring: the n8n editor in Chromium against the sandbox start. The same demo that
// `npm start -- --sandbox` imports (test/sandbox/demo.ts + demoImport.ts) in a real n8n 2.41.0 with
// the release tarball installed; a user's view is asserted: the nodes in the node panel, Resource
// and Operation with each resource's operations, dropdowns loaded from the sandbox, one execution per
// surface (every example, run as imported), Fetch Test Event with nothing to show, the credential
// dialogs. What the sandbox and the CRM stand-in received is asserted too. Screenshots go to
// test/browser/screenshots/.
import { parse as parseFlatted } from 'flatted';
import { GoogleConnector } from '../../nodes/GoogleConnector/GoogleConnector.node';
import { startSandbox, type Sandbox } from '../sandbox';
import { seedDemo, DEMO_DEVELOPER_TOKEN, type DemoAccount } from '../sandbox/demo';
import { demoCredentials, demoWorkflows, startDemoCrm, DEMO_TRIGGER_WORKFLOW_ID, type DemoCrm } from '../sandbox/demoImport';
import { N8nHost, HOST_SETUP_TIMEOUT, OWNER } from '../host/n8nHost';
import { serviceAccountCredentials } from '../helpers/google';
import { Editor, OPTION } from './editor';

jest.setTimeout(240_000);

let sandbox: Sandbox;
let demo: DemoAccount;
let crm: DemoCrm;
let n8n: N8nHost;
let editor: Editor;
let workflows: Array<Record<string, any>>;
const startedAt = Date.now();

beforeAll(async () => {
	sandbox = await startSandbox();
	demo = seedDemo(sandbox);
	crm = await startDemoCrm();
	n8n = await N8nHost.start({ env: sandbox.server.childEnv() });
	workflows = demoWorkflows(demo, { crmUrl: crm.url, baseUrl: `${n8n.baseUrl}/` });
	await n8n.importCredential(demoCredentials(sandbox, demo));
	await n8n.importWorkflow(workflows);
	await n8n.setupOwner();
	await n8n.publishWorkflow(DEMO_TRIGGER_WORKFLOW_ID);
	editor = await Editor.launch(n8n.baseUrl);
	await editor.signIn(OWNER.email, OWNER.password);
}, HOST_SETUP_TIMEOUT);

afterAll(async () => {
	await editor?.close();
	await n8n?.dispose();
	await crm?.close();
	await sandbox?.close();
	process.stderr.write(`browser ring: ${Math.round((Date.now() - startedAt) / 1000)} s\n`);
});

const byName = (part: string) => workflows.find((w) => String(w.name).includes(part))!;

/** The newest execution of a workflow, its run data parsed (n8n stores it "flatted"). */
async function lastExecution(workflowId: string, after: number) {
	for (let i = 0; i < 120; i++) {
		const list = await n8n.rest<{ results: Array<{ id: string; status: string; startedAt: string }> }>('GET', `/executions?filter=${encodeURIComponent(JSON.stringify({ workflowId }))}`);
		const run = list.results.find((r) => Date.parse(r.startedAt) >= after - 1000);
		if (run && !['new', 'running', 'waiting'].includes(run.status)) {
			const full = await n8n.rest<{ status: string; data: string }>('GET', `/executions/${run.id}`);
			const data = parseFlatted(full.data) as { resultData: { runData: Record<string, Array<{ error?: { message: string }; data?: { main: Array<Array<{ json: any }>> } }>>; error?: { message: string } } };
			const items = (node: string) => (data.resultData.runData[node]?.[0]?.data?.main ?? []).flat().map((i) => i.json);
			return { status: full.status, runData: data.resultData.runData, error: data.resultData.error, items };
		}
		await new Promise((r) => setTimeout(r, 1000));
	}
	throw new Error(`no finished execution of ${workflowId}`);
}

/** Opens a demo workflow and clicks its trigger's "Execute workflow", as a user would. */
async function executeExample(part: string, trigger: string) {
	const wf = byName(part);
	await editor.openWorkflow(wf.id);
	const after = Date.now();
	// The trigger's own "Execute workflow" button shows on the canvas when the pointer is over it.
	await editor.canvasNode(trigger).hover();
	await editor.page.locator(`[data-test-id="execute-workflow-button-${trigger}"]`).first().click({ force: true });
	const run = await lastExecution(wf.id, after);
	await editor.shot(`run-${wf.id}`);
	const failed = Object.entries(run.runData).filter(([, runs]) => runs.some((r) => r.error)).map(([n, runs]) => `${n}: ${runs.find((r) => r.error)!.error!.message}`);
	expect({ status: run.status, failed, error: run.error?.message }).toEqual({ status: 'success', failed: [], error: undefined });
	return run;
}

test('the node panel lists the four Google Connector nodes', async () => {
	const search = async (query: string, shot?: string) => {
		await editor.page.click('[data-test-id="node-creator-plus-button"]');
		await editor.page.locator('[data-test-id="node-creator-search-bar"] input, input[placeholder^="Search"]').first().fill(query);
		await editor.page.locator('[data-test-id="item-iterator-item"]:visible', { hasText: query }).first().waitFor();
		if (shot) await editor.shot(shot);
		const items = await editor.page.locator('[data-test-id="item-iterator-item"]:visible').allInnerTexts();
		await editor.page.keyboard.press('Escape');
		return items.map((t) => t.replace(/\s+/g, ' ').trim());
	};
	// A new workflow's panel offers triggers ("What triggers this workflow?"); n8n may drop " Trigger".
	await editor.openWorkflow('new');
	const triggers = [...(await search('Google Connector', 'node-panel-triggers')), ...(await search('Gmail Sync')), ...(await search('YouTube Sync'))];
	expect(triggers).toEqual(
		expect.arrayContaining([
			expect.stringMatching(/^Google Connector( Trigger)? .*lead forms/),
			expect.stringMatching(/^Gmail Sync( Trigger)? /),
			expect.stringMatching(/^YouTube Sync( Trigger)? /),
		]),
	);
	// After a trigger, the panel offers actions: the action node.
	await editor.openWorkflow(byName('connection check').id);
	// The package is one entry; opening it lists the action node's actions.
	await editor.page.click('[data-test-id="node-creator-plus-button"]');
	await editor.page.locator('[data-test-id="node-creator-search-bar"] input, input[placeholder^="Search"]').first().fill('Google Connector');
	await editor.page.locator('[data-test-id="item-iterator-item"]:visible', { hasText: 'Google Connector' }).first().click();
	await editor.page.getByText('Check the connection').first().waitFor();
	await editor.shot('node-panel-actions');
	const actions = (await editor.page.locator('[data-test-id="item-iterator-item"]:visible').allInnerTexts()).map((t) => t.split('\n')[0].trim());
	await editor.page.keyboard.press('Escape');
	expect(actions).toEqual(expect.arrayContaining(['Check the connection', 'Send a message', 'Upload click conversions', 'Reply to a comment']));
});

test('one execution per surface: every example runs as imported against the demo account', async () => {
	sandbox.server.clearRequests();
	crm.requests.length = 0;

	const check = await executeExample('connection check', 'Every hour');
	expect(check.items('Check Google connection')[0]).toMatchObject({ status: 'active', email: demo.email });

	const clients = await executeExample('"Clients"', 'New mail in Clients');
	expect(clients.items('New mail in Clients').map((a) => a.subject)).toEqual(expect.arrayContaining(['Renewal quote for 2027', 'Invoice 2026-114']));
	expect(crm.requests.filter((r) => r.path === '/api/activities').length).toBeGreaterThanOrEqual(3);

	const followUp = await executeExample('follow-up', 'Every morning');
	expect(followUp.items('Reply in the thread')).toHaveLength(1);
	expect(sandbox.server.seen(/googleapis\.com$/, '/messages/send', 'POST').filter((q) => q.status === 200)).toHaveLength(1);

	const metrics = await executeExample('Weekly Google Ads', 'Every Monday 07:00');
	expect(metrics.items("Last week's campaign metrics").length).toBeGreaterThanOrEqual(2);
	const deal = await executeExample('deal won', 'CRM deal won');
	expect(deal.items('Upload click conversion')[0]).toMatchObject({ uploaded: true, orderId: 'D-1001' });
	expect(sandbox.ads.ingestedEvents.filter((e) => e.event.transactionId === 'D-1001')).toHaveLength(1);
	for (const q of sandbox.server.seen('googleads.googleapis.com')) expect([q.status, q.headers['developer-token']]).toEqual([200, DEMO_DEVELOPER_TOKEN]);

	expect(crm.requests.map((r) => `${r.method} ${r.path}`)).toEqual(expect.arrayContaining(['POST /api/activities', 'POST /api/marketing/ads-metrics']));
});

test('YouTube examples run as imported: a comment into the CRM inbox, a reply from the CRM, push renewal', async () => {
	sandbox.server.clearRequests();
	crm.requests.length = 0;
	const comment = await executeExample('YouTube comment', 'New YouTube comment');
	expect(comment.items('New YouTube comment')[0]).toMatchObject({ type: 'youtube_comment', channelId: demo.channelId });
	const reply = await executeExample('YouTube comment', 'CRM reply (webhook)');
	expect(reply.items('Reply on YouTube')).toHaveLength(1);
	const inserted = sandbox.server.seen(/googleapis\.com$/, '/youtube/v3/comments', 'POST');
	expect(inserted.map((q) => q.status)).toEqual([200]);
	expect(JSON.parse(inserted[0].body).snippet).toMatchObject({ parentId: demo.threadIds[3] });

	const renew = await executeExample('renew', 'Every day');
	expect(renew.items('Renew Push Subscriptions')[0]).toMatchObject({ channelId: demo.channelId, accepted: true });
	expect(crm.requests.map((r) => `${r.method} ${r.path}`)).toEqual(expect.arrayContaining(['POST /api/inbox/messages']));
});

test('Google Connector shows Resource and Operation; every resource lists its operations', async () => {
	await editor.openWorkflow(byName('connection check').id);
	await editor.openNode('Check Google connection');
	await editor.shot('ndv-connection-check');
	const labels = await editor.fieldLabels();
	expect(labels).toEqual(expect.arrayContaining(['Resource', 'Operation']));
	const description = new GoogleConnector().description.properties;
	const resourceProp = description.find((p) => p.name === 'resource')!;
	const resources = (resourceProp.options ?? []).map((o) => ({ name: o.name, value: String((o as { value: string }).value) }));
	// n8n appends its own "Custom API Call" entry to Resource and Operation of nodes with credentials.
	const ours = (options: string[]) => options.filter((o) => o !== 'Custom API Call');
	expect(ours(await editor.optionsOf('resource', resources.length))).toEqual(resources.map((r) => r.name));
	for (const resource of resources) {
		await editor.choose('resource', resource.name);
		const operationProp = description.find((p) => p.name === 'operation' && p.displayOptions?.show?.resource?.includes(resource.value))!;
		const expected = (operationProp.options ?? []).map((o) => o.name);
		const shown = ours(await editor.optionsOf('operation', expected.length));
		expect({ resource: resource.name, operations: shown }).toEqual({ resource: resource.name, operations: expect.arrayContaining(expected) });
	}
	// The editor saves edits by itself: put the example back as imported.
	await editor.choose('resource', 'Connection');
	await editor.closeNode();
});

test('dropdowns load from the sandbox: Gmail labels and send-as aliases, Ads customers and conversion actions, YouTube channels', async () => {
	const mailbox = sandbox.gmail.mailbox(demo.email);
	const dashed = (id: string) => id.replace(/^(\d{3})(\d{3})(\d{4})$/, '$1-$2-$3');
	const enabledActions = (customerId: string) => [...sandbox.ads.conversionActions.values()].filter((a) => a.customerId === customerId && a.status === 'ENABLED').map((a) => a.name);
	sandbox.server.clearRequests();

	await editor.openWorkflow(byName('"Clients"').id);
	await editor.openNode('New mail in Clients');
	const labels = ['INBOX', 'SENT', ...mailbox.labels.filter((l) => l.type === 'user').map((l) => l.name)];
	expect(labels).toEqual(expect.arrayContaining(['Clients', 'Newsletters']));
	expect(await editor.optionsOf('labelIds', labels, 'dropdown-gmail-labels')).toEqual(expect.arrayContaining(labels));
	await editor.closeNode();

	await editor.openWorkflow(byName('follow-up').id);
	await editor.openNode('Reply in the thread');
	const aliases = mailbox.sendAs.map((a) => `${a.displayName} <${a.sendAsEmail}>`);
	expect(aliases).toEqual(['Riley Rep <rep@acme-crm.test>', 'Acme Sales <sales@acme-crm.test>']);
	expect(await editor.optionsOf('from', aliases, 'dropdown-gmail-send-as')).toEqual(['Primary Address (Default)', ...aliases]);
	expect(await editor.issuesOf('from')).toEqual([]);
	await editor.closeNode();

	await editor.openWorkflow(byName('deal won').id);
	await editor.openNode('Upload click conversion');
	const customers = [...sandbox.ads.customers.values()].filter((c) => c.users.includes(demo.email) || c.managers?.includes(demo.managerId)).map((c) => `${c.descriptiveName} (${dashed(c.id)})${c.manager ? ' · manager' : ''}`);
	expect(customers).toHaveLength(3);
	expect(await editor.optionsOf('customerId', customers, 'dropdown-ads-customers')).toEqual([...customers].sort());
	expect(await editor.optionsOf('conversionAction', enabledActions(demo.customerId), 'dropdown-ads-conversion-actions')).toEqual(enabledActions(demo.customerId));
	// The example's own values are among the options (n8n flags any other as "not supported").
	expect([await editor.issuesOf('customerId'), await editor.issuesOf('conversionAction')]).toEqual([[], []]);
	// Conversion actions depend on the customer: another customer, its own actions, read from Google.
	await editor.choose('customerId', 'Acme Direct');
	expect(await editor.optionsOf('conversionAction', enabledActions('5556667777'))).toEqual(enabledActions('5556667777'));
	const searches = sandbox.server.seen('googleads.googleapis.com', '/customers/5556667777/googleAds:search').filter((q) => q.body.includes('FROM conversion_action'));
	expect(searches.map((q) => q.status)).toContain(200);
	// The editor saves edits by itself: put the example back as imported.
	await editor.choose('customerId', 'Acme CRM Ads');
	await editor.choose('conversionAction', 'CRM deal won');
	expect([await editor.issuesOf('customerId'), await editor.issuesOf('conversionAction')]).toEqual([[], []]);
	await editor.closeNode();

	await editor.openWorkflow(byName('YouTube comment').id);
	await editor.openNode('New YouTube comment');
	await editor.choose('source', 'Chosen Channels');
	const channels = [...sandbox.youtube.channels.values()].filter((c) => c.ownerEmail === demo.email).map((c) => `${c.title}${c.handle ? ` (${c.handle})` : ''}`);
	expect(channels).toHaveLength(1);
	expect(await editor.optionsOf('channelIds', channels, 'dropdown-youtube-channels')).toEqual(channels);
	await editor.choose('source', 'My Channel');
	await editor.closeNode();
	expect(sandbox.server.seen('youtube.googleapis.com', '/channels').filter((q) => q.query.mine === 'true').map((q) => q.status)).toContain(200);
	expect(sandbox.server.seen('gmail.googleapis.com', '/settings/sendAs').map((q) => q.status)).toContain(200);
});

test('Gmail Sync Trigger → Fetch Test Event with nothing to show says so', async () => {
	await editor.openWorkflow(byName('"Clients"').id);
	await editor.openNode('New mail in Clients');
	await editor.openDropdownWith('labelIds', 'Newsletters');
	await editor.page.locator(OPTION, { hasText: 'Clients' }).first().click();
	await editor.page.locator(OPTION, { hasText: 'Newsletters' }).first().click();
	await editor.page.keyboard.press('Escape');
	await editor.page.click('[data-test-id="node-execute-button"]');
	const message = editor.page.getByText('No mail to show: the chosen labels hold no message that matches Direction and Contacts').first();
	await message.waitFor({ timeout: 60_000 });
	await editor.shot('gmail-fetch-test-event-empty');
	expect(await message.isVisible()).toBe(true);
	// The editor saves edits by itself: put the example back as imported.
	await editor.openDropdownWith('labelIds', 'Newsletters');
	await editor.page.locator(OPTION, { hasText: 'Newsletters' }).first().click();
	await editor.page.locator(OPTION, { hasText: 'Clients' }).first().click();
	await editor.page.keyboard.press('Escape');
	await editor.closeNode();
});

test('the credential dialogs: connected OAuth2 with its surfaces and where the redirect URL goes; push needs no Google credential', async () => {
	await editor.openWorkflow(byName('connection check').id);
	await editor.openNode('Check Google connection');
	await editor.page.click('[data-test-id="credential-edit-button"]');
	const modal = editor.page.locator('[data-test-id="editCredential-modal"], .el-dialog:visible').first();
	await modal.waitFor();
	await editor.page.getByText('Surfaces', { exact: false }).first().waitFor();
	await editor.shot('credential-oauth2');
	const text = await modal.innerText();
	expect(text).toMatch(/Google Cloud console/);
	expect(text).toMatch(/Gmail send/);
	expect(text).toMatch(/gmail\.send/);
	await editor.page.keyboard.press('Escape');

	await editor.openWorkflow(byName('renew').id);
	const renewNode = editor.canvasNode('Renew Push Subscriptions');
	expect(await renewNode.locator('[data-test-id="node-issues"]').count()).toBe(0);
	await editor.openNode('Renew Push Subscriptions');
	await editor.shot('ndv-renew-push');
	expect(await editor.page.locator('[data-test-id="node-credentials-select"] input').first().inputValue()).toBe('Google webhook secrets (sandbox)');
	expect(await editor.fieldLabels()).toEqual(expect.arrayContaining(['Resource', 'Operation']));
	await editor.closeNode();
});

test('the service-account credential dialog: a pasted key from the sandbox tests green, with the grants and tokeninfo the sandbox saw', async () => {
	const sa = serviceAccountCredentials(sandbox, { identity: true }, { impersonateUser: demo.email });
	sandbox.server.clearRequests();

	// Credentials → Create → the type → its dialog, as a user adds one.
	await editor.page.goto(`${n8n.baseUrl}/home/credentials/create`);
	await editor.page.locator('[data-test-id="new-credential-type-select"] input').first().fill('Google Connector Service Account');
	await editor.page.locator('[data-test-id="new-credential-type-select-option"]', { hasText: 'Google Connector Service Account API' }).first().click();
	await editor.page.click('[data-test-id="new-credential-type-button"]');
	const modal = editor.page.locator('[data-test-id="editCredential-modal"]');
	await modal.waitFor();
	await editor.page.getByText('Surfaces', { exact: false }).first().waitFor();
	expect(await modal.innerText()).toMatch(/Identity \(Profile of the Impersonated User\)/);
	await modal.locator('[data-test-id="parameter-input-serviceAccountKey"]').locator('textarea, input').first().fill(sa.keyJson);
	await modal.locator('[data-test-id="parameter-input-impersonateUser"]').locator('input').first().fill(demo.email);
	await editor.page.click('[data-test-id="credential-save-button"]');
	// Saving tests the credential: wait for its verdict, whichever it is, then read what the dialog says.
	const verdict = modal.locator('[data-test-id="credentials-config-container-test-success"]:visible').or(modal.getByText(/Couldn.t connect with these settings/));
	await verdict.first().waitFor({ timeout: 90_000 });
	await editor.shot('credential-service-account-tested');
	expect(await modal.innerText()).toMatch(/Connection tested successfully/);
	// What Google saw: JWT-bearer grants signed by that key, for the impersonated user (n8n may test more
	// than once around a save), each answered; then tokeninfo about the token minted. (The demo OAuth2
	// credential's refreshes go to the same endpoint: only JWT-bearer grants are the dialog's.)
	const jwtGrants = () => sandbox.server.seen('oauth2.googleapis.com', '/token', 'POST').filter((q) => new URLSearchParams(q.body).get('grant_type') === 'urn:ietf:params:oauth:grant-type:jwt-bearer');
	const grants = jwtGrants();
	expect(grants.length).toBeGreaterThanOrEqual(1);
	for (const grant of grants) {
		const form = new URLSearchParams(grant.body);
		const claims = JSON.parse(Buffer.from(form.get('assertion')!.split('.')[1], 'base64url').toString()) as { iss: string; sub: string };
		expect([grant.status, form.get('grant_type'), claims.iss, claims.sub]).toEqual([200, 'urn:ietf:params:oauth:grant-type:jwt-bearer', sa.clientEmail, demo.email]);
	}
	const infos = sandbox.server.seen('oauth2.googleapis.com', '/tokeninfo');
	expect(infos.length).toBeGreaterThanOrEqual(1);
	expect(infos.every((q) => q.status === 200 && new URLSearchParams(q.body).get('access_token'))).toBe(true);

	await editor.page.keyboard.press('Escape');

	const saved = await n8n.rest<Array<{ id: string; type: string }>>('GET', '/credentials');
	for (const c of saved.filter((c) => c.type === 'googleConnectorServiceAccountApi')) await n8n.rest('DELETE', `/credentials/${c.id}`);
});
