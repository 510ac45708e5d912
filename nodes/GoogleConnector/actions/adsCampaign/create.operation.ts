import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';
import { parseUnifiedCampaign, toCampaignMutate } from '../../../shared/ads';
import { adsMutate } from '../../../shared/transport/ads';
import { adsItemContext, guarded } from '../ads/common';
import { forOperation } from '../operation';
import {
	apiVersionProperty,
	channelOptions,
	commonTop,
	inputModeProperty,
	jsonProperty,
	optionalCampaignFields,
	output,
	parseJsonParameter,
	readCampaign,
	shapeFromFields,
	statusOptions,
} from './shared';

const EXAMPLE = JSON.stringify(
	{
		name: 'Winter sale',
		status: 'PAUSED',
		channel: 'SEARCH',
		budget: { amount: 25, period: 'DAILY' },
		bidding: { strategy: 'MANUAL_CPC' },
		networks: { googleSearch: true, searchPartners: false, display: false },
		euPoliticalAdvertising: false,
	},
	null,
	2,
);

const fieldsOnly = { show: { campaignInput: ['fields'] } };

export const description: INodeProperties[] = forOperation('adsCampaign', 'create', [
	...commonTop(),
	inputModeProperty('create'),
	jsonProperty(EXAMPLE),
	{ displayName: 'Name', name: 'name', type: 'string', default: '', required: true, displayOptions: fieldsOnly, description: 'Campaign name, unique in the account' },
	{ displayName: 'Channel', name: 'channel', type: 'options', options: channelOptions, default: 'SEARCH', displayOptions: fieldsOnly },
	{
		displayName: 'Daily Budget',
		name: 'budgetAmount',
		type: 'number',
		typeOptions: { minValue: 0, numberPrecision: 2 },
		default: 10,
		required: true,
		displayOptions: fieldsOnly,
		description: 'Average daily budget in the account currency (must be greater than 0)',
	},
	{ displayName: 'Status', name: 'status', type: 'options', options: statusOptions, default: 'PAUSED', displayOptions: fieldsOnly, description: 'Start paused to review the campaign before it spends' },
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: fieldsOnly,
		options: optionalCampaignFields(false),
	},
	{
		displayName: 'Options',
		name: 'createOptions',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [
			{ displayName: 'Budget Name', name: 'budgetName', type: 'string', default: '', description: 'Name of the new budget. Default: the campaign name followed by "budget".' },
			{ displayName: 'Validate Only', name: 'validateOnly', type: 'boolean', default: false, description: 'Whether Google only checks the request and creates nothing' },
		],
	},
	apiVersionProperty,
]);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const { customerId, settings } = await adsItemContext(this, itemIndex);
	const mode = this.getNodeParameter('campaignInput', itemIndex, 'fields') as string;
	const options = this.getNodeParameter('createOptions', itemIndex, {}) as IDataObject;
	const campaign = await guarded(this, itemIndex, () => {
		const raw =
			mode === 'json'
				? parseJsonParameter(this.getNodeParameter('campaignJson', itemIndex, '{}'))
				: shapeFromFields({
						name: this.getNodeParameter('name', itemIndex, ''),
						channel: this.getNodeParameter('channel', itemIndex, 'SEARCH'),
						budgetAmount: this.getNodeParameter('budgetAmount', itemIndex, 0),
						status: this.getNodeParameter('status', itemIndex, 'PAUSED'),
						...(this.getNodeParameter('additionalFields', itemIndex, {}) as IDataObject),
					});
		return parseUnifiedCampaign(raw);
	});
	const body = toCampaignMutate(customerId, campaign, { budgetName: (options.budgetName as string) || undefined, validateOnly: options.validateOnly === true });
	const response = await adsMutate(this, settings, customerId, body as IDataObject);
	if (options.validateOnly === true) return output({ valid: true, validateOnly: true, campaign: campaign as unknown as IDataObject }, itemIndex);
	const results = response.mutateOperationResponses ?? [];
	const campaignName = String((results[1]?.campaignResult as IDataObject | undefined)?.resourceName ?? '');
	const id = /\/campaigns\/(\d+)$/.exec(campaignName)?.[1];
	if (!id) throw new NodeOperationError(this.getNode(), 'Google Ads did not return the new campaign', { itemIndex });
	const created = await readCampaign(this, settings, customerId, id);
	return output(created ?? { id, resourceName: campaignName }, itemIndex);
}
