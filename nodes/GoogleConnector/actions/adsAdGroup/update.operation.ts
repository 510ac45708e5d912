import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { adGroupResourceName, adGroupUpdateOperation, parseAdGroupPatch } from '../../../shared/ads';
import { adsItemContext, apiVersionProperty, customerIdProperty, guarded } from '../ads/common';
import { adGroupIdOf, adGroupIdProperty, item, mutateOne } from '../ads/structure';
import { forOperation } from '../operation';
import { statusOptions } from '../adsCampaign/shared';

export const description: INodeProperties[] = forOperation('adsAdGroup', 'update', [
	customerIdProperty(),
	adGroupIdProperty(),
	{
		displayName: 'Update Fields',
		name: 'updateFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: [
			{ displayName: 'Name', name: 'name', type: 'string', default: '', description: 'New ad group name (unique in the campaign)' },
			{
				displayName: 'Status',
				name: 'status',
				type: 'options',
				options: statusOptions,
				default: 'ENABLED',
			},
			{ displayName: 'Default Max CPC', name: 'cpcBid', type: 'number', typeOptions: { minValue: 0, numberPrecision: 2 }, default: 0, description: 'Default max cost per click in the account currency (manual CPC campaigns)' },
		],
	},
	apiVersionProperty,
]);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const { customerId, settings } = await adsItemContext(this, itemIndex);
	const adGroupId = await adGroupIdOf(this, itemIndex);
	const fields = this.getNodeParameter('updateFields', itemIndex, {}) as IDataObject;
	const patch = await guarded(this, itemIndex, () => parseAdGroupPatch({ ...fields, cpcBid: fields.cpcBid === 0 ? undefined : fields.cpcBid }));
	const resourceName = adGroupResourceName(customerId, adGroupId);
	const operation = adGroupUpdateOperation(resourceName, patch);
	if (operation) await mutateOne(this, settings, customerId, operation);
	return item({ customerId, id: adGroupId, resourceName, changed: Object.keys(patch), ...patch }, itemIndex);
}
