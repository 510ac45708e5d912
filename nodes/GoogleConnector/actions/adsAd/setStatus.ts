// Pause and enable of one ad: one status update in one googleAds:mutate.
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { adGroupChildName, adStatusOperation, parseAdGroupChildRef } from '../../../shared/ads';
import { adsItemContext, apiVersionProperty, customerIdProperty, guarded } from '../ads/common';
import { item, mutateOne } from '../ads/structure';
import { forOperation } from '../operation';

export function adStatusDescription(operation: string): INodeProperties[] {
	return forOperation('adsAd', operation, [
		customerIdProperty(),
		{ displayName: 'Ad ID', name: 'adId', type: 'string', default: '', required: true, placeholder: '1234567890~987654', description: 'As Ads Ad → List returns it: adGroupId~adId, or the ad group ad resource name' },
		apiVersionProperty,
	]);
}

export async function setAdStatus(ctx: IExecuteFunctions, itemIndex: number, status: 'ENABLED' | 'PAUSED'): Promise<INodeExecutionData[]> {
	const { customerId, settings } = await adsItemContext(ctx, itemIndex);
	const ref = await guarded(ctx, itemIndex, () => parseAdGroupChildRef(ctx.getNodeParameter('adId', itemIndex, ''), undefined, 'Ad ID', 'adGroupAds'));
	const resourceName = adGroupChildName(customerId, 'adGroupAds', ref);
	await mutateOne(ctx, settings, customerId, adStatusOperation(resourceName, status));
	return item({ customerId, id: `${ref.adGroupId}~${ref.id}`, adGroupId: ref.adGroupId, adId: ref.id, resourceName, status }, itemIndex);
}
