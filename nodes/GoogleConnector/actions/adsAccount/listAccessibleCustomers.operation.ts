import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { CUSTOMER_QUERY, customerFromRow } from '../../../shared/ads';
import { GoogleApiError } from '../../../shared/transport';
import { adsListAccessibleCustomerIds, adsSearch, adsSettings } from '../../../shared/transport/ads';
import { apiVersionProperty, guarded } from '../ads/common';
import { forOperation } from '../operation';

export const description: INodeProperties[] = forOperation('adsAccount', 'listAccessibleCustomers', [
	{
		displayName: 'Include Details',
		name: 'includeDetails',
		type: 'boolean',
		default: true,
		description: 'Whether to read each account\'s name, currency, time zone and manager flag (one query per account)',
	},
	apiVersionProperty,
]);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const settings = await guarded(this, itemIndex, async () => await adsSettings(this, itemIndex));
	const ids = await adsListAccessibleCustomerIds(this, settings);
	const details = this.getNodeParameter('includeDetails', itemIndex, true) as boolean;
	const out: INodeExecutionData[] = [];
	for (const id of ids) {
		let json: IDataObject = { ...customerFromRow(id, undefined) };
		if (details) {
			let problem: string | undefined;
			try {
				// Directly accessible: no manager header needed (and a manager header for another tree would be refused).
				const rows = await adsSearch(this, { ...settings, loginCustomerId: undefined }, id, CUSTOMER_QUERY);
				json = { ...customerFromRow(id, rows[0]) };
			} catch (error) {
				problem = error instanceof GoogleApiError ? error.message : String((error as Error).message ?? error);
			}
			if (problem) json.detailsError = problem;
		}
		out.push({ json, pairedItem: { item: itemIndex } });
	}
	return out;
}
