import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';
import { toInboxMessage } from '../../../shared/youtube/inbox';
import type { YtComment } from '../../../shared/youtube/types';
import { forOperation } from '../operation';
import { listRepliesPage } from './api';
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
	const replies: YtComment[] = [];
	let pageToken: string | undefined;
	do {
		const page = await listRepliesPage(this, parentId, pageToken, Math.min(100, limit - replies.length));
		replies.push(...(page.items ?? []));
		pageToken = page.nextPageToken || undefined;
	} while (pageToken && replies.length < limit);
	return replies.slice(0, limit === Infinity ? undefined : limit).map((r) => ({
		json: toInboxMessage(r, { threadId: parentId, parentId }) as unknown as IDataObject,
		pairedItem: { item: itemIndex },
	}));
}
