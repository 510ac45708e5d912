// Ring 3 Google Ads: in a real n8n 2.41.0 with the packed package, Ads Campaign → Create builds the
// full Search campaign in one mutate (checked in the sandbox), then Ads Report reads metrics per ad
// group and day for what was created.
import { startSandbox, type Sandbox } from '../sandbox';
import { N8nHost, HOST_SETUP_TIMEOUT } from './n8nHost';
import { fullSearchCampaign } from '../helpers/adsCampaigns';

const NODE_TYPE = 'n8n-nodes-google-connector.googleConnector';
const CRED_TYPE = 'googleConnectorOAuth2Api';
const CLIENT_ID = '1234567890';
const TOKEN = 'host-ads-dev-token-7Hq2';
const credential = { id: 'hostAdsCred000001', name: 'Google Ads (host test)' };

let sandbox: Sandbox;
let n8n: N8nHost;

jest.setTimeout(180_000);

beforeAll(async () => {
	sandbox = await startSandbox();
	sandbox.ads.developerTokens.set(TOKEN, 'basic');
	sandbox.ads.today = '2026-11-26';
	n8n = await N8nHost.start({ env: sandbox.server.childEnv() });
	const grant = sandbox.oauth.issueGrant({ scopes: ['https://www.googleapis.com/auth/adwords'] });
	await n8n.importCredential([
		{
			...credential,
			type: CRED_TYPE,
			data: { clientId: 'sandbox-client.apps.googleusercontent.com', clientSecret: 'GOCSPX-sandbox-client-secret', ads: true, developerToken: TOKEN, loginCustomerId: '111-222-3333', oauthTokenData: grant },
		},
	]);
}, HOST_SETUP_TIMEOUT);

afterAll(async () => {
	await n8n?.dispose();
	await sandbox?.close();
});

function workflow(id: string, name: string, parameters: Record<string, unknown>) {
	return {
		id,
		name,
		active: false,
		settings: { executionOrder: 'v1' },
		connections: { Start: { main: [[{ node: 'Ads', type: 'main', index: 0 }]] } },
		nodes: [
			{ id: `${id.slice(0, 8)}-0000-4000-8000-000000000001`, name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{ id: `${id.slice(0, 8)}-0000-4000-8000-000000000002`, name: 'Ads', type: NODE_TYPE, typeVersion: 1, position: [220, 0], parameters: { customerId: CLIENT_ID, ...parameters }, credentials: { [CRED_TYPE]: credential } },
		],
	};
}

async function execute(id: string) {
	const res = await n8n.executeWorkflow(id);
	if (res.code !== 0 || res.error) throw new Error(`execute failed (exit ${res.code}): ${JSON.stringify(res.error ?? null).slice(0, 800)}\n${res.stderr.slice(-1500)}`);
	return res.nodeItems('Ads');
}

test('create the full Search campaign, then a metrics report per ad group and day', async () => {
	await n8n.importWorkflow([
		workflow('a1d5c0de00000001', 'Create campaign', { resource: 'adsCampaign', operation: 'create', campaignInput: 'json', campaignJson: JSON.stringify(fullSearchCampaign('Host: Winterreifen')) }),
		workflow('a1d5c0de00000002', 'Ad group metrics', { resource: 'adsReport', operation: 'structureMetrics', level: 'adGroup', perDay: true, dateRangeType: 'preset', preset: 'LAST_7_DAYS' }),
	]);
	sandbox.server.clearRequests();
	const [created] = await execute('a1d5c0de00000001');

	const mutates = sandbox.server.seen('googleads.googleapis.com', 'googleAds:mutate');
	expect(mutates).toHaveLength(1);
	expect((JSON.parse(mutates[0].body) as { mutateOperations: unknown[] }).mutateOperations).toHaveLength(21);
	expect(mutates[0].headers['developer-token']).toBe(TOKEN);
	const campaign = sandbox.ads.campaignsOf(CLIENT_ID).find((c) => c.name === 'Host: Winterreifen')!;
	expect(created).toMatchObject({ id: campaign.id, name: 'Host: Winterreifen', status: 'PAUSED' });
	const groups = [...sandbox.ads.structure.adGroups.values()].filter((g) => g.campaign === campaign.resourceName);
	expect(groups.map((g) => g.name)).toEqual(['Winterreifen', 'Ganzjahresreifen']);
	expect((created.created as { adGroups: Array<{ id: string }> }).adGroups.map((g) => g.id)).toEqual(groups.map((g) => g.id));
	expect(sandbox.ads.structure.countsOf(CLIENT_ID)).toMatchObject({ adGroups: 2, adGroupCriteria: 10, adGroupAds: 2, campaignCriteria: 5 });

	const m = sandbox.ads.structureMetrics;
	m.set(m.adGroups, groups[0].id, '2026-11-24', { impressions: 1200, clicks: 48, costMicros: 52_800_000, conversions: 2 });
	m.set(m.adGroups, groups[1].id, '2026-11-25', { impressions: 700, clicks: 21, costMicros: 16_800_000, conversions: 0 });
	m.set(m.adGroups, groups[1].id, '2026-11-10', { impressions: 999, clicks: 99, costMicros: 99_000_000, conversions: 9 }); // outside LAST_7_DAYS
	const rows = await execute('a1d5c0de00000002');
	expect(rows.map((r) => [r.date, r.adGroupId, r.adGroupName, r.impressions, r.clicks, r.cost, r.conversions])).toEqual([
		['2026-11-24', groups[0].id, 'Winterreifen', 1200, 48, 52.8, 2],
		['2026-11-25', groups[1].id, 'Ganzjahresreifen', 700, 21, 16.8, 0],
	]);
	expect(n8n.logText()).not.toContain(TOKEN);
});
