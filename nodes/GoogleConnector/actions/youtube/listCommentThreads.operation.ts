import { type IDataObject, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';
import { replyToInboxMessage, threadToInboxMessage } from '../../../shared/youtube/inbox';
import { forOperation } from '../operation';
import { listCommentThreads } from '../../../shared/transport/youtube';
import { commentSourceProperties, resolveSource } from './commentSource';
import { returnAllOrLimit } from '../../../shared/descriptions';

export const description: INodeProperties[] = forOperation('youtube', 'listCommentThreads', [
	...commentSourceProperties,
	...returnAllOrLimit,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [
			{
				displayName: 'Order',
				name: 'order',
				type: 'options',
				options: [
					{ name: 'Newest First', value: 'time' },
					{ name: 'Relevance', value: 'relevance' },
				],
				default: 'time',
			},
			{
				displayName: 'Simplify',
				name: 'simplify',
				type: 'boolean',
				default: true,
				description: 'Whether to return inbox messages (the top-level comment with its included replies) instead of the raw commentThreads resource',
			},
		],
	},
]);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const source = await resolveSource.call(this, itemIndex);
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const limit = returnAll ? Infinity : Math.max(1, Number(this.getNodeParameter('limit', itemIndex, 50)));
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const simplify = options.simplify !== false;
	const threads = await listCommentThreads(this, source, limit, (options.order as string) || 'time');
	return threads.map((t) => ({
		json: simplify
			? ({
					...threadToInboxMessage(t),
					totalReplyCount: t.snippet?.totalReplyCount ?? 0,
					canReply: t.snippet?.canReply ?? false,
					replies: (t.replies?.comments ?? []).map((r) => replyToInboxMessage(r, t)),
				} as unknown as IDataObject)
			: (t as unknown as IDataObject),
		pairedItem: { item: itemIndex },
	}));
}
