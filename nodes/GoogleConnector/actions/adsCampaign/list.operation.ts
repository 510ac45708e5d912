import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { campaignListQuery, fromCampaignRow } from '../../../shared/ads';
import { adsSearch } from '../../../shared/transport/ads';
import { adsItemContext, guarded } from '../ads/common';
import { forOperation } from '../operation';
import { statusesProperty } from '../ads/structure';
import { apiVersionProperty, commonTop } from './shared';
import { returnAllOrLimit } from '../../../shared/descriptions';

export const description: INodeProperties[] = forOperation('adsCampaign', 'list', [
	...commonTop(),
	statusesProperty('campaigns'),
	...returnAllOrLimit,
	apiVersionProperty,
]);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const { customerId, settings } = await adsItemContext(this, itemIndex);
	const statuses = this.getNodeParameter('statuses', itemIndex, []) as string[];
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const limit = returnAll ? undefined : (this.getNodeParameter('limit', itemIndex, 50) as number);
	const query = await guarded(this, itemIndex, () => campaignListQuery({ statuses, limit }));
	const rows = await adsSearch(this, settings, customerId, query, limit);
	return rows.map((row) => ({ json: { ...fromCampaignRow(row) }, pairedItem: { item: itemIndex } }));
}
