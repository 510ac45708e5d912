// Create: the whole unified campaign — budget, campaign, targeting, ad groups with keywords and ads, or
// a Performance Max asset group with images from binary input — in ONE atomic googleAds:mutate.
import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';
import { createdIds, formatStructureProblems, imageUses, parseCampaignStructure, structureProblems, toCampaignStructureMutate } from '../../../shared/ads';
import { adsMutate } from '../../../shared/transport/ads';
import { GoogleApiError, asNodeError } from '../../../shared/transport';
import { adsItemContext, guarded } from '../ads/common';
import { loadBinaries } from '../ads/binaries';
import { forOperation } from '../operation';
import { createFieldProperties, createOptionsProperty, readCreateInput } from './createFields';
import { apiVersionProperty, commonTop, inputModeProperty, jsonProperty, output, readCampaign } from './shared';

const EXAMPLE = JSON.stringify(
	{
		name: 'Winter sale',
		status: 'PAUSED',
		channel: 'SEARCH',
		budget: { amount: 25, period: 'DAILY' },
		bidding: { strategy: 'MANUAL_CPC' },
		networks: { googleSearch: true, searchPartners: false, display: false },
		euPoliticalAdvertising: false,
		targeting: { locations: ['2276'], languages: ['de'], negativeKeywords: ['free'] },
		adGroups: [
			{
				name: 'Winter tyres',
				cpcBid: 1.2,
				keywords: ['winter tyres', '[buy winter tyres]'],
				ads: [{ headlines: ['Winter tyres from 49 €', 'Fitting included', 'Delivered in 24 hours'], descriptions: ['Every size in stock.', 'Book a fitting today.'], finalUrl: 'https://example.com/winter' }],
			},
		],
	},
	null,
	2,
);

export const description: INodeProperties[] = forOperation('adsCampaign', 'create', [
	...commonTop(),
	inputModeProperty('create'),
	jsonProperty(EXAMPLE),
	...createFieldProperties,
	createOptionsProperty,
	apiVersionProperty,
]);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const { customerId, settings } = await adsItemContext(this, itemIndex);
	const options = this.getNodeParameter('createOptions', itemIndex, {}) as IDataObject;
	const structure = await guarded(this, itemIndex, () => parseCampaignStructure(readCreateInput(this, itemIndex)));
	const binaries = await loadBinaries(this, itemIndex, imageUses(structure));
	const exemptPolicyTopics = String(options.exemptPolicyTopics ?? '').split(',').filter((t) => t.trim());
	const { body, plan } = await guarded(this, itemIndex, () =>
		toCampaignStructureMutate(customerId, structure, binaries, { budgetName: (options.budgetName as string) || undefined, validateOnly: options.validateOnly === true, exemptPolicyTopics }),
	);
	let response;
	try {
		response = await adsMutate(this, settings, customerId, body as unknown as IDataObject);
	} catch (error) {
		const fieldErrors = error instanceof GoogleApiError ? error.google.fieldErrors : undefined;
		if (!fieldErrors?.length) throw asNodeError(this.getNode(), error);
		const problems = structureProblems(plan, fieldErrors);
		throw new NodeOperationError(this.getNode(), (error as GoogleApiError).message, {
			itemIndex,
			description: `Nothing was created (one atomic request). In the unified campaign:\n${formatStructureProblems(problems)}`,
		});
	}
	if (options.validateOnly === true) return output({ valid: true, validateOnly: true, operations: plan.length, campaign: structure.campaign as unknown as IDataObject }, itemIndex);
	const ids = createdIds(structure, plan, response.mutateOperationResponses ?? []);
	if (!ids.campaign.id) throw new NodeOperationError(this.getNode(), 'Google Ads did not return the new campaign', { itemIndex });
	const created = await readCampaign(this, settings, customerId, ids.campaign.id);
	return output(created ?? { id: ids.campaign.id, resourceName: ids.campaign.resourceName }, itemIndex, { created: ids as unknown as IDataObject });
}
