// One ad in an existing ad group; a display ad's images become assets in the same atomic mutate.
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { TempResourceNames, adCreate, adGroupResourceName, displayAdImageUses, idOf, imageAssetOperations, parseAd, resultName } from '../../../shared/ads';
import { adsMutate } from '../../../shared/transport/ads';
import { adsItemContext, apiVersionProperty, customerIdProperty, guarded } from '../ads/common';
import { loadBinaries } from '../ads/binaries';
import { adGroupIdOf, adGroupIdProperty, item } from '../ads/structure';
import { forOperation } from '../operation';
import { parseJsonParameter } from '../adsCampaign/shared';

const EXAMPLE = JSON.stringify(
	{
		type: 'RESPONSIVE_SEARCH_AD',
		headlines: [{ text: 'Winter tyres from 49 €', pinnedTo: 1 }, 'Fitting included', 'Delivered in 24 hours'],
		descriptions: ['Every size in stock. Book a fitting today.', 'Free storage when you buy four tyres.'],
		finalUrl: 'https://example.com/winter',
		path1: 'winter',
		path2: 'tyres',
	},
	null,
	2,
);

export const description: INodeProperties[] = forOperation('adsAd', 'create', [
	customerIdProperty(),
	adGroupIdProperty(),
	{
		displayName: 'Ad (JSON)',
		name: 'adJson',
		type: 'json',
		default: EXAMPLE,
		description:
			'A responsive search ad {headlines (3–15, ≤ 30), descriptions (2–4, ≤ 90), finalUrl, path1?, path2?} or a responsive display ad {type: "RESPONSIVE_DISPLAY_AD", headlines, longHeadline, descriptions, businessName, finalUrl, images: {landscape, square, logo?}} whose images name binary properties of the input item',
	},
	apiVersionProperty,
]);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const { customerId, settings } = await adsItemContext(this, itemIndex);
	const adGroupId = await adGroupIdOf(this, itemIndex);
	const raw = parseJsonParameter(this.getNodeParameter('adJson', itemIndex, '{}'));
	const ad = await guarded(this, itemIndex, () => {
		const given = raw !== null && typeof raw === 'object' ? (raw as IDataObject).type : undefined;
		return parseAd(raw, 'ad', given === 'RESPONSIVE_DISPLAY_AD' ? 'DISPLAY' : 'SEARCH');
	});
	const uses = displayAdImageUses(ad, 'ad');
	const binaries = await loadBinaries(this, itemIndex, uses);
	const images = await guarded(this, itemIndex, () => imageAssetOperations(uses, binaries, new TempResourceNames(customerId), `Ad group ${adGroupId}`));
	const operations = [...images.ops, adCreate(ad, adGroupResourceName(customerId, adGroupId), images.assetOf)];
	const response = await adsMutate(this, settings, customerId, { mutateOperations: operations } as IDataObject);
	const resourceName = resultName(response.mutateOperationResponses?.[operations.length - 1]);
	return item({ customerId, adGroupId, id: `${adGroupId}~${idOf(resourceName)}`, adId: idOf(resourceName), resourceName, type: ad.type, status: ad.status, imageAssets: images.ops.length }, itemIndex);
}
