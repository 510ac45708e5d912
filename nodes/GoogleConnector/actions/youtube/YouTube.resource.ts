import type { Resource } from '../operation';
import * as getChannel from './getChannel.operation';
import * as getVideoStatistics from './getVideoStatistics.operation';
import * as listCommentThreads from './listCommentThreads.operation';
import * as listReplies from './listReplies.operation';
import * as reply from './reply.operation';
import * as syncComments from './syncComments.operation';

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
			{ name: 'Reply to Comment', value: 'reply', action: 'Reply to a comment', description: 'Needs the YouTube manage surface' },
			{ name: 'Sync Comments', value: 'syncComments', action: 'Sync new comments', description: 'New comments and replies since a cursor ("sync now")' },
		],
		default: 'getChannel',
	},
	byOperation: { getChannel, getVideoStatistics, listCommentThreads, listReplies, reply, syncComments },
};
