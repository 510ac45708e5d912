import type { Resource } from '../operation';
import * as create from './create.operation';
import * as update from './update.operation';
import * as pause from './pause.operation';
import * as enable from './enable.operation';
import * as remove from './remove.operation';
import * as list from './list.operation';

export const adsAdGroup: Resource = {
	option: { name: 'Ads Ad Group', value: 'adsAdGroup', description: 'Ad groups of Google Ads campaigns, with their keywords and ads' },
	operations: {
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['adsAdGroup'] } },
		options: [
			{ name: 'Create', value: 'create', action: 'Create an ad group', description: 'An ad group with its keywords and ads in one atomic request' },
			{ name: 'Enable', value: 'enable', action: 'Enable an ad group' },
			{ name: 'List', value: 'list', action: 'List ad groups' },
			{ name: 'Pause', value: 'pause', action: 'Pause an ad group' },
			{ name: 'Remove', value: 'remove', action: 'Remove an ad group' },
			{ name: 'Update', value: 'update', action: 'Update an ad group', description: 'Name, status or default CPC bid; only changed fields are sent' },
		],
		default: 'list',
	},
	byOperation: { create, update, pause, enable, remove, list },
};
