// The grown unified campaign: parsing per channel, the one atomic mutate with temporary resource names,
// ids written back, and policy findings mapped to the unified field.
import {
	createdIds,
	parseCampaignStructure,
	policyOfAdsError,
	toCampaignStructureMutate,
	unifiedFieldPath,
	type CampaignStructure,
} from '../../../nodes/shared/ads';
import { fullSearchCampaign, performanceMaxCampaign } from '../../helpers/adsCampaigns';
import { png } from '../../helpers/images';
import { errorOf } from './errorOf';

const CID = '1234567890';
const noBinaries = (name: string): Uint8Array => {
	throw new Error(`no binary ${name}`);
};
type Op = Record<string, Record<string, Record<string, unknown>>>;

describe('parseCampaignStructure', () => {
	it('keeps the first contract working: a bare campaign has no structure', () => {
		const s = parseCampaignStructure({ name: 'Bare', channel: 'SEARCH', budget: { amount: 5 } });
		expect(s.adGroups).toEqual([]);
		expect(s.targeting).toEqual({ locations: [], languages: [], negativeKeywords: [] });
	});

	it('reads the full Search campaign', () => {
		const s = parseCampaignStructure(fullSearchCampaign());
		expect(s.targeting.locations).toEqual([{ id: '2276', exclude: false }, { id: '2040', exclude: false }]);
		expect(s.targeting.languages).toEqual(['1001']);
		expect(s.targeting.negativeKeywords).toEqual([{ text: 'gebraucht', matchType: 'BROAD' }, { text: 'kostenlos', matchType: 'EXACT' }]);
		expect(s.adGroups.map((g) => g.keywords.length)).toEqual([5, 5]);
		expect(s.adGroups[0].ads[0]).toMatchObject({ type: 'RESPONSIVE_SEARCH_AD', status: 'ENABLED', path1: 'winter', path2: 'reifen' });
		expect(s.adGroups[0].ads[0].type === 'RESPONSIVE_SEARCH_AD' && s.adGroups[0].ads[0].headlines[0]).toEqual({ text: 'Winterreifen ab 49 €', pinnedTo: 1 });
	});

	it('names the field of every problem, deep inside the structure', () => {
		const c = fullSearchCampaign() as { adGroups: Array<Record<string, unknown>> };
		const ads = c.adGroups[1].ads as Array<Record<string, unknown>>;
		ads[0].headlines = ['Ganzjahresreifen im Test', '全年轮胎全年轮胎全年轮胎全年轮胎', 'Jetzt bestellen'];
		const e = errorOf(() => parseCampaignStructure(c));
		expect(e.field).toBe('adGroups[1].ads[0].headlines[1]');
		expect(e.problem).toMatch(/is 32 characters as Google counts them/);
	});

	it.each([
		[{ adGroups: [{ name: 'A', keywords: [], ads: [] }] }, 'adGroups[0].keywords', /needs at least one keyword/],
		[{ adGroups: [{ name: 'A', keywords: ['x'] }] }, 'adGroups[0].ads', /needs at least one ad/],
		[{ adGroups: [{ name: 'A', keywords: ['x'], ads: [{ headlines: ['a', 'b'], descriptions: ['c', 'd'], finalUrl: 'https://e.com' }] }] }, 'adGroups[0].ads[0].headlines', /needs 3–15 entries; got 2/],
		[{ adGroups: [{ name: 'A', keywords: ['x'], ads: [{ headlines: ['a', 'b', 'c'], descriptions: ['d'], finalUrl: 'https://e.com' }] }] }, 'adGroups[0].ads[0].descriptions', /needs 2–4 entries; got 1/],
		[{ assetGroup: {} }, 'assetGroup', /applies to PERFORMANCE_MAX campaigns only/],
		[{ targeting: { locations: ['Berlin'] } }, 'targeting.locations[0]', /geo target ID/],
		[{ targeting: { languages: ['xx'] } }, 'targeting.languages[0]', /language constant ID/],
		[{ targeting: { locations: [{ id: 2276, exclude: true }] } }, 'targeting.locations', /excludes locations but targets none/],
	])('refuses %j at %s', (extra, field, problem) => {
		const e = errorOf(() => parseCampaignStructure({ name: 'X', channel: 'SEARCH', budget: { amount: 5 }, ...extra }));
		expect(e.field).toBe(field);
		expect(e.problem).toMatch(problem);
	});

	it('refuses pinning that leaves headline position 2 empty', () => {
		const ad = { headlines: [{ text: 'a', pinnedTo: 1 }, { text: 'b', pinnedTo: 1 }, { text: 'c', pinnedTo: 3 }], descriptions: ['d', 'e'], finalUrl: 'https://e.com' };
		const e = errorOf(() => parseCampaignStructure({ name: 'X', channel: 'SEARCH', budget: { amount: 5 }, adGroups: [{ name: 'A', keywords: ['k'], ads: [ad] }] }));
		expect(e.field).toBe('adGroups[0].ads[0].headlines');
		expect(e.problem).toMatch(/position 2/);
	});

	it('refuses CPC bids when the campaign does not bid manually', () => {
		const c = { ...fullSearchCampaign(), bidding: { strategy: 'MAXIMIZE_CLICKS' } };
		expect(errorOf(() => parseCampaignStructure(c)).field).toBe('adGroups[0]');
	});

	it('checks what each channel requires: Performance Max assets, Display ads with images', () => {
		const pmax = performanceMaxCampaign() as { assetGroup: Record<string, unknown> };
		pmax.assetGroup.descriptions = ['A description that is longer than sixty characters, as Google counts.', 'Another description, also well over the sixty character short limit.'];
		expect(errorOf(() => parseCampaignStructure(pmax)).problem).toMatch(/one description of at most 60/);
		const noLogo = performanceMaxCampaign() as { assetGroup: { images: Record<string, unknown> } };
		delete noLogo.assetGroup.images.logo;
		expect(errorOf(() => parseCampaignStructure(noLogo)).field).toBe('assetGroup.images.logo');
		const display = { name: 'D', channel: 'DISPLAY', budget: { amount: 5 }, adGroups: [{ name: 'A', ads: [{ headlines: ['a'], longHeadline: 'l', descriptions: ['d'], businessName: 'B', finalUrl: 'https://e.com', images: { landscape: ['l'] } }] }] };
		expect(errorOf(() => parseCampaignStructure(display)).field).toBe('adGroups[0].ads[0].images.square');
		expect(errorOf(() => parseCampaignStructure({ ...display, channel: 'PERFORMANCE_MAX', bidding: { strategy: 'MAXIMIZE_CONVERSIONS' } })).field).toBe('adGroups');
	});
});

describe('toCampaignStructureMutate: one atomic request', () => {
	const s: CampaignStructure = parseCampaignStructure(fullSearchCampaign());
	const { body, plan } = toCampaignStructureMutate(CID, s, noBinaries);
	const ops = body.mutateOperations as Op[];

	it('orders budget, campaign, criteria, then each ad group with its keywords and ad', () => {
		expect(ops.map((o) => Object.keys(o)[0])).toEqual([
			'campaignBudgetOperation',
			'campaignOperation',
			...Array(5).fill('campaignCriterionOperation'),
			'adGroupOperation',
			...Array(5).fill('adGroupCriterionOperation'),
			'adGroupAdOperation',
			'adGroupOperation',
			...Array(5).fill('adGroupCriterionOperation'),
			'adGroupAdOperation',
		]);
		expect(plan).toHaveLength(ops.length);
		expect(body.validateOnly).toBeUndefined();
	});

	it('refers to resources created earlier through unique temporary names', () => {
		const budget = ops[0].campaignBudgetOperation.create.resourceName;
		const campaign = ops[1].campaignOperation.create;
		expect(budget).toBe(`customers/${CID}/campaignBudgets/-1`);
		expect(campaign.resourceName).toBe(`customers/${CID}/campaigns/-2`);
		expect(campaign.campaignBudget).toBe(budget);
		for (const o of ops.slice(2, 7)) expect(o.campaignCriterionOperation.create.campaign).toBe(`customers/${CID}/campaigns/-2`);
		expect(ops[7].adGroupOperation.create).toEqual({ resourceName: `customers/${CID}/adGroups/-3`, name: 'Winterreifen', campaign: `customers/${CID}/campaigns/-2`, status: 'ENABLED', type: 'SEARCH_STANDARD', cpcBidMicros: '1200000' });
		expect(ops[14].adGroupOperation.create.resourceName).toBe(`customers/${CID}/adGroups/-4`);
		for (const o of ops.slice(8, 13)) expect(o.adGroupCriterionOperation.create.adGroup).toBe(`customers/${CID}/adGroups/-3`);
		expect(ops[20].adGroupAdOperation.create.adGroup).toBe(`customers/${CID}/adGroups/-4`);
	});

	it('writes criteria, keywords and the responsive search ad as Google names them', () => {
		expect(ops[2].campaignCriterionOperation.create).toEqual({ campaign: `customers/${CID}/campaigns/-2`, negative: false, location: { geoTargetConstant: 'geoTargetConstants/2276' } });
		expect(ops[4].campaignCriterionOperation.create).toEqual({ campaign: `customers/${CID}/campaigns/-2`, language: { languageConstant: 'languageConstants/1001' } });
		expect(ops[6].campaignCriterionOperation.create).toEqual({ campaign: `customers/${CID}/campaigns/-2`, negative: true, keyword: { text: 'kostenlos', matchType: 'EXACT' } });
		expect(ops[11].adGroupCriterionOperation.create).toEqual({ adGroup: `customers/${CID}/adGroups/-3`, status: 'ENABLED', keyword: { text: 'reifen wechseln', matchType: 'PHRASE' }, cpcBidMicros: '900000' });
		expect(ops[13].adGroupAdOperation.create).toEqual({
			adGroup: `customers/${CID}/adGroups/-3`,
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
	});

	it('reads the ids back into the unified shape', () => {
		const responses = ops.map((o, i) => {
			const kind = Object.keys(o)[0].replace(/Operation$/, 'Result');
			const collections: Record<string, string> = { campaignBudgetResult: 'campaignBudgets/100', campaignResult: 'campaigns/200', adGroupResult: `adGroups/${300 + i}` };
			return { [kind]: { resourceName: `customers/${CID}/${collections[kind] ?? `x/${i === 9 ? '307~400' + i : '9' + i}`}` } };
		});
		const ids = createdIds(s, plan, responses);
		expect(ids.campaign).toEqual({ id: '200', resourceName: `customers/${CID}/campaigns/200` });
		expect(ids.budget.id).toBe('100');
		expect(ids.locations.map((l) => l.geoTargetId)).toEqual(['2276', '2040']);
		expect(ids.adGroups.map((g) => [g.name, g.id, g.keywords.length, g.ads.length])).toEqual([
			['Winterreifen', '307', 5, 1],
			['Ganzjahresreifen', '314', 5, 1],
		]);
		expect(ids.adGroups[0].keywords[1]).toMatchObject({ text: 'winterreifen kaufen', matchType: 'EXACT', criterionId: '4009' });
		expect(ids.operations).toBe(21);
	});
});

describe('Performance Max and Display: assets from binary input', () => {
	const images: Record<string, Uint8Array> = { landscape: png(1200, 628), square: png(1200, 1200), logo: png(512, 512) };
	const binaries = (name: string) => images[name] ?? noBinaries(name);

	it('creates image and text assets, the asset group and its links in one request', () => {
		const s = parseCampaignStructure(performanceMaxCampaign());
		const { body } = toCampaignStructureMutate(CID, s, binaries);
		const ops = body.mutateOperations as Op[];
		const kinds = ops.map((o) => Object.keys(o)[0]);
		expect(kinds.filter((k) => k === 'assetOperation')).toHaveLength(3 + 3 + 1 + 2 + 1);
		expect(kinds.filter((k) => k === 'assetGroupAssetOperation')).toHaveLength(3 + 1 + 2 + 1 + 3);
		expect(ops[1].campaignOperation.create.brandGuidelinesEnabled).toBe(false);
		const image = ops.find((o) => (o.assetOperation?.create as { imageAsset?: unknown } | undefined)?.imageAsset)!.assetOperation.create as { imageAsset: { data: string } };
		expect(Buffer.from(image.imageAsset.data, 'base64').equals(Buffer.from(images.landscape))).toBe(true);
		const group = ops.find((o) => o.assetGroupOperation)!.assetGroupOperation.create;
		expect(group).toMatchObject({ campaign: `customers/${CID}/campaigns/-2`, name: 'PMax: Winter assets', finalUrls: ['https://reifen.example.de/'] });
		const links = ops.filter((o) => o.assetGroupAssetOperation).map((o) => o.assetGroupAssetOperation.create);
		expect(links.every((l) => l.assetGroup === group.resourceName)).toBe(true);
		expect(links.map((l) => l.fieldType).sort()).toEqual(['BUSINESS_NAME', 'DESCRIPTION', 'DESCRIPTION', 'HEADLINE', 'HEADLINE', 'HEADLINE', 'LOGO', 'LONG_HEADLINE', 'MARKETING_IMAGE', 'SQUARE_MARKETING_IMAGE']);
		const assetNames = new Set(ops.filter((o) => o.assetOperation).map((o) => o.assetOperation.create.resourceName));
		for (const l of links) expect(assetNames.has(l.asset as string)).toBe(true);
	});

	it('refuses a logo of the wrong shape before anything is sent, naming the field', () => {
		const s = parseCampaignStructure(performanceMaxCampaign());
		const wrong = (name: string) => (name === 'logo' ? png(512, 128) : binaries(name));
		const e = errorOf(() => toCampaignStructureMutate(CID, s, wrong));
		expect(e.field).toBe('assetGroup.images.logo[0]');
		expect(e.problem).toMatch(/512×128 .* square logo must be 1:1/);
	});

	it('writes a responsive display ad that refers to its image assets', () => {
		const ad = { headlines: ['Winterreifen'], longHeadline: 'Winterreifen mit Montage', descriptions: ['Alle Größen'], businessName: 'Reifen Example', finalUrl: 'https://reifen.example.de', images: { landscape: 'landscape', square: ['square'], logo: ['logo'] } };
		const s = parseCampaignStructure({ name: 'Display', channel: 'DISPLAY', budget: { amount: 5 }, adGroups: [{ name: 'Retargeting', ads: [ad] }] });
		const ops = toCampaignStructureMutate(CID, s, binaries).body.mutateOperations as Op[];
		const group = ops.find((o) => o.adGroupOperation)!.adGroupOperation.create;
		expect(group.type).toBe('DISPLAY_STANDARD');
		const rda = (ops.find((o) => o.adGroupAdOperation)!.adGroupAdOperation.create.ad as { responsiveDisplayAd: Record<string, Array<{ asset: string }>> }).responsiveDisplayAd;
		const assets = ops.filter((o) => o.assetOperation).map((o) => o.assetOperation.create.resourceName);
		expect([rda.marketingImages[0].asset, rda.squareMarketingImages[0].asset, rda.squareLogoImages[0].asset]).toEqual(assets);
	});
});

describe('policy findings', () => {
	const plan = toCampaignStructureMutate(CID, parseCampaignStructure(fullSearchCampaign()), noBinaries).plan;

	it('marks an ad finding exemptible unless a topic is PROHIBITED', () => {
		const limited = { errorCode: { policyFindingError: 'POLICY_FINDING' }, details: { policyFindingDetails: { policyTopicEntries: [{ topic: 'ALCOHOL', type: 'LIMITED' }] } } };
		expect(policyOfAdsError(limited)).toEqual({ kind: 'finding', topics: [{ topic: 'ALCOHOL', type: 'LIMITED' }], exemptible: true });
		const prohibited = { errorCode: { policyFindingError: 'POLICY_FINDING' }, details: { policyFindingDetails: { policyTopicEntries: [{ topic: 'COUNTERFEIT', type: 'PROHIBITED' }] } } };
		expect(policyOfAdsError(prohibited)?.exemptible).toBe(false);
	});

	it('reads a keyword violation with its key', () => {
		const v = { errorCode: { policyViolationError: 'POLICY_ERROR' }, details: { policyViolationDetails: { externalPolicyName: 'Trademarks', key: { policyName: 'TRADEMARKS', violatingText: 'acme' }, isExemptible: true } } };
		expect(policyOfAdsError(v)).toMatchObject({ kind: 'violation', exemptible: true, policyName: 'TRADEMARKS', violatingText: 'acme' });
		expect(policyOfAdsError({ errorCode: { fieldError: 'REQUIRED' } })).toBeUndefined();
	});

	it('maps Google field paths back to the unified campaign', () => {
		expect(unifiedFieldPath(plan, 'mutate_operations[13].ad_group_ad_operation.create.ad.responsive_search_ad.headlines[1].text')).toBe('adGroups[0].ads[0].headlines[1]');
		expect(unifiedFieldPath(plan, 'mutate_operations[17].ad_group_criterion_operation.create.keyword.text')).toBe('adGroups[1].keywords[2]');
		expect(unifiedFieldPath(plan, 'mutate_operations[5].campaign_criterion_operation.create.keyword.text')).toBe('targeting.negativeKeywords[0]');
		expect(unifiedFieldPath(plan, 'mutate_operations[99].x')).toBeUndefined();
	});
});
