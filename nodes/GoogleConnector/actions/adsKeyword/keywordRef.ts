import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { adGroupChildName, parseAdGroupChildRef } from '../../../shared/ads';
import { guarded } from '../ads/common';

export const keywordIdProperty: INodeProperties = {
	displayName: 'Keyword ID',
	name: 'keywordId',
	type: 'string',
	default: '',
	required: true,
	placeholder: '1234567890~987654',
	description: 'As Ads Keyword → List returns it: adGroupId~criterionId, or the criterion resource name',
};

/** The keyword's ids and resource name from the item's Keyword ID. */
export async function keywordOf(ctx: IExecuteFunctions, itemIndex: number, customerId: string): Promise<{ adGroupId: string; id: string; resourceName: string }> {
	return await guarded(ctx, itemIndex, () => {
		const ref = parseAdGroupChildRef(ctx.getNodeParameter('keywordId', itemIndex, ''), undefined, 'Keyword ID', 'adGroupCriteria');
		return { ...ref, resourceName: adGroupChildName(customerId, 'adGroupCriteria', ref) };
	});
}
