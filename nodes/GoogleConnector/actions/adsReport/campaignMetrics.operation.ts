import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { DURING_PRESETS, campaignMetricsQuery, fromMetricsRow, type DateRange } from '../../../shared/ads';
import { adsSearchStream } from '../../../shared/transport/ads';
import { adsItemContext, apiVersionProperty, customerIdProperty, guarded } from '../ads/common';
import { forOperation } from '../operation';

const presetName = (p: string) =>
	p
		.toLowerCase()
		.split('_')
		.map((w) => w.charAt(0).toUpperCase() + w.slice(1))
		.join(' ');

export const description: INodeProperties[] = forOperation('adsReport', 'campaignMetrics', [
	customerIdProperty(),
	{
		displayName: 'Date Range',
		name: 'dateRangeType',
		type: 'options',
		options: [
			{ name: 'Preset', value: 'preset' },
			{ name: 'Custom', value: 'custom' },
		],
		default: 'preset',
	},
	{
		displayName: 'Preset',
		name: 'preset',
		type: 'options',
		options: DURING_PRESETS.map((p) => ({ name: presetName(p), value: p })),
		default: 'LAST_7_DAYS',
		displayOptions: { show: { dateRangeType: ['preset'] } },
		description: "GAQL date presets (Google has no LAST_90_DAYS: use a custom range). Relative to the account's time zone.",
	},
	{ displayName: 'Start Date', name: 'startDate', type: 'dateTime', default: '', required: true, displayOptions: { show: { dateRangeType: ['custom'] } } },
	{ displayName: 'End Date', name: 'endDate', type: 'dateTime', default: '', required: true, displayOptions: { show: { dateRangeType: ['custom'] } } },
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
		const range: DateRange =
			this.getNodeParameter('dateRangeType', itemIndex, 'preset') === 'custom'
				? { start: String(this.getNodeParameter('startDate', itemIndex, '')), end: String(this.getNodeParameter('endDate', itemIndex, '')) }
				: { preset: String(this.getNodeParameter('preset', itemIndex, 'LAST_7_DAYS')) };
		return campaignMetricsQuery({
			range,
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
