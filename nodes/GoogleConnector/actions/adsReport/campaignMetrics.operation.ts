import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { campaignMetricsQuery, fromMetricsRow } from '../../../shared/ads';
import { adsSearchStream } from '../../../shared/transport/ads';
import { adsItemContext, apiVersionProperty, customerIdProperty, guarded } from '../ads/common';
import { forOperation } from '../operation';
import { dateRangeProperties, readDateRange } from './dateRange';

export const description: INodeProperties[] = forOperation('adsReport', 'campaignMetrics', [
	customerIdProperty(),
	...dateRangeProperties,
	{
		displayName: 'Rows',
		name: 'segment',
		type: 'options',
		options: [
			{ name: 'One per Campaign', value: 'campaign', description: 'Totals over the range' },
			{ name: 'One per Campaign and Day', value: 'day' },
		],
		default: 'campaign',
	},
	{
		displayName: 'Options',
		name: 'reportOptions',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [
			{ displayName: 'Campaign IDs', name: 'campaignIds', type: 'string', default: '', description: 'Only these campaigns (IDs separated by commas)' },
			{ displayName: 'Include Removed Campaigns', name: 'includeRemoved', type: 'boolean', default: false, description: 'Whether removed campaigns are reported too' },
		],
	},
	apiVersionProperty,
]);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const { customerId, settings } = await adsItemContext(this, itemIndex);
	const options = this.getNodeParameter('reportOptions', itemIndex, {}) as IDataObject;
	const query = await guarded(this, itemIndex, () => {
		return campaignMetricsQuery({
			range: readDateRange(this, itemIndex),
			perDay: this.getNodeParameter('segment', itemIndex, 'campaign') === 'day',
			campaignIds: String(options.campaignIds ?? '')
				.split(',')
				.map((s) => s.trim()),
			includeRemoved: options.includeRemoved === true,
		});
	});
	const rows = await adsSearchStream(this, settings, customerId, query);
	return rows.map((row) => ({ json: { customerId, ...fromMetricsRow(row) }, pairedItem: { item: itemIndex } }));
}
