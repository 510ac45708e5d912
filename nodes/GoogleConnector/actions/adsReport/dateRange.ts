// The date range of every metrics report: a GAQL DURING preset or a custom start and end date.
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { DURING_PRESETS, type DateRange } from '../../../shared/ads';

const presetName = (p: string) =>
	p
		.toLowerCase()
		.split('_')
		.map((w) => w.charAt(0).toUpperCase() + w.slice(1))
		.join(' ');

export const dateRangeProperties: INodeProperties[] = [
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
];

export function readDateRange(ctx: IExecuteFunctions, itemIndex: number): DateRange {
	return ctx.getNodeParameter('dateRangeType', itemIndex, 'preset') === 'custom'
		? { start: String(ctx.getNodeParameter('startDate', itemIndex, '')), end: String(ctx.getNodeParameter('endDate', itemIndex, '')) }
		: { preset: String(ctx.getNodeParameter('preset', itemIndex, 'LAST_7_DAYS')) };
}
