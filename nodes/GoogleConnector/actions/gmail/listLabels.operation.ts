import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { forOperation } from '../operation';
import { gmailLabels } from '../../../shared/transport/gmail';

export const description: INodeProperties[] = forOperation('gmail', 'listLabels', [
	{
		displayName: "Returns one item per label of the mailbox (system and user labels). Needs the Gmail read surface.",
		name: 'listLabelsNotice',
		type: 'notice',
		default: '',
	},
]);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	return (await gmailLabels(this)).map((label) => ({ json: label as IDataObject, pairedItem: { item: itemIndex } }));
}
