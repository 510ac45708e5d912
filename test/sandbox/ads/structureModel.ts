// The sandbox's Google Ads structure below the campaign: ad groups, keywords (ad group criteria),
// campaign criteria, ads, assets, asset groups and their links, daily metrics per ad group / keyword /
// search term, and the test words Google's policy checks flag. Google's limits, written here from
// Google's documentation independently of the node's own checks, so a node bug cannot hide behind them.
import type { DailyMetrics } from './model';

export interface SbAdGroup {
	id: string;
	customerId: string;
	resourceName: string;
	campaign: string;
	name: string;
	status: string;
	type: string;
	cpcBidMicros?: string;
}

export interface SbCriterion {
	criterionId: string;
	customerId: string;
	resourceName: string;
	adGroup: string;
	status: string;
	negative: boolean;
	type: 'KEYWORD';
	keyword: { text: string; matchType: string };
	cpcBidMicros?: string;
	/** Policy exemptions Google accepted for this keyword. */
	exemptedPolicies?: string[];
}

export interface SbCampaignCriterion {
	criterionId: string;
	customerId: string;
	resourceName: string;
	campaign: string;
	negative: boolean;
	type: 'LOCATION' | 'LANGUAGE' | 'KEYWORD';
	location?: { geoTargetConstant: string };
	language?: { languageConstant: string };
	keyword?: { text: string; matchType: string };
}

export interface SbAdGroupAd {
	customerId: string;
	resourceName: string;
	adGroup: string;
	status: string;
	ad: Record<string, unknown> & { id: string; type: string };
	/** Policy topics Google was asked to ignore, and accepted. */
	ignoredPolicyTopics?: string[];
}

export interface SbAsset {
	id: string;
	customerId: string;
	resourceName: string;
	name?: string;
	type: 'TEXT' | 'IMAGE';
	textAsset?: { text: string };
	imageAsset?: { fileSize: string; mimeType: string; fullSize: { widthPixels: string; heightPixels: string } };
}

export interface SbAssetGroup {
	id: string;
	customerId: string;
	resourceName: string;
	campaign: string;
	name: string;
	finalUrls: string[];
	status: string;
}

export interface SbAssetGroupAsset {
	customerId: string;
	resourceName: string;
	assetGroup: string;
	asset: string;
	fieldType: string;
}

export interface SbAssetGroupSignal {
	customerId: string;
	resourceName: string;
	assetGroup: string;
	audience: { audience: string };
}

/** Everything below campaigns, cloned whole for a mutate's working copy (atomic commit or rollback). */
export class AdsStructure {
	adGroups = new Map<string, SbAdGroup>();
	adGroupCriteria = new Map<string, SbCriterion>();
	campaignCriteria = new Map<string, SbCampaignCriterion>();
	adGroupAds = new Map<string, SbAdGroupAd>();
	assets = new Map<string, SbAsset>();
	assetGroups = new Map<string, SbAssetGroup>();
	assetGroupAssets = new Map<string, SbAssetGroupAsset>();
	assetGroupSignals = new Map<string, SbAssetGroupSignal>();

	clone(): AdsStructure {
		const c = new AdsStructure();
		for (const key of STRUCTURE_MAPS) (c[key] as Map<string, unknown>) = new Map([...(this[key] as Map<string, unknown>)].map(([k, v]) => [k, structuredClone(v)]));
		return c;
	}

	/** Takes over a working copy's state (the commit of an atomic mutate). */
	adopt(from: AdsStructure): void {
		for (const key of STRUCTURE_MAPS) (this[key] as Map<string, unknown>) = from[key] as Map<string, unknown>;
	}

	/** How many resources of every kind a customer has (tests assert nothing is left behind). */
	countsOf(customerId: string): Record<string, number> {
		const out: Record<string, number> = {};
		for (const key of STRUCTURE_MAPS) out[key] = [...(this[key] as Map<string, { customerId: string }>).values()].filter((v) => v.customerId === customerId).length;
		return out;
	}
}

export const STRUCTURE_MAPS = ['adGroups', 'adGroupCriteria', 'campaignCriteria', 'adGroupAds', 'assets', 'assetGroups', 'assetGroupAssets', 'assetGroupSignals'] as const;

/** Daily metrics below the campaign, seeded by tests. */
export class StructureMetrics {
	/** ad group id → date → metrics */
	readonly adGroups = new Map<string, Map<string, DailyMetrics>>();
	/** "adGroupId~criterionId" → date → metrics */
	readonly keywords = new Map<string, Map<string, DailyMetrics>>();
	/** search terms per ad group and date */
	readonly searchTerms: Array<{ adGroupId: string; searchTerm: string; status: string; date: string; metrics: DailyMetrics }> = [];

	set(map: Map<string, Map<string, DailyMetrics>>, key: string, date: string, m: DailyMetrics): void {
		let byDate = map.get(key);
		if (!byDate) map.set(key, (byDate = new Map()));
		byDate.set(date, m);
	}
}

/** Test words of Google's ad policy checks: text containing one gets a policy finding on that field. */
export const AD_POLICY_WORDS: Record<string, { topic: string; type: 'LIMITED' | 'PROHIBITED' }> = {
	casino: { topic: 'GAMBLING_AND_GAMES', type: 'LIMITED' },
	wein: { topic: 'ALCOHOL_SALE', type: 'LIMITED' },
	replica: { topic: 'COUNTERFEIT_GOODS', type: 'PROHIBITED' },
};

/** Test words of Google's keyword policy checks (PolicyViolationError). */
export const KEYWORD_POLICY_WORDS: Record<string, { policyName: string; exemptible: boolean; description: string }> = {
	rolex: { policyName: 'TRADEMARKS_IN_KEYWORDS', exemptible: true, description: 'Trademarks' },
	oxycodone: { policyName: 'UNAPPROVED_PHARMACEUTICALS', exemptible: false, description: 'Unapproved pharmaceuticals' },
};

/** Geo target constants the sandbox knows (Google's ids). */
export const GEO_TARGETS: Array<{ id: string; name: string; canonicalName: string; countryCode: string; targetType: string; reach: string }> = [
	{ id: '2276', name: 'Germany', canonicalName: 'Germany', countryCode: 'DE', targetType: 'Country', reach: '74000000' },
	{ id: '2040', name: 'Austria', canonicalName: 'Austria', countryCode: 'AT', targetType: 'Country', reach: '8000000' },
	{ id: '2840', name: 'United States', canonicalName: 'United States', countryCode: 'US', targetType: 'Country', reach: '300000000' },
	{ id: '1003854', name: 'Munich', canonicalName: 'Munich,Bavaria,Germany', countryCode: 'DE', targetType: 'City', reach: '2700000' },
	{ id: '1003853', name: 'Berlin', canonicalName: 'Berlin,Berlin,Germany', countryCode: 'DE', targetType: 'City', reach: '5100000' },
	{ id: '1023191', name: 'New York', canonicalName: 'New York,New York,United States', countryCode: 'US', targetType: 'City', reach: '20000000' },
];

/** Language constants the sandbox knows (Google's ids). */
export const LANGUAGES: Array<{ id: string; code: string; name: string }> = [
	{ id: '1000', code: 'en', name: 'English' },
	{ id: '1001', code: 'de', name: 'German' },
	{ id: '1002', code: 'fr', name: 'French' },
	{ id: '1003', code: 'es', name: 'Spanish' },
	{ id: '1005', code: 'ja', name: 'Japanese' },
	{ id: '1017', code: 'zh_CN', name: 'Chinese (simplified)' },
];

/** Google's count of ad text: Han, kana, Hangul and full-width forms count two. */
export function googleWidth(text: string): number {
	let n = 0;
	for (const ch of text) n += /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\u3000-\u303f\uff01-\uff60\uffe0-\uffe6]/u.test(ch) ? 2 : 1;
	return n;
}

/** Width and height from a PNG or JPEG header (what Google reads from an uploaded image). */
export function imageSize(data: Buffer): { width: number; height: number; mimeType: string } | undefined {
	if (data.length >= 24 && data.readUInt32BE(0) === 0x89504e47 && data.toString('ascii', 12, 16) === 'IHDR')
		return { width: data.readUInt32BE(16), height: data.readUInt32BE(20), mimeType: 'IMAGE_PNG' };
	if (data.length > 4 && data[0] === 0xff && data[1] === 0xd8) {
		for (let i = 2; i + 9 < data.length; ) {
			const marker = data[i + 1];
			if (marker >= 0xc0 && marker <= 0xc3) return { height: data.readUInt16BE(i + 5), width: data.readUInt16BE(i + 7), mimeType: 'IMAGE_JPEG' };
			i += 2 + data.readUInt16BE(i + 2);
		}
	}
	return undefined;
}

/** Image field types and the ratio / minimum size Google requires of them. */
export const IMAGE_FIELDS: Record<string, { ratio: number; minWidth: number; minHeight: number }> = {
	MARKETING_IMAGE: { ratio: 1.91, minWidth: 600, minHeight: 314 },
	SQUARE_MARKETING_IMAGE: { ratio: 1, minWidth: 300, minHeight: 300 },
	PORTRAIT_MARKETING_IMAGE: { ratio: 0.8, minWidth: 480, minHeight: 600 },
	LOGO: { ratio: 1, minWidth: 128, minHeight: 128 },
	LANDSCAPE_LOGO: { ratio: 4, minWidth: 512, minHeight: 128 },
};

/** What a Performance Max asset group needs, per field type: [minimum, maximum, max length]. */
export const ASSET_GROUP_NEEDS: Record<string, [number, number, number?]> = {
	HEADLINE: [3, 15, 30],
	LONG_HEADLINE: [1, 5, 90],
	DESCRIPTION: [2, 5, 90],
	BUSINESS_NAME: [1, 1, 25],
	MARKETING_IMAGE: [1, 20],
	SQUARE_MARKETING_IMAGE: [1, 20],
	LOGO: [1, 5],
};
