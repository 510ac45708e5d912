// Metrics below the campaign: one row per ad group, keyword or search term, optionally per day.
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { fromStructureMetricsRow, structureMetricsQuery, type MetricsLevel } from '../../../shared/ads';
import { adsSearchStream } from '../../../shared/transport/ads';
import { adsItemContext, apiVersionProperty, customerIdProperty, guarded } from '../ads/common';
import { forOperation } from '../operation';
import { dateRangeProperties, readDateRange } from './dateRange';

export const description: INodeProperties[] = forOperation('adsReport', 'structureMetrics', [
	customerIdProperty(),
	{
		displayName: 'Level',
		name: 'level',
		type: 'options',
		options: [
			{ name: 'Ad Group', value: 'adGroup', description: 'One row per ad group' },
			{ name: 'Keyword', value: 'keyword', description: 'One row per keyword' },
			{ name: 'Search Term', value: 'searchTerm', description: 'One row per search term that triggered an ad' },
		],
		default: 'adGroup',
	},
	...dateRangeProperties,
	{ displayName: 'Per Day', name: 'perDay', type: 'boolean', default: false, description: 'Whether to return one row per day instead of totals over the range' },
	{ displayName: 'Campaign IDs', name: 'campaignIds', type: 'string', default: '', description: 'Only these campaigns (IDs separated by commas; empty: all)' },
	{ displayName: 'Ad Group IDs', name: 'adGroupIds', type: 'string', default: '', description: 'Only these ad groups (IDs separated by commas; empty: all)' },
	apiVersionProperty,
]);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const { customerId, settings } = await adsItemContext(this, itemIndex);
	const level = this.getNodeParameter('level', itemIndex, 'adGroup') as MetricsLevel;
	const query = await guarded(this, itemIndex, () =>
		structureMetricsQuery(level, {
			range: readDateRange(this, itemIndex),
			perDay: this.getNodeParameter('perDay', itemIndex, false) as boolean,
			campaignIds: this.getNodeParameter('campaignIds', itemIndex, ''),
			adGroupIds: this.getNodeParameter('adGroupIds', itemIndex, ''),
		}),
	);
	const rows = await adsSearchStream(this, settings, customerId, query);
	return rows.map((row) => ({ json: { customerId, level, ...fromStructureMetricsRow(level, row) }, pairedItem: { item: itemIndex } }));
}
