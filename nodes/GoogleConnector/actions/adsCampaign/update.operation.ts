import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';
import { campaignUpdateOperations, normalizeNumericId, parseCampaignPatch, type Channel } from '../../../shared/ads';
import { adsMutate } from '../../../shared/transport/ads';
import { adsItemContext, guarded } from '../ads/common';
import { forOperation } from '../operation';
import { apiVersionProperty, campaignIdProperty, commonTop, inputModeProperty, jsonProperty, optionalCampaignFields, output, parseJsonParameter, readCampaign, shapeFromFields } from './shared';

export const description: INodeProperties[] = forOperation('adsCampaign', 'update', [
	...commonTop(),
	campaignIdProperty,
	inputModeProperty('change'),
	jsonProperty(JSON.stringify({ budget: { amount: 40 }, endDate: '2027-03-31' }, null, 2)),
	{
		displayName: 'Update Fields',
		name: 'updateFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: { show: { campaignInput: ['fields'] } },
		options: optionalCampaignFields(true),
	},
	apiVersionProperty,
]);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const { customerId, settings } = await adsItemContext(this, itemIndex);
	const campaignId = await guarded(this, itemIndex, () => normalizeNumericId(this.getNodeParameter('campaignId', itemIndex, ''), 'Campaign ID', 'campaign'));
	const mode = this.getNodeParameter('campaignInput', itemIndex, 'fields') as string;
	const raw = mode === 'json' ? parseJsonParameter(this.getNodeParameter('campaignJson', itemIndex, '{}')) : shapeFromFields(this.getNodeParameter('updateFields', itemIndex, {}) as IDataObject);
	// Validate what was given before reading anything from Google.
	await guarded(this, itemIndex, () => parseCampaignPatch(raw));
	const current = await readCampaign(this, settings, customerId, campaignId);
	if (!current) throw new NodeOperationError(this.getNode(), `Google Ads has no campaign ${campaignId} in account ${customerId}`, { itemIndex });
	const { mutateOperations, changed } = await guarded(this, itemIndex, () => campaignUpdateOperations(current, parseCampaignPatch(raw, current.channel as Channel)));
	if (mutateOperations.length === 0) return output(current, itemIndex, { changed: [] });
	await adsMutate(this, settings, customerId, { mutateOperations } as IDataObject);
	const updated = await readCampaign(this, settings, customerId, campaignId);
	return output(updated ?? current, itemIndex, { changed });
}
