import type { Resource } from '../operation';
import * as create from './create.operation';
import * as update from './update.operation';
import * as pause from './pause.operation';
import * as enable from './enable.operation';
import * as remove from './remove.operation';
import * as get from './get.operation';
import * as list from './list.operation';

export const adsCampaign: Resource = {
	option: { name: 'Ads Campaign', value: 'adsCampaign', description: 'Google Ads campaigns in the unified campaign shape' },
	operations: {
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['adsCampaign'] } },
		options: [
			{ name: 'Create', value: 'create', action: 'Create a campaign', description: 'Budget and campaign in one atomic request' },
			{ name: 'Enable', value: 'enable', action: 'Enable a campaign' },
			{ name: 'Get', value: 'get', action: 'Get a campaign' },
			{ name: 'List', value: 'list', action: 'List campaigns' },
			{ name: 'Pause', value: 'pause', action: 'Pause a campaign' },
			{ name: 'Remove', value: 'remove', action: 'Remove a campaign' },
			{ name: 'Update', value: 'update', action: 'Update a campaign', description: 'Only changed fields are sent' },
		],
		default: 'list',
	},
	byOperation: { create, update, pause, enable, remove, get, list },
};
