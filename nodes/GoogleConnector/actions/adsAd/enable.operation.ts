import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { adStatusDescription, setAdStatus } from './setStatus';

export const description = adStatusDescription('enable');

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	return await setAdStatus(this, itemIndex, 'ENABLED');
}
