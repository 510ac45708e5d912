import type { Resource } from '../operation';
import * as getProfile from './getProfile.operation';
import * as verifyIdToken from './verifyIdToken.operation';

export const identity: Resource = {
	option: { name: 'Identity', value: 'identity', description: 'Who is connected; verify "Sign in with Google" ID tokens' },
	operations: {
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['identity'] } },
		options: [
			{ name: 'Get Profile', value: 'getProfile', action: 'Get the connected profile', description: 'The connected Google account (userinfo)' },
			{
				name: 'Verify ID Token',
				value: 'verifyIdToken',
				action: 'Verify an ID token',
				description: 'Check a "Sign in with Google" ID token: signature, issuer, audience, expiry',
			},
		],
		default: 'getProfile',
	},
	byOperation: { getProfile, verifyIdToken },
};
