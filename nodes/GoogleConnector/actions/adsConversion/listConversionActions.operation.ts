import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { conversionActionsQuery } from '../../../shared/ads';
import { adsSearch } from '../../../shared/transport/ads';
import { adsItemContext, apiVersionProperty, customerIdProperty } from '../ads/common';
import { forOperation } from '../operation';

export const description: INodeProperties[] = forOperation('adsConversion', 'listConversionActions', [
	customerIdProperty(),
	{ displayName: 'Include Disabled', name: 'includeDisabled', type: 'boolean', default: false, description: 'Whether hidden (not enabled) conversion actions are listed too; removed ones never are' },
	apiVersionProperty,
]);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const { customerId, settings } = await adsItemContext(this, itemIndex);
	const rows = await adsSearch(this, settings, customerId, conversionActionsQuery({ includeDisabled: this.getNodeParameter('includeDisabled', itemIndex, false) as boolean }));
	return rows.map((row) => {
		const a = (row.conversionAction ?? {}) as Record<string, unknown>;
		return {
			json: { customerId, id: String(a.id ?? ''), resourceName: String(a.resourceName ?? ''), name: String(a.name ?? ''), status: String(a.status ?? ''), type: String(a.type ?? ''), category: String(a.category ?? '') },
			pairedItem: { item: itemIndex },
		};
	});
}
