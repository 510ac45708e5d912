import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { checkRawQuery, flattenRow } from '../../../shared/ads';
import { adsSearchStream } from '../../../shared/transport/ads';
import { adsItemContext, apiVersionProperty, customerIdProperty, guarded } from '../ads/common';
import { forOperation } from '../operation';

export const description: INodeProperties[] = forOperation('adsReport', 'query', [
	customerIdProperty(),
	{
		displayName: 'GAQL Query',
		name: 'query',
		type: 'string',
		typeOptions: { rows: 5 },
		default: 'SELECT campaign.id, campaign.name, metrics.clicks FROM campaign WHERE segments.date DURING LAST_7_DAYS',
		required: true,
		description: 'A Google Ads Query Language query; read with searchStream. Field names as in Google\'s reference (snake_case); rows come back in REST form (camelCase).',
	},
	{
		displayName: 'Flatten Rows',
		name: 'flatten',
		type: 'boolean',
		default: false,
		description: 'Whether each row becomes flat keys like "metrics.clicks" instead of nested objects',
	},
	apiVersionProperty,
]);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const { customerId, settings } = await adsItemContext(this, itemIndex);
	const query = await guarded(this, itemIndex, () => checkRawQuery(this.getNodeParameter('query', itemIndex, '')));
	const flatten = this.getNodeParameter('flatten', itemIndex, false) as boolean;
	const rows = await adsSearchStream(this, settings, customerId, query);
	return rows.map((row) => ({ json: (flatten ? flattenRow(row) : row) as IDataObject, pairedItem: { item: itemIndex } }));
}
