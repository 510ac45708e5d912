// Ads, assets and Performance Max asset groups in the sandbox's mutate: responsive search / display ad
// limits (double-width characters count two), policy findings for the test words (ignorable topics
// honoured unless PROHIBITED), image assets read from their bytes, asset group composition at the end.
import { type AdsFailureError, err, type Path, type Row } from './model';
import { AD_POLICY_WORDS, ASSET_GROUP_NEEDS, IMAGE_FIELDS, googleWidth, imageSize } from './structureModel';
import { adGroupOp, allocate, campaignCriterionOp, criterionOp, notFound, required, resolve, str, type StructureContext } from './structureMutate';

function texts(list: unknown, path: Path, errors: AdsFailureError[], limits: { min: number; max: number; length: number }): Row[] {
	const items = (Array.isArray(list) ? list : []) as Row[];
	if (items.length < limits.min) errors.push(err('adError', 'TOO_SHORT', `At least ${limits.min} are required.`, path));
	if (items.length > limits.max) errors.push(err('adError', 'TOO_LONG', `At most ${limits.max} are allowed.`, path));
	items.forEach((t, i) => {
		const text = str(t.text);
		if (!text.trim()) errors.push(required([...path, i, 'text']));
		else if (googleWidth(text) > limits.length) errors.push(err('adError', 'TOO_LONG', 'Too long.', [...path, i, 'text'], text));
	});
	return items;
}

/** Policy findings of an ad's texts; topics the request asked to ignore pass unless PROHIBITED. */
function adPolicy(o: Row, fields: Array<{ text: string; path: Path }>, errors: AdsFailureError[]): string[] {
	const ignorable = ((o.policyValidationParameter as Row | undefined)?.ignorablePolicyTopics as string[] | undefined) ?? [];
	const ignored: string[] = [];
	for (const f of fields)
		for (const [word, p] of Object.entries(AD_POLICY_WORDS)) {
			if (!f.text.toLowerCase().includes(word)) continue;
			if (p.type !== 'PROHIBITED' && ignorable.includes(p.topic)) {
				ignored.push(p.topic);
				continue;
			}
			const e = err('policyFindingError', 'POLICY_FINDING', 'The resource has been disapproved since the policy summary includes policy topics of type PROHIBITED.', f.path, f.text);
			e.details = { policyFindingDetails: { policyTopicEntries: [{ topic: p.topic, type: p.type, evidences: [{ textList: { texts: [f.text] } }] }] } };
			errors.push(e);
		}
	return [...new Set(ignored)];
}

function imageAssetRef(ctx: StructureContext, ref: unknown, path: Path, errors: AdsFailureError[], field: string): void {
	const a = ctx.work.assets.get(resolve(ctx, (ref as Row | undefined)?.asset));
	if (!a || a.type !== 'IMAGE') return void errors.push(notFound([...path, 'asset'], (ref as Row | undefined)?.asset));
	checkImageFor(a.imageAsset!.fullSize, field, [...path, 'asset'], errors);
}

function checkImageFor(size: { widthPixels: string; heightPixels: string }, fieldType: string, path: Path, errors: AdsFailureError[]): void {
	const rule = IMAGE_FIELDS[fieldType];
	if (!rule) return;
	const [w, h] = [Number(size.widthPixels), Number(size.heightPixels)];
	if (Math.abs(w / h - rule.ratio) / rule.ratio > 0.01) errors.push(err('imageError', 'ASPECT_RATIO_NOT_ALLOWED', 'The aspect ratio of the image is not allowed.', path, `${w}x${h}`));
	else if (w < rule.minWidth || h < rule.minHeight) errors.push(err('imageError', 'IMAGE_TOO_SMALL', 'The image is too small.', path, `${w}x${h}`));
}

function adGroupAdOp(ctx: StructureContext, o: Row, path: Path, errors: AdsFailureError[]): Row | undefined {
	if (o.update) {
		const u = o.update as Row;
		const existing = ctx.work.adGroupAds.get(str(u.resourceName));
		if (!existing || existing.customerId !== ctx.customerId) return void errors.push(notFound([...path, 'update', 'resourceName'], u.resourceName));
		if (o.updateMask !== 'status' || !['ENABLED', 'PAUSED'].includes(str(u.status))) return void errors.push(err('fieldMaskError', 'FIELD_NOT_FOUND', 'The sandbox updates the status of ads only.', [...path, 'updateMask'], str(o.updateMask)));
		existing.status = str(u.status);
		return { adGroupAdResult: { resourceName: existing.resourceName } };
	}
	const c = o.create as Row | undefined;
	if (!c) return void errors.push(err('mutateError', 'MUTATE_NOT_ALLOWED', 'The sandbox creates and updates ads only.', path));
	const at: Path = [...path, 'create'];
	const adGroup = ctx.work.adGroups.get(resolve(ctx, c.adGroup));
	if (!adGroup || adGroup.customerId !== ctx.customerId || adGroup.status === 'REMOVED') errors.push(notFound([...at, 'adGroup'], c.adGroup));
	const ad = (c.ad ?? {}) as Row;
	const urls = (Array.isArray(ad.finalUrls) ? ad.finalUrls : []) as string[];
	if (!urls.length) errors.push(err('adError', 'CANNOT_SET_WITHOUT_FINAL_URLS', 'Final URLs are required.', [...at, 'ad', 'finalUrls']));
	urls.forEach((u, i) => /^https?:\/\/[^/\s]+\.[^/\s]+/.test(u) || errors.push(err('adError', 'URL_MALFORMED', 'The URL is malformed.', [...at, 'ad', 'finalUrls', i], u)));
	const policyFields: Array<{ text: string; path: Path }> = [];
	let type = '';
	if (ad.responsiveSearchAd) {
		type = 'RESPONSIVE_SEARCH_AD';
		const rsa = ad.responsiveSearchAd as Row;
		const p: Path = [...at, 'ad', 'responsiveSearchAd'];
		if (adGroup && adGroup.type !== 'SEARCH_STANDARD') errors.push(err('adError', 'INVALID_AD_TYPE', 'Responsive search ads need a search ad group.', p));
		const heads = texts(rsa.headlines, [...p, 'headlines'], errors, { min: 3, max: 15, length: 30 });
		const descs = texts(rsa.descriptions, [...p, 'descriptions'], errors, { min: 2, max: 4, length: 90 });
		for (const k of ['path1', 'path2']) if (rsa[k] !== undefined && googleWidth(str(rsa[k])) > 15) errors.push(err('adError', 'TOO_LONG', 'Too long.', [...p, k], str(rsa[k])));
		if (rsa.path2 !== undefined && rsa.path1 === undefined) errors.push(err('adError', 'MISSING_DISPLAY_URL', 'path2 needs path1.', [...p, 'path2']));
		heads.forEach((h, i) => policyFields.push({ text: str(h.text), path: [...p, 'headlines', i, 'text'] }));
		descs.forEach((d, i) => policyFields.push({ text: str(d.text), path: [...p, 'descriptions', i, 'text'] }));
		const enabledRsas = [...ctx.work.adGroupAds.values()].filter((x) => x.adGroup === adGroup?.resourceName && x.ad.type === type && x.status !== 'REMOVED').length;
		if (enabledRsas >= 3) errors.push(err('resourceCountLimitExceededError', 'AD_GROUP_AD_LIMIT', 'An ad group can have at most 3 enabled responsive search ads.', at));
	} else if (ad.responsiveDisplayAd) {
		type = 'RESPONSIVE_DISPLAY_AD';
		const rda = ad.responsiveDisplayAd as Row;
		const p: Path = [...at, 'ad', 'responsiveDisplayAd'];
		texts(rda.headlines, [...p, 'headlines'], errors, { min: 1, max: 5, length: 30 }).forEach((h, i) => policyFields.push({ text: str(h.text), path: [...p, 'headlines', i, 'text'] }));
		texts(rda.descriptions, [...p, 'descriptions'], errors, { min: 1, max: 5, length: 90 });
		texts(rda.longHeadline ? [rda.longHeadline] : [], [...p, 'longHeadline'], errors, { min: 1, max: 1, length: 90 });
		if (!str(rda.businessName) || googleWidth(str(rda.businessName)) > 25) errors.push(err('adError', str(rda.businessName) ? 'TOO_LONG' : 'TOO_SHORT', 'Business name is required, at most 25.', [...p, 'businessName']));
		const images: Array<[string, string, number]> = [['marketingImages', 'MARKETING_IMAGE', 1], ['squareMarketingImages', 'SQUARE_MARKETING_IMAGE', 1], ['squareLogoImages', 'LOGO', 0]];
		for (const [key, field, min] of images) {
			const list = (Array.isArray(rda[key]) ? rda[key] : []) as Row[];
			if (list.length < min) errors.push(err('adError', 'TOO_SHORT', `At least ${min} ${key} required.`, [...p, key]));
			list.forEach((ref, i) => imageAssetRef(ctx, ref, [...p, key, i], errors, field));
		}
	} else errors.push(err('adError', 'INVALID_AD_TYPE', 'The sandbox creates responsive search and display ads only.', [...at, 'ad']));
	const ignored = errors.length ? [] : adPolicy(o, policyFields, errors);
	if (errors.length || !adGroup) return undefined;
	const adId = ctx.state.newId();
	const resourceName = `customers/${ctx.customerId}/adGroupAds/${adGroup.id}~${adId}`;
	ctx.work.adGroupAds.set(resourceName, { customerId: ctx.customerId, resourceName, adGroup: adGroup.resourceName, status: str(c.status) || 'ENABLED', ad: { ...structuredClone(ad), id: adId, type }, ...(ignored.length ? { ignoredPolicyTopics: ignored } : {}) });
	return { adGroupAdResult: { resourceName } };
}

function assetOp(ctx: StructureContext, o: Row, path: Path, errors: AdsFailureError[]): Row | undefined {
	const c = o.create as Row | undefined;
	if (!c) return void errors.push(err('mutateError', 'MUTATE_NOT_ALLOWED', 'The sandbox creates assets only.', path));
	const at: Path = [...path, 'create'];
	const image = c.imageAsset as Row | undefined;
	const text = c.textAsset as Row | undefined;
	let size: ReturnType<typeof imageSize>;
	let bytes = 0;
	if (image) {
		const data = Buffer.from(str(image.data), 'base64');
		bytes = data.length;
		size = imageSize(data);
		if (!str(image.data)) errors.push(err('assetError', 'ASSET_DATA_IS_MISSING', 'The asset has no data.', [...at, 'imageAsset', 'data']));
		else if (!size) errors.push(err('imageError', 'INVALID_IMAGE', 'The image is not valid.', [...at, 'imageAsset', 'data']));
		else if (bytes > 5_120 * 1024) errors.push(err('imageError', 'FILE_TOO_LARGE', 'The image file is too large.', [...at, 'imageAsset', 'data']));
		if (!str(c.name)) errors.push(err('assetError', 'NAME_REQUIRED_FOR_ASSET_TYPE', 'Image assets need a name.', [...at, 'name']));
		else if ([...ctx.work.assets.values()].some((a) => a.customerId === ctx.customerId && a.name === c.name)) errors.push(err('assetError', 'DUPLICATE_ASSET_NAME', 'An asset with this name exists.', [...at, 'name'], str(c.name)));
	} else if (!text || !str(text.text)) errors.push(err('assetError', 'ASSET_DATA_IS_MISSING', 'The sandbox creates text and image assets only.', at));
	const id = ctx.state.newId();
	const resourceName = allocate(ctx, 'assets', c.resourceName, at, errors, id);
	if (errors.length) return undefined;
	ctx.work.assets.set(resourceName, {
		id, customerId: ctx.customerId, resourceName, ...(c.name ? { name: str(c.name) } : {}), type: image ? 'IMAGE' : 'TEXT',
		...(image ? { imageAsset: { fileSize: String(bytes), mimeType: size!.mimeType, fullSize: { widthPixels: String(size!.width), heightPixels: String(size!.height) } } } : { textAsset: { text: str(text!.text) } }),
	});
	return { assetResult: { resourceName } };
}

function assetGroupOp(ctx: StructureContext, o: Row, path: Path, errors: AdsFailureError[]): Row | undefined {
	const c = o.create as Row | undefined;
	if (!c) return void errors.push(err('mutateError', 'MUTATE_NOT_ALLOWED', 'The sandbox creates asset groups only.', path));
	const at: Path = [...path, 'create'];
	const campaign = ctx.campaigns.get(resolve(ctx, c.campaign));
	if (!campaign || campaign.customerId !== ctx.customerId) errors.push(notFound([...at, 'campaign'], c.campaign));
	else if (campaign.advertisingChannelType !== 'PERFORMANCE_MAX') errors.push(err('assetGroupError', 'CANNOT_ADD_ASSET_GROUP_FOR_CAMPAIGN_TYPE', 'Asset groups belong to Performance Max campaigns.', [...at, 'campaign']));
	if (!str(c.name)) errors.push(required([...at, 'name']));
	if (!Array.isArray(c.finalUrls) || !c.finalUrls.length) errors.push(required([...at, 'finalUrls']));
	const id = ctx.state.newId();
	const resourceName = allocate(ctx, 'assetGroups', c.resourceName, at, errors, id);
	if (errors.length || !campaign) return undefined;
	ctx.work.assetGroups.set(resourceName, { id, customerId: ctx.customerId, resourceName, campaign: campaign.resourceName, name: str(c.name), finalUrls: c.finalUrls as string[], status: str(c.status) || 'ENABLED' });
	ctx.newAssetGroups.push({ resourceName, path: at });
	return { assetGroupResult: { resourceName } };
}

function assetGroupLinkOp(ctx: StructureContext, kind: string, o: Row, path: Path, errors: AdsFailureError[]): Row | undefined {
	const c = o.create as Row | undefined;
	if (!c) return void errors.push(err('mutateError', 'MUTATE_NOT_ALLOWED', 'The sandbox creates asset group links and signals only.', path));
	const at: Path = [...path, 'create'];
	const group = ctx.work.assetGroups.get(resolve(ctx, c.assetGroup));
	if (!group) return void errors.push(notFound([...at, 'assetGroup'], c.assetGroup));
	if (kind === 'assetGroupSignalOperation') {
		const audience = str((c.audience as Row | undefined)?.audience);
		if (!/^customers\/\d+\/audiences\/\d+$/.test(audience)) return void errors.push(notFound([...at, 'audience', 'audience'], audience));
		const resourceName = `customers/${ctx.customerId}/assetGroupSignals/${group.id}~${ctx.state.newId()}`;
		ctx.work.assetGroupSignals.set(resourceName, { customerId: ctx.customerId, resourceName, assetGroup: group.resourceName, audience: { audience } });
		return { assetGroupSignalResult: { resourceName } };
	}
	const asset = ctx.work.assets.get(resolve(ctx, c.asset));
	const fieldType = str(c.fieldType);
	if (!asset) return void errors.push(notFound([...at, 'asset'], c.asset));
	if (!ASSET_GROUP_NEEDS[fieldType] && !IMAGE_FIELDS[fieldType]) return void errors.push(err('fieldError', 'INVALID_VALUE', 'The field is not valid.', [...at, 'fieldType'], fieldType));
	const isImage = Boolean(IMAGE_FIELDS[fieldType]);
	if (isImage !== (asset.type === 'IMAGE')) return void errors.push(err('assetLinkError', 'FIELD_TYPE_INCOMPATIBLE_WITH_ASSET_TYPE', 'The asset type does not fit the field type.', [...at, 'fieldType'], fieldType));
	if (isImage) checkImageFor(asset.imageAsset!.fullSize, fieldType, [...at, 'asset'], errors);
	const max = ASSET_GROUP_NEEDS[fieldType]?.[2];
	if (max && googleWidth(asset.textAsset!.text) > max) errors.push(err('adError', 'TOO_LONG', 'The text is too long for this field type.', [...at, 'asset'], asset.textAsset!.text));
	if (errors.length) return undefined;
	const resourceName = `customers/${ctx.customerId}/assetGroupAssets/${group.id}~${asset.id}~${fieldType}`;
	ctx.work.assetGroupAssets.set(resourceName, { customerId: ctx.customerId, resourceName, assetGroup: group.resourceName, asset: asset.resourceName, fieldType });
	return { assetGroupAssetResult: { resourceName } };
}

/** One operation below the campaign; errors are pushed, the response returned when it succeeded. */
export function applyStructureOperation(ctx: StructureContext, kind: string, o: Row, path: Path, errors: AdsFailureError[]): Row | undefined {
	switch (kind) {
		case 'adGroupOperation':
			return adGroupOp(ctx, o, path, errors);
		case 'adGroupCriterionOperation':
			return criterionOp(ctx, o, path, errors);
		case 'campaignCriterionOperation':
			return campaignCriterionOp(ctx, o, path, errors);
		case 'adGroupAdOperation':
			return adGroupAdOp(ctx, o, path, errors);
		case 'assetOperation':
			return assetOp(ctx, o, path, errors);
		case 'assetGroupOperation':
			return assetGroupOp(ctx, o, path, errors);
		default:
			return assetGroupLinkOp(ctx, kind, o, path, errors);
	}
}

/** After every operation ran: each new asset group must have what Performance Max needs. */
export function finishStructure(ctx: StructureContext): AdsFailureError[] {
	const errors: AdsFailureError[] = [];
	for (const g of ctx.newAssetGroups) {
		const links = [...ctx.work.assetGroupAssets.values()].filter((l) => l.assetGroup === g.resourceName);
		for (const [fieldType, [min]] of Object.entries(ASSET_GROUP_NEEDS))
			if (links.filter((l) => l.fieldType === fieldType).length < min)
				errors.push(err('assetGroupError', `NOT_ENOUGH_${fieldType}_ASSET`, `The asset group needs at least ${min} ${fieldType} asset(s).`, g.path));
		const short = links.filter((l) => l.fieldType === 'DESCRIPTION').some((l) => googleWidth(ctx.work.assets.get(l.asset)?.textAsset?.text ?? '') <= 60);
		if (!short) errors.push(err('assetGroupError', 'SHORT_DESCRIPTION_REQUIRED', 'One description of at most 60 characters is required.', g.path));
	}
	return errors;
}
