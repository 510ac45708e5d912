import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';
import { replyToInboxMessage, threadToInboxMessage } from '../../../shared/youtube/inbox';
import type { CommentSource } from '../../../shared/youtube/commentSync';
import type { YtCommentThread, YtListResponse } from '../../../shared/youtube/types';
import { forOperation } from '../operation';
import { getChannels, threadListQuery, youtubeGet } from './api';
import { returnAllOrLimit } from '../../../shared/descriptions';

export const description: INodeProperties[] = forOperation('youtube', 'listCommentThreads', [
	{
		displayName: 'Of',
		name: 'threadsOf',
		type: 'options',
		options: [
			{ name: 'My Channel', value: 'mine', description: 'Every video of the connected channel' },
			{ name: 'Channel', value: 'channel', description: 'Every video of a channel' },
			{ name: 'Video', value: 'video' },
		],
		default: 'mine',
	},
	{
		displayName: 'Channel Name or ID',
		name: 'channelId',
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getYouTubeChannels' },
		default: '',
		description: 'Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
		displayOptions: { show: { threadsOf: ['channel'] } },
	},
	{
		displayName: 'Video ID',
		name: 'videoId',
		type: 'string',
		default: '',
		displayOptions: { show: { threadsOf: ['video'] } },
	},
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

export async function resolveSource(this: IExecuteFunctions, itemIndex: number, param = 'threadsOf'): Promise<CommentSource> {
	const of = this.getNodeParameter(param, itemIndex, 'mine') as string;
	if (of === 'video') {
		const id = String(this.getNodeParameter('videoId', itemIndex, '')).trim();
		if (!id) throw new NodeOperationError(this.getNode(), 'Set the video ID', { itemIndex });
		return { kind: 'video', id };
	}
	if (of === 'channel') {
		const id = String(this.getNodeParameter('channelId', itemIndex, '')).trim();
		if (!id) throw new NodeOperationError(this.getNode(), 'Set the channel', { itemIndex });
		return { kind: 'channel', id };
	}
	const mine = await getChannels(this, { by: 'mine' }, 'id');
	if (!mine[0]) throw new NodeOperationError(this.getNode(), 'The connected Google account has no YouTube channel', { itemIndex });
	return { kind: 'channel', id: mine[0].id };
}

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const source = await resolveSource.call(this, itemIndex);
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const limit = returnAll ? Infinity : Math.max(1, Number(this.getNodeParameter('limit', itemIndex, 50)));
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const simplify = options.simplify !== false;
	const threads: YtCommentThread[] = [];
	let pageToken: string | undefined;
	do {
		const maxResults = Math.min(100, limit - threads.length);
		const page = await youtubeGet<YtListResponse<YtCommentThread>>(
			this,
			'commentThreads',
			threadListQuery(source, pageToken, maxResults, { order: (options.order as string) || 'time' }),
		);
		threads.push(...(page.items ?? []));
		pageToken = page.nextPageToken || undefined;
	} while (pageToken && threads.length < limit);
	return threads.slice(0, limit === Infinity ? undefined : limit).map((t) => ({
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
