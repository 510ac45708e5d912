// Pause and enable: one status update through googleAds:mutate, then the campaign read back.
import { NodeOperationError, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';
import { normalizeNumericId, statusOperation, type CampaignStatus } from '../../../shared/ads';
import { adsMutate } from '../../../shared/transport/ads';
import { adsItemContext, guarded } from '../ads/common';
import { forOperation } from '../operation';
import { apiVersionProperty, campaignIdProperty, commonTop, output, readCampaign } from './shared';

export function statusDescription(operation: string): INodeProperties[] {
	return forOperation('adsCampaign', operation, [...commonTop(), campaignIdProperty, apiVersionProperty]);
}

export async function setStatus(ctx: IExecuteFunctions, itemIndex: number, status: CampaignStatus): Promise<INodeExecutionData[]> {
	const { customerId, settings } = await adsItemContext(ctx, itemIndex);
	const campaignId = await guarded(ctx, itemIndex, () => normalizeNumericId(ctx.getNodeParameter('campaignId', itemIndex, ''), 'Campaign ID', 'campaign'));
	await adsMutate(ctx, settings, customerId, { mutateOperations: [statusOperation(customerId, campaignId, status)] });
	const campaign = await readCampaign(ctx, settings, customerId, campaignId);
	if (!campaign) throw new NodeOperationError(ctx.getNode(), `Google Ads has no campaign ${campaignId} in account ${customerId}`, { itemIndex });
	return output(campaign, itemIndex);
}
