// Ring 2, the whole unified campaign in one atomic googleAds:mutate: what the sandbox received, field by
// field; what exists afterwards (all of it, or nothing); policy findings per field, exemptible marked.
import type { IDataObject } from 'n8n-workflow';
import { ADS_HOST } from '../sandbox';
import { adsSchemas, unknownFields } from '../sandbox/adsSchemas';
import { CLIENT, adsHarness, errorText, type AdsHarness } from '../helpers/adsHarness';
import { fullSearchCampaign, performanceMaxCampaign } from '../helpers/adsCampaigns';
import { png } from '../helpers/images';
import { parseCampaignStructure, toCampaignStructureMutate } from '../../nodes/shared/ads';
import type { SandboxError } from '../sandbox/server';

let h: AdsHarness;
beforeAll(async () => (h = await adsHarness()));
afterAll(async () => await h.close());
beforeEach(() => h.sandbox.server.clearRequests());

type Op = Record<string, Record<string, Record<string, unknown>>>;
const create = (campaign: unknown, extra: IDataObject = {}) => h.run({ resource: 'adsCampaign', operation: 'create', campaignInput: 'json', campaignJson: JSON.stringify(campaign), ...extra });
const counts = (): Record<string, number> => ({ budgets: h.sandbox.ads.budgetsOf(CLIENT).length, campaigns: h.sandbox.ads.campaignsOf(CLIENT).length, ...h.sandbox.ads.structure.countsOf(CLIENT) });
const C = `customers/${CLIENT}`;

describe('a full Search campaign in one request', () => {
	let result: IDataObject;
	let ops: Op[];

	beforeAll(async () => {
		h.sandbox.server.clearRequests();
		const r = await create(fullSearchCampaign());
		expect(r.error).toBeUndefined();
		result = r.json.Ads[0];
		const mutates = h.sandbox.server.seen(ADS_HOST, 'googleAds:mutate');
		expect(mutates).toHaveLength(1);
		ops = (JSON.parse(mutates[0].body) as { mutateOperations: Op[] }).mutateOperations;
	});

	it('sent budget, campaign, 5 criteria, 2 ad groups, 10 keywords and 2 ads, in that order, with only fields Google knows', () => {
		expect(ops.map((o) => Object.keys(o)[0])).toEqual([
			'campaignBudgetOperation', 'campaignOperation',
			'campaignCriterionOperation', 'campaignCriterionOperation', 'campaignCriterionOperation', 'campaignCriterionOperation', 'campaignCriterionOperation',
			'adGroupOperation', ...Array(5).fill('adGroupCriterionOperation'), 'adGroupAdOperation',
			'adGroupOperation', ...Array(5).fill('adGroupCriterionOperation'), 'adGroupAdOperation',
		]);
		expect(unknownFields(adsSchemas(), 'MutateGoogleAdsRequest', { mutateOperations: ops })).toEqual([]);
	});

	it('budget and campaign, field by field', () => {
		expect(ops[0].campaignBudgetOperation.create).toEqual({ resourceName: `${C}/campaignBudgets/-1`, name: 'Launch: Winterreifen 2027 budget', amountMicros: '42500000', period: 'DAILY', deliveryMethod: 'STANDARD', explicitlyShared: false });
		expect(ops[1].campaignOperation.create).toEqual({
			resourceName: `${C}/campaigns/-2`,
			name: 'Launch: Winterreifen 2027',
			status: 'PAUSED',
			advertisingChannelType: 'SEARCH',
			campaignBudget: `${C}/campaignBudgets/-1`,
			manualCpc: {},
			containsEuPoliticalAdvertising: 'DOES_NOT_CONTAIN_EU_POLITICAL_ADVERTISING',
			networkSettings: { targetGoogleSearch: true, targetSearchNetwork: false, targetContentNetwork: false, targetPartnerSearchNetwork: false },
		});
	});

	it('location and language criteria and negative keywords, field by field', () => {
		const campaign = `${C}/campaigns/-2`;
		expect(ops.slice(2, 7).map((o) => o.campaignCriterionOperation.create)).toEqual([
			{ campaign, negative: false, location: { geoTargetConstant: 'geoTargetConstants/2276' } },
			{ campaign, negative: false, location: { geoTargetConstant: 'geoTargetConstants/2040' } },
			{ campaign, language: { languageConstant: 'languageConstants/1001' } },
			{ campaign, negative: true, keyword: { text: 'gebraucht', matchType: 'BROAD' } },
			{ campaign, negative: true, keyword: { text: 'kostenlos', matchType: 'EXACT' } },
		]);
	});

	it('ad groups, keywords and responsive search ads, field by field', () => {
		const g1 = `${C}/adGroups/-3`;
		const g2 = `${C}/adGroups/-4`;
		expect(ops[7].adGroupOperation.create).toEqual({ resourceName: g1, name: 'Winterreifen', campaign: `${C}/campaigns/-2`, status: 'ENABLED', type: 'SEARCH_STANDARD', cpcBidMicros: '1200000' });
		expect(ops[14].adGroupOperation.create).toEqual({ resourceName: g2, name: 'Ganzjahresreifen', campaign: `${C}/campaigns/-2`, status: 'ENABLED', type: 'SEARCH_STANDARD', cpcBidMicros: '800000' });
		const kw = (i: number) => ops[i].adGroupCriterionOperation.create;
		expect([8, 9, 10, 11, 12].map(kw)).toEqual([
			{ adGroup: g1, status: 'ENABLED', keyword: { text: 'winterreifen', matchType: 'BROAD' } },
			{ adGroup: g1, status: 'ENABLED', keyword: { text: 'winterreifen kaufen', matchType: 'EXACT' } },
			{ adGroup: g1, status: 'ENABLED', keyword: { text: 'winterreifen günstig', matchType: 'PHRASE' } },
			{ adGroup: g1, status: 'ENABLED', keyword: { text: 'reifen wechseln', matchType: 'PHRASE' }, cpcBidMicros: '900000' },
			{ adGroup: g1, status: 'ENABLED', keyword: { text: 'schneereifen', matchType: 'BROAD' } },
		]);
		expect([15, 16, 17, 18, 19].map((i) => [kw(i).adGroup, (kw(i).keyword as IDataObject).text, (kw(i).keyword as IDataObject).matchType])).toEqual([
			[g2, 'ganzjahresreifen', 'BROAD'],
			[g2, 'allwetterreifen', 'EXACT'],
			[g2, 'ganzjahresreifen test', 'PHRASE'],
			[g2, 'reifen für alle jahreszeiten', 'BROAD'],
			[g2, 'allseason reifen', 'BROAD'],
		]);
		expect(ops[13].adGroupAdOperation.create).toEqual({
			adGroup: g1,
			status: 'ENABLED',
			ad: {
				finalUrls: ['https://reifen.example.de/winter'],
				responsiveSearchAd: {
					headlines: [{ text: 'Winterreifen ab 49 €', pinnedField: 'HEADLINE_1' }, { text: 'Montage inklusive' }, { text: 'Lieferung in 24 Stunden' }],
					descriptions: [{ text: 'Alle Größen auf Lager. Jetzt Termin buchen und sicher durch den Winter.' }, { text: 'Kostenlose Einlagerung beim Kauf von vier Reifen.' }],
					path1: 'winter',
					path2: 'reifen',
				},
			},
		});
		const rsa2 = (ops[20].adGroupAdOperation.create.ad as { responsiveSearchAd: { headlines: unknown[]; path1?: string } }).responsiveSearchAd;
		expect(ops[20].adGroupAdOperation.create.adGroup).toBe(g2);
		expect(rsa2.headlines).toHaveLength(4);
		expect(rsa2.path1).toBeUndefined();
	});

	it('all of it exists in the sandbox, linked by the real names the temporary ones became', () => {
		const campaign = h.sandbox.ads.campaignsOf(CLIENT).find((c) => c.name === 'Launch: Winterreifen 2027')!;
		const s = h.sandbox.ads.structure;
		const criteria = [...s.campaignCriteria.values()].filter((c) => c.campaign === campaign.resourceName);
		expect(criteria.map((c) => [c.type, c.negative])).toEqual([['LOCATION', false], ['LOCATION', false], ['LANGUAGE', false], ['KEYWORD', true], ['KEYWORD', true]]);
		const groups = [...s.adGroups.values()].filter((g) => g.campaign === campaign.resourceName);
		expect(groups.map((g) => [g.name, g.cpcBidMicros])).toEqual([['Winterreifen', '1200000'], ['Ganzjahresreifen', '800000']]);
		for (const g of groups) {
			expect([...s.adGroupCriteria.values()].filter((k) => k.adGroup === g.resourceName)).toHaveLength(5);
			expect([...s.adGroupAds.values()].filter((a) => a.adGroup === g.resourceName).map((a) => a.ad.type)).toEqual(['RESPONSIVE_SEARCH_AD']);
		}
		expect(h.sandbox.ads.budgets.get(campaign.campaignBudget)!.amountMicros).toBe('42500000');
	});

	it('writes the ids back: what the node returned is what the sandbox holds', () => {
		const created = result.created as { campaign: { id: string }; adGroups: Array<{ id: string; resourceName: string; keywords: Array<{ resourceName: string }>; ads: Array<{ resourceName: string }> }>; locations: unknown[]; operations: number };
		const campaign = h.sandbox.ads.campaignsOf(CLIENT).find((c) => c.name === 'Launch: Winterreifen 2027')!;
		expect(result.id).toBe(campaign.id);
		expect(created.campaign.id).toBe(campaign.id);
		expect(created.operations).toBe(21);
		expect(created.locations).toEqual([{ geoTargetId: '2276', exclude: false, criterionId: '2276' }, { geoTargetId: '2040', exclude: false, criterionId: '2040' }]);
		for (const g of created.adGroups) {
			expect(h.sandbox.ads.structure.adGroups.get(g.resourceName)?.id).toBe(g.id);
			for (const k of g.keywords) expect(h.sandbox.ads.structure.adGroupCriteria.has(k.resourceName)).toBe(true);
			for (const a of g.ads) expect(h.sandbox.ads.structure.adGroupAds.has(a.resourceName)).toBe(true);
		}
	});
});

describe('all or nothing', () => {
	it('a refusal at the last operation leaves nothing behind, and names the field in the unified campaign', async () => {
		const before = counts();
		const c = fullSearchCampaign('Launch: replica check') as { adGroups: Array<{ ads: Array<{ headlines: unknown[] }> }> };
		c.adGroups[1].ads[0].headlines[3] = 'Replica Felgen günstig';
		const r = await create(c);
		const mutates = h.mutateBodies() as Array<{ mutateOperations: unknown[] }>;
		expect(mutates).toHaveLength(1);
		expect(mutates[0].mutateOperations).toHaveLength(21);
		expect(errorText(r)).toContain('policyFindingError.POLICY_FINDING');
		expect(errorText(r)).toContain('(field mutate_operations[20].ad_group_ad_operation.create.ad.responsive_search_ad.headlines[3].text)');
		expect(errorText(r)).toMatch(/adGroups\[1\]\.ads\[0\]\.headlines\[3\]: policyFindingError\.POLICY_FINDING .* policy COUNTERFEIT_GOODS \(PROHIBITED\): not exemptible/);
		expect(counts()).toEqual(before);
		expect(h.sandbox.ads.campaignsOf(CLIENT).some((x) => x.name === 'Launch: replica check')).toBe(false);
	});

	it('an exemptible finding is marked so, and asking for the exemption creates it all', async () => {
		const c = fullSearchCampaign('Launch: casino night') as { adGroups: Array<{ ads: Array<{ descriptions: unknown[] }>; keywords: unknown[] }> };
		c.adGroups[0].ads[0].descriptions[1] = 'Gratis Casino Abend beim Kauf von vier Reifen.';
		const refused = await create(c);
		expect(errorText(refused)).toMatch(/adGroups\[0\]\.ads\[0\]\.descriptions\[1\]: .* GAMBLING_AND_GAMES \(LIMITED\): exemptible/);
		const before = counts();
		const r = await create(c, { createOptions: { exemptPolicyTopics: 'GAMBLING_AND_GAMES' } });
		expect(r.error).toBeUndefined();
		const ad = (h.mutateBodies()[1] as { mutateOperations: Op[] }).mutateOperations[13].adGroupAdOperation;
		expect(ad.policyValidationParameter).toEqual({ ignorablePolicyTopics: ['GAMBLING_AND_GAMES'] });
		expect(counts().adGroupAds).toBe(before.adGroupAds + 2);
		const stored = [...h.sandbox.ads.structure.adGroupAds.values()].filter((a) => a.ignoredPolicyTopics?.includes('GAMBLING_AND_GAMES'));
		expect(stored).toHaveLength(1);
	});

	it('a keyword policy violation names the keyword, its policy and whether it is exemptible', async () => {
		const c = fullSearchCampaign('Launch: uhren') as { adGroups: Array<{ keywords: unknown[] }> };
		c.adGroups[1].keywords[4] = 'rolex uhren';
		const before = counts();
		const r = await create(c);
		expect(errorText(r)).toMatch(/adGroups\[1\]\.keywords\[4\]: policyViolationError\.POLICY_ERROR .* TRADEMARKS_IN_KEYWORDS .* on "rolex uhren": exemptible/);
		expect(counts()).toEqual(before);
		const ok = await create(c, { createOptions: { exemptPolicyTopics: 'TRADEMARKS_IN_KEYWORDS' } });
		expect(ok.error).toBeUndefined();
		expect([...h.sandbox.ads.structure.adGroupCriteria.values()].find((k) => k.keyword.text === 'rolex uhren')?.exemptedPolicies).toEqual(['TRADEMARKS_IN_KEYWORDS']);
	});

	it('checks before sending: a headline too long in Google\'s count is refused with its field, nothing sent', async () => {
		const c = fullSearchCampaign('Launch: 中文') as { adGroups: Array<{ ads: Array<{ headlines: unknown[] }> }> };
		c.adGroups[0].ads[0].headlines[2] = '冬季轮胎冬季轮胎冬季轮胎冬季轮胎';
		const r = await create(c);
		expect(errorText(r)).toContain('Invalid "adGroups[0].ads[0].headlines[2]": is 32 characters as Google counts them');
		expect(h.sandbox.server.seen(ADS_HOST, 'googleAds:mutate')).toHaveLength(0);
	});

	it('the sandbox holds Google to the same limits when a request skips the node\'s checks', () => {
		const { body } = toCampaignStructureMutate(CLIENT, parseCampaignStructure(fullSearchCampaign('Raw request')), () => new Uint8Array());
		const ops = body.mutateOperations as Op[];
		((ops[13].adGroupAdOperation.create.ad as IDataObject).responsiveSearchAd as { headlines: Array<{ text: string }> }).headlines[1].text = '冬季轮胎冬季轮胎冬季轮胎冬季轮胎';
		(ops[9].adGroupCriterionOperation.create.keyword as IDataObject).text = 'a b c d e f g h i j k';
		const before = counts();
		let refused: SandboxError | undefined;
		try {
			h.sandbox.ads.mutate(CLIENT, body as unknown as IDataObject, 'v26');
		} catch (e) {
			refused = e as SandboxError;
		}
		const errors = ((refused?.body as { error: { details: Array<{ errors: Array<{ errorCode: IDataObject; location: { fieldPathElements: Array<{ fieldName: string; index?: number }> } }> }> } }).error.details[0].errors).map(
			(e) => `${JSON.stringify(e.errorCode)} ${e.location.fieldPathElements.map((p) => (p.index !== undefined ? `${p.fieldName}[${p.index}]` : p.fieldName)).join('.')}`,
		);
		expect(errors).toEqual([
			'{"criterionError":"KEYWORD_HAS_TOO_MANY_WORDS"} mutate_operations[9].ad_group_criterion_operation.create.keyword.text',
			'{"adError":"TOO_LONG"} mutate_operations[13].ad_group_ad_operation.create.ad.responsive_search_ad.headlines[1].text',
		]);
		expect(counts()).toEqual(before);
	});
});

describe('Performance Max and Display: images from binary input', () => {
	const files = (logo = png(512, 512)) => [
		{
			json: { campaign: performanceMaxCampaign() },
			files: [
				{ prop: 'landscape', name: 'landscape.png', mime: 'image/png', base64: png(1200, 628).toString('base64') },
				{ prop: 'square', name: 'square.png', mime: 'image/png', base64: png(1200, 1200).toString('base64') },
				{ prop: 'logo', name: 'logo.png', mime: 'image/png', base64: logo.toString('base64') },
			],
		},
	];

	it('creates campaign, image and text assets, the asset group and its links in one request', async () => {
		const r = await h.run({ resource: 'adsCampaign', operation: 'create', campaignInput: 'json', campaignJson: '={{ JSON.stringify($json.campaign) }}' }, { files: files() });
		expect(r.error).toBeUndefined();
		expect(h.mutateBodies()).toHaveLength(1);
		const campaign = h.sandbox.ads.campaignsOf(CLIENT).find((c) => c.name === 'PMax: Winter')!;
		const group = [...h.sandbox.ads.structure.assetGroups.values()].find((g) => g.campaign === campaign.resourceName)!;
		const links = [...h.sandbox.ads.structure.assetGroupAssets.values()].filter((l) => l.assetGroup === group.resourceName);
		expect(links.map((l) => l.fieldType).sort()).toEqual(['BUSINESS_NAME', 'DESCRIPTION', 'DESCRIPTION', 'HEADLINE', 'HEADLINE', 'HEADLINE', 'LOGO', 'LONG_HEADLINE', 'MARKETING_IMAGE', 'SQUARE_MARKETING_IMAGE']);
		const logo = h.sandbox.ads.structure.assets.get(links.find((l) => l.fieldType === 'LOGO')!.asset)!;
		expect(logo.imageAsset!.fullSize).toEqual({ widthPixels: '512', heightPixels: '512' });
		expect((r.json.Ads[0].created as IDataObject).assetGroup).toEqual({ id: group.id, resourceName: group.resourceName, assetCount: 10 });
	});

	it('a logo of the wrong shape is refused before sending, naming the field', async () => {
		const r = await h.run({ resource: 'adsCampaign', operation: 'create', campaignInput: 'json', campaignJson: '={{ JSON.stringify({ ...$json.campaign, name: "PMax: bad logo" }) }}' }, { files: files(png(800, 200)) });
		expect(errorText(r)).toContain('Invalid "assetGroup.images.logo[0]": is 800×200');
		expect(h.sandbox.server.seen(ADS_HOST, 'googleAds:mutate')).toHaveLength(0);
	});
});
