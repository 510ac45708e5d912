// Pause, enable and remove of one ad group: one operation in one googleAds:mutate.
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { adGroupRemoveOperation, adGroupResourceName, adGroupUpdateOperation } from '../../../shared/ads';
import { adsItemContext, apiVersionProperty, customerIdProperty } from '../ads/common';
import { adGroupIdOf, adGroupIdProperty, item, mutateOne } from '../ads/structure';
import { forOperation } from '../operation';

export function adGroupStatusDescription(operation: string, notice?: string): INodeProperties[] {
	const top: INodeProperties[] = notice ? [{ displayName: notice, name: 'removeNotice', type: 'notice', default: '' }] : [];
	return forOperation('adsAdGroup', operation, [...top, customerIdProperty(), adGroupIdProperty(), apiVersionProperty]);
}

export async function setAdGroupStatus(ctx: IExecuteFunctions, itemIndex: number, status: 'ENABLED' | 'PAUSED' | 'REMOVED'): Promise<INodeExecutionData[]> {
	const { customerId, settings } = await adsItemContext(ctx, itemIndex);
	const adGroupId = await adGroupIdOf(ctx, itemIndex);
	const resourceName = adGroupResourceName(customerId, adGroupId);
	await mutateOne(ctx, settings, customerId, status === 'REMOVED' ? adGroupRemoveOperation(resourceName) : adGroupUpdateOperation(resourceName, { status })!);
	return item({ customerId, id: adGroupId, resourceName, status }, itemIndex);
}
