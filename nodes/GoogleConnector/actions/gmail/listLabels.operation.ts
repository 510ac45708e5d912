import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { forOperation } from '../operation';
import { gmailGet } from './common';

export const description: INodeProperties[] = forOperation('gmail', 'listLabels', [
	{
		displayName: "Returns one item per label of the mailbox (system and user labels). Needs the Gmail read surface.",
		name: 'listLabelsNotice',
		type: 'notice',
		default: '',
	},
]);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const response = await gmailGet(this, '/labels', 1);
	return ((response.labels as IDataObject[] | undefined) ?? []).map((label) => ({ json: label, pairedItem: { item: itemIndex } }));
}
