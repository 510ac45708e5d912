import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { forOperation } from '../operation';
import { gmailSendAs } from '../../../shared/transport/gmail';

export const description: INodeProperties[] = forOperation('gmail', 'listSendAs', [
	{
		displayName: 'Returns one item per send-as alias of the mailbox (the addresses mail can be sent from). Needs the Gmail read surface.',
		name: 'listSendAsNotice',
		type: 'notice',
		default: '',
	},
]);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	return (await gmailSendAs(this)).map((alias) => ({ json: alias as IDataObject, pairedItem: { item: itemIndex } }));
}
