// RFC 5322 / 2045 / 2046 / 2047 / 2231 message composition for Gmail's messages.send, hand-written so
// the package has no runtime dependency (checked against mailparser in test/unit/gmail/mime.test.ts).
// Pure: no n8n imports. Lines end in CRLF; header lines are folded to 78 characters where possible.
import { randomBytes } from 'node:crypto';
import { isValidEmail, parseAddressList, type MailAddress } from './addresses';

/** Gmail's limit for a raw message: 35 MB (google-facts.md: 36,700,160 bytes). */
export const GMAIL_MAX_RAW_BYTES = 35 * 1024 * 1024;

export type MimeErrorCode = 'headerInjection' | 'invalidAddress' | 'noRecipient' | 'invalidHeader' | 'tooLarge' | 'invalidAttachment';

/** A message that cannot be built; `field` names the input at fault. */
export class MimeError extends Error {
	constructor(
		readonly code: MimeErrorCode,
		readonly field: string,
		message: string,
	) {
		super(message);
		this.name = 'MimeError';
	}
}

export type AddressInput = string | MailAddress | Array<string | MailAddress>;

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

const CRLF = '\r\n';
const MAX_LINE = 78;

// ------------------------------------------------------------------------------------------------
// Checks

/** Refuses CR, LF and NUL in a header value: they would let input add headers (header injection). */
export function assertHeaderSafe(field: string, value: string): void {
	if (/[\r\n\0]/.test(value))
		throw new MimeError('headerInjection', field, `The ${field} contains a line break (CR or LF), which could inject mail headers; remove it`);
}

function isAscii(value: string): boolean {
	return /^[\x20-\x7e\t]*$/.test(value);
}

// ------------------------------------------------------------------------------------------------
// RFC 2047 encoded-words

/** Splits text into chunks of at most `maxBytes` UTF-8 bytes, never inside a character. */
function utf8Chunks(text: string, maxBytes: number): string[] {
	const out: string[] = [];
	let current = '';
	let size = 0;
	for (const ch of text) {
		const n = Buffer.byteLength(ch, 'utf8');
		if (size + n > maxBytes && current) {
			out.push(current);
			current = '';
			size = 0;
		}
		current += ch;
		size += n;
	}
	if (current) out.push(current);
	return out;
}

/** `=?UTF-8?B?…?=` words of at most 75 characters each (RFC 2047 §2). */
export function encodedWords(text: string): string[] {
	// 12 characters of "=?UTF-8?B?" + "?="; 39 bytes → 52 base64 characters → 64 in all, so a word
	// fits on a line after a header name ("Subject: ", "Reply-To: ") within 78 characters.
	return utf8Chunks(text, 39).map((chunk) => `=?UTF-8?B?${Buffer.from(chunk, 'utf8').toString('base64')}?=`);
}

/** Joins tokens with single spaces, breaking lines (CRLF + space) so no line passes 78 characters where avoidable. */
function foldTokens(prefixLength: number, tokens: string[], separator = ' '): string {
	let out = '';
	let lineLength = prefixLength;
	tokens.forEach((token, i) => {
		const sep = i === 0 ? '' : separator;
		if (i > 0 && token.length > 0 && lineLength + sep.length + token.length > MAX_LINE) {
			out += sep.trimEnd() + CRLF + ' ' + token;
			lineLength = 1 + token.length;
		} else {
			out += sep + token;
			lineLength += sep.length + token.length;
		}
	});
	return out;
}

/** An unstructured header value (Subject, custom headers): folded ASCII, or encoded-words when needed. */
function unstructured(name: string, value: string): string {
	const prefix = name.length + 2;
	const needsEncoding = !isAscii(value) || /=\?/.test(value) || value.split(/\s+/).some((w) => w.length > 998 - prefix - 2);
	if (needsEncoding) return foldTokens(prefix, encodedWords(value));
	// Fold at whitespace; the whitespace is kept (RFC 5322 §2.2.3: unfolding only removes CRLF).
	const words = value.split(' ');
	return foldTokens(prefix, words);
}

// ------------------------------------------------------------------------------------------------
// Addresses

function normalizeAddresses(field: string, input: AddressInput | undefined): MailAddress[] {
	if (input === undefined || input === null) return [];
	const list = Array.isArray(input) ? input : [input];
	const out: MailAddress[] = [];
	for (const item of list) {
		if (item === undefined || item === null || item === '') continue;
		if (typeof item === 'string') {
			assertHeaderSafe(field, item);
			const parsed = parseAddressList(item);
			if (parsed.length === 0 && item.trim()) throw new MimeError('invalidAddress', field, `The ${field} "${item}" is not an email address`);
			out.push(...parsed);
		} else {
			assertHeaderSafe(`${field} name`, item.name ?? '');
			assertHeaderSafe(field, item.email ?? '');
			out.push({ name: item.name ?? '', email: (item.email ?? '').trim() });
		}
	}
	for (const a of out) {
		if (!isValidEmail(a.email)) throw new MimeError('invalidAddress', field, `The ${field} "${a.email}" is not a valid email address`);
	}
	return out;
}

const ATOM_PHRASE = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~ ]+$/;

/** A display name as an RFC 5322 phrase: atoms, a quoted string, or encoded-words for non-ASCII. */
function phraseTokens(name: string): string[] {
	const trimmed = name.trim().replace(/\s+/g, ' ');
	if (!trimmed) return [];
	if (!isAscii(trimmed) || /=\?/.test(trimmed)) return encodedWords(trimmed);
	if (ATOM_PHRASE.test(trimmed)) return trimmed.split(' ');
	return [`"${trimmed.replace(/(["\\])/g, '\\$1')}"`];
}

function formatAddressHeader(name: string, addresses: MailAddress[]): string {
	// Tokens: each address's phrase words then <email>; addresses separated by ",".
	const tokens: string[] = [];
	addresses.forEach((a, i) => {
		const phrase = phraseTokens(a.name);
		const parts = phrase.length ? [...phrase, `<${a.email}>`] : [a.email];
		if (i < addresses.length - 1) parts[parts.length - 1] += ',';
		tokens.push(...parts);
	});
	return foldTokens(name.length + 2, tokens);
}

// ------------------------------------------------------------------------------------------------
// Bodies

/** Quoted-printable (RFC 2045 §6.7) of UTF-8 text, CRLF line breaks, lines of at most 76 characters. */
export function quotedPrintable(text: string): string {
	const lines = text.replace(/\r\n|\r|\n/g, '\n').split('\n');
	return lines
		.map((line) => {
			const bytes = Buffer.from(line, 'utf8');
			const tokens: string[] = [];
			bytes.forEach((b, i) => {
				const last = i === bytes.length - 1;
				const literal = (b >= 33 && b <= 126 && b !== 61) || ((b === 32 || b === 9) && !last);
				tokens.push(literal ? String.fromCharCode(b) : `=${b.toString(16).toUpperCase().padStart(2, '0')}`);
			});
			// A leading "." is encoded so no transport mistakes the line for SMTP's end of data.
			if (tokens[0] === '.') tokens[0] = '=2E';
			let out = '';
			let length = 0;
			for (const t of tokens) {
				if (length + t.length > 75) {
					out += '=' + CRLF;
					length = 0;
				}
				out += t;
				length += t.length;
			}
			return out;
		})
		.join(CRLF);
}

function base64Lines(data: Buffer): string {
	const b64 = data.toString('base64');
	const lines: string[] = [];
	for (let i = 0; i < b64.length; i += 76) lines.push(b64.slice(i, i + 76));
	return lines.join(CRLF);
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

// ------------------------------------------------------------------------------------------------
// Attachments: parameters (RFC 2045 quoted strings, RFC 2231 extended values)

function rfc2231Encode(value: string): string {
	return Array.from(Buffer.from(value, 'utf8'))
		.map((b) => {
			const c = String.fromCharCode(b);
			return /[A-Za-z0-9!#$&+\-.^_`|~]/.test(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
		})
		.join('');
}

/** `name="value"` or, for non-ASCII or long values, RFC 2231 `name*0*=UTF-8''…` continuations. */
function parameter(name: string, value: string): string[] {
	if (isAscii(value) && value.length <= 60 && !/["\\]/.test(value)) return [`${name}="${value}"`];
	if (isAscii(value) && value.length <= 60) return [`${name}="${value.replace(/(["\\])/g, '\\$1')}"`];
	const encoded = rfc2231Encode(value);
	if (encoded.length <= 60) return [`${name}*=UTF-8''${encoded}`];
	const pieces: string[] = [];
	let rest = encoded;
	while (rest.length) {
		// " filename*0*=UTF-8''" takes up to 20 characters of the 78
		let cut = Math.min(pieces.length === 0 ? 52 : 58, rest.length);
		// never split a %XX escape
		const pct = rest.lastIndexOf('%', cut - 1);
		if (pct > cut - 3 && pct >= 0 && cut < rest.length) cut = pct;
		pieces.push(rest.slice(0, cut));
		rest = rest.slice(cut);
	}
	return pieces.map((p, i) => `${name}*${i}*=${i === 0 ? "UTF-8''" : ''}${p}`);
}

function headerWithParams(name: string, value: string, params: string[]): string {
	let out = `${name}: ${value}`;
	for (const p of params) out += `;${CRLF} ${p}`;
	return out;
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

/** Message ids in a References / In-Reply-To header value, in order. */
export function parseMessageIds(value: string | null | undefined): string[] {
	return (value ?? '').match(/<[^<>\s]+>/g) ?? [];
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

// ------------------------------------------------------------------------------------------------
// Replies

export interface ParentHeaders {
	messageId?: string;
	references?: string;
	subject?: string;
	from?: string;
	to?: string;
	cc?: string;
	replyTo?: string;
}

export interface ReplyHeaders {
	inReplyTo?: string;
	references: string[];
	subject: string;
}

/** Keeps References to a sensible size (RFC 5322 §3.6.4 allows trimming): the first id and the latest ones. */
const MAX_REFERENCES = 20;

/** In-Reply-To = the parent's Message-ID; References = the parent's References + its Message-ID; "Re: " subject. */
export function buildReplyHeaders(parent: ParentHeaders): ReplyHeaders {
	const parentId = parseMessageIds(parent.messageId)[0];
	let references = parseMessageIds(parent.references);
	if (parentId && references[references.length - 1] !== parentId) references.push(parentId);
	references = references.filter((id, i) => references.indexOf(id) === i);
	if (references.length > MAX_REFERENCES) references = [references[0], ...references.slice(-(MAX_REFERENCES - 1))];
	return { inReplyTo: parentId, references, subject: replySubject(parent.subject ?? '') };
}

export function replySubject(subject: string): string {
	const s = subject.trim();
	return /^re\s*:/i.test(s) ? s : `Re: ${s}`.trimEnd();
}

export interface ReplyRecipients {
	to: MailAddress[];
	cc: MailAddress[];
}

/**
 * Who a reply goes to. Reply: the parent's Reply-To, else its From; when the parent was sent by the
 * mailbox itself (a follow-up on one's own mail), its To. Reply all adds the parent's To and Cc.
 * The mailbox's own addresses (`self`: the account and its send-as aliases) are left out.
 */
export function replyRecipients(parent: ParentHeaders, self: string[], replyAll: boolean): ReplyRecipients {
	const mine = new Set(self.map((s) => s.toLowerCase()));
	const isMine = (a: MailAddress) => mine.has(a.email.toLowerCase());
	const from = parseAddressList(parent.from);
	const parentTo = parseAddressList(parent.to);
	const parentCc = parseAddressList(parent.cc);
	const replyTo = parseAddressList(parent.replyTo);
	const sentByMe = from.length > 0 && from.every(isMine);

	let to: MailAddress[] = sentByMe ? parentTo : replyTo.length ? replyTo : from;
	let cc: MailAddress[] = replyAll ? (sentByMe ? parentCc : [...parentTo, ...parentCc]) : [];

	const seen = new Set<string>();
	const keep = (a: MailAddress) => {
		const key = a.email.toLowerCase();
		if (mine.has(key) || seen.has(key)) return false;
		seen.add(key);
		return true;
	};
	to = to.filter(keep);
	cc = cc.filter(keep);
	if (to.length === 0 && cc.length > 0) {
		to = cc;
		cc = [];
	}
	return { to, cc };
}
