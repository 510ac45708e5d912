// RFC 5322 / 2045 / 2046 message composition for Gmail's messages.send, hand-written so the package
// has no runtime dependency (checked against mailparser in test/unit/gmail/mime.test.ts).
// Pure: no n8n imports.
import { randomBytes } from 'node:crypto';
import { formatAddressHeader, normalizeAddresses, type AddressInput, type MailAddress } from './addresses';
import { CRLF, MimeError, assertHeaderSafe, base64Lines, encodedWords, foldTokens, headerWithParams, isAscii, parameter, quotedPrintable, unstructured } from './encoding';

/** Gmail's limit for a raw message: 35 MB (google-facts.md: 36,700,160 bytes). */
export const GMAIL_MAX_RAW_BYTES = 35 * 1024 * 1024;

export interface MimeAttachment {
	filename: string;
	content: Buffer;
	contentType?: string;
	/** Set to send the part inline (referenced as cid:… from the html). */
	contentId?: string;
}

export interface MimeInput {
	from: AddressInput;
	to?: AddressInput;
	cc?: AddressInput;
	/** Gmail delivers to Bcc recipients and strips the header from what others receive. */
	bcc?: AddressInput;
	replyTo?: AddressInput;
	subject?: string;
	text?: string;
	html?: string;
	attachments?: MimeAttachment[];
	inReplyTo?: string;
	references?: string[];
	/** Extra headers (name → value). */
	headers?: Record<string, string>;
	date?: Date;
	/** A Message-ID to use (with or without angle brackets); one is generated at the sender's domain otherwise. */
	messageId?: string;
	/** Refuse messages larger than this many bytes (default: Gmail's 35 MB). */
	maxBytes?: number;
}

export interface BuiltMime {
	raw: Buffer;
	/** The Message-ID header, with angle brackets. */
	messageId: string;
	size: number;
	from: MailAddress;
	to: MailAddress[];
	cc: MailAddress[];
	bcc: MailAddress[];
	subject: string;
}

/** A text part: quoted-printable, or base64 when that is smaller (mostly non-Latin text). */
function textPart(subtype: 'plain' | 'html', text: string): string {
	const normalized = text.replace(/\r\n|\r|\n/g, '\r\n');
	const qp = quotedPrintable(normalized);
	const bytes = Buffer.from(normalized, 'utf8');
	const useBase64 = qp.length > Math.ceil(bytes.length / 3) * 4 * 1.03;
	return [
		`Content-Type: text/${subtype}; charset=UTF-8`,
		`Content-Transfer-Encoding: ${useBase64 ? 'base64' : 'quoted-printable'}`,
		'',
		useBase64 ? base64Lines(bytes) : qp,
	].join(CRLF);
}

function attachmentPart(attachment: MimeAttachment, index: number): string {
	const field = `attachment ${index + 1} filename`;
	const filename = attachment.filename || `attachment-${index + 1}`;
	assertHeaderSafe(field, filename);
	const contentType = (attachment.contentType || 'application/octet-stream').trim();
	assertHeaderSafe(`attachment ${index + 1} content type`, contentType);
	if (!/^[A-Za-z0-9!#$&^_.+-]+\/[A-Za-z0-9!#$&^_.+-]+$/.test(contentType.split(';')[0].trim()))
		throw new MimeError('invalidAttachment', `attachment ${index + 1} content type`, `The content type "${contentType}" of attachment ${index + 1} is not a MIME type`);
	const mediaType = contentType.split(';')[0].trim().toLowerCase();
	// name= in the Content-Type for old clients: RFC 2047 words (quoted) when not ASCII, as most mailers do.
	const legacyName = isAscii(filename) && filename.length <= 60 ? parameter('name', filename) : [`name="${encodedWords(filename).join(CRLF + ' ')}"`];
	const lines = [
		headerWithParams('Content-Type', mediaType, legacyName),
		'Content-Transfer-Encoding: base64',
		headerWithParams('Content-Disposition', attachment.contentId ? 'inline' : 'attachment', parameter('filename', filename)),
	];
	if (attachment.contentId) {
		assertHeaderSafe(`attachment ${index + 1} content id`, attachment.contentId);
		lines.push(`Content-ID: <${attachment.contentId.replace(/^<|>$/g, '')}>`);
	}
	return [...lines, '', base64Lines(attachment.content)].join(CRLF);
}

function boundary(): string {
	// "=_" never occurs in quoted-printable or base64 output, so the boundary cannot collide with content.
	return `=_gc_${randomBytes(12).toString('hex')}`;
}

function multipart(subtype: 'alternative' | 'mixed', parts: string[]): string {
	const b = boundary();
	return [`Content-Type: multipart/${subtype};${CRLF} boundary="${b}"`, '', ...parts.map((p) => `--${b}${CRLF}${p}`), `--${b}--`, ''].join(CRLF);
}

// ------------------------------------------------------------------------------------------------
// Date, Message-ID

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** RFC 5322 date-time in UTC, e.g. "Thu, 26 Nov 2026 02:30:37 +0000". */
export function rfc5322Date(date: Date): string {
	const p = (n: number) => String(n).padStart(2, '0');
	return `${DAYS[date.getUTCDay()]}, ${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()} ${p(date.getUTCHours())}:${p(date.getUTCMinutes())}:${p(date.getUTCSeconds())} +0000`;
}

/** A new Message-ID at the sender's domain: `<random.time@domain>`. */
export function newMessageId(fromEmail: string, date = new Date()): string {
	const domain = fromEmail.split('@').pop() || 'localhost';
	return `<${randomBytes(12).toString('hex')}.${date.getTime().toString(36)}@${domain}>`;
}

function angleId(field: string, id: string): string {
	assertHeaderSafe(field, id);
	const trimmed = id.trim();
	const wrapped = trimmed.startsWith('<') ? trimmed : `<${trimmed}>`;
	if (!/^<[^<>\s]+@[^<>\s]+>$/.test(wrapped)) throw new MimeError('invalidHeader', field, `The ${field} "${id}" is not a message id (<left@right>)`);
	return wrapped;
}


// ------------------------------------------------------------------------------------------------
// The message

function header(name: string, value: string): string {
	return `${name}: ${value}`;
}

const RESERVED_HEADERS = new Set([
	'from', 'to', 'cc', 'bcc', 'reply-to', 'subject', 'date', 'message-id', 'in-reply-to', 'references',
	'mime-version', 'content-type', 'content-transfer-encoding', 'content-disposition',
]);

/** Builds the message. Throws MimeError (naming the field) before anything could be sent. */
export function buildMimeMessage(input: MimeInput): BuiltMime {
	const fromList = normalizeAddresses('From address', input.from);
	if (fromList.length !== 1) throw new MimeError('invalidAddress', 'From address', 'Exactly one From address is needed');
	const from = fromList[0];
	const to = normalizeAddresses('To address', input.to);
	const cc = normalizeAddresses('Cc address', input.cc);
	const bcc = normalizeAddresses('Bcc address', input.bcc);
	const replyTo = normalizeAddresses('Reply-To address', input.replyTo);
	if (to.length + cc.length + bcc.length === 0) throw new MimeError('noRecipient', 'To address', 'The message has no recipient: set To, Cc or Bcc');

	const subject = input.subject ?? '';
	assertHeaderSafe('subject', subject);
	const date = input.date ?? new Date();
	const messageId = input.messageId ? angleId('Message-ID', input.messageId) : newMessageId(from.email, date);

	const lines: string[] = [];
	lines.push(header('From', formatAddressHeader('From', [from])));
	if (to.length) lines.push(header('To', formatAddressHeader('To', to)));
	if (cc.length) lines.push(header('Cc', formatAddressHeader('Cc', cc)));
	if (bcc.length) lines.push(header('Bcc', formatAddressHeader('Bcc', bcc)));
	if (replyTo.length) lines.push(header('Reply-To', formatAddressHeader('Reply-To', replyTo)));
	lines.push(header('Subject', unstructured('Subject', subject)));
	lines.push(header('Date', rfc5322Date(date)));
	lines.push(header('Message-ID', messageId));
	if (input.inReplyTo) lines.push(header('In-Reply-To', angleId('In-Reply-To', input.inReplyTo)));
	if (input.references?.length) {
		const ids = input.references.map((r) => angleId('References', r));
		lines.push(header('References', foldTokens('References'.length + 2, ids)));
	}
	for (const [name, value] of Object.entries(input.headers ?? {})) {
		if (!/^[\x21-\x39\x3b-\x7e]+$/.test(name)) throw new MimeError('invalidHeader', `header "${name}"`, `"${name}" is not a valid header name`);
		if (RESERVED_HEADERS.has(name.toLowerCase()))
			throw new MimeError('invalidHeader', `header "${name}"`, `The header "${name}" is set by the message itself; use its own field`);
		assertHeaderSafe(`header "${name}"`, String(value));
		lines.push(header(name, unstructured(name, String(value))));
	}
	lines.push('MIME-Version: 1.0');

	const text = input.text ?? '';
	const html = input.html ?? '';
	let body: string;
	if (text && html) body = multipart('alternative', [textPart('plain', text), textPart('html', html)]);
	else if (html) body = textPart('html', html);
	else body = textPart('plain', text);

	const attachments = input.attachments ?? [];
	if (attachments.length) body = multipart('mixed', [body, ...attachments.map(attachmentPart)]);

	// body starts with its own Content-Type header lines, then a blank line and the content
	const raw = Buffer.from(lines.join(CRLF) + CRLF + body + (body.endsWith(CRLF) ? '' : CRLF), 'utf8');
	const max = input.maxBytes ?? GMAIL_MAX_RAW_BYTES;
	if (raw.length > max)
		throw new MimeError(
			'tooLarge',
			'attachments',
			`The message is ${(raw.length / 1048576).toFixed(1)} MB once encoded, over Gmail's limit of ${(max / 1048576).toFixed(0)} MB; attachments grow by a third in base64`,
		);
	return { raw, messageId, size: raw.length, from, to, cc, bcc, subject };
}
