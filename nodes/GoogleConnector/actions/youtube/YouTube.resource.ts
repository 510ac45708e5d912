import type { Resource } from '../operation';
import * as getChannel from './getChannel.operation';
import * as getVideoStatistics from './getVideoStatistics.operation';
import * as listCommentThreads from './listCommentThreads.operation';
import * as listReplies from './listReplies.operation';
import * as reply from './reply.operation';
import * as syncComments from './syncComments.operation';
import * as subscribePush from './subscribePush.operation';
import * as unsubscribePush from './unsubscribePush.operation';
import * as renewPush from './renewPush.operation';

// Push (WebSub) subscribe / unsubscribe / renew are added here by the webhook trigger's owner:
// one option in `operations.options` and one entry in `byOperation` each.
export const youtube: Resource = {
	option: { name: 'YouTube', value: 'youtube', description: 'Channel, video statistics, comments and replies' },
	operations: {
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['youtube'] } },
		options: [
			{ name: 'Get Channel', value: 'getChannel', action: 'Get a channel', description: 'Mine, by ID or by handle, with statistics' },
			{ name: 'Get Video Statistics', value: 'getVideoStatistics', action: 'Get video statistics', description: 'Views, likes and comments for a list of videos' },
			{ name: 'List Comment Threads', value: 'listCommentThreads', action: 'List comment threads', description: 'Of a channel or a video, newest first' },
			{ name: 'List Replies', value: 'listReplies', action: 'List replies of a comment' },
			{ name: 'Renew Push Subscriptions', value: 'renewPush', action: 'Renew push subscriptions', description: 'Subscribe the trigger\'s channels again before the hub lease (about 5 days) ends; run daily' },
			{ name: 'Reply to Comment', value: 'reply', action: 'Reply to a comment', description: 'Needs the YouTube manage surface' },
			{ name: 'Subscribe Push', value: 'subscribePush', action: 'Subscribe channels to push', description: 'Ask YouTube\'s hub to push uploads of channels to the Google Connector Trigger' },
			{ name: 'Sync Comments', value: 'syncComments', action: 'Sync new comments', description: 'New comments and replies since a cursor ("sync now")' },
			{ name: 'Unsubscribe Push', value: 'unsubscribePush', action: 'Unsubscribe channels from push', description: 'Stop YouTube\'s hub pushing uploads to the trigger' },
		],
		default: 'getChannel',
	},
	byOperation: { getChannel, getVideoStatistics, listCommentThreads, listReplies, reply, syncComments, subscribePush, unsubscribePush, renewPush },
};
