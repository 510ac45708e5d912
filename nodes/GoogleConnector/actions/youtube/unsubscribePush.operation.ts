import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { pushProperties, runPush } from './push';

export const description: INodeProperties[] = pushProperties('unsubscribePush');

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	return await runPush(this, itemIndex, 'unsubscribe');
}
