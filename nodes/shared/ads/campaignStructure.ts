// The grown unified campaign: the campaign fields plus targeting, ad groups (keywords, responsive search
// or display ads) or a Performance Max asset group. parseCampaignStructure checks everything before
// anything is sent; which parts each channel takes is decided here. Pure: no n8n imports.
import { AdsValidationError, describeValue } from './errors';
import { parseUnifiedCampaign, type UnifiedCampaign } from './campaign';
import { parseTargeting, type Targeting } from './targeting';
import { parseAdGroups, type AdGroupInput } from './adGroups';
import type { AdInput } from './responsiveAds';
import { parseAssetGroup, type AssetGroupInput, IMAGE_FIELD_TYPES, type AssetGroupImages } from './assetGroup';
import type { ImageFieldType } from './images';

export const STRUCTURE_KEYS = ['targeting', 'adGroups', 'assetGroup'] as const;

export interface CampaignStructure {
	campaign: UnifiedCampaign;
	targeting: Targeting;
	adGroups: AdGroupInput[];
	assetGroup?: AssetGroupInput;
}

function isRecord(v: unknown): v is Record<string, unknown> {
	return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Checks a whole unified campaign with its structure; every error names the field. */
export function parseCampaignStructure(input: unknown): CampaignStructure {
	if (!isRecord(input)) throw new AdsValidationError('campaign', `must be an object in the unified campaign shape; got ${describeValue(input)}`);
	const fields: Record<string, unknown> = {};
	for (const [key, value] of Object.entries(input)) if (!(STRUCTURE_KEYS as readonly string[]).includes(key)) fields[key] = value;
	const campaign = parseUnifiedCampaign(fields);
	const channel = campaign.channel;
	const targeting = parseTargeting(input.targeting);
	if (input.adGroups !== undefined && channel !== 'SEARCH' && channel !== 'DISPLAY')
		throw new AdsValidationError('adGroups', `apply to SEARCH and DISPLAY campaigns; a ${channel} campaign ${channel === 'PERFORMANCE_MAX' ? 'takes an assetGroup instead' : 'is not built by this node beyond budget and campaign'}`);
	if (input.assetGroup !== undefined && channel !== 'PERFORMANCE_MAX') throw new AdsValidationError('assetGroup', `applies to PERFORMANCE_MAX campaigns only; this one is ${channel} (use adGroups)`);
	const adGroups = parseAdGroups(input.adGroups, 'adGroups', channel);
	const structure: CampaignStructure = { campaign, targeting, adGroups };
	if (input.assetGroup !== undefined) structure.assetGroup = parseAssetGroup(input.assetGroup, 'assetGroup', campaign.name);
	if (campaign.bidding.strategy !== 'MANUAL_CPC') {
		const withBid = adGroups.findIndex((g) => g.cpcBid !== undefined || g.keywords.some((k) => k.cpcBid !== undefined));
		if (withBid >= 0)
			throw new AdsValidationError(`adGroups[${withBid}]`, `sets a CPC bid, but the campaign bids with ${campaign.bidding.strategy}; CPC bids apply to MANUAL_CPC only`);
	}
	return structure;
}

export interface ImageUse {
	/** Binary property name of the input item. */
	binary: string;
	fieldType: ImageFieldType;
	/** Where it is named, for errors (e.g. "assetGroup.images.logo[0]"). */
	field: string;
}

/** Every image the structure names, with the field that names it (one binary may be used twice). */
export function imageUses(s: CampaignStructure): ImageUse[] {
	const uses: ImageUse[] = [];
	if (s.assetGroup)
		for (const kind of Object.keys(IMAGE_FIELD_TYPES) as Array<keyof AssetGroupImages>)
			s.assetGroup.images[kind].forEach((binary, i) => uses.push({ binary, fieldType: IMAGE_FIELD_TYPES[kind], field: `assetGroup.images.${kind}[${i}]` }));
	s.adGroups.forEach((g, gi) => g.ads.forEach((ad, ai) => uses.push(...displayAdImageUses(ad, `adGroups[${gi}].ads[${ai}]`))));
	return uses;
}

/** The images a responsive display ad names (none for a search ad). */
export function displayAdImageUses(ad: AdInput, field: string): ImageUse[] {
	if (ad.type !== 'RESPONSIVE_DISPLAY_AD') return [];
	const kinds: Array<[keyof typeof ad.images, ImageFieldType]> = [
		['landscape', 'MARKETING_IMAGE'],
		['square', 'SQUARE_MARKETING_IMAGE'],
		['logo', 'LOGO'],
	];
	return kinds.flatMap(([kind, fieldType]) => ad.images[kind].map((binary, i) => ({ binary, fieldType, field: `${field}.images.${kind}[${i}]` })));
}

/** How many operations the structure becomes (Google takes at most 10,000 per mutate). */
export const MAX_MUTATE_OPERATIONS = 10_000;
