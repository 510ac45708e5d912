import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';
import { forOperation } from '../operation';
import { headerValue } from '../../../shared/gmail/messageBody';
import { addressesFromInput, buildReplyHeaders, replyRecipients } from '../../../shared/gmail/mime';
import { gmailGetMessage, isGmailNotFound } from '../../../shared/transport/gmail';
import { asNodeError } from '../../../shared/transport';
import type { GmailMessage } from '../../../shared/gmail/types';
import { binaryAttachments, bodyProperties, buildOrExplain, fromProperty, outgoingOptions, resolveSender, sendMime, sentOutput } from './outgoing';

export const description: INodeProperties[] = forOperation('gmail', 'reply', [
	{
		displayName: 'Message ID',
		name: 'messageId',
		type: 'string',
		default: '',
		required: true,
		description: 'The Gmail ID of the message to reply to (a received message, or one the rep sent, for a follow-up)',
	},
	fromProperty,
	...bodyProperties,
	{
		displayName: 'Reply to All',
		name: 'replyAll',
		type: 'boolean',
		default: false,
		description: "Whether to copy everyone on the original message (To and Cc), except the mailbox's own addresses",
	},
	outgoingOptions('Additional ', [
		{
			displayName: 'Subject',
			name: 'subject',
			type: 'string',
			default: '',
			description: 'Override the "Re: " subject. Gmail keeps the reply in the thread only if the subject still matches.',
		},
		{
			displayName: 'To',
			name: 'to',
			type: 'string',
			default: '',
			description: 'Override the recipients (by default the sender of the original, or its recipients for a follow-up on own mail)',
		},
	]),
]);

const PARENT_HEADERS = ['Message-ID', 'References', 'In-Reply-To', 'Subject', 'From', 'To', 'Cc', 'Reply-To'];

/** The message replied to; an id Gmail does not know is the "Message ID" field's problem. */
async function readParent(ctx: IExecuteFunctions, itemIndex: number, messageId: string): Promise<GmailMessage> {
	try {
		return await gmailGetMessage(ctx, messageId, { format: 'metadata', metadataHeaders: PARENT_HEADERS });
	} catch (error) {
		if (!isGmailNotFound(error)) throw asNodeError(ctx.getNode(), error);
	}
	throw new NodeOperationError(ctx.getNode(), `Invalid "Message ID": this mailbox has no message ${JSON.stringify(messageId)}`, {
		itemIndex,
		description: 'Nothing was sent. Use the Gmail ID of the message (the "id" of Get Message or "messageId" of a synced activity), not its RFC 822 Message-ID header.',
	});
}

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const messageId = String(this.getNodeParameter('messageId', itemIndex, '')).trim();
	if (!messageId) throw new NodeOperationError(this.getNode(), 'The "Message ID" field is empty', { itemIndex });
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const text = String(this.getNodeParameter('text', itemIndex, '') ?? '');
	const html = String(this.getNodeParameter('html', itemIndex, '') ?? '');
	const replyAll = this.getNodeParameter('replyAll', itemIndex, false) as boolean;
	const extra = {
		cc: String(options.cc ?? ''),
		bcc: String(options.bcc ?? ''),
		replyTo: String(options.replyTo ?? ''),
		subject: String(options.subject ?? ''),
		to: String(options.to ?? ''),
		text,
		html,
	};
	// Refuse unsafe input before any call to Google.
	buildOrExplain(this, itemIndex, { ...extra, to: extra.to || 'check@example.com', from: 'check@example.com' });

	const parent = await readParent(this, itemIndex, messageId);
	const h = (name: string) => headerValue(parent.payload?.headers, name);
	const parentHeaders = { messageId: h('message-id'), references: h('references'), subject: h('subject'), from: h('from'), to: h('to'), cc: h('cc'), replyTo: h('reply-to') };
	if (!parentHeaders.messageId)
		throw new NodeOperationError(this.getNode(), `Message ${messageId} has no Message-ID header, so a reply cannot reference it`, { itemIndex });
	const sender = await resolveSender(this, itemIndex, String(this.getNodeParameter('from', itemIndex, '') ?? ''), String(options.senderName ?? ''));
	const threading = buildReplyHeaders(parentHeaders);
	const recipients = replyRecipients(parentHeaders, sender.self, replyAll);
	const to = extra.to ? addressesFromInput(extra.to) : recipients.to;
	const cc = [...recipients.cc, ...addressesFromInput(extra.cc)];
	if (to.length + cc.length === 0)
		throw new NodeOperationError(this.getNode(), 'The reply has no recipient', {
			itemIndex,
			description: 'The original message only involves this mailbox; set Options → To.',
		});
	const attachments = await binaryAttachments(this, itemIndex, String(options.attachments ?? ''));
	const built = buildOrExplain(this, itemIndex, {
		from: sender.from,
		to,
		cc,
		bcc: extra.bcc,
		replyTo: extra.replyTo,
		subject: extra.subject || threading.subject,
		inReplyTo: threading.inReplyTo,
		references: threading.references,
		text,
		html,
		attachments,
	});
	const result = await sendMime(this, built, parent.threadId ?? undefined);
	return [
		sentOutput(built, result, { text, html }, itemIndex, {
			inReplyTo: threading.inReplyTo ?? null,
			references: threading.references,
			repliedToMessageId: parent.id ?? messageId,
			joinedThread: result.threadId === parent.threadId,
		}),
	];
}
