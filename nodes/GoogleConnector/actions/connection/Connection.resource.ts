import type { Resource } from '../operation';
import * as check from './check.operation';

export const connection: Resource = {
	option: { name: 'Connection', value: 'connection', description: 'Status of the Google connection itself' },
	operations: {
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['connection'] } },
		options: [
			{
				name: 'Check',
				value: 'check',
				action: 'Check the connection',
				description: 'Whether the connection is active, expired or revoked, and which surfaces it grants',
			},
		],
		default: 'check',
	},
	byOperation: { check },
};
