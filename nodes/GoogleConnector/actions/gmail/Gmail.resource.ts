import type { Resource } from '../operation';
import * as getMessage from './getMessage.operation';
import * as getThread from './getThread.operation';
import * as listLabels from './listLabels.operation';
import * as listMessages from './listMessages.operation';
import * as listSendAs from './listSendAs.operation';
import * as listThreads from './listThreads.operation';
import * as reply from './reply.operation';
import * as send from './send.operation';
import * as sync from './sync.operation';

export const gmail: Resource = {
	option: { name: 'Gmail', value: 'gmail', description: "Send and reply as the rep (lands in their Sent folder), read mail" },
	operations: {
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['gmail'] } },
		options: [
			{ name: 'Get Message', value: 'getMessage', action: 'Get a message', description: 'One message: headers, and bodies decoded to text and html' },
			{ name: 'Get Thread', value: 'getThread', action: 'Get a thread', description: 'Every message of a conversation' },
			{ name: 'List Labels', value: 'listLabels', action: 'List labels', description: 'The labels of the mailbox' },
			{ name: 'List Messages', value: 'listMessages', action: 'List messages', description: 'Messages matching a search and labels' },
			{ name: 'List Send-As Aliases', value: 'listSendAs', action: 'List send as aliases', description: 'Addresses the mailbox can send from' },
			{ name: 'List Threads', value: 'listThreads', action: 'List threads', description: 'Conversations matching a search and labels' },
			{ name: 'Reply', value: 'reply', action: 'Reply to a message', description: 'Reply in the thread (In-Reply-To, References, "Re: "), optionally to all' },
			{ name: 'Send', value: 'send', action: 'Send a message', description: "Send as the rep or a send-as alias; lands in their Sent folder" },
			{ name: 'Sync', value: 'sync', action: 'Sync new mail since a cursor', description: 'New mail as CRM activities since the cursor of the previous sync, and the next cursor' },
		],
		default: 'send',
	},
	byOperation: { getMessage, getThread, listLabels, listMessages, listSendAs, listThreads, reply, send, sync },
};
