import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { forOperation } from '../operation';
import { gmailGet } from './common';

export const description: INodeProperties[] = forOperation('gmail', 'listSendAs', [
	{
		displayName: 'Returns one item per send-as alias of the mailbox (the addresses mail can be sent from). Needs the Gmail read surface.',
		name: 'listSendAsNotice',
		type: 'notice',
		default: '',
	},
]);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const response = await gmailGet(this, '/settings/sendAs', 1);
	return ((response.sendAs as IDataObject[] | undefined) ?? []).map((alias) => ({ json: alias, pairedItem: { item: itemIndex } }));
}
