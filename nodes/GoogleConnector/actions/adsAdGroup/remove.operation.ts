import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { adGroupStatusDescription, setAdGroupStatus } from './setStatus';

export const description = adGroupStatusDescription('remove', 'Removing is final: Google keeps the ad group with status REMOVED, with its keywords and ads, and it cannot be enabled again');

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	return await setAdGroupStatus(this, itemIndex, 'REMOVED');
}
