// An ad group in an existing Search campaign, with its keywords and ads, in one atomic googleAds:mutate
// (the ad group gets a temporary resource name its keywords and ads refer to).
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { TempResourceNames, adCreate, adGroupCreate, idOf, keywordCreate, normalizeNumericId, parseAdGroup, resultName, campaignResourceName } from '../../../shared/ads';
import { adsMutate } from '../../../shared/transport/ads';
import { adsItemContext, apiVersionProperty, customerIdProperty, guarded } from '../ads/common';
import { item } from '../ads/structure';
import { forOperation } from '../operation';
import { parseJsonParameter } from '../adsCampaign/shared';

const EXAMPLE = JSON.stringify(
	{
		name: 'Winter tyres',
		status: 'ENABLED',
		cpcBid: 1.2,
		keywords: ['winter tyres', '[buy winter tyres]', { text: 'snow tyres', matchType: 'PHRASE', cpcBid: 0.9 }],
		ads: [{ headlines: ['Winter tyres from 49 €', 'Fitting included', 'Delivered in 24 hours'], descriptions: ['Every size in stock.', 'Book a fitting today.'], finalUrl: 'https://example.com/winter' }],
	},
	null,
	2,
);

export const description: INodeProperties[] = forOperation('adsAdGroup', 'create', [
	customerIdProperty(),
	{ displayName: 'Campaign ID', name: 'campaignId', type: 'string', default: '', required: true, placeholder: '1234567890', description: 'The Search campaign the ad group belongs to' },
	{ displayName: 'Ad Group (JSON)', name: 'adGroupJson', type: 'json', default: EXAMPLE, description: 'The ad group as in the unified campaign\'s adGroups (see the README): {name, status, cpcBid, keywords, ads}' },
	apiVersionProperty,
]);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const { customerId, settings } = await adsItemContext(this, itemIndex);
	// Display ad groups take image ads: they are created with their campaign (Ads Campaign → Create).
	const channel = 'SEARCH';
	const { campaignId, group } = await guarded(this, itemIndex, () => ({
		campaignId: normalizeNumericId(this.getNodeParameter('campaignId', itemIndex, ''), 'Campaign ID', 'campaign'),
		group: parseAdGroup(parseJsonParameter(this.getNodeParameter('adGroupJson', itemIndex, '{}')), 'adGroup', channel),
	}));
	const names = new TempResourceNames(customerId);
	const adGroupName = names.allocate('adGroups');
	const operations: Array<Record<string, unknown>> = [
		{ adGroupOperation: { create: adGroupCreate(group, campaignResourceName(customerId, campaignId), channel, adGroupName) } },
		...group.keywords.map((k) => keywordCreate(k, adGroupName)),
		...group.ads.map((a) => adCreate(a, adGroupName)),
	];
	const response = await adsMutate(this, settings, customerId, { mutateOperations: operations } as IDataObject);
	const results = response.mutateOperationResponses ?? [];
	const created = resultName(results[0]);
	return item(
		{
			customerId,
			campaignId,
			id: idOf(created),
			resourceName: created,
			name: group.name,
			status: group.status,
			keywords: group.keywords.map((k, i) => ({ text: k.text, matchType: k.matchType, id: `${idOf(created)}~${idOf(resultName(results[1 + i]))}` })),
			ads: group.ads.map((a, i) => ({ type: a.type, id: `${idOf(created)}~${idOf(resultName(results[1 + group.keywords.length + i]))}` })),
		},
		itemIndex,
	);
}
