import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { googleApiRequest } from '../../../shared/transport';
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
	const profile = await (googleApiRequest<IDataObject>).call(this, {
		method: 'GET',
		url: 'https://openidconnect.googleapis.com/v1/userinfo',
		surface: 'identity',
		service: 'Google Identity',
	});
	return [{ json: profile, pairedItem: { item: itemIndex } }];
}
