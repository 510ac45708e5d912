// Which comments an operation reads: the connected channel, a chosen channel or one video.
import { NodeOperationError, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';
import type { CommentSource } from '../../../shared/youtube/commentSync';
import { getChannels } from '../../../shared/transport/youtube';

export const commentSourceProperties: INodeProperties[] = [
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
];

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
