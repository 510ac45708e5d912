import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { userInfo } from '../../../shared/transport/identity';
import { forOperation } from '../operation';

export const description: INodeProperties[] = forOperation('identity', 'getProfile', [
	{
		displayName: 'Returns the connected Google account (OpenID Connect userinfo). Needs the Identity surface.',
		name: 'getProfileNotice',
		type: 'notice',
		default: '',
	},
]);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const profile = await userInfo(this);
	return [{ json: profile, pairedItem: { item: itemIndex } }];
}
