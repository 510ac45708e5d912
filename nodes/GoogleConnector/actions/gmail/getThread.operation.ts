import { NodeOperationError, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';
import { forOperation } from '../operation';
import { gmailGetThread } from '../../../shared/transport/gmail';
import { formatProperty, simplifyMessage } from './simplify';

export const description: INodeProperties[] = forOperation('gmail', 'getThread', [
	{
		displayName: 'Thread ID',
		name: 'threadId',
		type: 'string',
		default: '',
		required: true,
	},
	formatProperty,
]);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const threadId = String(this.getNodeParameter('threadId', itemIndex, '')).trim();
	if (!threadId) throw new NodeOperationError(this.getNode(), 'The "Thread ID" field is empty', { itemIndex });
	const format = this.getNodeParameter('format', itemIndex, 'full') as 'full' | 'metadata';
	const thread = await gmailGetThread(this, threadId, { format });
	const messages = (thread.messages ?? []).map((m) => simplifyMessage(m, format));
	return [
		{
			json: { id: thread.id, historyId: thread.historyId, snippet: thread.snippet ?? messages[0]?.snippet ?? '', messageCount: messages.length, messages },
			pairedItem: { item: itemIndex },
		},
	];
}
