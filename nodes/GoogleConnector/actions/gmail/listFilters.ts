// Properties shared by List Messages and List Threads: query, labels, all pages or a limit.
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { returnAllOrLimit } from '../../../shared/descriptions';

export const listProperties: INodeProperties[] = [
	{
		displayName: 'Search Query',
		name: 'q',
		type: 'string',
		default: '',
		placeholder: 'from:client@example.com newer_than:7d',
		description: 'Gmail search syntax, as in the Gmail search box',
	},
	{
		displayName: 'Label Names or IDs',
		name: 'labelIds',
		type: 'multiOptions',
		typeOptions: { loadOptionsMethod: 'getGmailLabels' },
		default: [],
		description:
			'Only items carrying all of these labels. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
	},
	{
		displayName: 'Include Spam and Trash',
		name: 'includeSpamTrash',
		type: 'boolean',
		default: false,
		description: 'Whether to include items from SPAM and TRASH',
	},
	...returnAllOrLimit,
];

export function listQuery(ctx: IExecuteFunctions, itemIndex: number): { qs: IDataObject; limit: number | undefined } {
	const q = String(ctx.getNodeParameter('q', itemIndex, '')).trim();
	const raw = ctx.getNodeParameter('labelIds', itemIndex, []) as string[] | string;
	const labelIds = (Array.isArray(raw) ? raw : String(raw).split(',')).map((l) => String(l).trim()).filter(Boolean);
	const includeSpamTrash = ctx.getNodeParameter('includeSpamTrash', itemIndex, false) as boolean;
	const returnAll = ctx.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const limit = returnAll ? undefined : Math.max(1, Number(ctx.getNodeParameter('limit', itemIndex, 50)));
	const qs: IDataObject = {};
	if (q) qs.q = q;
	if (labelIds.length) qs.labelIds = labelIds;
	if (includeSpamTrash) qs.includeSpamTrash = true;
	return { qs, limit };
}
