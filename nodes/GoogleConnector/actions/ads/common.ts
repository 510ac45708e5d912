// What every Google Ads operation shares: the customer and API version properties, reading them,
// and turning a validation error (which names its field) into an n8n error before anything is sent.
import { NodeOperationError, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';
import { ADS_API_VERSION, AdsValidationError, normalizeCustomerId } from '../../../shared/ads';
import { adsSettings, type AdsSettings } from '../../../shared/transport/ads';
import { asNodeError } from '../../../shared/transport';

export function customerIdProperty(description = 'The Google Ads account (10 digits, dashes optional)'): INodeProperties {
	return {
		displayName: 'Customer Name or ID',
		name: 'customerId',
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getAdsCustomers' },
		default: '',
		required: true,
		description: `${description}. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.`,
	};
}

export const apiVersionProperty: INodeProperties = {
	displayName: 'API Version',
	name: 'adsApiVersion',
	type: 'string',
	default: '',
	placeholder: ADS_API_VERSION,
	description: `Google Ads API version to call. Empty: the newest this node knows (${ADS_API_VERSION}). Google keeps about three versions live; a sunset one is refused with advice to upgrade.`,
};

/** Runs `fn`; a validation error becomes a NodeOperationError naming the field (nothing was sent). */
export async function guarded<T>(ctx: IExecuteFunctions, itemIndex: number, fn: () => Promise<T> | T): Promise<T> {
	let caught: unknown;
	try {
		return await fn();
	} catch (error) {
		caught = error;
	}
	if (caught instanceof AdsValidationError)
		throw new NodeOperationError(ctx.getNode(), caught.message, { itemIndex, description: `Field: ${caught.field}. Nothing was sent to Google.` });
	throw asNodeError(ctx.getNode(), caught);
}

/** The customer id and Ads settings of one item, validated. */
export async function adsItemContext(ctx: IExecuteFunctions, itemIndex: number): Promise<{ customerId: string; settings: AdsSettings }> {
	return await guarded(ctx, itemIndex, async () => ({
		customerId: normalizeCustomerId(ctx.getNodeParameter('customerId', itemIndex, ''), 'Customer ID'),
		settings: await adsSettings(ctx, itemIndex),
	}));
}
