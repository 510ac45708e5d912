// Gmail → Sync: "sync now" for a CRM. Takes the cursor the previous run returned (none: set the
// baseline), returns one item { activities, cursor, hasMore, stats }. Store `cursor` and pass it back
// next time; split `activities` (e.g. with Split Out) to log one CRM activity each.
import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';
import { forOperation } from '../operation';
import { isGmailSyncCursor, runGmailSync, syncFilterProperties, syncOptionsFrom, syncTuningProperties, type GmailSyncCursor } from '../../../shared/gmail/sync';

export const description: INodeProperties[] = forOperation('gmail', 'sync', [
	{
		displayName: 'Cursor',
		name: 'syncCursor',
		type: 'json',
		default: '',
		placeholder: '={{ $json.cursor }}',
		description: 'The cursor a previous Sync returned (object or JSON text). Empty: start from now (or backfill) and return a first cursor.',
	},
	...syncFilterProperties('sync'),
	{
		displayName: 'Max Messages',
		name: 'syncMaxMessages',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 500,
		description: 'At most this many messages are read per run; "hasMore" tells when more are waiting',
	},
	{
		displayName: 'Time Limit (Seconds)',
		name: 'syncTimeLimit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 60,
		description: 'No new message is fetched after this long; what was fetched is returned and the rest waits',
	},
	...syncTuningProperties('sync'),
]);

function readCursor(ctx: IExecuteFunctions, itemIndex: number): GmailSyncCursor | undefined {
	const raw = ctx.getNodeParameter('syncCursor', itemIndex, '') as unknown;
	if (raw === '' || raw === null || raw === undefined) return undefined;
	let value: unknown = raw;
	if (typeof raw === 'string') {
		const text = raw.trim();
		if (!text) return undefined;
		try {
			value = JSON.parse(text);
		} catch {
			value = undefined;
		}
	}
	if (!isGmailSyncCursor(value))
		throw new NodeOperationError(ctx.getNode(), 'The cursor is not one a Gmail Sync returned', {
			itemIndex,
			description: 'Pass the "cursor" of the previous Sync output unchanged, or leave the field empty to start a new sync.',
		});
	return value;
}

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const cursor = readCursor(this, itemIndex);
	const options = syncOptionsFrom((name, fallback) => this.getNodeParameter(name, itemIndex, fallback), 'syncMaxMessages', 'sync');
	const seconds = Number(this.getNodeParameter('syncTimeLimit', itemIndex, 60)) || 60;
	const result = await runGmailSync(this, cursor, { ...options, deadline: Date.now() + seconds * 1000 });
	return [
		{
			json: {
				activities: result.activities as unknown as IDataObject[],
				cursor: result.cursor as unknown as IDataObject,
				hasMore: result.hasMore,
				stats: result.stats as unknown as IDataObject,
			},
			pairedItem: { item: itemIndex },
		},
	];
}
