import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { adGroupStatusDescription, setAdGroupStatus } from './setStatus';

export const description = adGroupStatusDescription('pause');

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	return await setAdGroupStatus(this, itemIndex, 'PAUSED');
}
