// Ring 2, operations below the campaign: ad groups, keywords and ads against the sandbox (what it
// received, what it holds), metrics per ad group / keyword / search term per day, and the targeting
// dropdowns (location search, languages).
import { LoadOptionsContext } from 'n8n-core';
import { Workflow, type IDataObject, type INodeParameters } from 'n8n-workflow';
import { GoogleConnector } from '../../nodes/GoogleConnector/GoogleConnector.node';
import { getAdsLanguages, listSearch } from '../../nodes/shared/methods';
import { ADS_HOST } from '../sandbox';
import { buildAdditionalData, CredentialTypeRegistry, TestCredentialsHelper } from '../helpers/workflow';
import { TestNodeTypes } from '../helpers/node-types';
import { credentialTypes } from '../helpers/google';
import { CLIENT, adsHarness, errorText, type AdsHarness } from '../helpers/adsHarness';
import { fullSearchCampaign } from '../helpers/adsCampaigns';

let h: AdsHarness;
let campaignId = '';
let adGroupId = '';

beforeAll(async () => {
	h = await adsHarness();
	const r = await h.run({ resource: 'adsCampaign', operation: 'create', campaignInput: 'json', campaignJson: JSON.stringify(fullSearchCampaign('Operations base')) });
	expect(r.error).toBeUndefined();
	campaignId = String(r.json.Ads[0].id);
});
afterAll(async () => await h.close());
beforeEach(() => h.sandbox.server.clearRequests());

const criteria = () => [...h.sandbox.ads.structure.adGroupCriteria.values()].map((k) => structuredClone(k));

describe('ad groups', () => {
	it('creates an ad group with keywords and an ad in one atomic request', async () => {
		const adGroup = { name: 'Schneeketten', cpcBid: 0.6, keywords: ['schneeketten', '[schneeketten kaufen]'], ads: [{ headlines: ['Schneeketten ab 29 €', 'Passend für jedes Auto', 'Heute bestellt'], descriptions: ['Sicher durch Schnee und Eis.', 'Kostenloser Versand.'], finalUrl: 'https://reifen.example.de/ketten' }] };
		const r = await h.run({ resource: 'adsAdGroup', operation: 'create', campaignId, adGroupJson: JSON.stringify(adGroup) });
		expect(r.error).toBeUndefined();
		const [body] = h.mutateBodies() as Array<{ mutateOperations: Array<Record<string, IDataObject>> }>;
		expect(body.mutateOperations.map((o) => Object.keys(o)[0])).toEqual(['adGroupOperation', 'adGroupCriterionOperation', 'adGroupCriterionOperation', 'adGroupAdOperation']);
		expect(body.mutateOperations[0].adGroupOperation.create).toEqual({ resourceName: `customers/${CLIENT}/adGroups/-1`, name: 'Schneeketten', campaign: `customers/${CLIENT}/campaigns/${campaignId}`, status: 'ENABLED', type: 'SEARCH_STANDARD', cpcBidMicros: '600000' });
		const out = r.json.Ads[0] as { id: string; keywords: Array<{ id: string }>; ads: Array<{ id: string }> };
		adGroupId = out.id;
		const stored = h.sandbox.ads.structure.adGroups.get(`customers/${CLIENT}/adGroups/${adGroupId}`)!;
		expect(stored).toMatchObject({ name: 'Schneeketten', cpcBidMicros: '600000', campaign: `customers/${CLIENT}/campaigns/${campaignId}` });
		expect(out.keywords.map((k) => h.sandbox.ads.structure.adGroupCriteria.get(`customers/${CLIENT}/adGroupCriteria/${k.id}`)?.keyword.text)).toEqual(['schneeketten', 'schneeketten kaufen']);
		expect(h.sandbox.ads.structure.adGroupAds.has(`customers/${CLIENT}/adGroupAds/${out.ads[0].id}`)).toBe(true);
	});

	it('updates only the given field, pauses, enables, lists and removes', async () => {
		const rn = `customers/${CLIENT}/adGroups/${adGroupId}`;
		expect((await h.run({ resource: 'adsAdGroup', operation: 'update', adGroupId, updateFields: { cpcBid: 0.75 } })).error).toBeUndefined();
		expect(h.mutateBodies()).toEqual([{ mutateOperations: [{ adGroupOperation: { update: { resourceName: rn, cpcBidMicros: '750000' }, updateMask: 'cpcBidMicros' } }] }]);
		expect(h.sandbox.ads.structure.adGroups.get(rn)).toMatchObject({ name: 'Schneeketten', cpcBidMicros: '750000', status: 'ENABLED' });
		await h.run({ resource: 'adsAdGroup', operation: 'pause', adGroupId });
		expect(h.sandbox.ads.structure.adGroups.get(rn)!.status).toBe('PAUSED');
		await h.run({ resource: 'adsAdGroup', operation: 'enable', adGroupId: rn });
		expect(h.sandbox.ads.structure.adGroups.get(rn)!.status).toBe('ENABLED');
		const list = await h.run({ resource: 'adsAdGroup', operation: 'list', campaignIds: campaignId, returnAll: true });
		expect(list.json.Ads.map((g) => g.name)).toEqual(['Winterreifen', 'Ganzjahresreifen', 'Schneeketten']);
		expect(list.json.Ads[2]).toMatchObject({ id: adGroupId, status: 'ENABLED', cpcBid: 0.75, campaignId });
		await h.run({ resource: 'adsAdGroup', operation: 'remove', adGroupId });
		expect(h.sandbox.ads.structure.adGroups.get(rn)!.status).toBe('REMOVED');
		const after = await h.run({ resource: 'adsAdGroup', operation: 'list', campaignIds: campaignId, returnAll: true });
		expect(after.json.Ads.map((g) => g.name)).toEqual(['Winterreifen', 'Ganzjahresreifen']);
	});
});

describe('keywords', () => {
	let groupId = '';
	beforeAll(() => {
		groupId = [...h.sandbox.ads.structure.adGroups.values()].find((g) => g.name === 'Winterreifen' && g.campaign.endsWith(`/${campaignId}`))!.id;
	});

	it('adds keywords all together, lists them', async () => {
		const r = await h.run({ resource: 'adsKeyword', operation: 'add', adGroupId: groupId, keywords: JSON.stringify(['spikereifen', { text: 'reifen kaufen', matchType: 'EXACT', cpcBid: 1.1 }]) });
		expect(r.error).toBeUndefined();
		expect(r.json.Ads.map((k) => [k.text, k.matchType, k.cpcBid ?? null])).toEqual([['spikereifen', 'BROAD', null], ['reifen kaufen', 'EXACT', 1.1]]);
		const list = await h.run({ resource: 'adsKeyword', operation: 'list', adGroupIds: groupId, returnAll: true });
		expect(list.json.Ads.map((k) => k.text)).toEqual(['winterreifen', 'winterreifen kaufen', 'winterreifen günstig', 'reifen wechseln', 'schneereifen', 'spikereifen', 'reifen kaufen']);
	});

	it('a refused keyword adds none of them', async () => {
		const before = criteria().length;
		const r = await h.run({ resource: 'adsKeyword', operation: 'add', adGroupId: groupId, keywords: JSON.stringify(['felgen', 'oxycodone online']) });
		expect(errorText(r)).toContain('policyViolationError.POLICY_ERROR');
		expect(criteria().length).toBe(before);
	});

	it('updating one keyword touches only that keyword, only its bid', async () => {
		const before = criteria();
		const target = before.find((k) => k.keyword.text === 'reifen wechseln' && k.adGroup.endsWith(`/${groupId}`))!;
		const r = await h.run({ resource: 'adsKeyword', operation: 'update', keywordId: `${groupId}~${target.criterionId}`, updateFields: { cpcBid: 1.35 } });
		expect(r.error).toBeUndefined();
		expect(h.mutateBodies()).toEqual([{ mutateOperations: [{ adGroupCriterionOperation: { update: { resourceName: target.resourceName, cpcBidMicros: '1350000' }, updateMask: 'cpcBidMicros' } }] }]);
		const after = criteria();
		const changed = after.filter((k) => JSON.stringify(k) !== JSON.stringify(before.find((b) => b.resourceName === k.resourceName)));
		expect(changed).toEqual([{ ...target, cpcBidMicros: '1350000' }]);
		expect(after).toHaveLength(before.length);
	});

	it('removes one keyword', async () => {
		const target = criteria().find((k) => k.keyword.text === 'spikereifen')!;
		await h.run({ resource: 'adsKeyword', operation: 'remove', keywordId: target.resourceName });
		expect(h.sandbox.ads.structure.adGroupCriteria.get(target.resourceName)!.status).toBe('REMOVED');
		expect(errorText(await h.run({ resource: 'adsKeyword', operation: 'remove', keywordId: 'spikereifen' }))).toContain('Invalid "Keyword ID"');
	});
});

describe('ads', () => {
	it('creates a responsive search ad, pauses it and lists ads', async () => {
		const group = [...h.sandbox.ads.structure.adGroups.values()].find((g) => g.name === 'Ganzjahresreifen')!;
		const ad = { headlines: ['Ganzjahresreifen', 'Ohne Wechsel', 'Sicher das ganze Jahr'], descriptions: ['Ein Reifen für jedes Wetter.', 'Jetzt Termin buchen.'], finalUrl: 'https://reifen.example.de/ganzjahr', path1: 'ganzjahr' };
		const r = await h.run({ resource: 'adsAd', operation: 'create', adGroupId: group.id, adJson: JSON.stringify(ad) });
		expect(r.error).toBeUndefined();
		const id = String(r.json.Ads[0].id);
		await h.run({ resource: 'adsAd', operation: 'pause', adId: id });
		expect(h.sandbox.ads.structure.adGroupAds.get(`customers/${CLIENT}/adGroupAds/${id}`)!.status).toBe('PAUSED');
		const list = await h.run({ resource: 'adsAd', operation: 'list', adGroupIds: group.id, returnAll: true });
		expect(list.json.Ads.map((a) => [a.type, a.status])).toEqual([['RESPONSIVE_SEARCH_AD', 'ENABLED'], ['RESPONSIVE_SEARCH_AD', 'PAUSED']]);
	});
});

describe('metrics per ad group, keyword and search term', () => {
	it('reports per day what the sandbox recorded, and totals', async () => {
		const groups = [...h.sandbox.ads.structure.adGroups.values()].filter((g) => g.campaign.endsWith(`/${campaignId}`) && g.status !== 'REMOVED');
		const kw = criteria().find((k) => k.keyword.text === 'winterreifen')!;
		const m = h.sandbox.ads.structureMetrics;
		m.set(m.adGroups, groups[0].id, '2026-11-20', { impressions: 1000, clicks: 50, costMicros: 40_000_000, conversions: 3 });
		m.set(m.adGroups, groups[0].id, '2026-11-21', { impressions: 800, clicks: 30, costMicros: 27_000_000, conversions: 1 });
		m.set(m.keywords, `${groups[0].id}~${kw.criterionId}`, '2026-11-21', { impressions: 400, clicks: 20, costMicros: 18_000_000, conversions: 1 });
		m.searchTerms.push({ adGroupId: groups[0].id, searchTerm: 'winterreifen 205 55 r16', status: 'NONE', date: '2026-11-21', metrics: { impressions: 90, clicks: 9, costMicros: 8_100_000, conversions: 1 } });
		const range = { dateRangeType: 'custom', startDate: '2026-11-19', endDate: '2026-11-22' };
		const perDay = await h.run({ resource: 'adsReport', operation: 'structureMetrics', level: 'adGroup', perDay: true, campaignIds: campaignId, ...range });
		expect(perDay.json.Ads.map((r) => [r.date, r.adGroupName, r.clicks, r.cost])).toEqual([['2026-11-20', 'Winterreifen', 50, 40], ['2026-11-21', 'Winterreifen', 30, 27]]);
		const query = JSON.parse(h.sandbox.server.seen(ADS_HOST, 'googleAds:searchStream')[0].body).query as string;
		expect(query).toContain("FROM ad_group WHERE segments.date BETWEEN '2026-11-19' AND '2026-11-22'");
		const total = await h.run({ resource: 'adsReport', operation: 'structureMetrics', level: 'adGroup', ...range });
		expect(total.json.Ads.map((r) => [r.adGroupName, r.impressions, r.conversions])).toEqual([['Winterreifen', 1800, 4]]);
		const keywords = await h.run({ resource: 'adsReport', operation: 'structureMetrics', level: 'keyword', perDay: true, ...range });
		expect(keywords.json.Ads).toEqual([expect.objectContaining({ keyword: 'winterreifen', matchType: 'BROAD', criterionId: kw.criterionId, clicks: 20, date: '2026-11-21' })]);
		const terms = await h.run({ resource: 'adsReport', operation: 'structureMetrics', level: 'searchTerm', perDay: true, ...range });
		expect(terms.json.Ads).toEqual([expect.objectContaining({ searchTerm: 'winterreifen 205 55 r16', clicks: 9, cost: 8.1, date: '2026-11-21' })]);
	});
});

describe('targeting: location search and languages', () => {
	function loadContext(parameters: IDataObject, path: string) {
		const node = { id: 'n1', name: 'Ads', type: 'googleConnector', typeVersion: 1, position: [0, 0] as [number, number], parameters: parameters as INodeParameters, credentials: { googleConnectorOAuth2Api: { id: h.creds.googleConnectorOAuth2Api.id, name: 'Google' } } };
		const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes: new TestNodeTypes([new GoogleConnector()]) });
		return new LoadOptionsContext(workflow, node, buildAdditionalData({ credentialsHelper: new TestCredentialsHelper(new CredentialTypeRegistry(credentialTypes), h.creds) }), path);
	}

	it('searches locations through geo target suggestions, and lists languages of the account', async () => {
		const ctx = loadContext({ resource: 'adsCampaign', operation: 'create', customerId: CLIENT }, 'parameters.additionalFields.locations');
		expect(await listSearch.searchAdsLocations.call(ctx, 'Munich')).toEqual({ results: [{ name: 'Munich,Bavaria,Germany (city)', value: '1003854' }] });
		const suggest = h.sandbox.server.seen(ADS_HOST, 'geoTargetConstants:suggest');
		expect(JSON.parse(suggest[0].body)).toEqual({ locale: 'en', locationNames: { names: ['Munich'] } });
		expect(suggest[0].headers['login-customer-id']).toBeUndefined();
		const languages = await getAdsLanguages.call(loadContext({ resource: 'adsCampaign', operation: 'create', customerId: CLIENT }, 'parameters.additionalFields.languages'));
		expect(languages).toContainEqual({ name: 'German', value: '1001', description: 'de · languageConstants/1001' });
		const op = await h.run({ resource: 'adsTargeting', operation: 'searchLocations', locationName: 'Berlin', countryCode: 'de' });
		expect(op.json.Ads).toEqual([expect.objectContaining({ id: '1003853', canonicalName: 'Berlin,Berlin,Germany', targetType: 'City', countryCode: 'DE' })]);
	});
});
