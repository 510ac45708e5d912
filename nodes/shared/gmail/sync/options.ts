// Editor properties shared by the Gmail Sync trigger and googleConnector → Gmail → Sync, and how
// they become engine options. No network here.
import type { INodeProperties } from 'n8n-workflow';
import { parseContactList, type DirectionFilter } from '../activity';
import type { GmailSyncOptions } from './engine';

export const DEFAULT_MAX_MESSAGES_PER_POLL = 20_000;

const filterProperties: INodeProperties[] = [
	{
		displayName: 'Label Names or IDs',
		name: 'labelIds',
		type: 'multiOptions',
		typeOptions: { loadOptionsMethod: 'getGmailLabels' },
		default: ['INBOX'],
		description:
			'Mail that has any of these labels becomes an activity; none selected means all mail except drafts, spam and trash. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
	},
	{
		displayName: 'Direction',
		name: 'direction',
		type: 'options',
		options: [
			{ name: 'Both', value: 'both', description: 'Mail received and mail sent by the account' },
			{ name: 'Inbound', value: 'inbound', description: 'Mail received by the account' },
			{ name: 'Outbound', value: 'outbound', description: 'Mail sent by the account (label SENT or from its address)' },
		],
		default: 'both',
	},
	{
		displayName: 'Contacts',
		name: 'contacts',
		type: 'string',
		default: '',
		placeholder: 'ann@client.com, client.com',
		description:
			'Addresses or domains (subdomains included), separated by commas or new lines, or an expression returning them. When set, only mail with a matching participant becomes an activity.',
	},
];

const tuningProperties: INodeProperties[] = [
	{
		displayName: 'Backfill Days',
		name: 'backfillDays',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: 0,
		description: 'On the very first run, also emit the mail of the last N days (0: start from now)',
	},
	{
		displayName: 'Include Bodies',
		name: 'includeBodies',
		type: 'boolean',
		default: false,
		description: 'Whether to add the decoded text and HTML bodies (fetches whole messages: more memory, same quota)',
	},
];

/** `prefix` keeps the names apart from other operations' fields in the action node (e.g. "sync" → syncLabelIds). */
function prefixed(properties: INodeProperties[], prefix: string): INodeProperties[] {
	if (!prefix) return properties;
	return properties.map((p) => ({ ...p, name: prefix + p.name.charAt(0).toUpperCase() + p.name.slice(1) }));
}

export const syncFilterProperties = (prefix = ''): INodeProperties[] => prefixed(filterProperties, prefix);
export const syncTuningProperties = (prefix = ''): INodeProperties[] => prefixed(tuningProperties, prefix);

export interface ParameterReader {
	(name: string, fallback: unknown): unknown;
}

/** Engine options from node parameters (`read(name, fallback)`). */
export function syncOptionsFrom(reader: ParameterReader, maxName: string, prefix = ''): GmailSyncOptions {
	const read: ParameterReader = (name, fallback) =>
		reader(prefix && name !== maxName ? prefix + name.charAt(0).toUpperCase() + name.slice(1) : name, fallback);
	const labels = read('labelIds', []);
	const labelIds = (Array.isArray(labels) ? labels : String(labels).split(',')).map((l) => String(l).trim()).filter(Boolean);
	const max = Number(read(maxName, DEFAULT_MAX_MESSAGES_PER_POLL));
	return {
		labelIds,
		direction: String(read('direction', 'both')) as DirectionFilter,
		contacts: parseContactList(read('contacts', '') as string | string[]),
		maxMessages: Number.isFinite(max) && max > 0 ? Math.floor(max) : DEFAULT_MAX_MESSAGES_PER_POLL,
		backfillDays: Math.max(0, Number(read('backfillDays', 0)) || 0),
		includeBodies: read('includeBodies', false) === true,
	};
}
