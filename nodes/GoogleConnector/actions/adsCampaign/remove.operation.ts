import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { campaignResourceName, normalizeNumericId, removeOperation } from '../../../shared/ads';
import { adsMutate } from '../../../shared/transport/ads';
import { adsItemContext, guarded } from '../ads/common';
import { forOperation } from '../operation';
import { apiVersionProperty, campaignIdProperty, commonTop, output } from './shared';

export const description: INodeProperties[] = forOperation('adsCampaign', 'remove', [
	{
		displayName: 'Removing is final: Google keeps the campaign with status REMOVED and it cannot be enabled again',
		name: 'removeNotice',
		type: 'notice',
		default: '',
	},
	...commonTop(),
	campaignIdProperty,
	apiVersionProperty,
]);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const { customerId, settings } = await adsItemContext(this, itemIndex);
	const campaignId = await guarded(this, itemIndex, () => normalizeNumericId(this.getNodeParameter('campaignId', itemIndex, ''), 'Campaign ID', 'campaign'));
	await adsMutate(this, settings, customerId, { mutateOperations: [removeOperation(customerId, campaignId)] });
	return output({ id: campaignId, resourceName: campaignResourceName(customerId, campaignId), customerId, status: 'REMOVED', removed: true }, itemIndex);
}
