// What the operations below a campaign share: ad group / campaign id properties, the status filter
// and Return All / Limit of list operations, one mutate returning the resource name it touched.
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { normalizeNumericId, resultName, type Scope } from '../../../shared/ads';
import { adsMutate, adsSearch, type AdsSettings } from '../../../shared/transport/ads';
import { returnAllOrLimit } from '../../../shared/descriptions';
import { adsItemContext, guarded } from './common';

export function adGroupIdProperty(required = true, description = 'The ad group ID, or its resource name customers/…/adGroups/…'): INodeProperties {
	return { displayName: 'Ad Group ID', name: 'adGroupId', type: 'string', default: '', required, placeholder: '1234567890', description };
}

export function statusesProperty(what: string): INodeProperties {
	return {
		displayName: 'Statuses',
		name: 'statuses',
		type: 'multiOptions',
		options: [
			{ name: 'Enabled', value: 'ENABLED' },
			{ name: 'Paused', value: 'PAUSED' },
			{ name: 'Removed', value: 'REMOVED' },
		],
		default: [],
		description: `Only ${what} with these statuses. None chosen: all but removed ones.`,
	};
}

/** Filters of a list operation below the campaign: campaign and ad group ids (comma-separated), statuses. */
export function scopeProperties(what: string): INodeProperties[] {
	return [
		{ displayName: 'Campaign IDs', name: 'campaignIds', type: 'string', default: '', description: `Only ${what} of these campaigns (IDs separated by commas; empty: all)` },
		{ displayName: 'Ad Group IDs', name: 'adGroupIds', type: 'string', default: '', description: `Only ${what} of these ad groups (IDs separated by commas; empty: all)` },
		statusesProperty(what),
		...returnAllOrLimit,
	];
}

export function readScope(ctx: IExecuteFunctions, itemIndex: number): Scope {
	return {
		campaignIds: ctx.getNodeParameter('campaignIds', itemIndex, ''),
		adGroupIds: ctx.getNodeParameter('adGroupIds', itemIndex, ''),
		statuses: ctx.getNodeParameter('statuses', itemIndex, []) as string[],
	};
}

/** A list operation: the query from the item's filters, rows mapped, Return All or Limit honoured. */
export async function listRows(ctx: IExecuteFunctions, itemIndex: number, query: (scope: Scope) => string, map: (row: unknown) => IDataObject): Promise<INodeExecutionData[]> {
	const { customerId, settings } = await adsItemContext(ctx, itemIndex);
	const returnAll = ctx.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const limit = returnAll ? undefined : (ctx.getNodeParameter('limit', itemIndex, 50) as number);
	const text = await guarded(ctx, itemIndex, () => query(readScope(ctx, itemIndex)));
	const rows = await adsSearch(ctx, settings, customerId, text, limit);
	return rows.map((row) => ({ json: { customerId, ...map(row) }, pairedItem: { item: itemIndex } }));
}

/** One operation in one googleAds:mutate; the resource name Google answered with. */
export async function mutateOne(ctx: IExecuteFunctions, settings: AdsSettings, customerId: string, operation: Record<string, unknown>): Promise<string> {
	const response = await adsMutate(ctx, settings, customerId, { mutateOperations: [operation as IDataObject] });
	return resultName(response.mutateOperationResponses?.[0]);
}

export async function adGroupIdOf(ctx: IExecuteFunctions, itemIndex: number): Promise<string> {
	return await guarded(ctx, itemIndex, () => normalizeNumericId(ctx.getNodeParameter('adGroupId', itemIndex, ''), 'Ad Group ID', 'ad group'));
}

export function item(json: IDataObject, itemIndex: number): INodeExecutionData[] {
	return [{ json, pairedItem: { item: itemIndex } }];
}
