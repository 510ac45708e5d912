// The whole unified campaign as ONE atomic googleAds:mutate: budget, campaign, targeting criteria, ad
// groups with keywords and ads, or the Performance Max assets, asset group, links and signal. New
// resources get temporary names (negative ids) that later operations refer to, so it all exists or
// nothing does. The plan maps each operation back to the unified shape to write ids back. Pure.
import { AdsValidationError } from './errors';
import { toCampaignMutate } from './campaign';
import { TempResourceNames } from './tempNames';
import { adCreate, adGroupCreate, keywordCreate } from './adGroups';
import { IMAGE_FIELD_TYPES, type AssetGroupImages } from './assetGroup';
import { checkImage } from './images';
import { MAX_MUTATE_OPERATIONS, imageUses, type CampaignStructure, type ImageUse } from './campaignStructure';

type Json = Record<string, unknown>;

/** What one operation of the request creates, in the unified shape's terms. */
export type PlanEntry =
	| { kind: 'budget' | 'campaign' | 'assetGroup' | 'audienceSignal' }
	| { kind: 'location' | 'language' | 'negativeKeyword'; index: number }
	| { kind: 'adGroup'; adGroup: number }
	| { kind: 'keyword' | 'ad'; adGroup: number; index: number }
	| { kind: 'image'; binary: string }
	| { kind: 'textAsset' | 'assetLink'; fieldType: string; index: number };

export interface StructureMutate {
	body: { mutateOperations: Json[]; validateOnly?: boolean };
	plan: PlanEntry[];
}

/** Raw bytes of the input item's binary properties named by the structure. */
export type BinarySource = (binaryName: string, field: string) => Uint8Array;

export function toCampaignStructureMutate(
	customerId: string,
	s: CampaignStructure,
	binaries: BinarySource,
	opts: { budgetName?: string; validateOnly?: boolean; exemptPolicyTopics?: string[] } = {},
): StructureMutate {
	const names = new TempResourceNames(customerId);
	const base = toCampaignMutate(names.customerId, s.campaign, { budgetName: opts.budgetName }) as { mutateOperations: Json[] };
	const budgetName = names.allocate('campaignBudgets');
	const campaignName = names.allocate('campaigns');
	const [budgetOp, campaignOp] = base.mutateOperations;
	const campaignCreate = (campaignOp.campaignOperation as Json).create as Json;
	if (campaignCreate.campaignBudget !== budgetName) throw new Error(`temporary budget names disagree: ${String(campaignCreate.campaignBudget)} vs ${budgetName}`);
	campaignCreate.resourceName = campaignName;
	// Business name and logo are linked to the asset group, which needs Brand Guidelines off.
	if (s.campaign.channel === 'PERFORMANCE_MAX' && s.assetGroup) campaignCreate.brandGuidelinesEnabled = false;

	const ops: Json[] = [budgetOp, campaignOp];
	const plan: PlanEntry[] = [{ kind: 'budget' }, { kind: 'campaign' }];
	const push = (op: Json, entry: PlanEntry) => {
		ops.push(op);
		plan.push(entry);
	};

	s.targeting.locations.forEach((l, index) =>
		push({ campaignCriterionOperation: { create: { campaign: campaignName, negative: l.exclude, location: { geoTargetConstant: `geoTargetConstants/${l.id}` } } } }, { kind: 'location', index }),
	);
	s.targeting.languages.forEach((id, index) => push({ campaignCriterionOperation: { create: { campaign: campaignName, language: { languageConstant: `languageConstants/${id}` } } } }, { kind: 'language', index }));
	s.targeting.negativeKeywords.forEach((k, index) =>
		push({ campaignCriterionOperation: { create: { campaign: campaignName, negative: true, keyword: { text: k.text, matchType: k.matchType } } } }, { kind: 'negativeKeyword', index }),
	);

	// Image assets first: ads and asset group links refer to them.
	const images = imageAssetOperations(imageUses(s), binaries, names, s.campaign.name);
	images.ops.forEach((op, i) => push(op, images.plan[i]));
	const assetOf = images.assetOf;

	s.adGroups.forEach((g, gi) => {
		const adGroupName = names.allocate('adGroups');
		push({ adGroupOperation: { create: adGroupCreate(g, campaignName, s.campaign.channel, adGroupName) } }, { kind: 'adGroup', adGroup: gi });
		g.keywords.forEach((k, index) => push(keywordCreate(k, adGroupName), { kind: 'keyword', adGroup: gi, index }));
		g.ads.forEach((ad, index) => push(adCreate(ad, adGroupName, assetOf), { kind: 'ad', adGroup: gi, index }));
	});

	const ag = s.assetGroup;
	if (ag) {
		const groupName = names.allocate('assetGroups');
		push({ assetGroupOperation: { create: { resourceName: groupName, campaign: campaignName, name: ag.name, finalUrls: [ag.finalUrl], status: ag.status } } }, { kind: 'assetGroup' });
		const texts: Array<[string, string[]]> = [
			['HEADLINE', ag.headlines],
			['LONG_HEADLINE', ag.longHeadlines],
			['DESCRIPTION', ag.descriptions],
			['BUSINESS_NAME', [ag.businessName]],
		];
		for (const [fieldType, list] of texts)
			list.forEach((text, index) => {
				const asset = names.allocate('assets');
				push({ assetOperation: { create: { resourceName: asset, textAsset: { text } } } }, { kind: 'textAsset', fieldType, index });
				push({ assetGroupAssetOperation: { create: { assetGroup: groupName, asset, fieldType } } }, { kind: 'assetLink', fieldType, index });
			});
		for (const kind of Object.keys(IMAGE_FIELD_TYPES) as Array<keyof AssetGroupImages>)
			ag.images[kind].forEach((binary, index) =>
				push({ assetGroupAssetOperation: { create: { assetGroup: groupName, asset: assetOf(binary), fieldType: IMAGE_FIELD_TYPES[kind] } } }, { kind: 'assetLink', fieldType: IMAGE_FIELD_TYPES[kind], index }),
			);
		if (ag.audienceSignal) push({ assetGroupSignalOperation: { create: { assetGroup: groupName, audience: { audience: ag.audienceSignal } } } }, { kind: 'audienceSignal' });
	}
	if (ops.length > MAX_MUTATE_OPERATIONS)
		throw new AdsValidationError('adGroups', `the campaign becomes ${ops.length} operations; Google takes at most ${MAX_MUTATE_OPERATIONS} in one atomic request`);
	if (opts.exemptPolicyTopics?.length) addPolicyExemptions(ops, opts.exemptPolicyTopics);
	const body: StructureMutate['body'] = { mutateOperations: ops };
	if (opts.validateOnly) body.validateOnly = true;
	return { body, plan };
}

/** Checks every image use and creates one image asset per binary property (a temporary name each). */
export function imageAssetOperations(uses: ImageUse[], binaries: BinarySource, names: TempResourceNames, label: string): { ops: Json[]; plan: PlanEntry[]; assetOf: (binary: string) => string } {
	const assets = new Map<string, string>();
	const ops: Json[] = [];
	const plan: PlanEntry[] = [];
	for (const use of uses) {
		const bytes = binaries(use.binary, use.field);
		checkImage(bytes, use.fieldType, use.field);
		if (assets.has(use.binary)) continue;
		const resourceName = names.allocate('assets');
		assets.set(use.binary, resourceName);
		ops.push({ assetOperation: { create: { resourceName, name: `${label} ${use.binary} ${assets.size}`, imageAsset: { data: Buffer.from(bytes).toString('base64') } } } });
		plan.push({ kind: 'image', binary: use.binary });
	}
	return { ops, plan, assetOf: (binary) => assets.get(binary) ?? '' };
}

/**
 * Asks for an exemption from the given policy topics (as a policy finding named them): each ad carries
 * them as ignorablePolicyTopics, each keyword as an exempt violation key (policy name, its own text).
 */
export function addPolicyExemptions(ops: Json[], topics: string[]): void {
	const list = [...new Set(topics.map((t) => t.trim().toUpperCase()).filter(Boolean))];
	if (!list.length) return;
	for (const op of ops) {
		const ad = op.adGroupAdOperation as Json | undefined;
		if (ad?.create) ad.policyValidationParameter = { ignorablePolicyTopics: list };
		const criterion = op.adGroupCriterionOperation as Json | undefined;
		const keyword = ((criterion?.create as Json | undefined)?.keyword as Json | undefined)?.text;
		if (criterion && typeof keyword === 'string') criterion.exemptPolicyViolationKeys = list.map((policyName) => ({ policyName, violatingText: keyword }));
	}
}
