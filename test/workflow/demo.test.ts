// Ring 2: the demo account behind `npm start -- --sandbox` (test/sandbox/demo.ts) with the credential
// that start imports (demoImport.ts): every surface answers, and the examples are wired to it.
import type { IDataObject, INodeParameters, INodeType } from 'n8n-workflow';
import { GoogleConnector } from '../../nodes/GoogleConnector/GoogleConnector.node';
import { GmailSyncTrigger } from '../../nodes/GmailSyncTrigger/GmailSyncTrigger.node';
import { YouTubeSyncTrigger } from '../../nodes/YouTubeSyncTrigger/YouTubeSyncTrigger.node';
import { GoogleConnectorTrigger } from '../../nodes/GoogleConnectorTrigger/GoogleConnectorTrigger.node';
import { typeNameOf } from '../helpers/node-types';
import { startSandbox, type Sandbox } from '../sandbox';
import { seedDemo, DEMO_DEVELOPER_TOKEN, type DemoAccount } from '../sandbox/demo';
import { demoCredentials, demoWorkflows, DEMO_OAUTH_CREDENTIAL, DEMO_WEBHOOK_CREDENTIAL } from '../sandbox/demoImport';
import { chain, harnessLogger, loadOptionsContext, runWorkflow, startNode, type CredentialsMap } from '../helpers/workflow';
import { credentialTypes } from '../helpers/google';
import { GoogleConnectorWebhookApi } from '../../credentials/GoogleConnectorWebhookApi.credentials';

let sandbox: Sandbox;
let demo: DemoAccount;
let credentials: CredentialsMap;

beforeAll(async () => {
	harnessLogger();
	sandbox = await startSandbox();
	sandbox.server.useInThisProcess();
	demo = seedDemo(sandbox);
	const [oauth, hook] = demoCredentials(sandbox, demo);
	credentials = {
		googleConnectorOAuth2Api: { id: oauth.id, name: oauth.name, data: { ...oauth.data, retryDelayMs: 5 } },
		googleConnectorWebhookApi: { id: hook.id, name: hook.name, data: hook.data },
	};
});

afterAll(async () => sandbox?.close());

async function run(parameters: IDataObject) {
	const r = await runWorkflow({
		nodes: [startNode(), { name: 'Google', type: 'googleConnector', parameters: parameters as INodeParameters }],
		connections: chain('Start', 'Google'),
		credentials,
		credentialTypes: [...credentialTypes, new GoogleConnectorWebhookApi()],
		nodeTypes: [new GoogleConnector()],
	});
	if (r.error) throw r.error;
	return r.json.Google;
}

test('Google Ads: the developer token the start credential carries is one the sandbox accepts; campaigns and metrics come back', async () => {
	sandbox.server.clearRequests();
	const campaigns = await run({ resource: 'adsCampaign', operation: 'list', customerId: '123-456-7890', returnAll: true });
	expect(campaigns.map((c) => c.name)).toEqual(expect.arrayContaining(['Brand search', 'CRM trial - Performance Max', 'Retargeting display']));
	const metrics = await run({ resource: 'adsReport', operation: 'campaignMetrics', customerId: '123-456-7890', dateRangeType: 'preset', preset: 'LAST_30_DAYS', segment: 'campaign', reportOptions: {} });
	expect(metrics.length).toBeGreaterThanOrEqual(3);
	expect(metrics.every((m) => Number(m.impressions) > 0 && Number(m.clicks) > 0)).toBe(true);
	const actions = await run({ resource: 'adsConversion', operation: 'listConversionActions', customerId: '123-456-7890' });
	expect(actions.map((a) => a.name)).toEqual(expect.arrayContaining(['CRM deal won', 'Qualified lead']));
	const seen = sandbox.server.seen('googleads.googleapis.com');
	expect(seen.length).toBeGreaterThanOrEqual(3);
	for (const q of seen) {
		expect(q.headers['developer-token']).toBe(DEMO_DEVELOPER_TOKEN);
		expect(q.headers['login-customer-id']).toBe('1112223333');
		expect(q.status).toBe(200);
	}
	expect(sandbox.ads.developerTokens.get(DEMO_DEVELOPER_TOKEN)).toBe('basic');
});

test('YouTube: the connected account owns a channel with videos, comments and replies', async () => {
	const [channel] = await run({ resource: 'youtube', operation: 'getChannel', channelBy: 'mine' });
	expect(channel).toMatchObject({ channelId: demo.channelId, title: 'Acme CRM' });
	const threads = await run({ resource: 'youtube', operation: 'listCommentThreads', threadsOf: 'mine', returnAll: true });
	expect(threads.length).toBe(4);
	expect(threads.some((t) => Number((t as { replyCount?: number }).replyCount ?? (t.replies as unknown[] | undefined)?.length ?? 0) > 0)).toBe(true);
	expect(sandbox.server.seen('youtube.googleapis.com', '/channels').some((q) => q.query.mine === 'true' && q.status === 200)).toBe(true);
});

test('Gmail: mail in the inbox and in "Clients"; an unanswered sent proposal for the follow-up example', async () => {
	const clients = await run({ resource: 'gmail', operation: 'listMessages', labelIds: [demo.clientsLabelId], returnAll: true });
	expect(clients).toHaveLength(3);
	const inbox = await run({ resource: 'gmail', operation: 'listMessages', labelIds: ['INBOX'], returnAll: true });
	expect(inbox).toHaveLength(5);
	const sent = await run({ resource: 'gmail', operation: 'listThreads', q: 'in:sent -in:chats older_than:3d newer_than:14d', labelIds: ['SENT'], returnAll: false, limit: 50 });
	expect(sent).toHaveLength(1);
	const aliases = await run({ resource: 'gmail', operation: 'listSendAs' });
	expect(aliases.map((a) => a.sendAsEmail)).toEqual(expect.arrayContaining(['rep@acme-crm.test', 'sales@acme-crm.test']));
});

test('every example is imported wired: demo credential ids, the real "Clients" label, the channel, the CRM stand-in; no placeholder left', () => {
	const workflows = demoWorkflows(demo, { crmUrl: 'http://127.0.0.1:4999', baseUrl: 'http://localhost:5678/' });
	expect(workflows).toHaveLength(10);
	const text = JSON.stringify(workflows);
	expect(text).not.toMatch(/REPLACE_WITH_CREDENTIAL_ID|REPLACE_WITH_CLIENTS_LABEL_ID|"REPLACE"|crm\.example\.com|n8n\.example\.com|UCx{22}/);
	for (const w of workflows) {
		for (const node of w.nodes as IDataObject[]) {
			const creds = (node.credentials ?? {}) as Record<string, { id: string }>;
			if (String(node.type).startsWith('n8n-nodes-google-connector.')) expect(Object.keys(creds).length).toBeGreaterThan(0);
			if (creds.googleConnectorOAuth2Api) expect(creds.googleConnectorOAuth2Api).toEqual(DEMO_OAUTH_CREDENTIAL);
			if (creds.googleConnectorWebhookApi) expect(creds.googleConnectorWebhookApi).toEqual(DEMO_WEBHOOK_CREDENTIAL);
		}
	}
	const clients = workflows.find((w) => String(w.name).includes('"Clients"'))!;
	expect(JSON.stringify(clients.nodes)).toContain(`"labelIds":["${demo.clientsLabelId}"]`);
	const renew = workflows.find((w) => String(w.name).includes('renew'))!;
	const renewNode = (renew.nodes as IDataObject[]).find((n) => n.name === 'Renew Push Subscriptions')!;
	expect(renewNode.parameters).toMatchObject({ authentication: 'webhookSecrets', pushChannelIds: demo.channelId });
	expect(renewNode.credentials).toEqual({ googleConnectorWebhookApi: DEMO_WEBHOOK_CREDENTIAL });
});

test("every dropdown value an example holds is one its dropdown offers from the demo account (the editor flags any other as not supported)", async () => {
	const nodeTypes: INodeType[] = [new GoogleConnector(), new GmailSyncTrigger(), new YouTubeSyncTrigger(), new GoogleConnectorTrigger()];
	const checked: string[] = [];
	const unsupported: string[] = [];
	for (const w of demoWorkflows(demo, { crmUrl: 'http://127.0.0.1:4999', baseUrl: 'http://localhost:5678/' })) {
		for (const node of w.nodes as Array<{ name: string; type: string; parameters: INodeParameters }>) {
			const nodeType = nodeTypes.find((t) => typeNameOf(t) === node.type);
			if (!nodeType) continue;
			for (const [name, value] of Object.entries(node.parameters)) {
				const method = nodeType.description.properties.find((p) => p.name === name && p.typeOptions?.loadOptionsMethod)?.typeOptions?.loadOptionsMethod as string | undefined;
				const fixed = (Array.isArray(value) ? value : [value]).filter((v) => !(typeof v === 'string' && v.startsWith('=')));
				if (!method || !fixed.length) continue;
				const ctx = loadOptionsContext({ nodeType, parameters: node.parameters, path: `parameters.${name}`, credentials, credentialTypes: [...credentialTypes, new GoogleConnectorWebhookApi()] });
				const offered = (await nodeType.methods!.loadOptions![method].call(ctx)).map((o) => o.value);
				checked.push(`${node.name}.${name}`);
				for (const v of fixed) if (!offered.includes(v as string)) unsupported.push(`${w.name} › ${node.name}.${name} = ${JSON.stringify(v)} (offered: ${offered.join(', ')})`);
			}
		}
	}
	expect(checked).toEqual(expect.arrayContaining(['Upload click conversion.customerId', 'Upload click conversion.conversionAction', "Last week's campaign metrics.customerId", 'New mail in Clients.labelIds', 'Reply in the thread.from']));
	expect(unsupported).toEqual([]);
});
