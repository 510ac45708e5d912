import { NodeOperationError, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';
import { normalizeNumericId } from '../../../shared/ads';
import { adsItemContext, guarded } from '../ads/common';
import { forOperation } from '../operation';
import { apiVersionProperty, campaignIdProperty, commonTop, output, readCampaign } from './shared';

export const description: INodeProperties[] = forOperation('adsCampaign', 'get', [...commonTop(), campaignIdProperty, apiVersionProperty]);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const { customerId, settings } = await adsItemContext(this, itemIndex);
	const campaignId = await guarded(this, itemIndex, () => normalizeNumericId(this.getNodeParameter('campaignId', itemIndex, ''), 'Campaign ID', 'campaign'));
	const campaign = await readCampaign(this, settings, customerId, campaignId);
	if (!campaign) throw new NodeOperationError(this.getNode(), `Google Ads has no campaign ${campaignId} in account ${customerId}`, { itemIndex });
	return output(campaign, itemIndex);
}
