import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';
import { asNodeError } from '../../../shared/transport';
import { readCursor, syncComments } from '../../../shared/youtube/commentSync';
import { nextPacificMidnight } from '../../../shared/youtube/quota';
import { forOperation } from '../operation';
import { commentReader } from '../../../shared/transport/youtube';
import { commentSourceProperties, resolveSource } from './commentSource';

export const description: INodeProperties[] = forOperation('youtube', 'syncComments', [
	{
		displayName:
			'"Sync now": returns the comments and replies that are new since the cursor you pass, and the cursor to pass next time. With an empty cursor, the first call records where the channel stands and returns nothing (or the newest page, see options).',
		name: 'syncNotice',
		type: 'notice',
		default: '',
	},
	...commentSourceProperties,
	{
		displayName: 'Cursor',
		name: 'cursor',
		type: 'json',
		default: '',
		description: 'The cursor a previous Sync Comments returned (empty: start now)',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [
			{ displayName: 'Include Replies', name: 'includeReplies', type: 'boolean', default: true, description: 'Whether to return replies as well as top-level comments' },
			{ displayName: 'Emit Edits', name: 'emitEdits', type: 'boolean', default: false, description: 'Whether edited comments come out again, marked edited: true' },
			{
				displayName: 'With an Empty Cursor',
				name: 'firstPoll',
				type: 'options',
				options: [
					{ name: 'Start From Now', value: 'now' },
					{ name: 'Return the Newest Page', value: 'all' },
				],
				default: 'now',
			},
		],
	},
]);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const source = await resolveSource.call(this, itemIndex);
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const cursor = readCursor(this.getNodeParameter('cursor', itemIndex, ''));
	let units = 0;
	const reader = commentReader(this, { beforeCall: (u) => (units += u) });
	let result;
	try {
		result = await syncComments(reader, [source], cursor, {
			includeReplies: options.includeReplies !== false,
			emitEdits: options.emitEdits === true,
			firstPoll: options.firstPoll === 'all' ? 'all' : 'now',
			// As the trigger's defaults: the remembered threads are read again when the last read is 10 minutes old.
			recheckEveryMs: 10 * 60_000,
			now: Date.now(),
		});
	} catch (error) {
		throw asNodeError(this.getNode(), error);
	}
	if (result.skipped.length)
		throw new NodeOperationError(this.getNode(), 'Comments are disabled on this video', { itemIndex, description: 'YouTube answered commentsDisabled.' });
	return [
		{
			json: {
				messages: result.messages as unknown as IDataObject[],
				count: result.messages.length,
				cursor: cursor as unknown as IDataObject,
				quotaUnits: units,
				complete: !result.stopped,
				...(result.stopped
					? {
							stoppedBy: result.stopped.reason,
							resumeAfter: new Date(nextPacificMidnight(Date.now())).toISOString(),
						}
					: {}),
			},
			pairedItem: { item: itemIndex },
		},
	];
}
