// A Gmail API message as the Gmail operations output it: ids, labels, the main headers, addresses
// parsed, bodies decoded to text and html, and the attachments listed.
import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { parseAddressList } from '../../../shared/gmail/mime';
import { decodeBodies, headerValue, headersObject } from '../../../shared/gmail/messageBody';
import type { GmailMessage } from '../../../shared/gmail/types';

/** Format of Get Message and Get Thread. */
export const formatProperty: INodeProperties = {
	displayName: 'Format',
	name: 'format',
	type: 'options',
	options: [
		{ name: 'Full (Headers and Bodies)', value: 'full', description: 'Bodies decoded to text and html, attachments listed' },
		{ name: 'Metadata (Headers Only)', value: 'metadata', description: 'Lighter: no bodies' },
	],
	default: 'full',
};

export function simplifyMessage(message: GmailMessage, format: 'metadata' | 'full'): IDataObject {
	const headers = message.payload?.headers ?? [];
	const out: IDataObject = {
		id: message.id,
		threadId: message.threadId,
		labelIds: message.labelIds ?? [],
		snippet: message.snippet ?? '',
		historyId: message.historyId,
		internalDate: message.internalDate,
		date: message.internalDate ? new Date(Number(message.internalDate)).toISOString() : null,
		sizeEstimate: message.sizeEstimate,
		rfc822MessageId: headerValue(headers, 'message-id') ?? null,
		subject: headerValue(headers, 'subject') ?? '',
		from: parseAddressList(headerValue(headers, 'from'))[0] ?? null,
		to: parseAddressList(headerValue(headers, 'to')) as unknown as IDataObject[],
		cc: parseAddressList(headerValue(headers, 'cc')) as unknown as IDataObject[],
		replyTo: parseAddressList(headerValue(headers, 'reply-to')) as unknown as IDataObject[],
		headers: headersObject(headers),
	};
	if (format === 'full') {
		const bodies = decodeBodies(message.payload);
		out.text = bodies.text ?? null;
		out.html = bodies.html ?? null;
		out.attachments = bodies.attachments as unknown as IDataObject[];
	}
	return out;
}
