import { NodeOperationError, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';
import { forOperation } from '../operation';
import { gmailGetMessage } from '../../../shared/transport/gmail';
import { formatProperty, simplifyMessage } from './simplify';

export const description: INodeProperties[] = forOperation('gmail', 'getMessage', [
	{
		displayName: 'Message ID',
		name: 'messageId',
		type: 'string',
		default: '',
		required: true,
		description: 'The Gmail message ID (not the RFC 822 Message-ID header)',
	},
	formatProperty,
	{
		displayName: 'Include Raw API Response',
		name: 'includeRaw',
		type: 'boolean',
		default: false,
		description: "Whether to add Gmail's own message resource under \"raw\"",
	},
]);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const messageId = String(this.getNodeParameter('messageId', itemIndex, '')).trim();
	if (!messageId) throw new NodeOperationError(this.getNode(), 'The "Message ID" field is empty', { itemIndex });
	const format = this.getNodeParameter('format', itemIndex, 'full') as 'full' | 'metadata';
	const includeRaw = this.getNodeParameter('includeRaw', itemIndex, false) as boolean;
	const message = await gmailGetMessage(this, messageId, { format });
	const json = simplifyMessage(message, format);
	if (includeRaw) json.raw = message as never;
	return [{ json, pairedItem: { item: itemIndex } }];
}
