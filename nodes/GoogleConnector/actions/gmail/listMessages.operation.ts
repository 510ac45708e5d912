import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { forOperation } from '../operation';
import { gmailListAll } from '../../../shared/transport/gmail';
import { listProperties, listQuery } from './listFilters';

export const description: INodeProperties[] = forOperation('gmail', 'listMessages', listProperties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const { qs, limit } = listQuery(this, itemIndex);
	const messages = await gmailListAll(this, '/messages', 'messages', 5, qs, limit);
	return messages.map((m) => ({ json: m, pairedItem: { item: itemIndex } }));
}
