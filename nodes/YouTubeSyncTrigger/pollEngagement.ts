// "Engagement Snapshots": statistics of the chosen videos (or the newest uploads), with the change since the last poll.
import { NodeOperationError, type IDataObject, type IPollFunctions } from 'n8n-workflow';
import { getVideos, playlistVideoIds } from '../shared/transport/youtube';
import { diffSnapshots } from '../shared/youtube/engagement';
import { connectedChannel, splitList, type PollOutcome, type Spend, type TriggerState } from './state';

export async function pollEngagement(this: IPollFunctions, state: TriggerState, spend: Spend, now: number): Promise<PollOutcome> {
	const fromUploads = this.getNodeParameter('engagementVideos', 'uploads') === 'uploads';
	let ids: string[];
	if (fromUploads) {
		const { uploads } = await connectedChannel(this, state, spend, 'uploads');
		if (!uploads) throw new NodeOperationError(this.getNode(), 'The connected channel has no uploads playlist');
		const count = Math.max(1, Number(this.getNodeParameter('recentCount', 10)));
		spend(Math.ceil(count / 50));
		ids = await playlistVideoIds(this, uploads, count);
	} else {
		ids = splitList(this.getNodeParameter('engagementVideoIds', ''));
		if (ids.length === 0) throw new NodeOperationError(this.getNode(), 'Set at least one video ID');
	}
	if (ids.length === 0) return { items: null };
	spend(Math.ceil(ids.length / 50));
	const videos = await getVideos(this, ids);
	const emit = this.getNodeParameter('engagementEmit', 'changedOrNew') as 'all' | 'changed' | 'changedOrNew';
	const { snapshots, store } = diffSnapshots(
		videos.map((v) => ({ videoId: v.id, channelId: v.snippet?.channelId, title: v.snippet?.title, publishedAt: v.snippet?.publishedAt, statistics: v.statistics as IDataObject })),
		state.engagement ?? {},
		new Date(now).toISOString(),
		emit,
	);
	if (this.getMode() !== 'manual') state.engagement = store;
	return { items: snapshots.length ? [this.helpers.returnJsonArray(snapshots as unknown as IDataObject[])] : null };
}
