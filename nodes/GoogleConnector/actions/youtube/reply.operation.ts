import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';
import { googleApiRequest } from '../../../shared/transport';
import { toInboxMessage } from '../../../shared/youtube/inbox';
import type { YtComment } from '../../../shared/youtube/types';
import { forOperation } from '../operation';
import { YOUTUBE_API } from './api';

export const description: INodeProperties[] = forOperation('youtube', 'reply', [
	{
		displayName: 'Replies as the connected channel. Needs the "YouTube manage" surface (youtube.force-ssl) on the credential; costs 50 quota units.',
		name: 'replyNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Comment ID',
		name: 'parentId',
		type: 'string',
		default: '',
		required: true,
		description: 'The top-level comment to reply to (the inbox message\'s threadId)',
	},
	{
		displayName: 'Text',
		name: 'text',
		type: 'string',
		typeOptions: { rows: 3 },
		default: '',
		required: true,
	},
]);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const parentId = String(this.getNodeParameter('parentId', itemIndex, '')).trim();
	const text = String(this.getNodeParameter('text', itemIndex, ''));
	if (!parentId) throw new NodeOperationError(this.getNode(), 'Set the comment ID to reply to', { itemIndex });
	if (!text.trim()) throw new NodeOperationError(this.getNode(), 'The reply text is empty', { itemIndex });
	const created = await googleApiRequest.call<IExecuteFunctions, Parameters<typeof googleApiRequest>, Promise<YtComment>>(this, {
		method: 'POST',
		url: `${YOUTUBE_API}/comments`,
		qs: { part: 'snippet' },
		body: { snippet: { parentId, textOriginal: text } },
		surface: 'youtubeManage',
		service: 'YouTube',
	});
	return [{ json: toInboxMessage(created, { threadId: parentId, parentId }) as unknown as IDataObject, pairedItem: { item: itemIndex } }];
}
