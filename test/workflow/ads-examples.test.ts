// Ring 2: the shipped Google Ads examples, their Google Connector nodes run as written against the
// sandbox. n8n-nodes-base is not installed in ring 2, so the webhook / schedule trigger is the harness
// start node (giving what the trigger would emit) and the CRM / Sheets nodes are left out.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IDataObject, INode, INodeParameters } from 'n8n-workflow';
import { GoogleConnector } from '../../nodes/GoogleConnector/GoogleConnector.node';
import { sha256Hex } from '../../nodes/shared/ads';
import { DATAMANAGER_HOST, startSandbox, type Sandbox } from '../sandbox';
import { chain, harnessLogger, runWorkflow, startNode } from '../helpers/workflow';
import { DEVELOPER_TOKEN, credentialTypes, oauthCredentials } from '../helpers/google';

let sandbox: Sandbox;

beforeAll(async () => {
	harnessLogger();
	sandbox = await startSandbox();
	sandbox.server.useInThisProcess();
	sandbox.ads.developerTokens.set(DEVELOPER_TOKEN, 'basic');
	sandbox.ads.today = '2026-11-26'; // a Thursday: last week Mon-Sun is 11-16..11-22
});

afterAll(async () => {
	await sandbox.close();
});

function connectorNode(file: string): INode {
	const example = JSON.parse(readFileSync(join(__dirname, '..', '..', 'examples', file), 'utf8')) as { nodes: INode[] };
	const node = example.nodes.find((n) => n.type === 'n8n-nodes-google-connector.googleConnector');
	if (!node) throw new Error(`${file} has no Google Connector node`);
	return node;
}

async function runExample(file: string, input: IDataObject[]) {
	const node = connectorNode(file);
	const { credentials } = oauthCredentials(sandbox, { ads: true, adsConversions: true }, { extra: { loginCustomerId: '111-222-3333' } });
	return await runWorkflow({
		nodes: [
			startNode(input),
			{ name: node.name, type: 'googleConnector', parameters: node.parameters as INodeParameters, onError: node.onError, continueOnFail: node.continueOnFail },
		],
		connections: chain('Start', node.name),
		credentials,
		credentialTypes,
		nodeTypes: [new GoogleConnector()],
	});
}

it('deal won → click conversion uploaded through Data Manager; a refused one comes out as an item, not lost', async () => {
	sandbox.ads.badClickIds.add('gclid-from-a-typo');
	const deals = [
		{ body: { dealId: 'D-100', amount: 4200, currency: 'EUR', gclid: 'EAIaIQobChMI-deal-100', closedAt: '2026-11-24T15:30:00+01:00', contact: { email: 'Buyer.One@gmail.com' } } },
		{ body: { dealId: 'D-101', amount: 900, currency: 'EUR', gclid: 'gclid-from-a-typo', closedAt: '2026-11-24T16:00:00+01:00', contact: { email: 'two@example.com' } } },
	];
	const r = await runExample('ads-deal-won-conversion.json', deals);
	expect(r.error).toBeUndefined();
	const out = r.json['Upload click conversion'];
	expect(out.map((o) => [o.uploaded, o.orderId ?? null])).toEqual([
		[true, 'D-100'],
		[false, null],
	]);
	expect(out[1]).toMatchObject({ code: 'INVALID_GCLID' });
	const ingested = sandbox.ads.ingestedEvents.filter((e) => e.event.transactionId === 'D-100');
	expect(ingested).toHaveLength(1);
	expect(ingested[0]).toMatchObject({ customerId: '1234567890', conversionActionId: '7001' });
	expect(ingested[0].event).toMatchObject({ eventTimestamp: '2026-11-24T14:30:00Z', conversionValue: 4200, currency: 'EUR', userData: { userIdentifiers: [{ emailAddress: sha256Hex('buyerone@gmail.com') }] } });
	expect(sandbox.ads.ingestedEvents.some((e) => e.event.transactionId === 'D-101')).toBe(false);
	expect(sandbox.server.seen(DATAMANAGER_HOST, 'events:ingest').map((q) => q.status)).toEqual([400, 200]);
});

it("weekly metrics: last week's totals per campaign", async () => {
	const id = '777';
	sandbox.ads.budgets.set('customers/1234567890/campaignBudgets/776', { id: '776', customerId: '1234567890', resourceName: 'customers/1234567890/campaignBudgets/776', name: 'b', amountMicros: '5000000', period: 'DAILY', deliveryMethod: 'STANDARD', explicitlyShared: false, status: 'ENABLED' });
	sandbox.ads.campaigns.set('customers/1234567890/campaigns/777', {
		id,
		customerId: '1234567890',
		resourceName: 'customers/1234567890/campaigns/777',
		name: 'Brand search',
		status: 'ENABLED',
		advertisingChannelType: 'SEARCH',
		campaignBudget: 'customers/1234567890/campaignBudgets/776',
		biddingStrategyType: 'MANUAL_CPC',
		manualCpc: {},
		startDateTime: '2026-10-01 00:00:00',
		endDateTime: '2037-12-30 23:59:59',
		containsEuPoliticalAdvertising: 'DOES_NOT_CONTAIN_EU_POLITICAL_ADVERTISING',
	});
	sandbox.ads.setMetrics(id, '2026-11-15', { impressions: 5000, clicks: 500, costMicros: 500_000_000, conversions: 50 }); // Sunday before: outside
	sandbox.ads.setMetrics(id, '2026-11-16', { impressions: 1000, clicks: 40, costMicros: 30_000_000, conversions: 2 });
	sandbox.ads.setMetrics(id, '2026-11-22', { impressions: 1000, clicks: 60, costMicros: 45_000_000, conversions: 3 });
	sandbox.ads.setMetrics(id, '2026-11-23', { impressions: 7000, clicks: 700, costMicros: 700_000_000, conversions: 70 }); // this week: outside
	const r = await runExample('ads-weekly-metrics.json', [{}]);
	expect(r.error).toBeUndefined();
	expect(r.json["Last week's campaign metrics"]).toEqual([
		{ customerId: '1234567890', campaignId: '777', campaignName: 'Brand search', campaignStatus: 'ENABLED', impressions: 2000, clicks: 100, cost: 75, costMicros: '75000000', conversions: 5, ctr: 0.05, averageCpc: 0.75, averageCpcMicros: '750000' },
	]);
	expect(JSON.parse(sandbox.server.seen('googleads.googleapis.com', 'searchStream')[0].body).query).toContain('DURING LAST_WEEK_MON_SUN');
});

it('launch campaign: the CRM record becomes the full Search campaign; the ids it returns are the ones the sandbox holds', async () => {
	const example = JSON.parse(readFileSync(join(__dirname, '..', '..', 'examples', 'ads-launch-campaign.json'), 'utf8')) as { pinData: Record<string, Array<{ json: IDataObject }>> };
	const record = example.pinData['CRM launch campaign'][0].json;
	sandbox.server.clearRequests();
	const r = await runExample('ads-launch-campaign.json', [record]);
	expect(r.error).toBeUndefined();
	expect(sandbox.server.seen('googleads.googleapis.com', 'googleAds:mutate')).toHaveLength(1);
	const [out] = r.json['Create the whole campaign'];
	const campaign = sandbox.ads.campaignsOf('1234567890').find((c) => c.name === 'Launch: Winterreifen 2027')!;
	expect(out.id).toBe(campaign.id);
	const created = out.created as { adGroups: Array<{ id: string; keywords: Array<{ resourceName: string }>; ads: Array<{ resourceName: string }> }> };
	expect(created.adGroups.map((g) => sandbox.ads.structure.adGroups.get(`customers/1234567890/adGroups/${g.id}`)?.campaign)).toEqual([campaign.resourceName, campaign.resourceName]);
	expect(created.adGroups.flatMap((g) => g.keywords).every((k) => sandbox.ads.structure.adGroupCriteria.has(k.resourceName))).toBe(true);
	expect(created.adGroups.flatMap((g) => g.keywords)).toHaveLength(10);
	expect(created.adGroups.flatMap((g) => g.ads).every((a) => sandbox.ads.structure.adGroupAds.has(a.resourceName))).toBe(true);
	// the same record again: Google refuses the duplicate name, the item says so (Continue On Fail), nothing new exists
	const counts = sandbox.ads.structure.countsOf('1234567890');
	const again = await runExample('ads-launch-campaign.json', [record]);
	expect(again.error).toBeUndefined();
	expect(String(again.json['Create the whole campaign'][0].error)).toContain('campaignError.DUPLICATE_CAMPAIGN_NAME');
	expect(sandbox.ads.structure.countsOf('1234567890')).toEqual(counts);
});
