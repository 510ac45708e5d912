import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';
import { forOperation } from '../operation';
import { headerValueProblem } from '../../../shared/gmail/mime';
import { binaryAttachments, bodyProperties, buildOrExplain, fromProperty, outgoingOptions, resolveSender, sendMime, sentOutput } from './outgoing';

export const description: INodeProperties[] = forOperation('gmail', 'send', [
	fromProperty,
	{
		displayName: 'To',
		name: 'to',
		type: 'string',
		default: '',
		placeholder: 'Jane Doe <jane@example.com>, sam@example.com',
		description: 'Recipients, separated by commas',
	},
	{
		displayName: 'Subject',
		name: 'subject',
		type: 'string',
		default: '',
	},
	...bodyProperties,
	outgoingOptions('', [
		{
			displayName: 'Thread ID',
			name: 'threadId',
			type: 'string',
			default: '',
			description:
				'Put the message in this Gmail thread. Gmail only threads it when the subject matches and In-Reply-To/References name a message of the thread: use the Reply operation for that.',
		},
	]),
]);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const text = String(this.getNodeParameter('text', itemIndex, '') ?? '');
	const html = String(this.getNodeParameter('html', itemIndex, '') ?? '');
	const input = {
		to: String(this.getNodeParameter('to', itemIndex, '') ?? ''),
		cc: String(options.cc ?? ''),
		bcc: String(options.bcc ?? ''),
		replyTo: String(options.replyTo ?? ''),
		subject: String(this.getNodeParameter('subject', itemIndex, '') ?? ''),
		text,
		html,
	};
	// Everything the message is built from is checked before any call to Google.
	buildOrExplain(this, itemIndex, { ...input, from: 'check@example.com' });
	const threadId = String(options.threadId ?? '').trim() || undefined;
	const threadProblem = threadId === undefined ? undefined : headerValueProblem(threadId);
	if (threadProblem) throw new NodeOperationError(this.getNode(), `Invalid "Thread ID": ${threadProblem}`, { itemIndex, description: 'Nothing was sent. Field: Thread ID.' });
	const sender = await resolveSender(this, itemIndex, String(this.getNodeParameter('from', itemIndex, '') ?? ''), String(options.senderName ?? ''));
	const attachments = await binaryAttachments(this, itemIndex, String(options.attachments ?? ''));
	const built = buildOrExplain(this, itemIndex, { ...input, from: sender.from, attachments });
	const result = await sendMime(this, built, threadId);
	return [sentOutput(built, result, { text, html }, itemIndex)];
}
