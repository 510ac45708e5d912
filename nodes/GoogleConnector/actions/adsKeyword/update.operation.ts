// One keyword's bid or status: one update of that criterion only, with only the changed fields.
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { adGroupStatus, keywordUpdateOperation, optionalBid } from '../../../shared/ads';
import { adsItemContext, apiVersionProperty, customerIdProperty, guarded } from '../ads/common';
import { item, mutateOne } from '../ads/structure';
import { forOperation } from '../operation';
import { statusOptions } from '../adsCampaign/shared';
import { keywordIdProperty, keywordOf } from './keywordRef';

export const description: INodeProperties[] = forOperation('adsKeyword', 'update', [
	customerIdProperty(),
	keywordIdProperty,
	{
		displayName: 'Update Fields',
		name: 'updateFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: [
			{ displayName: 'Max CPC', name: 'cpcBid', type: 'number', typeOptions: { minValue: 0, numberPrecision: 2 }, default: 0, description: 'Max cost per click of this keyword in the account currency' },
			{
				displayName: 'Status',
				name: 'status',
				type: 'options',
				options: statusOptions,
				default: 'ENABLED',
			},
		],
	},
	apiVersionProperty,
]);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const { customerId, settings } = await adsItemContext(this, itemIndex);
	const keyword = await keywordOf(this, itemIndex, customerId);
	const fields = this.getNodeParameter('updateFields', itemIndex, {}) as IDataObject;
	const patch = await guarded(this, itemIndex, () => ({
		cpcBid: fields.cpcBid === 0 ? undefined : optionalBid(fields.cpcBid, 'Max CPC'),
		status: fields.status === undefined ? undefined : adGroupStatus(fields.status, 'Status'),
	}));
	const operation = keywordUpdateOperation(keyword.resourceName, patch);
	if (operation) await mutateOne(this, settings, customerId, operation);
	const changed = Object.entries(patch).filter(([, v]) => v !== undefined);
	return item({ customerId, id: `${keyword.adGroupId}~${keyword.id}`, resourceName: keyword.resourceName, changed: changed.map(([k]) => k), ...Object.fromEntries(changed) }, itemIndex);
}
