import {
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type IPollFunctions,
} from 'n8n-workflow';
import { getYouTubeChannels } from '../shared/methods';
import { authenticationProperty, pollingTriggerBase } from '../shared/descriptions';
import { runPoll } from './poll';

export class YouTubeSyncTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'YouTube Sync Trigger',
		name: 'youTubeSyncTrigger',
		icon: { light: 'file:youtube.svg', dark: 'file:youtube.dark.svg' },
		...pollingTriggerBase,
		subtitle: '={{$parameter["event"] === "engagement" ? "YouTube engagement snapshots" : "YouTube comments → inbox"}}',
		description: 'New YouTube comments and replies become CRM inbox messages, exactly once, within the daily quota; optional engagement snapshots',
		defaults: { name: 'YouTube Sync Trigger' },
		properties: [
			authenticationProperty,
			{
				displayName:
					'Quota: every poll costs 1 YouTube unit per watched channel or video (more only when there is something new), and the recheck of remembered threads 1 unit per 100 threads every 10 minutes. Polling every minute is 1,440 units a day per source, of the 10,000 a Google Cloud project gets by default. The trigger estimates its daily use from Poll Times and refuses to activate (or warns, see Over Budget) when that exceeds Daily Unit Budget.',
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
						displayName: 'Recheck Remembered Threads Every (Minutes)',
						name: 'recheckEvery',
						type: 'number',
						typeOptions: { minValue: 0 },
						default: 10,
						description:
							'Replies on the 100 newest threads are noticed on every poll. The other remembered threads are read again this often (the list pages below the newest, 1 unit per 100 threads), which also finds comments that appear late (held for review, then approved). 0: never. The default, every 10 minutes, costs about 1,300 units a day for 1,000 remembered threads.',
					},
					{
						displayName: 'Remember Threads For (Days)',
						name: 'windowDays',
						type: 'number',
						typeOptions: { minValue: 1, maxValue: 365 },
						default: 30,
						description: 'Threads are remembered (for their replies) this many days after they were published',
					},
					{
						displayName: 'Threads Remembered',
						name: 'maxThreadsTracked',
						type: 'number',
						typeOptions: { minValue: 100, maxValue: 5000 },
						default: 1000,
						description: 'Per channel or video, at most: the newest threads whose replies are followed',
					},
				],
			},
		],
	};

	methods = { loadOptions: { getYouTubeChannels } };

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		return await runPoll.call(this);
	}
}
