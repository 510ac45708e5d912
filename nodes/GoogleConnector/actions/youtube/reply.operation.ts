import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';
import { toInboxMessage } from '../../../shared/youtube/inbox';
import { forOperation } from '../operation';
import { insertReply } from '../../../shared/transport/youtube';

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
	const created = await insertReply(this, parentId, text);
	return [{ json: toInboxMessage(created, { threadId: parentId, parentId }) as unknown as IDataObject, pairedItem: { item: itemIndex } }];
}
