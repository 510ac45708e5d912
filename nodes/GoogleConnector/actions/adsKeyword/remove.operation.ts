import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { keywordRemoveOperation } from '../../../shared/ads';
import { adsItemContext, apiVersionProperty, customerIdProperty } from '../ads/common';
import { item, mutateOne } from '../ads/structure';
import { forOperation } from '../operation';
import { keywordIdProperty, keywordOf } from './keywordRef';

export const description: INodeProperties[] = forOperation('adsKeyword', 'remove', [customerIdProperty(), keywordIdProperty, apiVersionProperty]);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const { customerId, settings } = await adsItemContext(this, itemIndex);
	const keyword = await keywordOf(this, itemIndex, customerId);
	await mutateOne(this, settings, customerId, keywordRemoveOperation(keyword.resourceName));
	return item({ customerId, id: `${keyword.adGroupId}~${keyword.id}`, resourceName: keyword.resourceName, status: 'REMOVED', removed: true }, itemIndex);
}
