// Ad groups of the unified campaign ({name, status, cpcBid, keywords, ads}) and the operations on
// ad groups, keywords and ads outside a campaign create (ad group create / update / pause / enable /
// remove, keywords add / remove / bid update, ads create / pause). Pure: no n8n imports.
import { AdsValidationError, describeValue } from './errors';
import { TEXT_LIMITS, adText } from './adText';
import { optionalBid, parseKeywords, type KeywordInput } from './keywords';
import { parseAd, toResponsiveDisplayAd, toResponsiveSearchAd, type AdInput } from './responsiveAds';
import { normalizeCustomerId, normalizeNumericId } from './customerId';

export const AD_GROUP_STATUSES = ['ENABLED', 'PAUSED'] as const;
export type AdGroupStatus = (typeof AD_GROUP_STATUSES)[number];

export interface AdGroupInput {
	name: string;
	status: AdGroupStatus;
	/** Default max CPC in currency units (manual CPC bidding). */
	cpcBid?: number;
	keywords: KeywordInput[];
	ads: AdInput[];
}

/** Google's per-request caps we check before sending (ads per ad group: Google serves at most 3 RSAs). */
export const AD_GROUP_LIMITS = { keywordsPerAdGroup: 20_000, responsiveSearchAdsPerAdGroup: 3, adGroupsPerCampaign: 20_000 } as const;

function isRecord(v: unknown): v is Record<string, unknown> {
	return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function adGroupStatus(value: unknown, field: string): AdGroupStatus {
	if (value === undefined || value === null || value === '') return 'ENABLED';
	const text = typeof value === 'string' ? value.trim().toUpperCase() : value;
	if (typeof text !== 'string' || !(AD_GROUP_STATUSES as readonly string[]).includes(text)) throw new AdsValidationError(field, `must be ENABLED or PAUSED; got ${describeValue(value)}`);
	return text as AdGroupStatus;
}

const KEYS = ['name', 'status', 'cpcBid', 'keywords', 'ads'];

export function parseAdGroup(value: unknown, field: string, channel: string): AdGroupInput {
	if (!isRecord(value)) throw new AdsValidationError(field, `must be an ad group {name, status, cpcBid, keywords, ads}; got ${describeValue(value)}`);
	for (const key of Object.keys(value)) if (!KEYS.includes(key)) throw new AdsValidationError(`${field}.${key}`, `is not an ad group field (${KEYS.join(', ')})`);
	const keywords = parseKeywords(value.keywords, `${field}.keywords`, { max: AD_GROUP_LIMITS.keywordsPerAdGroup });
	if (channel === 'DISPLAY' && keywords.length) throw new AdsValidationError(`${field}.keywords`, 'DISPLAY ad groups do not take keywords (Google targets display by audience and content)');
	if (channel === 'SEARCH' && keywords.length === 0) throw new AdsValidationError(`${field}.keywords`, 'a SEARCH ad group needs at least one keyword to show');
	const rawAds = value.ads === undefined ? [] : value.ads;
	if (!Array.isArray(rawAds)) throw new AdsValidationError(`${field}.ads`, `must be a list of ads; got ${describeValue(rawAds)}`);
	if (rawAds.length === 0) throw new AdsValidationError(`${field}.ads`, 'needs at least one ad: an ad group without ads cannot show');
	const ads = rawAds.map((a, i) => parseAd(a, `${field}.ads[${i}]`, channel));
	const rsas = ads.filter((a) => a.type === 'RESPONSIVE_SEARCH_AD').length;
	if (rsas > AD_GROUP_LIMITS.responsiveSearchAdsPerAdGroup)
		throw new AdsValidationError(`${field}.ads`, `has ${rsas} responsive search ads; Google allows at most ${AD_GROUP_LIMITS.responsiveSearchAdsPerAdGroup} enabled per ad group`);
	const group: AdGroupInput = {
		name: adText(value.name, `${field}.name`, TEXT_LIMITS.adGroupName),
		status: adGroupStatus(value.status, `${field}.status`),
		keywords,
		ads,
	};
	const cpc = optionalBid(value.cpcBid, `${field}.cpcBid`);
	if (cpc !== undefined) group.cpcBid = cpc;
	return group;
}

/** A list of ad groups; names must be unique in the campaign. */
export function parseAdGroups(value: unknown, field: string, channel: string): AdGroupInput[] {
	if (value === undefined || value === null) return [];
	if (!Array.isArray(value)) throw new AdsValidationError(field, `must be a list of ad groups; got ${describeValue(value)}`);
	const groups = value.map((g, i) => parseAdGroup(g, `${field}[${i}]`, channel));
	const names = new Map<string, number>();
	groups.forEach((g, i) => {
		const key = g.name.toLowerCase();
		if (names.has(key)) throw new AdsValidationError(`${field}[${i}].name`, `repeats ${field}[${names.get(key)}].name (${describeValue(g.name)}); ad group names are unique in a campaign`);
		names.set(key, i);
	});
	return groups;
}

type Json = Record<string, unknown>;

const micros = (amount: number) => String(Math.round(amount * 1_000_000));

export function adGroupResourceName(customerId: string, adGroupId: unknown): string {
	return `customers/${normalizeCustomerId(customerId)}/adGroups/${normalizeNumericId(adGroupId, 'adGroupId', 'ad group')}`;
}

/** The AdGroup create JSON under `campaign` (a resource name, possibly temporary). */
export function adGroupCreate(group: Pick<AdGroupInput, 'name' | 'status' | 'cpcBid'>, campaign: string, channel: string, resourceName?: string): Json {
	const create: Json = { name: group.name, campaign, status: group.status, type: channel === 'DISPLAY' ? 'DISPLAY_STANDARD' : 'SEARCH_STANDARD' };
	if (resourceName) create.resourceName = resourceName;
	if (group.cpcBid !== undefined) create.cpcBidMicros = micros(group.cpcBid);
	return create;
}

export function keywordCreate(kw: KeywordInput, adGroup: string): Json {
	const create: Json = { adGroup, status: 'ENABLED', keyword: { text: kw.text, matchType: kw.matchType } };
	if (kw.cpcBid !== undefined) create.cpcBidMicros = micros(kw.cpcBid);
	return { adGroupCriterionOperation: { create } };
}

/** An ad (RSA or RDA) under `adGroup`; `imageAsset` names the asset of a display ad image. */
export function adCreate(ad: AdInput, adGroup: string, imageAsset: (binaryName: string) => string = () => ''): Json {
	const body = ad.type === 'RESPONSIVE_SEARCH_AD' ? toResponsiveSearchAd(ad) : toResponsiveDisplayAd(ad, (name) => imageAsset(name));
	return { adGroupAdOperation: { create: { adGroup, status: ad.status, ad: body } } };
}

// ------------------------------------------------------------------------------------------------
// Operations on existing ad groups, keywords and ads

/** An update carrying only the defined fields, and its update mask. */
function masked(resourceName: string, fields: Record<string, string | undefined>): { update: Json; mask: string[] } {
	const update: Json = { resourceName };
	const mask: string[] = [];
	for (const [key, value] of Object.entries(fields))
		if (value !== undefined) {
			update[key] = value;
			mask.push(key);
		}
	return { update, mask };
}

export interface AdGroupPatch {
	name?: string;
	status?: AdGroupStatus;
	cpcBid?: number;
}

export function parseAdGroupPatch(value: unknown): AdGroupPatch {
	if (!isRecord(value)) throw new AdsValidationError('adGroup', `must be an object with the fields to change; got ${describeValue(value)}`);
	const patch: AdGroupPatch = {};
	for (const key of Object.keys(value)) if (!['name', 'status', 'cpcBid'].includes(key)) throw new AdsValidationError(key, 'is not a field of an ad group update (name, status, cpcBid)');
	if (value.name !== undefined && value.name !== '') patch.name = adText(value.name, 'name', TEXT_LIMITS.adGroupName);
	if (value.status !== undefined && value.status !== '') patch.status = adGroupStatus(value.status, 'status');
	const cpc = optionalBid(value.cpcBid, 'cpcBid');
	if (cpc !== undefined) patch.cpcBid = cpc;
	return patch;
}

/** One ad group update with only the given fields in the mask (none given: undefined). */
export function adGroupUpdateOperation(resourceName: string, patch: AdGroupPatch): Json | undefined {
	const { update, mask } = masked(resourceName, { name: patch.name, status: patch.status, cpcBidMicros: patch.cpcBid === undefined ? undefined : micros(patch.cpcBid) });
	return mask.length ? { adGroupOperation: { update, updateMask: mask.join(',') } } : undefined;
}

export function adGroupRemoveOperation(resourceName: string): Json {
	return { adGroupOperation: { remove: resourceName } };
}

/** What lives in an ad group under a composite id <adGroupId>~<id>: keywords (criteria) and ads. */
export type AdGroupChild = 'adGroupCriteria' | 'adGroupAds';
const CHILD_WORDS: Record<AdGroupChild, string> = { adGroupCriteria: 'keyword', adGroupAds: 'ad' };

/** customers/<cid>/<collection>/<adGroupId>~<id>. */
export function adGroupChildName(customerId: string, collection: AdGroupChild, ref: { adGroupId: string; id: string }): string {
	return `customers/${normalizeCustomerId(customerId)}/${collection}/${ref.adGroupId}~${ref.id}`;
}

/** "123~456", "customers/…/<collection>/123~456", or a bare id with the ad group id given → both ids. */
export function parseAdGroupChildRef(value: unknown, adGroupId: unknown, field: string, collection: AdGroupChild): { adGroupId: string; id: string } {
	const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
	const m = new RegExp(`^(?:customers/\\d+/${collection}/)?(\\d+)~(\\d+)$`).exec(text);
	if (m) return { adGroupId: m[1], id: m[2] };
	if (/^\d+$/.test(text)) return { adGroupId: normalizeNumericId(adGroupId, 'Ad Group ID', 'ad group'), id: text };
	const what = CHILD_WORDS[collection];
	throw new AdsValidationError(field, `must be ${what === 'ad' ? 'an' : 'a'} ${what} ID "adGroupId~${what}Id" (as List returns it), its resource name, or the ${what}'s own ID with the ad group ID set; got ${describeValue(value)}`);
}

/** A keyword bid / status change: only this criterion, only the changed fields. */
export function keywordUpdateOperation(resourceName: string, patch: { cpcBid?: number; status?: AdGroupStatus }): Json | undefined {
	const { update, mask } = masked(resourceName, { cpcBidMicros: patch.cpcBid === undefined ? undefined : micros(patch.cpcBid), status: patch.status });
	return mask.length ? { adGroupCriterionOperation: { update, updateMask: mask.join(',') } } : undefined;
}

export function keywordRemoveOperation(resourceName: string): Json {
	return { adGroupCriterionOperation: { remove: resourceName } };
}

export function adStatusOperation(resourceName: string, status: 'ENABLED' | 'PAUSED'): Json {
	return { adGroupAdOperation: { update: { resourceName, status }, updateMask: 'status' } };
}
