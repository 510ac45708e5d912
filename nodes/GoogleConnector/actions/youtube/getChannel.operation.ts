import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';
import { forOperation } from '../operation';
import { getChannels, type ChannelLookup } from '../../../shared/transport/youtube';
import { numericStatistics } from '../../../shared/youtube/engagement';

export const description: INodeProperties[] = forOperation('youtube', 'getChannel', [
	{
		displayName: 'Channel',
		name: 'channelBy',
		type: 'options',
		options: [
			{ name: 'Mine (the Connected Channel)', value: 'mine' },
			{ name: 'By ID', value: 'id' },
			{ name: 'By Handle', value: 'handle' },
		],
		default: 'mine',
	},
	{
		displayName: 'Channel ID',
		name: 'channelId',
		type: 'string',
		default: '',
		placeholder: 'UCxxxxxxxxxxxxxxxxxxxxxx',
		displayOptions: { show: { channelBy: ['id'] } },
	},
	{
		displayName: 'Handle',
		name: 'handle',
		type: 'string',
		default: '',
		placeholder: '@acme',
		displayOptions: { show: { channelBy: ['handle'] } },
	},
]);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const by = this.getNodeParameter('channelBy', itemIndex, 'mine') as string;
	let lookup: ChannelLookup = { by: 'mine' };
	if (by === 'id') lookup = { by: 'id', id: String(this.getNodeParameter('channelId', itemIndex, '')).trim() };
	if (by === 'handle') lookup = { by: 'handle', handle: String(this.getNodeParameter('handle', itemIndex, '')).trim() };
	if ((lookup.by === 'id' && !lookup.id) || (lookup.by === 'handle' && !lookup.handle))
		throw new NodeOperationError(this.getNode(), `Set the channel ${by === 'id' ? 'ID' : 'handle'}`, { itemIndex });
	const channels = await getChannels(this, lookup);
	if (channels.length === 0)
		throw new NodeOperationError(this.getNode(), by === 'mine' ? 'The connected Google account has no YouTube channel' : 'No YouTube channel found', { itemIndex });
	return channels.map((c) => ({
		json: {
			channelId: c.id,
			title: c.snippet?.title ?? '',
			handle: c.snippet?.customUrl ?? null,
			description: c.snippet?.description ?? '',
			publishedAt: c.snippet?.publishedAt ?? null,
			uploadsPlaylistId: c.contentDetails?.relatedPlaylists?.uploads ?? null,
			statistics: { ...numericStatistics(c.statistics as IDataObject | undefined), hiddenSubscriberCount: c.statistics?.hiddenSubscriberCount === true },
		},
		pairedItem: { item: itemIndex },
	}));
}
