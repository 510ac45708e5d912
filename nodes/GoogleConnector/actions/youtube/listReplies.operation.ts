import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';
import { toInboxMessage } from '../../../shared/youtube/inbox';
import { forOperation } from '../operation';
import { listReplies } from '../../../shared/transport/youtube';
import { returnAllOrLimit } from '../../../shared/descriptions';

export const description: INodeProperties[] = forOperation('youtube', 'listReplies', [
	{
		displayName: 'Comment ID',
		name: 'parentId',
		type: 'string',
		default: '',
		required: true,
		description: 'The top-level comment (its ID is also the thread ID)',
	},
	...returnAllOrLimit,
]);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const parentId = String(this.getNodeParameter('parentId', itemIndex, '')).trim();
	if (!parentId) throw new NodeOperationError(this.getNode(), 'Set the comment ID', { itemIndex });
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const limit = returnAll ? Infinity : Math.max(1, Number(this.getNodeParameter('limit', itemIndex, 50)));
	const replies = await listReplies(this, parentId, limit);
	return replies.map((r) => ({
		json: toInboxMessage(r, { threadId: parentId, parentId }) as unknown as IDataObject,
		pairedItem: { item: itemIndex },
	}));
}
