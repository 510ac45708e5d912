import type { Resource } from '../operation';
import * as listAccessibleCustomers from './listAccessibleCustomers.operation';

export const adsAccount: Resource = {
	option: { name: 'Ads Account', value: 'adsAccount', description: 'Google Ads accounts the connection can reach' },
	operations: {
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['adsAccount'] } },
		options: [
			{
				name: 'List Accessible Customers',
				value: 'listAccessibleCustomers',
				action: 'List accessible customers',
				description: 'Accounts the connected user can reach directly',
			},
		],
		default: 'listAccessibleCustomers',
	},
	byOperation: { listAccessibleCustomers },
};
