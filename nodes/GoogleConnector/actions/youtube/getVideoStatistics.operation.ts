import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';
import { forOperation } from '../operation';
import { getVideos } from '../../../shared/transport/youtube';
import { numericStatistics } from '../../../shared/youtube/engagement';

export const description: INodeProperties[] = forOperation('youtube', 'getVideoStatistics', [
	{
		displayName: 'Video IDs',
		name: 'videoIds',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'dQw4w9WgXcQ, 9bZkp7q19f0',
		description: 'Video IDs separated by commas (any number; Google is asked 50 at a time, 1 quota unit per 50)',
	},
]);

export function splitIds(value: unknown): string[] {
	const list = Array.isArray(value) ? value.map(String) : String(value ?? '').split(/[\s,]+/);
	return [...new Set(list.map((v) => v.trim()).filter(Boolean))];
}

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const ids = splitIds(this.getNodeParameter('videoIds', itemIndex, ''));
	if (ids.length === 0) throw new NodeOperationError(this.getNode(), 'Set at least one video ID', { itemIndex });
	const videos = await getVideos(this, ids);
	return videos.map((v) => ({
		json: {
			videoId: v.id,
			title: v.snippet?.title ?? '',
			channelId: v.snippet?.channelId ?? '',
			publishedAt: v.snippet?.publishedAt ?? null,
			statistics: numericStatistics(v.statistics as IDataObject | undefined),
		},
		pairedItem: { item: itemIndex },
	}));
}
