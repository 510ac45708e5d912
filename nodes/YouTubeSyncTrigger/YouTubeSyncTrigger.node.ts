import {
	NodeConnectionTypes,
	NodeOperationError,
	type IDataObject,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type IPollFunctions,
} from 'n8n-workflow';
import {
	classifyYouTubeError,
	commentReader,
	getChannels,
	getVideos,
	listThreadsPage,
	playlistVideoIds,
} from '../GoogleConnector/actions/youtube/api';
import { getYouTubeChannels } from '../GoogleConnector/methods/loadOptions';
import { authenticationProperty, connectorCredentials } from '../shared/descriptions';
import { asNodeError } from '../shared/transport';
import { SyncStop, readCursor, stopForBudget, syncComments, type CommentSource, type SyncOptions } from '../shared/youtube/commentSync';
import { diffSnapshots, type StoredSnapshot } from '../shared/youtube/engagement';
import { threadToInboxMessage } from '../shared/youtube/inbox';
import { chargeUsage, estimateDailyUnits, nextPacificMidnight, pollsPerDay, usageToday, type DailyUsage } from '../shared/youtube/quota';

/** Everything this trigger remembers, in `getWorkflowStaticData('node')` (short keys; persisted by n8n). */
interface TriggerState {
	/** The comment cursor (see nodes/shared/youtube/commentSync.ts). */
	comments?: unknown;
	/** The connected channel's id (resolved once). */
	mine?: string;
	/** The uploads playlist of the connected channel (engagement). */
	uploads?: string;
	/** Last statistics per video (engagement). */
	engagement?: Record<string, StoredSnapshot>;
	/** Units spent on the current Pacific day. */
	usage?: DailyUsage;
	/** No calls until then (ISO): Google's quota or our budget ran out; midnight Pacific. */
	pausedUntil?: string;
	pauseReason?: 'quota' | 'budget';
	/** The day an over-budget warning was last logged. */
	warnedDay?: string;
	/** Scheduled polls so far (for "Recheck Older Threads Every"). */
	polls?: number;
}

const splitList = (value: unknown): string[] =>
	[...new Set((Array.isArray(value) ? value.map(String) : String(value ?? '').split(/[\s,]+/)).map((v) => v.trim()).filter(Boolean))];

export class YouTubeSyncTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'YouTube Sync Trigger',
		name: 'youTubeSyncTrigger',
		icon: { light: 'file:youtube.svg', dark: 'file:youtube.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["event"] === "engagement" ? "YouTube engagement snapshots" : "YouTube comments → inbox"}}',
		description: 'New YouTube comments and replies become CRM inbox messages, exactly once, within the daily quota; optional engagement snapshots',
		defaults: { name: 'YouTube Sync Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: connectorCredentials,
		properties: [
			authenticationProperty,
			{
				displayName:
					'Quota: every poll costs 1 YouTube unit per watched channel or video (more only when there is something new). Polling every minute is 1,440 units a day per source, of the 10,000 a Google Cloud project gets by default. The trigger estimates its daily use from Poll Times and refuses to activate (or warns, see Over Budget) when that exceeds Daily Unit Budget.',
				name: 'quotaNotice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Trigger On',
				name: 'event',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'New Comments and Replies', value: 'comments', description: 'One inbox message per new comment or reply' },
					{ name: 'Engagement Snapshots', value: 'engagement', description: 'Views, likes and comments per video, with the change since the last poll' },
				],
				default: 'comments',
			},
			{
				displayName: 'Watch',
				name: 'source',
				type: 'options',
				options: [
					{ name: 'My Channel', value: 'mine', description: 'Every video of the connected channel' },
					{ name: 'Chosen Channels', value: 'channels' },
					{ name: 'Chosen Videos', value: 'videos' },
				],
				default: 'mine',
				displayOptions: { show: { event: ['comments'] } },
			},
			{
				displayName: 'Channel Names or IDs',
				name: 'channelIds',
				type: 'multiOptions',
				typeOptions: { loadOptionsMethod: 'getYouTubeChannels' },
				default: [],
				description: 'Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
				displayOptions: { show: { event: ['comments'], source: ['channels'] } },
			},
			{
				displayName: 'Video IDs',
				name: 'videoIds',
				type: 'string',
				default: '',
				placeholder: 'dQw4w9WgXcQ, 9bZkp7q19f0',
				description: 'Video IDs separated by commas',
				displayOptions: { show: { event: ['comments'], source: ['videos'] } },
			},
			{
				displayName: 'Videos',
				name: 'engagementVideos',
				type: 'options',
				options: [
					{ name: "My Channel's Recent Uploads", value: 'uploads', description: 'From the uploads playlist (1 unit per 50), never search' },
					{ name: 'Chosen Videos', value: 'ids' },
				],
				default: 'uploads',
				displayOptions: { show: { event: ['engagement'] } },
			},
			{
				displayName: 'Number of Recent Uploads',
				name: 'recentCount',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 500 },
				default: 10,
				displayOptions: { show: { event: ['engagement'], engagementVideos: ['uploads'] } },
			},
			{
				displayName: 'Video IDs',
				name: 'engagementVideoIds',
				type: 'string',
				default: '',
				description: 'Video IDs separated by commas',
				displayOptions: { show: { event: ['engagement'], engagementVideos: ['ids'] } },
			},
			{
				displayName: 'Emit',
				name: 'engagementEmit',
				type: 'options',
				options: [
					{ name: 'Changed or New Videos', value: 'changedOrNew' },
					{ name: 'Changed Videos Only', value: 'changed' },
					{ name: 'Every Video Every Poll', value: 'all' },
				],
				default: 'changedOrNew',
				displayOptions: { show: { event: ['engagement'] } },
			},
			{
				displayName: 'Daily Unit Budget',
				name: 'dailyBudget',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 10000,
				description:
					'YouTube quota units this trigger may spend per day (days end at midnight Pacific, when Google resets quotas). When spent, the trigger pauses until the reset and loses nothing.',
			},
			{
				displayName: 'Over Budget',
				name: 'overBudget',
				type: 'options',
				options: [
					{ name: 'Refuse to Activate', value: 'refuse', description: 'Activation (and Fetch Test Event) fails with the estimate' },
					{ name: 'Warn in the Log', value: 'warn' },
				],
				default: 'refuse',
				description: 'What to do when the estimated daily use exceeds the budget',
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add option',
				default: {},
				displayOptions: { show: { event: ['comments'] } },
				options: [
					{
						displayName: 'Emit Edits',
						name: 'emitEdits',
						type: 'boolean',
						default: false,
						description: 'Whether an edited comment (on the newest page of threads) comes out again, marked edited: true',
					},
					{
						displayName: 'Expected New Comments per Day',
						name: 'expectedPerDay',
						type: 'number',
						default: 200,
						description: 'Used only for the daily estimate (each may cost one extra unit for its replies)',
					},
					{ displayName: 'Include Replies', name: 'includeReplies', type: 'boolean', default: true, description: 'Whether replies become inbox messages too' },
					{
						displayName: 'Recheck Older Threads Every (Polls)',
						name: 'recheckEvery',
						type: 'number',
						typeOptions: { minValue: 0 },
						default: 60,
						description:
							'Replies are noticed on the 100 newest threads for free. To notice new replies on the older threads the trigger remembers too, it rechecks them every this many polls (commentThreads by ID, 1 unit per 50 threads). 0: never. The default, 60 with one-minute polls, is hourly: +48 units a day for 200 remembered threads.',
					},
					{
						displayName: 'Threads Remembered',
						name: 'maxThreadsTracked',
						type: 'number',
						typeOptions: { minValue: 100, maxValue: 2000 },
						default: 200,
						description: 'Per channel or video: the newest threads whose reply counts are remembered (and rechecked, if set above)',
					},
				],
			},
		],
	};

	methods = { loadOptions: { getYouTubeChannels } };

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const now = Date.now();
		const manual = this.getMode() === 'manual';
		const activating = this.getActivationMode() === 'activate';
		const event = this.getNodeParameter('event', 'comments') as string;
		const budget = Math.max(1, Number(this.getNodeParameter('dailyBudget', 10000)));
		const state = this.getWorkflowStaticData('node') as IDataObject & TriggerState;

		// The estimate: polls a day (from Poll Times) × units per poll.
		const estimate = estimateFor.call(this, event);
		if (estimate.unitsPerDay > budget) {
			const text = `This trigger would use about ${estimate.unitsPerDay.toLocaleString('en-US')} YouTube quota units a day (${estimate.polls.toLocaleString('en-US')} polls × ${estimate.unitsPerPoll} units, plus new comments), over its Daily Unit Budget of ${budget.toLocaleString('en-US')}.`;
			const advice = 'Poll less often, watch fewer channels or videos, or raise the budget (a Google Cloud project gets 10,000 units a day by default). Set "Over Budget" to "Warn in the Log" to run anyway; the trigger then pauses until midnight Pacific whenever the budget is spent.';
			if ((activating || manual) && this.getNodeParameter('overBudget', 'refuse') === 'refuse')
				throw new NodeOperationError(this.getNode(), text, { description: advice });
			const day = new Date(now).toISOString().slice(0, 10);
			if (state.warnedDay !== day) {
				this.logger.warn(`${text} ${advice}`);
				state.warnedDay = day;
			}
		}

		if (!manual && state.pausedUntil) {
			if (now < Date.parse(state.pausedUntil)) {
				this.logger.debug(`YouTube sync paused until ${state.pausedUntil} (${state.pauseReason ?? 'quota'})`);
				return null;
			}
			delete state.pausedUntil;
			delete state.pauseReason;
		}
		if (!manual && usageToday(state.usage, now) >= budget) {
			pause(this, state, 'budget', now);
			return null;
		}

		let usage = state.usage;
		const spend = (units: number) => {
			if (!manual && usageToday(usage, now) + units > budget) stopForBudget();
			usage = chargeUsage(usage, units, now);
		};

		try {
			const result = event === 'engagement' ? await pollEngagement.call(this, state, spend, now) : await pollComments.call(this, state, spend, manual);
			if (!manual) state.usage = usage;
			// Stopped by the quota or the budget after part of the work: what was fully processed goes
			// out now (its cursor is stored with it); the rest continues after midnight Pacific.
			if (result.stop && !manual) pause(this, state, result.stop, now);
			return result.items;
		} catch (error) {
			const kind = error instanceof SyncStop ? error.reason : classifyYouTubeError(error);
			if ((kind === 'quota' || kind === 'budget') && !manual) {
				state.usage = usage;
				pause(this, state, kind, now);
				return null;
			}
			throw asNodeError(this.getNode(), error);
		}
	}
}

function pause(ctx: IPollFunctions, state: TriggerState, reason: 'quota' | 'budget', now: number): void {
	state.pausedUntil = new Date(nextPacificMidnight(now)).toISOString();
	state.pauseReason = reason;
	ctx.logger.warn(
		reason === 'quota'
			? `YouTube quota exhausted (quotaExceeded): the sync pauses until ${state.pausedUntil} (midnight Pacific) and continues from its cursor; nothing is lost`
			: `The trigger's Daily Unit Budget is spent: the sync pauses until ${state.pausedUntil} (midnight Pacific) and continues from its cursor`,
	);
}

function estimateFor(this: IPollFunctions, event: string): { unitsPerDay: number; unitsPerPoll: number; polls: number } {
	const polls = Math.round(pollsPerDay(this.getNodeParameter('pollTimes', {})));
	if (event === 'engagement') {
		const fromUploads = this.getNodeParameter('engagementVideos', 'uploads') === 'uploads';
		const count = fromUploads ? Number(this.getNodeParameter('recentCount', 10)) : splitList(this.getNodeParameter('engagementVideoIds', '')).length;
		const e = estimateDailyUnits({ pollsPerDay: polls, commentSources: 0, engagementVideos: Math.max(1, count), engagementFromUploads: fromUploads });
		return { unitsPerDay: e.unitsPerDay, unitsPerPoll: e.unitsPerPoll, polls };
	}
	const source = this.getNodeParameter('source', 'mine') as string;
	const count =
		source === 'channels'
			? splitList(this.getNodeParameter('channelIds', [])).length
			: source === 'videos'
				? splitList(this.getNodeParameter('videoIds', '')).length
				: 1;
	const options = this.getNodeParameter('options', {}) as IDataObject;
	const e = estimateDailyUnits({
		pollsPerDay: polls,
		commentSources: Math.max(1, count),
		newCommentsPerDay: Number(options.expectedPerDay ?? 200),
		recheckEveryPolls: Number(options.recheckEvery ?? 60),
		recheckThreads: Math.max(0, Number(options.maxThreadsTracked ?? 200) - 100),
	});
	return { unitsPerDay: e.unitsPerDay, unitsPerPoll: e.unitsPerPoll, polls };
}

async function connectedChannel(this: IPollFunctions, state: TriggerState, spend: (u: number) => void): Promise<string> {
	if (state.mine) return state.mine;
	spend(1);
	const channels = await getChannels(this, { by: 'mine' }, 'id,contentDetails');
	if (!channels[0]) throw new NodeOperationError(this.getNode(), 'The connected Google account has no YouTube channel');
	state.mine = channels[0].id;
	state.uploads = channels[0].contentDetails?.relatedPlaylists?.uploads;
	return state.mine;
}

interface PollOutcome {
	items: INodeExecutionData[][] | null;
	stop?: 'quota' | 'budget';
}

async function pollComments(this: IPollFunctions, state: TriggerState, spend: (u: number) => void, manual: boolean): Promise<PollOutcome> {
	const sourceKind = this.getNodeParameter('source', 'mine') as string;
	let sources: CommentSource[];
	if (sourceKind === 'channels') sources = splitList(this.getNodeParameter('channelIds', [])).map((id) => ({ kind: 'channel', id }));
	else if (sourceKind === 'videos') sources = splitList(this.getNodeParameter('videoIds', '')).map((id) => ({ kind: 'video', id }));
	else sources = [{ kind: 'channel', id: await connectedChannel.call(this, state, spend) }];
	if (sources.length === 0) throw new NodeOperationError(this.getNode(), sourceKind === 'videos' ? 'Set at least one video ID' : 'Choose at least one channel');

	const options = this.getNodeParameter('options', {}) as IDataObject;
	const every = Math.max(0, Math.floor(Number(options.recheckEvery ?? 60)));
	const polls = (state.polls ?? 0) + 1;
	const syncOptions: SyncOptions = {
		includeReplies: options.includeReplies !== false,
		emitEdits: options.emitEdits === true,
		maxThreadsTracked: Math.max(100, Number(options.maxThreadsTracked ?? 200)),
		recheckOlderThreads: !manual && every > 0 && polls % every === 0,
	};
	// Work on a copy: the stored cursor changes only when this poll ends normally (or stops on quota
	// with what it has fully processed), never half-way through a failure.
	const cursor = readCursor(JSON.parse(JSON.stringify(state.comments ?? null)) as unknown);
	const reader = commentReader(this, { beforeCall: spend });
	const result = await syncComments(reader, sources, cursor, syncOptions);

	for (const skipped of result.skipped) {
		const line = `YouTube: comments are disabled on ${skipped.source.replace('video:', 'video ')}; skipped (not an error)`;
		if (skipped.newlyDisabled) this.logger.warn(line);
		else this.logger.debug(line);
	}

	if (manual) {
		// "Fetch test event": what is new, else the newest comment as a sample; nothing is stored.
		if (result.messages.length) return { items: [this.helpers.returnJsonArray(result.messages as unknown as IDataObject[])] };
		for (const source of sources) {
			const page = await listThreadsPage(this, source, undefined, 1).catch((error: unknown) => {
				if (classifyYouTubeError(error) === 'commentsDisabled') return undefined;
				throw asNodeError(this.getNode(), error);
			});
			if (!page) continue;
			const sample = page.items?.[0] ? threadToInboxMessage(page.items[0]) : undefined;
			if (sample) return { items: [this.helpers.returnJsonArray([sample as unknown as IDataObject])] };
		}
		return { items: null };
	}

	state.comments = cursor as unknown as IDataObject;
	state.polls = polls;
	return {
		items: result.messages.length ? [this.helpers.returnJsonArray(result.messages as unknown as IDataObject[])] : null,
		stop: result.stopped?.reason,
	};
}

async function pollEngagement(this: IPollFunctions, state: TriggerState, spend: (u: number) => void, now: number): Promise<PollOutcome> {
	const fromUploads = this.getNodeParameter('engagementVideos', 'uploads') === 'uploads';
	let ids: string[];
	if (fromUploads) {
		if (!state.uploads) {
			spend(1);
			const channels = await getChannels(this, { by: 'mine' }, 'id,contentDetails');
			if (!channels[0]) throw new NodeOperationError(this.getNode(), 'The connected Google account has no YouTube channel');
			state.mine = channels[0].id;
			state.uploads = channels[0].contentDetails?.relatedPlaylists?.uploads;
		}
		if (!state.uploads) throw new NodeOperationError(this.getNode(), 'The connected channel has no uploads playlist');
		const count = Math.max(1, Number(this.getNodeParameter('recentCount', 10)));
		spend(Math.ceil(count / 50));
		ids = await playlistVideoIds(this, state.uploads, count);
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
