import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { forOperation } from '../operation';
import { gmailListAll } from '../../../shared/transport/gmail';
import { listProperties, listQuery } from './listFilters';

export const description: INodeProperties[] = forOperation('gmail', 'listThreads', listProperties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const { qs, limit } = listQuery(this, itemIndex);
	const threads = await gmailListAll(this, '/threads', 'threads', 10, qs, limit);
	return threads.map((t) => ({ json: t, pairedItem: { item: itemIndex } }));
}
