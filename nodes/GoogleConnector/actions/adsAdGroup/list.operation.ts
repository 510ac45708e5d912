import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { adGroupListQuery, fromAdGroupRow } from '../../../shared/ads';
import { apiVersionProperty, customerIdProperty } from '../ads/common';
import { listRows, scopeProperties } from '../ads/structure';
import { forOperation } from '../operation';

export const description: INodeProperties[] = forOperation('adsAdGroup', 'list', [customerIdProperty(), ...scopeProperties('ad groups').filter((p) => p.name !== 'adGroupIds'), apiVersionProperty]);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	return await listRows(this, itemIndex, (scope) => adGroupListQuery({ ...scope, adGroupIds: undefined }), fromAdGroupRow);
}
