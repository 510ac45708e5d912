import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { fromKeywordRow, keywordListQuery } from '../../../shared/ads';
import { apiVersionProperty, customerIdProperty } from '../ads/common';
import { listRows, scopeProperties } from '../ads/structure';
import { forOperation } from '../operation';

export const description: INodeProperties[] = forOperation('adsKeyword', 'list', [customerIdProperty(), ...scopeProperties('keywords'), apiVersionProperty]);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	return await listRows(this, itemIndex, keywordListQuery, fromKeywordRow);
}
