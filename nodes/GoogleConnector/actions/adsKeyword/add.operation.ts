// Keywords into one ad group, in one atomic googleAds:mutate: all are added or none.
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { adGroupResourceName, idOf, keywordCreate, parseKeywords, resultName } from '../../../shared/ads';
import { adsMutate } from '../../../shared/transport/ads';
import { adsItemContext, apiVersionProperty, customerIdProperty, guarded } from '../ads/common';
import { adGroupIdOf, adGroupIdProperty } from '../ads/structure';
import { forOperation } from '../operation';
import { parseJsonParameter } from '../adsCampaign/shared';

export const description: INodeProperties[] = forOperation('adsKeyword', 'add', [
	customerIdProperty(),
	adGroupIdProperty(),
	{
		displayName: 'Keywords',
		name: 'keywords',
		type: 'json',
		default: JSON.stringify(['winter tyres', '[buy winter tyres]', { text: 'snow tyres', matchType: 'PHRASE', cpcBid: 0.9 }], null, 2),
		description: 'A list: "text" (broad), "[text]" (exact), "\\"text\\"" (phrase), or {text, matchType, cpcBid?}. At most 80 characters and 10 words each.',
	},
	apiVersionProperty,
]);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const { customerId, settings } = await adsItemContext(this, itemIndex);
	const adGroupId = await adGroupIdOf(this, itemIndex);
	const keywords = await guarded(this, itemIndex, () => parseKeywords(parseJsonParameter(this.getNodeParameter('keywords', itemIndex, '[]')), 'keywords', { min: 1, max: 5000 }));
	const adGroup = adGroupResourceName(customerId, adGroupId);
	const response = await adsMutate(this, settings, customerId, { mutateOperations: keywords.map((k) => keywordCreate(k, adGroup)) } as IDataObject);
	const results = response.mutateOperationResponses ?? [];
	return keywords.map((k, i) => {
		const resourceName = resultName(results[i]);
		return { json: { customerId, adGroupId, id: `${adGroupId}~${idOf(resourceName)}`, criterionId: idOf(resourceName), resourceName, ...k, status: 'ENABLED' }, pairedItem: { item: itemIndex } };
	});
}
