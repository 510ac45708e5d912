import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { setStatus, statusDescription } from './setStatus';

export const description = statusDescription('pause');

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	return await setStatus(this, itemIndex, 'PAUSED');
}
