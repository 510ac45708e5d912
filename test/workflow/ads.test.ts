// Ring 2, Google Ads: the Google Connector's Ads resources run by n8n-core's WorkflowExecute against
// the sandbox's Ads REST and Data Manager. Every test checks what the sandbox received and its state.
import type { IDataObject, INodeParameters } from 'n8n-workflow';
import { GoogleConnector } from '../../nodes/GoogleConnector/GoogleConnector.node';
import { sha256Hex } from '../../nodes/shared/ads';
import { ADS_HOST, DATAMANAGER_HOST, startSandbox, type Sandbox } from '../sandbox';
import { adsSchemas, dataManagerSchemas, unknownFields } from '../sandbox/adsSchemas';
import { chain, harnessLogger, loadOptionsContext, runWorkflow, startNode, type CredentialsMap, type RunWorkflowResult } from '../helpers/workflow';
import { getAdsConversionActions, getAdsCustomers } from '../../nodes/shared/methods';
import { DEVELOPER_TOKEN, credentialTypes, findSecrets, oauthCredentials, sandboxSecrets, serviceAccountCredentials } from '../helpers/google';

let sandbox: Sandbox;
let creds: CredentialsMap;
/** No manager id: for the directly accessible account (a manager id that does not manage it is refused). */
let direct: CredentialsMap;
const CLIENT = '1234567890'; // reached through the manager 111-222-3333
const MANAGER = '1112223333';
const DIRECT = '5556667777';

beforeAll(async () => {
	harnessLogger();
	sandbox = await startSandbox();
	sandbox.server.useInThisProcess();
	sandbox.ads.developerTokens.set(DEVELOPER_TOKEN, 'basic');
	sandbox.ads.today = '2026-11-26';
	creds = oauthCredentials(sandbox, { ads: true, adsConversions: true }, { extra: { loginCustomerId: '111-222-3333' } }).credentials;
	direct = oauthCredentials(sandbox, { ads: true, adsConversions: true }).credentials;
});

afterAll(async () => {
	await sandbox.close();
});

beforeEach(() => sandbox.server.clearRequests());

interface RunOpts {
	input?: IDataObject[];
	credentials?: CredentialsMap;
	continueOnFail?: boolean;
}

const texts: string[] = [];

async function run(parameters: IDataObject, opts: RunOpts = {}): Promise<RunWorkflowResult> {
	const result = await runWorkflow({
		nodes: [startNode(opts.input), { name: 'Ads', type: 'googleConnector', parameters: parameters as INodeParameters, continueOnFail: opts.continueOnFail }],
		connections: chain('Start', 'Ads'),
		credentials: opts.credentials ?? creds,
		credentialTypes,
		nodeTypes: [new GoogleConnector()],
	});
	texts.push(JSON.stringify(result.json), JSON.stringify(result.error ?? null), ...result.log);
	return result;
}

function errorText(r: RunWorkflowResult): string {
	const e = r.error as (Error & { description?: string }) | undefined;
	return `${e?.message ?? ''} | ${e?.description ?? ''}`;
}

const adsRequests = (path: string) => sandbox.server.seen(ADS_HOST, path);
const mutateBodies = () => adsRequests('googleAds:mutate').map((r) => JSON.parse(r.body) as IDataObject);

describe('campaign lifecycle: create → pause → update → enable → remove', () => {
	let campaignId = '';
	let budgetResource = '';
	let campaignResource = '';

	it('creates budget and campaign in one atomic mutate with a temporary budget name', async () => {
		const r = await run({
			resource: 'adsCampaign',
			operation: 'create',
			customerId: '123-456-7890',
			campaignInput: 'fields',
			name: 'Deal-won retargeting',
			channel: 'SEARCH',
			budgetAmount: 25.5,
			status: 'PAUSED',
			additionalFields: {
				biddingStrategy: 'MAXIMIZE_CONVERSIONS',
				targetCpa: 12,
				startDate: '2026-12-01T00:00:00',
				endDate: '2027-01-31T00:00:00',
				networks: { values: { googleSearch: true, searchPartners: false, display: false } },
				euPoliticalAdvertising: false,
			},
		});
		expect(r.error).toBeUndefined();
		const seen = adsRequests('googleAds:mutate');
		expect(seen).toHaveLength(1);
		expect(seen[0].path).toBe(`/v26/customers/${CLIENT}/googleAds:mutate`);
		expect(seen[0].headers['developer-token']).toBe(DEVELOPER_TOKEN);
		expect(seen[0].headers['login-customer-id']).toBe(MANAGER);
		const body = mutateBodies()[0] as { mutateOperations: Array<Record<string, Record<string, Record<string, unknown>>>> };
		expect(Object.keys(body)).toEqual(['mutateOperations']);
		expect(body.mutateOperations).toHaveLength(2);
		const budget = body.mutateOperations[0].campaignBudgetOperation.create;
		expect(budget.resourceName).toBe(`customers/${CLIENT}/campaignBudgets/-1`);
		expect(budget.name).toBe('Deal-won retargeting budget');
		expect(budget.amountMicros).toBe('25500000');
		expect(budget.period).toBe('DAILY');
		expect(budget.deliveryMethod).toBe('STANDARD');
		expect(budget.explicitlyShared).toBe(false);
		const c = body.mutateOperations[1].campaignOperation.create;
		expect(c.name).toBe('Deal-won retargeting');
		expect(c.status).toBe('PAUSED');
		expect(c.advertisingChannelType).toBe('SEARCH');
		expect(c.campaignBudget).toBe(`customers/${CLIENT}/campaignBudgets/-1`);
		expect(c.resourceName).toBe(`customers/${CLIENT}/campaigns/-2`);
		expect(c.maximizeConversions).toEqual({ targetCpaMicros: '12000000' });
		expect(c.networkSettings).toEqual({ targetGoogleSearch: true, targetSearchNetwork: false, targetContentNetwork: false, targetPartnerSearchNetwork: false });
		expect(c.startDateTime).toBe('2026-12-01 00:00:00');
		expect(c.endDateTime).toBe('2027-01-31 23:59:59');
		expect(c.containsEuPoliticalAdvertising).toBe('DOES_NOT_CONTAIN_EU_POLITICAL_ADVERTISING');
		expect(unknownFields(adsSchemas(), 'MutateGoogleAdsRequest', body)).toEqual([]);

		// sandbox state: one budget, one campaign pointing at it
		const campaigns = sandbox.ads.campaignsOf(CLIENT);
		expect(campaigns).toHaveLength(1);
		const stored = campaigns[0];
		const storedBudget = sandbox.ads.budgets.get(stored.campaignBudget)!;
		expect(storedBudget.amountMicros).toBe('25500000');
		expect(stored).toMatchObject({ name: 'Deal-won retargeting', status: 'PAUSED', biddingStrategyType: 'MAXIMIZE_CONVERSIONS', endDateTime: '2027-01-31 23:59:59' });
		campaignId = stored.id;
		budgetResource = storedBudget.resourceName;
		campaignResource = stored.resourceName;

		// output: the unified shape read back, money in units with micros alongside
		expect(r.json.Ads).toEqual([
			{
				id: campaignId,
				resourceName: campaignResource,
				customerId: CLIENT,
				name: 'Deal-won retargeting',
				status: 'PAUSED',
				channel: 'SEARCH',
				budget: { amount: 25.5, amountMicros: '25500000', period: 'DAILY', id: storedBudget.id, resourceName: budgetResource },
				bidding: { strategy: 'MAXIMIZE_CONVERSIONS', targetCpa: 12, targetCpaMicros: '12000000' },
				startDate: '2026-12-01',
				endDate: '2027-01-31',
				networks: { googleSearch: true, searchPartners: false, display: false },
				euPoliticalAdvertising: false,
				created: {
					campaign: { id: campaignId, resourceName: campaignResource },
					budget: { id: storedBudget.id, resourceName: budgetResource },
					locations: [],
					languages: [],
					negativeKeywords: [],
					adGroups: [],
					images: [],
					operations: 2,
				},
			},
		]);
	});

	it('enables then pauses with a status-only update', async () => {
		const enable = await run({ resource: 'adsCampaign', operation: 'enable', customerId: CLIENT, campaignId });
		expect(enable.error).toBeUndefined();
		expect(sandbox.ads.campaigns.get(campaignResource)!.status).toBe('ENABLED');
		sandbox.server.clearRequests();
		const pause = await run({ resource: 'adsCampaign', operation: 'pause', customerId: CLIENT, campaignId: campaignResource });
		expect(pause.error).toBeUndefined();
		expect(mutateBodies()).toEqual([{ mutateOperations: [{ campaignOperation: { update: { resourceName: campaignResource, status: 'PAUSED' }, updateMask: 'status' } }] }]);
		expect(sandbox.ads.campaigns.get(campaignResource)!.status).toBe('PAUSED');
		expect(pause.json.Ads[0]).toMatchObject({ id: campaignId, status: 'PAUSED' });
	});

	it('updates only changed fields (JSON from a previous node), budget and campaign in one request', async () => {
		const r = await run(
			{ resource: 'adsCampaign', operation: 'update', customerId: CLIENT, campaignId, campaignInput: 'json', campaignJson: '={{ JSON.stringify($json.patch) }}' },
			{ input: [{ patch: { name: 'Deal-won retargeting', budget: { amount: 40 }, endDate: '2027-02-28', networks: { searchPartners: true } } }] },
		);
		expect(r.error).toBeUndefined();
		expect(mutateBodies()).toEqual([
			{
				mutateOperations: [
					{ campaignBudgetOperation: { update: { resourceName: budgetResource, amountMicros: '40000000' }, updateMask: 'amountMicros' } },
					{
						campaignOperation: {
							update: { resourceName: campaignResource, endDateTime: '2027-02-28 23:59:59', networkSettings: { targetSearchNetwork: true } },
							updateMask: 'endDateTime,networkSettings.targetSearchNetwork',
						},
					},
				],
			},
		]);
		expect(sandbox.ads.budgets.get(budgetResource)!.amountMicros).toBe('40000000');
		const stored = sandbox.ads.campaigns.get(campaignResource)!;
		expect(stored.endDateTime).toBe('2027-02-28 23:59:59');
		expect(stored.networkSettings).toEqual({ targetGoogleSearch: true, targetSearchNetwork: true, targetContentNetwork: false, targetPartnerSearchNetwork: false });
		expect(stored.name).toBe('Deal-won retargeting');
		expect(r.json.Ads[0]).toMatchObject({ budget: { amount: 40, amountMicros: '40000000' }, endDate: '2027-02-28', changed: ['endDate', 'networks', 'budget.amount'] });
	});

	it('sends no mutate when nothing changed', async () => {
		const r = await run({ resource: 'adsCampaign', operation: 'update', customerId: CLIENT, campaignId, campaignInput: 'fields', updateFields: { status: 'PAUSED', budgetAmount: 40 } });
		expect(r.error).toBeUndefined();
		expect(mutateBodies()).toEqual([]);
		expect(r.json.Ads[0].changed).toEqual([]);
	});

	it('removes, and the default list then leaves it out', async () => {
		const r = await run({ resource: 'adsCampaign', operation: 'remove', customerId: CLIENT, campaignId });
		expect(r.error).toBeUndefined();
		expect(mutateBodies()).toEqual([{ mutateOperations: [{ campaignOperation: { remove: campaignResource } }] }]);
		expect(sandbox.ads.campaigns.get(campaignResource)!.status).toBe('REMOVED');
		const listed = await run({ resource: 'adsCampaign', operation: 'list', customerId: CLIENT, returnAll: true });
		expect(listed.json.Ads.map((c) => c.id)).not.toContain(campaignId);
		const removed = await run({ resource: 'adsCampaign', operation: 'list', customerId: CLIENT, statuses: ['REMOVED'], returnAll: true });
		expect(removed.json.Ads.map((c) => c.id)).toEqual([campaignId]);
	});
});

describe('atomicity and Google-side errors', () => {
	it('a failing campaign leaves no orphan budget, and the error names the field path', async () => {
		const first = await run({ resource: 'adsCampaign', operation: 'create', customerId: CLIENT, campaignInput: 'json', campaignJson: JSON.stringify({ name: 'Spring', channel: 'SEARCH', budget: { amount: 5 } }) });
		expect(first.error).toBeUndefined();
		const budgetsBefore = sandbox.ads.budgetsOf(CLIENT).length;
		const campaignsBefore = sandbox.ads.campaignsOf(CLIENT).length;
		const dup = await run({
			resource: 'adsCampaign',
			operation: 'create',
			customerId: CLIENT,
			campaignInput: 'json',
			campaignJson: JSON.stringify({ name: 'Spring', channel: 'SEARCH', budget: { amount: 5 } }),
			createOptions: { budgetName: 'Spring budget 2' },
		});
		expect(errorText(dup)).toContain('campaignError.DUPLICATE_CAMPAIGN_NAME');
		expect(errorText(dup)).toContain('(field mutate_operations[1].campaign_operation.create.name)');
		expect(sandbox.ads.budgetsOf(CLIENT).length).toBe(budgetsBefore);
		expect(sandbox.ads.campaignsOf(CLIENT).length).toBe(campaignsBefore);
		expect(adsRequests('googleAds:mutate').filter((q) => q.status === 400)).toHaveLength(1);
	});

	it('reports a budget Google refuses with its code and field path, and never resends the mutate', async () => {
		const r = await run({ resource: 'adsCampaign', operation: 'create', customerId: CLIENT, campaignInput: 'json', campaignJson: JSON.stringify({ name: 'Odd money', channel: 'SEARCH', budget: { amount: 10.005 } }) });
		expect(errorText(r)).toMatch(/Google Ads refused the request: campaignBudgetError\.NON_MULTIPLE_OF_MINIMUM_CURRENCY_UNIT: .* \(field mutate_operations\[0\]\.campaign_budget_operation\.create\.amount_micros\)/);
		expect(adsRequests('googleAds:mutate')).toHaveLength(1);
		expect(sandbox.ads.campaignsOf(CLIENT).some((c) => c.name === 'Odd money')).toBe(false);
	});

	it('validate-only create checks with Google and creates nothing', async () => {
		const budgets = sandbox.ads.budgetsOf(CLIENT).length;
		const campaigns = sandbox.ads.campaignsOf(CLIENT).length;
		const r = await run({ resource: 'adsCampaign', operation: 'create', customerId: CLIENT, campaignInput: 'json', campaignJson: JSON.stringify({ name: 'Dry run', channel: 'SEARCH', budget: { amount: 7 } }), createOptions: { validateOnly: true } });
		expect(r.error).toBeUndefined();
		expect(mutateBodies()[0].validateOnly).toBe(true);
		expect(r.json.Ads[0]).toMatchObject({ valid: true, validateOnly: true, campaign: { name: 'Dry run', budget: { amount: 7, period: 'DAILY' } } });
		expect(sandbox.ads.budgetsOf(CLIENT).length).toBe(budgets);
		expect(sandbox.ads.campaignsOf(CLIENT).length).toBe(campaigns);
	});

	it('a 503 after a mutate reached Google is not retried', async () => {
		sandbox.server.faults.push({ host: ADS_HOST, pathIncludes: 'googleAds:mutate', count: 1, status: 503, when: 'after' });
		const r = await run({ resource: 'adsCampaign', operation: 'create', customerId: CLIENT, campaignInput: 'json', campaignJson: JSON.stringify({ name: 'Maybe created', channel: 'DISPLAY', budget: { amount: 3 } }) });
		expect(errorText(r)).toMatch(/may have reached Google/);
		expect(adsRequests('googleAds:mutate')).toHaveLength(1);
		expect(sandbox.ads.campaignsOf(CLIENT).filter((c) => c.name === 'Maybe created')).toHaveLength(1);
	});
});

describe('validation before anything is sent', () => {
	const base = { resource: 'adsCampaign', operation: 'create', customerId: CLIENT, campaignInput: 'json' };
	const cases: Array<[IDataObject, string]> = [
		[{ ...base, campaignJson: JSON.stringify({ name: 'x', channel: 'SEARCH', budget: { amount: 0 } }) }, 'Invalid "budget.amount": must be greater than 0; got 0'],
		[{ ...base, campaignJson: JSON.stringify({ name: 'x', channel: 'TV', budget: { amount: 1 } }) }, 'Invalid "channel": must be one of SEARCH'],
		[{ ...base, campaignJson: JSON.stringify({ name: 'x', channel: 'SEARCH', status: 'LIVE', budget: { amount: 1 } }) }, 'Invalid "status": must be one of ENABLED, PAUSED'],
		[{ ...base, campaignJson: JSON.stringify({ name: 'x', channel: 'SEARCH', budget: { amount: 1 }, bidding: { strategy: 'CPM' } }) }, 'Invalid "bidding.strategy"'],
		[{ ...base, campaignJson: JSON.stringify({ name: 'x', channel: 'SEARCH', budget: { amount: 1 }, startDate: '2027-01-10', endDate: '2027-01-01' }) }, 'Invalid "endDate": must not be before startDate (2027-01-10)'],
		[{ ...base, campaignJson: JSON.stringify({ name: 'x', channel: 'SEARCH', budget: { amount: 1 }, startDate: '2027-02-31' }) }, 'Invalid "startDate": is not a real calendar date'],
		[{ ...base, customerId: '123-456-789', campaignJson: '{}' }, 'Invalid "Customer ID": must be a 10-digit Google Ads customer ID'],
		[{ resource: 'adsReport', operation: 'campaignMetrics', customerId: CLIENT, dateRangeType: 'preset', preset: 'LAST_90_DAYS' }, 'Invalid "dateRange"'],
		[{ resource: 'adsReport', operation: 'campaignMetrics', customerId: CLIENT, dateRangeType: 'custom', startDate: '2026-11-10', endDate: '2026-11-01' }, 'Invalid "dateRange.end"'],
		[{ resource: 'adsCampaign', operation: 'get', customerId: CLIENT, campaignId: 'abc' }, 'Invalid "Campaign ID"'],
		[{ resource: 'adsCampaign', operation: 'list', customerId: CLIENT, adsApiVersion: 'v22' }, 'Google Ads API v22 was sunset on 2026-10 and Google refuses it. Upgrade: set "API Version" to v26'],
	];
	it.each(cases.map(([parameters, message]) => [message, parameters] as [string, IDataObject]))('%s', async (message, parameters) => {
		const r = await run(parameters);
		expect(errorText(r)).toContain(message);
		expect(sandbox.server.seen(ADS_HOST)).toHaveLength(0);
	});
});

describe('developer token, manager id and versions', () => {
	it('sends no login-customer-id when the credential has none, and Google then asks for it', async () => {
		const plain = oauthCredentials(sandbox, { ads: true }).credentials;
		const r = await run({ resource: 'adsCampaign', operation: 'list', customerId: CLIENT, returnAll: true }, { credentials: plain });
		expect(adsRequests('googleAds:search')[0].headers['login-customer-id']).toBeUndefined();
		expect(errorText(r)).toContain('authorizationError.USER_PERMISSION_DENIED');
		expect(errorText(r)).toContain('set "Ads Manager (Login) Customer ID" in the credential');
		// a directly accessible account works without it
		const direct = await run({ resource: 'adsCampaign', operation: 'list', customerId: DIRECT, returnAll: true }, { credentials: plain });
		expect(direct.error).toBeUndefined();
	});

	it("a manager id that does not manage the account: Google refuses (nothing done) and the call goes once more without it", async () => {
		const r = await run({ resource: 'adsConversion', operation: 'listConversionActions', customerId: DIRECT });
		expect(r.error).toBeUndefined();
		expect(r.json.Ads.map((a) => a.id)).toEqual(['8001']);
		const seen = adsRequests('googleAds:search');
		expect(seen.map((q) => [q.status, q.headers['login-customer-id'] ?? null])).toEqual([
			[403, MANAGER],
			[200, null],
		]);
	});

	it('says to set the developer token when it is missing, and never shows a token', async () => {
		const noToken = oauthCredentials(sandbox, { ads: true }, { extra: { developerToken: '' } }).credentials;
		const r = await run({ resource: 'adsCampaign', operation: 'list', customerId: DIRECT, returnAll: true }, { credentials: noToken });
		expect(adsRequests('googleAds:search')[0].headers['developer-token']).toBeUndefined();
		expect(errorText(r)).toContain('requestError.DEVELOPER_TOKEN_PARAMETER_MISSING');
		expect(errorText(r)).toContain('Set "Ads Developer Token" in the Google Connector credential');
		const badToken = 'not-a-real-token-9f8e7d';
		const bad = oauthCredentials(sandbox, { ads: true }, { extra: { developerToken: badToken } }).credentials;
		const r2 = await run({ resource: 'adsCampaign', operation: 'list', customerId: DIRECT, returnAll: true }, { credentials: bad });
		expect(errorText(r2)).toContain('authenticationError.DEVELOPER_TOKEN_INVALID');
		expect(errorText(r2)).not.toContain('reconnect');
		expect(JSON.stringify(r2.error)).not.toContain(badToken);
	});

	it('a test-access token is refused for a production account with advice', async () => {
		const test = oauthCredentials(sandbox, { ads: true }, { extra: { developerToken: 'sandbox-test-token' } }).credentials;
		const r = await run({ resource: 'adsCampaign', operation: 'list', customerId: DIRECT, returnAll: true }, { credentials: test });
		expect(errorText(r)).toContain('authorizationError.DEVELOPER_TOKEN_NOT_APPROVED');
		expect(errorText(r)).toContain('apply for Basic access');
	});

	it("a version Google has sunset gets Google's refusal turned into upgrade advice", async () => {
		sandbox.ads.liveVersions.delete('v23');
		try {
			const r = await run({ resource: 'adsCampaign', operation: 'list', customerId: DIRECT, returnAll: true, adsApiVersion: 'v23' }, { credentials: direct });
			expect(adsRequests('/v23/')).toHaveLength(1);
			expect(errorText(r)).toContain('Version v23 is deprecated');
			expect(errorText(r)).toContain('Upgrade: set "API Version" to v26');
		} finally {
			sandbox.ads.liveVersions.add('v23');
		}
	});

	it('uses the overridden version in the URL', async () => {
		const r = await run({ resource: 'adsCampaign', operation: 'list', customerId: DIRECT, returnAll: true, adsApiVersion: '25' }, { credentials: direct });
		expect(r.error).toBeUndefined();
		expect(adsRequests('googleAds:search')[0].path).toBe(`/v25/customers/${DIRECT}/googleAds:search`);
	});

	it('names the missing Google Ads scope', async () => {
		const noAds = oauthCredentials(sandbox, { adsConversions: true }).credentials;
		const r = await run({ resource: 'adsCampaign', operation: 'list', customerId: DIRECT, returnAll: true }, { credentials: noAds });
		expect(errorText(r)).toContain('The Google connection lacks the Google Ads scope');
	});
});

describe('list: status filter, limit and all pages', () => {
	beforeAll(() => {
		for (let i = 0; i < 5; i++) {
			sandbox.ads.budgets.set(`customers/${DIRECT}/campaignBudgets/${100 + i}`, { id: String(100 + i), customerId: DIRECT, resourceName: `customers/${DIRECT}/campaignBudgets/${100 + i}`, name: `b${i}`, amountMicros: '1000000', period: 'DAILY', deliveryMethod: 'STANDARD', explicitlyShared: false, status: 'ENABLED' });
			sandbox.ads.campaigns.set(`customers/${DIRECT}/campaigns/${200 + i}`, {
				id: String(200 + i),
				customerId: DIRECT,
				resourceName: `customers/${DIRECT}/campaigns/${200 + i}`,
				name: `Seeded ${i}`,
				status: i % 2 === 0 ? 'ENABLED' : 'PAUSED',
				advertisingChannelType: 'SEARCH',
				campaignBudget: `customers/${DIRECT}/campaignBudgets/${100 + i}`,
				biddingStrategyType: 'MANUAL_CPC',
				manualCpc: {},
				networkSettings: { targetGoogleSearch: true, targetSearchNetwork: true, targetContentNetwork: false, targetPartnerSearchNetwork: false },
				startDateTime: '2026-11-01 00:00:00',
				endDateTime: '2037-12-30 23:59:59',
				containsEuPoliticalAdvertising: 'DOES_NOT_CONTAIN_EU_POLITICAL_ADVERTISING',
			});
		}
	});

	it('follows every page with returnAll', async () => {
		sandbox.ads.pageSize = 2;
		try {
			const r = await run({ resource: 'adsCampaign', operation: 'list', customerId: DIRECT, returnAll: true }, { credentials: direct });
			expect(r.json.Ads.map((c) => c.name)).toEqual(['Seeded 0', 'Seeded 1', 'Seeded 2', 'Seeded 3', 'Seeded 4']);
			expect(adsRequests('googleAds:search')).toHaveLength(3);
			expect(r.json.Ads[1]).toMatchObject({ status: 'PAUSED', budget: { amount: 1, amountMicros: '1000000' }, bidding: { strategy: 'MANUAL_CPC' }, endDate: null });
		} finally {
			sandbox.ads.pageSize = 10_000;
		}
	});

	it('filters by status and stops at the limit', async () => {
		const r = await run({ resource: 'adsCampaign', operation: 'list', customerId: DIRECT, statuses: ['ENABLED'], returnAll: false, limit: 2 }, { credentials: direct });
		expect(r.json.Ads.map((c) => c.name)).toEqual(['Seeded 0', 'Seeded 2']);
		const query = JSON.parse(adsRequests('googleAds:search')[0].body).query as string;
		expect(query).toMatch(/WHERE campaign.status = 'ENABLED' ORDER BY campaign.id LIMIT 2$/);
	});
});

describe('report: campaign metrics through searchStream', () => {
	beforeAll(() => {
		// 2026-11-26 is "today": LAST_7_DAYS is 11-19..11-25
		sandbox.ads.setMetrics('200', '2026-11-18', { impressions: 999, clicks: 99, costMicros: 99_000_000, conversions: 9 }); // outside
		sandbox.ads.setMetrics('200', '2026-11-20', { impressions: 1000, clicks: 50, costMicros: 25_000_000, conversions: 2 });
		sandbox.ads.setMetrics('200', '2026-11-21', { impressions: 500, clicks: 25, costMicros: 20_000_000, conversions: 1.5 });
		sandbox.ads.setMetrics('202', '2026-11-21', { impressions: 100, clicks: 0, costMicros: 0, conversions: 0 });
	});

	it('sums per campaign over a preset, with CTR and average CPC', async () => {
		const r = await run({ resource: 'adsReport', operation: 'campaignMetrics', customerId: DIRECT, dateRangeType: 'preset', preset: 'LAST_7_DAYS', segment: 'campaign' }, { credentials: direct });
		expect(r.error).toBeUndefined();
		const q = adsRequests('googleAds:searchStream');
		expect(q).toHaveLength(1);
		expect(JSON.parse(q[0].body).query).toContain('WHERE segments.date DURING LAST_7_DAYS');
		expect(r.json.Ads).toEqual([
			{ customerId: DIRECT, campaignId: '200', campaignName: 'Seeded 0', campaignStatus: 'ENABLED', impressions: 1500, clicks: 75, cost: 45, costMicros: '45000000', conversions: 3.5, ctr: 0.05, averageCpc: 0.6, averageCpcMicros: '600000' },
			{ customerId: DIRECT, campaignId: '202', campaignName: 'Seeded 2', campaignStatus: 'ENABLED', impressions: 100, clicks: 0, cost: 0, costMicros: '0', conversions: 0, ctr: 0, averageCpc: 0, averageCpcMicros: '0' },
		]);
	});

	it('gives one row per campaign and day over a custom range', async () => {
		const r = await run({ resource: 'adsReport', operation: 'campaignMetrics', customerId: DIRECT, dateRangeType: 'custom', startDate: '2026-11-18T00:00:00', endDate: '2026-11-20T00:00:00', segment: 'day', reportOptions: { campaignIds: '200' } }, { credentials: direct });
		expect(JSON.parse(adsRequests('googleAds:searchStream')[0].body).query).toContain("segments.date BETWEEN '2026-11-18' AND '2026-11-20' AND campaign.id = 200");
		expect(r.json.Ads.map((row) => [row.date, row.clicks, row.cost])).toEqual([
			['2026-11-18', 99, 99],
			['2026-11-20', 50, 25],
		]);
	});

	it('runs a raw GAQL query and can flatten rows', async () => {
		const r = await run({ resource: 'adsReport', operation: 'query', customerId: DIRECT, query: "SELECT campaign.id, metrics.clicks FROM campaign WHERE segments.date DURING LAST_7_DAYS AND campaign.id = 200", flatten: true }, { credentials: direct });
		expect(r.json.Ads).toEqual([{ 'campaign.id': '200', 'metrics.clicks': '75' }]);
		const bad = await run({ resource: 'adsReport', operation: 'query', customerId: DIRECT, query: 'SELECT campaign.colour FROM campaign' }, { credentials: direct });
		expect(errorText(bad)).toContain("queryError.UNRECOGNIZED_FIELD: Unrecognized field in the query: 'campaign.colour'.");
		// Google's GAQL rules the sandbox enforces: no LAST_90_DAYS, a date range whenever segments.date is selected
		const ninety = await run({ resource: 'adsReport', operation: 'query', customerId: DIRECT, query: 'SELECT campaign.id, metrics.clicks FROM campaign WHERE segments.date DURING LAST_90_DAYS' }, { credentials: direct });
		expect(errorText(ninety)).toContain('queryError.INVALID_VALUE_WITH_DURING_OPERATOR');
		const noRange = await run({ resource: 'adsReport', operation: 'query', customerId: DIRECT, query: 'SELECT campaign.id, segments.date FROM campaign' }, { credentials: direct });
		expect(errorText(noRange)).toContain('queryError.EXPECTED_FILTERS_ON_DATE_RANGE');
	});
});

describe('conversions', () => {
	const upload = (via: string, extra: IDataObject = {}) => ({
		resource: 'adsConversion',
		operation: 'uploadClickConversions',
		customerId: '={{ $json.customer }}',
		uploadThrough: via,
		conversionAction: '={{ $json.action }}',
		clickIdType: 'gclid',
		clickId: '={{ $json.gclid }}',
		conversionDateTime: '={{ $json.at }}',
		conversionFields: { value: '={{ $json.value }}', currency: 'EUR', orderId: '={{ $json.deal }}', email: '={{ $json.email }}' },
		...extra,
	});
	const deals = [
		{ customer: CLIENT, action: '7001', gclid: 'gclid-OK-1', at: '2026-11-20 14:05:00+01:00', value: 1200, deal: 'deal-1', email: 'Pat.Lee+crm@gmail.com' },
		{ customer: CLIENT, action: '7001', gclid: 'gclid-BAD-2', at: '2026-11-20T10:00:00Z', value: 300, deal: 'deal-2', email: 'b@example.com' },
		{ customer: CLIENT, action: '7002', gclid: 'gclid-OK-3', at: '2026-11-21T09:30:00-05:00', value: 50, deal: 'deal-3', email: 'c@example.com' },
		{ customer: CLIENT, action: '7001', gclid: 'gclid-OK-4', at: '2026-11-21 09:30:00', value: 80, deal: 'deal-4', email: 'd@example.com' },
	];

	beforeAll(() => sandbox.ads.badClickIds.add('gclid-BAD-2'));

	it('Data Manager: one upload for the batch; exactly the failed items are marked', async () => {
		const before = sandbox.ads.ingestedEvents.length;
		const r = await run(upload('dataManager'), { input: deals, continueOnFail: true });
		expect(r.error).toBeUndefined();
		const out = r.json.Ads;
		expect(out).toHaveLength(4);
		expect(out.map((o) => o.uploaded)).toEqual([true, false, true, false]);
		expect(out[1]).toMatchObject({ code: 'INVALID_GCLID', field: 'events[1].ad_identifiers.gclid' });
		expect(String(out[1].error)).toContain('Google Data Manager refused this conversion');
		expect(out[3]).toMatchObject({ field: 'conversionDateTime' });
		expect(String(out[3].error)).toContain('needs a time zone');
		expect(r.items.Ads[0].map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }, { item: 3 }]);

		// what Google saw: the batch (3 valid-looking events), refused; then the 2 good ones
		const seen = sandbox.server.seen(DATAMANAGER_HOST, '/v1/events:ingest');
		expect(seen.map((s) => s.status)).toEqual([400, 200]);
		const first = JSON.parse(seen[0].body) as IDataObject;
		const second = JSON.parse(seen[1].body) as { destinations: IDataObject[]; events: IDataObject[]; encoding: string };
		expect((first.events as IDataObject[]).map((e) => (e.adIdentifiers as IDataObject).gclid)).toEqual(['gclid-OK-1', 'gclid-BAD-2', 'gclid-OK-3']);
		expect(second.encoding).toBe('HEX');
		expect(second.destinations).toEqual([
			{ reference: 'ca-7001', operatingAccount: { accountType: 'GOOGLE_ADS', accountId: CLIENT }, productDestinationId: '7001', loginAccount: { accountType: 'GOOGLE_ADS', accountId: MANAGER } },
			{ reference: 'ca-7002', operatingAccount: { accountType: 'GOOGLE_ADS', accountId: CLIENT }, productDestinationId: '7002', loginAccount: { accountType: 'GOOGLE_ADS', accountId: MANAGER } },
		]);
		expect(second.events).toEqual([
			{
				adIdentifiers: { gclid: 'gclid-OK-1' },
				eventTimestamp: '2026-11-20T13:05:00Z',
				destinationReferences: ['ca-7001'],
				transactionId: 'deal-1',
				conversionValue: 1200,
				currency: 'EUR',
				userData: { userIdentifiers: [{ emailAddress: sha256Hex('patlee@gmail.com') }] },
			},
			{
				adIdentifiers: { gclid: 'gclid-OK-3' },
				eventTimestamp: '2026-11-21T14:30:00Z',
				destinationReferences: ['ca-7002'],
				transactionId: 'deal-3',
				conversionValue: 50,
				currency: 'EUR',
				userData: { userIdentifiers: [{ emailAddress: sha256Hex('c@example.com') }] },
			},
		]);
		expect(unknownFields(dataManagerSchemas(), 'IngestEventsRequest', second)).toEqual([]);
		expect(seen[1].headers['developer-token']).toBeUndefined();
		const ingested = sandbox.ads.ingestedEvents.slice(before);
		expect(ingested.map((e) => [e.conversionActionId, (e.event.adIdentifiers as IDataObject).gclid])).toEqual([
			['7001', 'gclid-OK-1'],
			['7002', 'gclid-OK-3'],
		]);
	});

	it('without continueOnFail a bad item stops the batch before anything is sent', async () => {
		const r = await run(upload('dataManager'), { input: deals });
		expect(errorText(r)).toContain('Invalid "conversionDateTime": needs a time zone');
		expect(errorText(r)).toContain('Nothing was uploaded');
		expect(sandbox.server.seen(DATAMANAGER_HOST)).toHaveLength(0);
	});

	it('without continueOnFail a Google-side failure is an error naming the item, after the others went through', async () => {
		const r = await run(upload('dataManager'), { input: deals.slice(0, 3) });
		expect(errorText(r)).toContain('1 of 3 conversions failed');
		expect(errorText(r)).toContain('item 1: Google Data Manager refused this conversion: INVALID_GCLID');
		expect(errorText(r)).toContain('2 other conversion(s) were accepted');
	});

	it('legacy upload: partial failure marks exactly the failed conversions', async () => {
		const before = sandbox.ads.uploadedConversions.length;
		const input = [deals[0], { ...deals[2], action: '7003' }, deals[2], deals[1]];
		const r = await run(upload('legacy'), { input, continueOnFail: true });
		expect(r.error).toBeUndefined();
		const out = r.json.Ads;
		expect(out.map((o) => o.uploaded)).toEqual([true, false, true, false]);
		expect(out[1]).toMatchObject({ code: 'conversionUploadError.NO_CONVERSION_ACTION_FOUND', field: 'conversions[1].conversion_action' });
		expect(out[3]).toMatchObject({ code: 'conversionUploadError.UNPARSEABLE_GCLID', field: 'conversions[3].gclid' });
		const seen = adsRequests(`customers/${CLIENT}:uploadClickConversions`);
		expect(seen).toHaveLength(1);
		const body = JSON.parse(seen[0].body) as { conversions: IDataObject[]; partialFailure: boolean };
		expect(body.partialFailure).toBe(true);
		expect(body.conversions[0]).toEqual({
			gclid: 'gclid-OK-1',
			conversionAction: `customers/${CLIENT}/conversionActions/7001`,
			conversionDateTime: '2026-11-20 14:05:00+01:00',
			conversionValue: 1200,
			currencyCode: 'EUR',
			orderId: 'deal-1',
			userIdentifiers: [{ hashedEmail: sha256Hex('patlee@gmail.com') }],
		});
		expect(unknownFields(adsSchemas(), 'UploadClickConversionsRequest', body)).toEqual([]);
		expect(seen[0].headers['developer-token']).toBe(DEVELOPER_TOKEN);
		expect(sandbox.ads.uploadedConversions.slice(before).map((c) => c.gclid)).toEqual(['gclid-OK-1', 'gclid-OK-3']);
	});

	it('legacy upload refused for an account that is not allow-listed: every item says to use Data Manager', async () => {
		const input = [{ ...deals[0], customer: DIRECT, action: '8001' }, { ...deals[2], customer: DIRECT, action: '8001' }];
		const r = await run(upload('legacy'), { input, continueOnFail: true, credentials: direct });
		expect(r.json.Ads.map((o) => o.uploaded)).toEqual([false, false]);
		for (const o of r.json.Ads) {
			expect(String(o.error)).toContain('notAllowlistedError.CUSTOMER_NOT_ALLOWLISTED_FOR_THIS_FEATURE');
			expect(String(o.description)).toContain('switch "Upload Through" to Data Manager API');
		}
	});

	it('Data Manager needs its own scope, named in the error', async () => {
		const adsOnly = oauthCredentials(sandbox, { ads: true }).credentials;
		const r = await run(upload('dataManager'), { input: [deals[0]], credentials: adsOnly, continueOnFail: true });
		expect(String(r.json.Ads[0].error)).toContain('lacks the Ads conversions (Data Manager) scope');
	});

	it('lists conversion actions (enabled only by default)', async () => {
		const r = await run({ resource: 'adsConversion', operation: 'listConversionActions', customerId: CLIENT });
		expect(r.json.Ads.map((a) => [a.id, a.name])).toEqual([
			['7001', 'CRM deal won'],
			['7002', 'Qualified lead'],
		]);
		expect(JSON.parse(adsRequests('googleAds:search')[0].body).query).toContain("conversion_action.status = 'ENABLED'");
	});
});

describe('accounts', () => {
	it('lists accessible customers with their details', async () => {
		const r = await run({ resource: 'adsAccount', operation: 'listAccessibleCustomers' });
		expect(r.error).toBeUndefined();
		expect(adsRequests('customers:listAccessibleCustomers')[0].headers['login-customer-id']).toBeUndefined();
		expect(r.json.Ads).toEqual([
			{ customerId: MANAGER, customerIdFormatted: '111-222-3333', resourceName: `customers/${MANAGER}`, descriptiveName: 'Acme Manager', currencyCode: 'EUR', timeZone: 'Europe/Berlin', manager: true, testAccount: false },
			{ customerId: DIRECT, customerIdFormatted: '555-666-7777', resourceName: `customers/${DIRECT}`, descriptiveName: 'Acme Direct', currencyCode: 'USD', timeZone: 'Europe/Berlin', manager: false, testAccount: false },
		]);
	});
});

describe('sandbox self-check: mutate with partialFailure', () => {
	it('applies the valid operations, reports the failed one by index, and keeps atomic mode all-or-nothing', () => {
		const ops = (name: string) => [
			{ campaignBudgetOperation: { create: { resourceName: `customers/${DIRECT}/campaignBudgets/-1`, name: `${name} budget`, amountMicros: '1000000' } } },
			{ campaignBudgetOperation: { create: { resourceName: `customers/${DIRECT}/campaignBudgets/-2`, name: `${name} bad budget`, amountMicros: '-5' } } },
		];
		const before = sandbox.ads.budgetsOf(DIRECT).length;
		expect(() => sandbox.ads.mutate(DIRECT, { mutateOperations: ops('atomic') }, 'v26')).toThrow();
		expect(sandbox.ads.budgetsOf(DIRECT).length).toBe(before);
		const partial = sandbox.ads.mutate(DIRECT, { mutateOperations: ops('partial'), partialFailure: true }, 'v26').body as IDataObject;
		expect(sandbox.ads.budgetsOf(DIRECT).length).toBe(before + 1);
		const responses = partial.mutateOperationResponses as IDataObject[];
		expect(responses[1]).toEqual({});
		expect(String((responses[0].campaignBudgetResult as IDataObject).resourceName)).toMatch(new RegExp(`^customers/${DIRECT}/campaignBudgets/\\d+$`));
		const failure = partial.partialFailureError as { details: Array<{ errors: Array<{ errorCode: IDataObject; location: { fieldPathElements: IDataObject[] } }> }> };
		expect(failure.details[0].errors[0].errorCode).toEqual({ campaignBudgetError: 'NEGATIVE_MONEY_AMOUNT' });
		expect(failure.details[0].errors[0].location.fieldPathElements).toEqual([
			{ fieldName: 'mutate_operations', index: 1 },
			{ fieldName: 'campaign_budget_operation' },
			{ fieldName: 'create' },
			{ fieldName: 'amount_micros' },
		]);
	});
});

describe('dropdowns', () => {
	const loadContext = (credentials: CredentialsMap, parameters: IDataObject, path: string) =>
		loadOptionsContext({ nodeType: new GoogleConnector(), parameters: parameters as INodeParameters, path, credentials, credentialTypes });

	it("lists accessible customers and the manager's clients", async () => {
		const options = await getAdsCustomers.call(loadContext(creds, { resource: 'adsCampaign', operation: 'list' }, 'parameters.customerId'));
		expect(options).toEqual([
			{ name: 'Acme CRM Ads (123-456-7890)', value: CLIENT },
			{ name: 'Acme Direct (555-666-7777)', value: DIRECT },
			{ name: 'Acme Manager (111-222-3333) · manager', value: MANAGER },
		]);
		const clients = JSON.parse(adsRequests(`customers/${MANAGER}/googleAds:search`).find((q) => q.body.includes('customer_client'))!.body).query as string;
		expect(clients).toContain('FROM customer_client');
	});

	it("lists the chosen customer's enabled conversion actions; before a customer is chosen it says so, asking Google nothing", async () => {
		const options = await getAdsConversionActions.call(loadContext(creds, { resource: 'adsConversion', operation: 'uploadClickConversions', customerId: '123-456-7890' }, 'parameters.conversionAction'));
		expect(options).toEqual([
			{ name: 'CRM deal won', value: '7001', description: 'UPLOAD_CLICKS · PURCHASE' },
			{ name: 'Qualified lead', value: '7002', description: 'UPLOAD_CLICKS · QUALIFIED_LEAD' },
		]);
		sandbox.server.clearRequests();
		await expect(getAdsConversionActions.call(loadContext(creds, { resource: 'adsConversion', operation: 'uploadClickConversions', customerId: '' }, 'parameters.conversionAction'))).rejects.toThrow(
			'Choose a Customer first: the conversion actions are read from that Google Ads account',
		);
		const expression = getAdsConversionActions.call(loadContext(creds, { resource: 'adsConversion', operation: 'uploadClickConversions', customerId: '={{ $json.customer }}' }, 'parameters.conversionAction'));
		await expect(expression).rejects.toMatchObject({ description: expect.stringContaining('Customer is an expression') });
		expect(sandbox.server.seen(ADS_HOST)).toHaveLength(0);
	});
});

describe('service account and secrecy', () => {
	it('works through a service account impersonating the rep (domain-wide delegation)', async () => {
		const sa = serviceAccountCredentials(sandbox, { ads: true, identity: false }, { impersonateUser: sandbox.oauth.defaultUser.email, extra: { loginCustomerId: '1112223333' } });
		const r = await runWorkflow({
			nodes: [startNode(), { name: 'Ads', type: 'googleConnector', parameters: { authentication: 'serviceAccount', resource: 'adsConversion', operation: 'listConversionActions', customerId: CLIENT } }],
			connections: chain('Start', 'Ads'),
			credentials: sa.credentials,
			credentialTypes,
			nodeTypes: [new GoogleConnector()],
		});
		expect(r.error).toBeUndefined();
		expect(r.json.Ads.map((a) => a.id)).toEqual(['7001', '7002']);
		const seen = adsRequests('googleAds:search')[0];
		expect(seen.headers['developer-token']).toBe(DEVELOPER_TOKEN);
		expect(seen.headers['login-customer-id']).toBe(MANAGER);
		texts.push(JSON.stringify(r.json), ...r.log);
	});

	it('no token, developer token or secret appears in any output, error or log of this file', () => {
		expect(texts.length).toBeGreaterThan(40);
		expect(findSecrets(texts, sandboxSecrets(sandbox, ['not-a-real-token-9f8e7d']))).toEqual([]);
	});
});
