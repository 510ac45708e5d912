import type { Resource } from '../operation';
import * as add from './add.operation';
import * as update from './update.operation';
import * as remove from './remove.operation';
import * as list from './list.operation';

export const adsKeyword: Resource = {
	option: { name: 'Ads Keyword', value: 'adsKeyword', description: 'Keywords of Google Ads ad groups' },
	operations: {
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['adsKeyword'] } },
		options: [
			{ name: 'Add', value: 'add', action: 'Add keywords', description: 'Keywords into one ad group, all or none' },
			{ name: 'List', value: 'list', action: 'List keywords' },
			{ name: 'Remove', value: 'remove', action: 'Remove a keyword' },
			{ name: 'Update', value: 'update', action: 'Update a keyword', description: 'Bid or status of one keyword; nothing else is touched' },
		],
		default: 'list',
	},
	byOperation: { add, update, remove, list },
};
