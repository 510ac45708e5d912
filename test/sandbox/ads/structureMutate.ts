// googleAds:mutate operations below the campaign, as the sandbox applies them inside the one mutate
// loop (mutate.ts): validation with Google's limits and error codes, temporary resource names resolved
// across operations, policy findings for the test words, and asset group composition checked at the end.
import { type AdsCampaign, type AdsFailureError, err, type Path, type Row } from './model';
import type { AdsState } from './index';
import { GEO_TARGETS, KEYWORD_POLICY_WORDS, LANGUAGES, type AdsStructure, googleWidth } from './structureModel';

export const STRUCTURE_OPERATIONS = [
	'adGroupOperation',
	'adGroupCriterionOperation',
	'campaignCriterionOperation',
	'adGroupAdOperation',
	'assetOperation',
	'assetGroupOperation',
	'assetGroupAssetOperation',
	'assetGroupSignalOperation',
];

export interface StructureContext {
	state: AdsState;
	customerId: string;
	work: AdsStructure;
	campaigns: Map<string, AdsCampaign>;
	temp: Map<string, string>;
	/** Asset groups created in this request: their composition is checked when all operations ran. */
	newAssetGroups: Array<{ resourceName: string; path: Path }>;
}

const required = (path: Path) => err('fieldError', 'REQUIRED', 'The required field was not present.', path);
const notFound = (path: Path, name: unknown) => err('mutateError', 'RESOURCE_NOT_FOUND', 'The requested resource was not found.', path, String(name));
const str = (v: unknown) => (typeof v === 'string' ? v : '');

function resolve(ctx: StructureContext, name: unknown): string {
	const text = str(name);
	return ctx.temp.get(text) ?? text;
}

/** A new resource's name: the temporary one given (customers/<cid>/<collection>/-N) is mapped to the real one. */
function allocate(ctx: StructureContext, collection: string, given: unknown, path: Path, errors: AdsFailureError[], id = ctx.state.newId()): string {
	const real = `customers/${ctx.customerId}/${collection}/${id}`;
	if (given === undefined) return real;
	if (!new RegExp(`^customers/${ctx.customerId}/${collection}/-\\d+$`).test(str(given))) errors.push(err('requestError', 'RESOURCE_NAME_MALFORMED', 'Resource name is malformed.', [...path, 'resourceName'], str(given)));
	else if (ctx.temp.has(str(given))) errors.push(err('mutateError', 'ID_EXISTS_IN_MULTIPLE_MUTATES', 'The temporary resource name is used twice in the request.', [...path, 'resourceName'], str(given)));
	else ctx.temp.set(str(given), real);
	return real;
}

function liveCampaign(ctx: StructureContext, name: unknown, path: Path, errors: AdsFailureError[]): AdsCampaign | undefined {
	const c = ctx.campaigns.get(resolve(ctx, name));
	if (name === undefined) errors.push(required(path));
	else if (!c || c.customerId !== ctx.customerId || c.status === 'REMOVED') errors.push(notFound(path, name));
	return c && c.status !== 'REMOVED' ? c : undefined;
}

function micros(value: unknown, path: Path, errors: AdsFailureError[]): void {
	if (value === undefined) return;
	const n = Number(value);
	if (!/^\d+$/.test(String(value)) || n <= 0) errors.push(err('fieldError', 'INVALID_VALUE', 'The field is not valid.', path, String(value)));
	else if (n % 10_000 !== 0) errors.push(err('biddingError', 'BID_TOO_MANY_FRACTIONAL_DIGITS', 'Bid has too many fractional digit precision.', path, String(value)));
}

const KEYWORD_INVALID = /[!@%^*()={};~`<>?\\|,]/;

function checkKeyword(kw: Row | undefined, path: Path, errors: AdsFailureError[]): void {
	const text = str(kw?.text);
	if (!text.trim()) return void errors.push(required([...path, 'text']));
	if (googleWidth(text) > 80) errors.push(err('criterionError', 'KEYWORD_TEXT_TOO_LONG', 'Keyword text is too long.', [...path, 'text'], text));
	if (text.trim().split(/\s+/).length > 10) errors.push(err('criterionError', 'KEYWORD_HAS_TOO_MANY_WORDS', 'Keyword has too many words.', [...path, 'text'], text));
	if (KEYWORD_INVALID.test(text)) errors.push(err('criterionError', 'KEYWORD_HAS_INVALID_CHARS', 'Keyword has invalid characters.', [...path, 'text'], text));
	if (!['EXACT', 'PHRASE', 'BROAD'].includes(str(kw?.matchType))) errors.push(err('fieldError', 'INVALID_VALUE', 'The field is not valid.', [...path, 'matchType'], str(kw?.matchType)));
}

function keywordPolicy(op: Row, kw: Row, path: Path, errors: AdsFailureError[]): string[] {
	const text = str(kw.text).toLowerCase();
	const exempt = (Array.isArray(op.exemptPolicyViolationKeys) ? op.exemptPolicyViolationKeys : []) as Row[];
	const accepted: string[] = [];
	for (const [word, p] of Object.entries(KEYWORD_POLICY_WORDS)) {
		if (!text.split(/\s+/).includes(word)) continue;
		const asked = exempt.some((k) => k.policyName === p.policyName && str(k.violatingText).toLowerCase() === text);
		if (asked && p.exemptible) accepted.push(p.policyName);
		else {
			const e = err('policyViolationError', 'POLICY_ERROR', 'A policy was violated. See PolicyViolationDetails for more detail.', [...path, 'text'], str(kw.text));
			e.details = { policyViolationDetails: { externalPolicyName: p.description, externalPolicyDescription: `${p.description} in keyword text`, key: { policyName: p.policyName, violatingText: str(kw.text) }, isExemptible: p.exemptible } };
			errors.push(e);
		}
	}
	return accepted;
}

function adGroupOp(ctx: StructureContext, o: Row, path: Path, errors: AdsFailureError[]): Row | undefined {
	if (o.create) {
		const c = o.create as Row;
		const at = [...path, 'create'];
		const campaign = liveCampaign(ctx, c.campaign, [...at, 'campaign'], errors);
		const name = str(c.name).trim();
		if (!name) errors.push(err('adGroupError', 'MISSING_ADGROUP_NAME', 'Ad group name is missing.', [...at, 'name']));
		else if (campaign && [...ctx.work.adGroups.values()].some((g) => g.campaign === campaign.resourceName && g.status !== 'REMOVED' && g.name === name))
			errors.push(err('adGroupError', 'DUPLICATE_ADGROUP_NAME', 'Ad group with this name already exists in the campaign.', [...at, 'name'], name));
		if (campaign && !['SEARCH', 'DISPLAY'].includes(campaign.advertisingChannelType))
			errors.push(err('adGroupError', 'CANNOT_ADD_AD_GROUP_FOR_CAMPAIGN_TYPE', 'Ad groups cannot be added to this campaign type.', [...at, 'campaign']));
		const wantType = campaign?.advertisingChannelType === 'DISPLAY' ? 'DISPLAY_STANDARD' : 'SEARCH_STANDARD';
		if (c.type !== undefined && campaign && c.type !== wantType)
			errors.push(err('adGroupError', 'AD_GROUP_TYPE_NOT_VALID_FOR_ADVERTISING_CHANNEL_TYPE', 'The ad group type is not valid for the campaign channel.', [...at, 'type'], str(c.type)));
		if (c.status !== undefined && !['ENABLED', 'PAUSED'].includes(str(c.status))) errors.push(err('fieldError', 'INVALID_VALUE', 'The field is not valid.', [...at, 'status'], str(c.status)));
		micros(c.cpcBidMicros, [...at, 'cpcBidMicros'], errors);
		const id = ctx.state.newId();
		const resourceName = allocate(ctx, 'adGroups', c.resourceName, at, errors, id);
		if (errors.length || !campaign) return undefined;
		ctx.work.adGroups.set(resourceName, { id, customerId: ctx.customerId, resourceName, campaign: campaign.resourceName, name, status: str(c.status) || 'ENABLED', type: str(c.type) || wantType, ...(c.cpcBidMicros ? { cpcBidMicros: String(c.cpcBidMicros) } : {}) });
		return { adGroupResult: { resourceName } };
	}
	const rn = resolve(ctx, o.update ? (o.update as Row).resourceName : o.remove);
	const g = ctx.work.adGroups.get(rn);
	if (!g || g.customerId !== ctx.customerId) return void errors.push(notFound([...path, o.update ? 'update' : 'remove'], rn));
	if (o.remove) g.status = 'REMOVED';
	else if (!maskedUpdate(g as unknown as Row, o, ['name', 'status', 'cpcBidMicros'], path, errors)) return undefined;
	return { adGroupResult: { resourceName: rn } };
}

/** Applies an update's mask (only the named fields change); false when the mask is missing or wrong. */
function maskedUpdate(target: Row, o: Row, allowed: string[], path: Path, errors: AdsFailureError[]): boolean {
	const u = o.update as Row;
	if (typeof o.updateMask !== 'string' || !o.updateMask) return void errors.push(err('fieldMaskError', 'FIELD_MASK_MISSING', 'The field mask must be specified for an update operation.', [...path, 'updateMask'])), false;
	const mask = o.updateMask.split(',').map((s) => s.trim());
	for (const f of mask) if (!allowed.includes(f)) errors.push(err('fieldMaskError', 'FIELD_NOT_FOUND', 'The field mask contained an invalid field.', [...path, 'updateMask'], f));
	if (mask.includes('status') && !['ENABLED', 'PAUSED'].includes(str(u.status))) errors.push(err('fieldError', 'INVALID_VALUE', 'The field is not valid.', [...path, 'update', 'status'], str(u.status)));
	if (mask.includes('cpcBidMicros')) micros(u.cpcBidMicros, [...path, 'update', 'cpcBidMicros'], errors);
	if (target.status === 'REMOVED') errors.push(err('mutateError', 'RESOURCE_NOT_FOUND', 'The resource was removed and cannot be changed.', [...path, 'update', 'resourceName']));
	if (errors.length) return false;
	for (const f of mask) target[f] = f === 'cpcBidMicros' ? String(u[f]) : u[f];
	return true;
}

function criterionOp(ctx: StructureContext, o: Row, path: Path, errors: AdsFailureError[]): Row | undefined {
	if (o.create) {
		const c = o.create as Row;
		const at = [...path, 'create'];
		const adGroup = ctx.work.adGroups.get(resolve(ctx, c.adGroup));
		if (c.adGroup === undefined) errors.push(required([...at, 'adGroup']));
		else if (!adGroup || adGroup.customerId !== ctx.customerId || adGroup.status === 'REMOVED') errors.push(notFound([...at, 'adGroup'], c.adGroup));
		if (c.keyword === undefined) errors.push(err('criterionError', 'CANNOT_ADD_CRITERIA_TYPE', 'The sandbox serves keyword criteria only.', at));
		checkKeyword(c.keyword as Row, [...at, 'keyword'], errors);
		micros(c.cpcBidMicros, [...at, 'cpcBidMicros'], errors);
		const accepted = errors.length ? [] : keywordPolicy(o, c.keyword as Row, [...at, 'keyword'], errors);
		if (errors.length || !adGroup) return undefined;
		const criterionId = ctx.state.newId();
		const resourceName = `customers/${ctx.customerId}/adGroupCriteria/${adGroup.id}~${criterionId}`;
		const kw = c.keyword as Row;
		ctx.work.adGroupCriteria.set(resourceName, {
			criterionId, customerId: ctx.customerId, resourceName, adGroup: adGroup.resourceName, status: str(c.status) || 'ENABLED', negative: c.negative === true, type: 'KEYWORD',
			keyword: { text: str(kw.text), matchType: str(kw.matchType) }, ...(c.cpcBidMicros ? { cpcBidMicros: String(c.cpcBidMicros) } : {}), ...(accepted.length ? { exemptedPolicies: accepted } : {}),
		});
		return { adGroupCriterionResult: { resourceName } };
	}
	const rn = str(o.update ? (o.update as Row).resourceName : o.remove);
	const k = ctx.work.adGroupCriteria.get(rn);
	if (!k || k.customerId !== ctx.customerId) return void errors.push(notFound([...path, o.update ? 'update' : 'remove'], rn));
	if (o.remove) k.status = 'REMOVED';
	else if (!maskedUpdate(k as unknown as Row, o, ['status', 'cpcBidMicros'], path, errors)) return undefined;
	return { adGroupCriterionResult: { resourceName: rn } };
}

function campaignCriterionOp(ctx: StructureContext, o: Row, path: Path, errors: AdsFailureError[]): Row | undefined {
	const c = o.create as Row | undefined;
	if (!c) return void errors.push(err('mutateError', 'MUTATE_NOT_ALLOWED', 'The sandbox creates campaign criteria only.', path));
	const at = [...path, 'create'];
	const campaign = liveCampaign(ctx, c.campaign, [...at, 'campaign'], errors);
	const location = str((c.location as Row | undefined)?.geoTargetConstant);
	const language = str((c.language as Row | undefined)?.languageConstant);
	const kinds = ['location', 'language', 'keyword'].filter((k) => c[k] !== undefined);
	if (kinds.length !== 1) errors.push(err('criterionError', 'CANNOT_ADD_CRITERIA_TYPE', 'Exactly one criterion (location, language or keyword) is required.', at));
	if (c.location !== undefined && !GEO_TARGETS.some((g) => `geoTargetConstants/${g.id}` === location))
		errors.push(err('criterionError', 'INVALID_CRITERION_ID', 'The geo target constant does not exist.', [...at, 'location', 'geoTargetConstant'], location));
	if (c.language !== undefined && (!LANGUAGES.some((l) => `languageConstants/${l.id}` === language) || c.negative === true))
		errors.push(err('criterionError', 'INVALID_CRITERION_ID', 'The language constant does not exist or cannot be excluded.', [...at, 'language', 'languageConstant'], language));
	if (c.keyword !== undefined) {
		if (c.negative !== true) errors.push(err('criterionError', 'CANNOT_ADD_CRITERIA_TYPE', 'Campaigns take negative keywords only.', [...at, 'negative']));
		checkKeyword(c.keyword as Row, [...at, 'keyword'], errors);
	}
	if (errors.length || !campaign) return undefined;
	const criterionId = c.location !== undefined ? location.split('/')[1] : c.language !== undefined ? language.split('/')[1] : ctx.state.newId();
	const resourceName = `customers/${ctx.customerId}/campaignCriteria/${campaign.id}~${criterionId}`;
	if (ctx.work.campaignCriteria.has(resourceName)) return void errors.push(err('mutateError', 'RESOURCE_ALREADY_EXISTS', 'The criterion already exists.', at));
	const type = kinds[0].toUpperCase() as 'LOCATION' | 'LANGUAGE' | 'KEYWORD';
	const stored = { criterionId, customerId: ctx.customerId, resourceName, campaign: campaign.resourceName, negative: c.negative === true, type, [kinds[0]]: structuredClone(c[kinds[0]]) };
	ctx.work.campaignCriteria.set(resourceName, stored);
	return { campaignCriterionResult: { resourceName } };
}

export { adGroupOp, criterionOp, campaignCriterionOp, resolve, allocate, required, notFound, str };
