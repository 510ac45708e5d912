// The unified campaign in the editor: field by field, or one JSON object from a previous node.
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { BIDDING_STRATEGIES, CHANNELS, campaignGetQuery, fromCampaignRow, type CampaignOut } from '../../../shared/ads';
import { adsSearch, type AdsSettings } from '../../../shared/transport/ads';
import { customerIdProperty, apiVersionProperty } from '../ads/common';

const title = (v: string) =>
	v
		.toLowerCase()
		.split('_')
		.map((w) => (w === 'cpc' || w === 'cpa' ? w.toUpperCase() : w.charAt(0).toUpperCase() + w.slice(1)))
		.join(' ');

export const channelOptions = CHANNELS.map((c) => ({ name: title(c), value: c }));
export const biddingOptions = BIDDING_STRATEGIES.map((b) => ({
	name: b === 'MAXIMIZE_CLICKS' ? 'Maximize Clicks (Target Spend)' : title(b),
	value: b,
}));
export const statusOptions = [
	{ name: 'Enabled', value: 'ENABLED' },
	{ name: 'Paused', value: 'PAUSED' },
];

const networkOptions: INodeProperties[] = [
	{ displayName: 'Google Search', name: 'googleSearch', type: 'boolean', default: true, description: 'Whether ads show on Google Search' },
	{ displayName: 'Search Partners', name: 'searchPartners', type: 'boolean', default: true, description: "Whether ads show on Google's search partner sites (needs Google Search)" },
	{ displayName: 'Display Network', name: 'display', type: 'boolean', default: false, description: 'Whether ads show on the Google Display Network' },
];

/** Optional fields shared by create (additional fields) and update (fields to change). */
export function optionalCampaignFields(forUpdate: boolean): INodeProperties[] {
	const fields: INodeProperties[] = [
		{
			displayName: 'Bidding Strategy',
			name: 'biddingStrategy',
			type: 'options',
			options: biddingOptions,
			default: 'MANUAL_CPC',
			description: 'How Google bids. Performance Max uses Maximize Conversions.',
		},
		{
			displayName: 'Target CPA',
			name: 'targetCpa',
			type: 'number',
			typeOptions: { minValue: 0, numberPrecision: 2 },
			default: 0,
			description: 'Target cost per conversion in the account currency (required for Target CPA; optional for Maximize Conversions)',
		},
		{ displayName: 'Start Date', name: 'startDate', type: 'dateTime', default: '', description: 'First day the campaign may serve (account time zone)' },
		{ displayName: 'End Date', name: 'endDate', type: 'dateTime', default: '', description: 'Last day the campaign may serve; not before the start date' },
		{
			displayName: 'Networks',
			name: 'networks',
			type: 'fixedCollection',
			default: {},
			description: 'Where ads show (Search and Display campaigns only)',
			options: [{ displayName: 'Networks', name: 'values', values: networkOptions }],
		},
		{
			displayName: 'Contains EU Political Advertising',
			name: 'euPoliticalAdvertising',
			type: 'boolean',
			default: false,
			description: 'Whether the campaign carries EU political advertising (Google requires the declaration)',
		},
	];
	if (forUpdate) {
		fields.unshift(
			{ displayName: 'Name', name: 'name', type: 'string', default: '', description: 'New campaign name' },
			{ displayName: 'Status', name: 'status', type: 'options', options: statusOptions, default: 'ENABLED' },
			{ displayName: 'Daily Budget', name: 'budgetAmount', type: 'number', typeOptions: { minValue: 0, numberPrecision: 2 }, default: 0, description: 'New daily budget in the account currency' },
		);
	}
	return fields;
}

export function inputModeProperty(verb: string): INodeProperties {
	return {
		displayName: 'Campaign Input',
		name: 'campaignInput',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Field by Field', value: 'fields', description: `Set the campaign fields to ${verb} in the editor` },
			{ name: 'JSON Object', value: 'json', description: 'One object in the unified campaign shape, e.g. from a previous node' },
		],
		default: 'fields',
	};
}

export function jsonProperty(example: string): INodeProperties {
	return {
		displayName: 'Campaign (JSON)',
		name: 'campaignJson',
		type: 'json',
		default: example,
		displayOptions: { show: { campaignInput: ['json'] } },
		description: 'The unified campaign shape (see the README): money in currency units',
	};
}

export function commonTop(): INodeProperties[] {
	return [customerIdProperty()];
}

export const campaignIdProperty: INodeProperties = {
	displayName: 'Campaign ID',
	name: 'campaignId',
	type: 'string',
	default: '',
	required: true,
	placeholder: '1234567890',
	description: 'The campaign ID, or its resource name customers/…/campaigns/…',
};

export { apiVersionProperty };

/** Builds the unified shape from the editor's fields (create) or fields to change (update). */
export function shapeFromFields(raw: IDataObject, base: IDataObject = {}): IDataObject {
	const out: IDataObject = { ...base };
	if (raw.name !== undefined && raw.name !== '') out.name = raw.name;
	if (raw.status !== undefined) out.status = raw.status;
	if (raw.channel !== undefined) out.channel = raw.channel;
	if (raw.budgetAmount !== undefined) out.budget = { amount: raw.budgetAmount, period: 'DAILY' };
	if (raw.biddingStrategy !== undefined) {
		const bidding: IDataObject = { strategy: raw.biddingStrategy };
		if (raw.targetCpa !== undefined && Number(raw.targetCpa) > 0) bidding.targetCpa = raw.targetCpa;
		out.bidding = bidding;
	} else if (raw.targetCpa !== undefined && Number(raw.targetCpa) > 0) {
		out.bidding = { strategy: 'TARGET_CPA', targetCpa: raw.targetCpa };
	}
	if (raw.startDate) out.startDate = raw.startDate;
	if (raw.endDate) out.endDate = raw.endDate;
	const networks = (raw.networks as IDataObject | undefined)?.values;
	if (networks && typeof networks === 'object') out.networks = networks;
	if (raw.euPoliticalAdvertising !== undefined) out.euPoliticalAdvertising = raw.euPoliticalAdvertising;
	return out;
}

export function parseJsonParameter(value: unknown): unknown {
	if (typeof value !== 'string') return value;
	const text = value.trim();
	if (!text) return {};
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return text;
	}
}

/** Reads one campaign back in the unified shape (undefined if Google has none with that id). */
export async function readCampaign(ctx: IExecuteFunctions, settings: AdsSettings, customerId: string, campaignId: string): Promise<CampaignOut | undefined> {
	const rows = await adsSearch(ctx, settings, customerId, campaignGetQuery(campaignId));
	return rows.length ? fromCampaignRow(rows[0]) : undefined;
}

export function output(campaign: CampaignOut | IDataObject, itemIndex: number, extra: IDataObject = {}): INodeExecutionData[] {
	return [{ json: { ...(campaign as unknown as IDataObject), ...extra }, pairedItem: { item: itemIndex } }];
}
