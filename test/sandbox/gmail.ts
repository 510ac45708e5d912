// Gmail API v1 as the sandbox serves it: a mailbox per user (profile, labels, send-as aliases,
// messages and threads by Gmail's threading rules, history records with expiry, quota by method cost).
// Served on gmail.googleapis.com and on www.googleapis.com (n8n's built-in Gmail nodes use that host).
//
// API for tests and other sandbox modules:
//   gmail.insertMessage({ to, from, subject, text, labelIds, threadId?, inReplyTo?, references?, raw? })
//   gmail.addParsedMessage({ headers, payload?, raw?, labelIds, threadId? })  (e.g. messages/send after MIME parsing)
//   gmail.bulkInsert(20_000, { labelIds: [['INBOX'], ['INBOX', 'Label_1']] })  (no raw kept: memory-light)
//   gmail.modifyLabels(id, add, remove), gmail.deleteMessage(id), gmail.expireHistory()
//   gmail.trash(id), gmail.markSpam(id), gmail.poison(id, 500) (messages.get of it always fails)
//   gmail.drafts.create({...}), gmail.drafts.send(id, { recordsAs: 'newMessage' | 'labelChange' })
//   Batch parts get the same injected faults (server.faults) and quota 429s as single calls.
//   gmail.historyRetentionMs = 60_000 (ids issued longer ago than that expire, with their records: → 404)
//   gmail.quota.unitsPerSecond = 250 (per-user ceiling; quota.byMethod / quota.total() count units)
//   gmail.historyListeners: called after each history record (users.watch notifications: gmailWatch.ts)
import { randomBytes } from 'node:crypto';
import { GoogleSandbox, SandboxError, googleError, type SandboxRequest, type SandboxResponse } from './server';
import type { OAuthState } from './oauth';
import { QuotaMeter } from './quota';
import { GmailDrafts } from './gmailDrafts';

export const GMAIL_READ_SCOPES = [
	'https://www.googleapis.com/auth/gmail.readonly',
	'https://www.googleapis.com/auth/gmail.modify',
	'https://mail.google.com/',
];
export const GMAIL_LABEL_SCOPES = [...GMAIL_READ_SCOPES, 'https://www.googleapis.com/auth/gmail.labels'];
const GMAIL_METADATA_SCOPE = 'https://www.googleapis.com/auth/gmail.metadata';
const GMAIL_MODIFY_SCOPES = ['https://www.googleapis.com/auth/gmail.modify', 'https://mail.google.com/'];

/** Quota units per call (google-facts.md). */
export const GMAIL_COST: Record<string, number> = {
	'profile': 1,
	'labels.list': 1,
	'sendAs.list': 1,
	'history.list': 2,
	'messages.get': 5,
	'messages.list': 5,
	'messages.modify': 5,
	'messages.delete': 10,
	'attachments.get': 5,
	'threads.get': 10,
	'threads.list': 10,
	'messages.send': 100,
	'drafts.create': 10,
	'drafts.delete': 10,
	'drafts.get': 5,
	'drafts.list': 5,
	'drafts.send': 100,
	'watch': 100,
	'stop': 50,
};

export interface GmailLabel {
	id: string;
	name: string;
	type: 'system' | 'user';
	messageListVisibility?: string;
	labelListVisibility?: string;
}

export interface GmailHeader {
	name: string;
	value: string;
}

/** A Gmail MessagePart as the API returns it (body.data base64url). */
export interface GmailPart {
	partId: string;
	mimeType: string;
	filename: string;
	headers: GmailHeader[];
	body: { size: number; data?: string; attachmentId?: string };
	parts?: GmailPart[];
}

/** One stored message. Bulk messages keep only their fields; raw and payload are built on demand. */
export interface SandboxMessage {
	id: string;
	threadId: string;
	labelIds: string[];
	internalDate: number;
	historyId: number;
	headers: GmailHeader[];
	snippet: string;
	text?: string;
	html?: string;
	/** The RFC 822 bytes when the message came in raw (sent mail); otherwise built from the fields. */
	raw?: string;
	/** A payload given by the caller (e.g. the send route after MIME parsing). */
	payload?: GmailPart;
	sizeEstimate: number;
}

export type HistoryKind = 'messageAdded' | 'messageDeleted' | 'labelAdded' | 'labelRemoved';

export interface HistoryRecord {
	id: number;
	at: number;
	kind: HistoryKind;
	messageId: string;
	threadId: string;
	/** The message's labels after the change. */
	labelIds: string[];
	/** For labelAdded / labelRemoved: the labels that changed. */
	changed?: string[];
}

export interface Mailbox {
	email: string;
	historyId: number;
	labels: GmailLabel[];
	sendAs: { sendAsEmail: string; displayName: string; replyToAddress?: string; isPrimary?: boolean; isDefault?: boolean; verificationStatus?: string }[];
	messagesTotal: number;
	threadsTotal: number;
	messages: Map<string, SandboxMessage>;
	threads: Map<string, string[]>;
	/** RFC 822 Message-ID → Gmail message id. */
	byRfcId: Map<string, string>;
	history: HistoryRecord[];
	/** Start ids below this one expired (their records were dropped): they give 404. */
	expiredThroughId: number;
	/** When the current history id was issued (its record, or the move to a fresh id after an expiry). */
	historyIdAt: number;
	/** Messages sorted newest first (rebuilt lazily after inserts). */
	sorted?: SandboxMessage[];
	nextId: number;
}

export interface InsertMessageOptions {
	/** Mailbox owner (default: the sandbox's consenting user). */
	account?: string;
	from?: string;
	to?: string | string[];
	cc?: string | string[];
	subject?: string;
	text?: string;
	html?: string;
	labelIds?: string[];
	threadId?: string;
	/** The RFC 822 Message-ID (with or without angle brackets); generated when absent. */
	messageIdHeader?: string;
	inReplyTo?: string;
	references?: string;
	/** ms since epoch (default now). */
	internalDate?: number;
	/** A whole RFC 822 message: headers and payload are parsed from it, the other fields ignored. */
	raw?: string | Buffer;
}

export interface ParsedMessageInput {
	account?: string;
	headers: GmailHeader[];
	labelIds: string[];
	threadId?: string;
	internalDate?: number;
	payload?: GmailPart;
	raw?: string;
	text?: string;
	html?: string;
	snippet?: string;
	sizeEstimate?: number;
}

export interface BulkInsertOptions {
	account?: string;
	/** Label sets assigned round-robin (default [['INBOX', 'UNREAD']]). */
	labelIds?: string[][];
	/** Senders assigned round-robin (default sender{i}@example.test). */
	from?: string[];
	to?: string;
	/** Internal date of the first message (default now - n * spacingMs) and the spacing (default 1 ms). */
	startDate?: number;
	spacingMs?: number;
	subjectPrefix?: string;
}

const SYSTEM_LABELS = ['INBOX', 'SENT', 'DRAFT', 'SPAM', 'TRASH', 'UNREAD', 'STARRED', 'IMPORTANT', 'CATEGORY_PERSONAL', 'CATEGORY_SOCIAL', 'CATEGORY_PROMOTIONS', 'CATEGORY_UPDATES', 'CATEGORY_FORUMS'];

const b64url = (s: string | Buffer) => Buffer.from(s).toString('base64url');

/** Subject without any number of leading Re:/Fwd:/Fw: prefixes, lower-cased and trimmed. */
export function normalizeSubject(subject: string): string {
	let s = subject.trim();
	for (;;) {
		const next = s.replace(/^(re|fwd?|aw|wg)\s*:\s*/i, '');
		if (next === s) break;
		s = next;
	}
	return s.replace(/\s+/g, ' ').toLowerCase();
}

function headerValue(headers: GmailHeader[], name: string): string | undefined {
	const n = name.toLowerCase();
	return headers.find((h) => h.name.toLowerCase() === n)?.value;
}

function encodeWord(value: string): string {
	// eslint-disable-next-line no-control-regex
	return /^[\x20-\x7e]*$/.test(value) ? value : `=?UTF-8?B?${Buffer.from(value, 'utf8').toString('base64')}?=`;
}

function decodeWords(value: string): string {
	return value.replace(/=\?([^?]+)\?([bqBQ])\?([^?]*)\?=/g, (_m, _cs: string, enc: string, data: string) => {
		if (enc.toUpperCase() === 'B') return Buffer.from(data, 'base64').toString('utf8');
		return Buffer.from(data.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (_x, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8');
	});
}

function angle(id: string): string {
	const t = id.trim();
	return t.startsWith('<') ? t : `<${t}>`;
}

/** Splits an RFC 822 header block into unfolded headers (values with encoded words decoded). */
export function parseHeaderBlock(block: string): GmailHeader[] {
	const headers: GmailHeader[] = [];
	for (const line of block.split(/\r?\n/)) {
		if (/^[ \t]/.test(line) && headers.length) headers[headers.length - 1].value += ' ' + line.trim();
		else {
			const i = line.indexOf(':');
			if (i > 0) headers.push({ name: line.slice(0, i).trim(), value: line.slice(i + 1).trim() });
		}
	}
	for (const h of headers) h.value = decodeWords(h.value);
	return headers;
}

function decodeBody(body: string, encoding: string | undefined): Buffer {
	const enc = (encoding ?? '').toLowerCase();
	if (enc === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64');
	if (enc === 'quoted-printable') {
		const soft = body.replace(/=\r?\n/g, '');
		const bytes: number[] = [];
		for (let i = 0; i < soft.length; i++) {
			if (soft[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(soft.slice(i + 1, i + 3))) {
				bytes.push(parseInt(soft.slice(i + 1, i + 3), 16));
				i += 2;
			} else bytes.push(...Buffer.from(soft[i], 'latin1'));
		}
		return Buffer.from(bytes);
	}
	return Buffer.from(body, 'utf8');
}

/** A simple MIME reader: enough to build Gmail's payload tree for sandbox messages. */
export function parseMimePart(source: string, partId = ''): GmailPart {
	const split = source.search(/\r?\n\r?\n/);
	const headerBlock = split < 0 ? source : source.slice(0, split);
	const body = split < 0 ? '' : source.slice(split).replace(/^\r?\n\r?\n/, '');
	const headers = parseHeaderBlock(headerBlock);
	const contentType = headerValue(headers, 'content-type') ?? 'text/plain';
	const mimeType = contentType.split(';')[0].trim().toLowerCase();
	const filenameMatch = /filename\*?="?([^";]+)"?/i.exec(headerValue(headers, 'content-disposition') ?? '') ?? /name="?([^";]+)"?/i.exec(contentType);
	const part: GmailPart = { partId, mimeType, filename: filenameMatch ? decodeWords(filenameMatch[1]) : '', headers, body: { size: 0 } };
	const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
	if (mimeType.startsWith('multipart/') && boundary) {
		const chunks = body.split(new RegExp(`\\r?\\n?--${boundary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?:--)?[ \\t]*\\r?\\n?`));
		const inner = chunks.slice(1).filter((c) => c.trim().length > 0);
		part.parts = inner.map((c, i) => parseMimePart(c, partId === '' ? String(i) : `${partId}.${i}`));
	} else {
		const bytes = decodeBody(body, headerValue(headers, 'content-transfer-encoding'));
		part.body = { size: bytes.length, data: bytes.toString('base64url') };
		if (part.filename) part.body.attachmentId = `att-${partId || '0'}`;
	}
	return part;
}

function partText(part: GmailPart, mime: string): string | undefined {
	if (part.mimeType === mime && !part.filename && part.body.data) return Buffer.from(part.body.data, 'base64url').toString('utf8');
	for (const p of part.parts ?? []) {
		const t = partText(p, mime);
		if (t !== undefined) return t;
	}
	return undefined;
}

function makeSnippet(text: string | undefined, html: string | undefined): string {
	const plain = text ?? (html ?? '').replace(/<[^>]*>/g, ' ');
	return plain.replace(/\s+/g, ' ').trim().slice(0, 200);
}

function list(v: string | string[] | undefined): string[] {
	if (v === undefined) return [];
	return (Array.isArray(v) ? v : [v]).flatMap((x) => x.split(',')).map((x) => x.trim()).filter(Boolean);
}

/** The address part of `Name <a@b>` or `a@b`, lower-cased. */
function addressOf(value: string): string {
	const m = /<([^>]+)>/.exec(value);
	return (m ? m[1] : value).trim().toLowerCase();
}

function pageOf<T>(items: T[], req: SandboxRequest, defaultSize: number, maxSize: number) {
	const size = Math.min(Math.max(Number(req.query.get('maxResults') ?? defaultSize) || defaultSize, 1), maxSize);
	const token = req.query.get('pageToken');
	const offset = token ? Number(Buffer.from(token, 'base64url').toString('utf8').replace(/^o:/, '')) : 0;
	if (!Number.isFinite(offset) || offset < 0) throw googleError(400, 'Invalid pageToken', 'invalidArgument');
	const page = items.slice(offset, offset + size);
	const nextPageToken = offset + size < items.length ? b64url(`o:${offset + size}`) : undefined;
	return { page, nextPageToken };
}

export class GmailState {
	readonly mailboxes = new Map<string, Mailbox>();
	/** Per-user quota: units per second ceiling (0 = unlimited), and totals per method. */
	readonly quota = new QuotaMeter();
	/** History records older than this (ms) are dropped when history is read; 0 keeps them all. */
	historyRetentionMs = 0;
	/** users.drafts (create, list, get, send, delete). */
	readonly drafts: GmailDrafts;
	/** Called after every history record (Gmail push notifications hang here: gmailWatch.ts). */
	readonly historyListeners: ((box: Mailbox, rec: HistoryRecord) => void)[] = [];

	constructor(readonly oauth: OAuthState) {
		this.drafts = new GmailDrafts(this);
	}

	private defaultAccount(): string {
		return this.oauth.defaultUser.email;
	}

	mailbox(email: string = this.defaultAccount()): Mailbox {
		let box = this.mailboxes.get(email);
		if (!box) {
			const user = this.oauth.users.get(email);
			box = {
				email,
				historyId: 1000,
				labels: SYSTEM_LABELS.map((id) => ({ id, name: id, type: 'system' as const })),
				sendAs: [{ sendAsEmail: email, displayName: user?.name ?? '', isPrimary: true, isDefault: true, verificationStatus: 'accepted' }],
				messagesTotal: 0,
				threadsTotal: 0,
				messages: new Map(),
				threads: new Map(),
				byRfcId: new Map(),
				history: [],
				expiredThroughId: 0,
				historyIdAt: Date.now(),
				nextId: 0x18c2a4b000000,
			};
			this.mailboxes.set(email, box);
		}
		return box;
	}

	addLabel(email: string, name: string): GmailLabel {
		const box = this.mailbox(email);
		const label: GmailLabel = { id: `Label_${box.labels.length + 1}`, name, type: 'user', messageListVisibility: 'show', labelListVisibility: 'labelShow' };
		box.labels.push(label);
		return label;
	}

	/** The label with this name (created when absent) in the default or given mailbox. */
	label(name: string, account?: string): GmailLabel {
		const box = this.mailbox(account);
		return box.labels.find((l) => l.name === name) ?? this.addLabel(box.email, name);
	}

	private newId(box: Mailbox): string {
		box.nextId += 1 + Math.floor(Math.random() * 3);
		return box.nextId.toString(16).padStart(16, '0');
	}

	private record(box: Mailbox, kind: HistoryKind, msg: SandboxMessage, changed?: string[], at = Date.now()): HistoryRecord {
		box.historyId += 1;
		box.historyIdAt = at;
		const rec: HistoryRecord = { id: box.historyId, at, kind, messageId: msg.id, threadId: msg.threadId, labelIds: msg.labelIds, changed };
		box.history.push(rec);
		msg.historyId = rec.id;
		for (const listener of this.historyListeners) listener(box, rec);
		return rec;
	}

	/** Stores a message whose headers are already known (applies Gmail's threading rules). */
	addParsedMessage(input: ParsedMessageInput): SandboxMessage {
		const box = this.mailbox(input.account);
		const id = this.newId(box);
		const headers = [...input.headers];
		let rfcId = headerValue(headers, 'message-id');
		if (!rfcId) {
			rfcId = `<${id}.${randomBytes(4).toString('hex')}@mail.sandbox.gmail.test>`;
			headers.push({ name: 'Message-ID', value: rfcId });
		}
		// Threading: threadId given AND In-Reply-To/References name a message of that thread AND the
		// subject matches modulo Re:/Fwd:. Otherwise a new thread (whose id is its first message's id).
		let threadId = id;
		if (input.threadId && box.threads.has(input.threadId)) {
			const members = box.threads.get(input.threadId)!;
			const named = [...list(headerValue(headers, 'in-reply-to')), ...(headerValue(headers, 'references') ?? '').split(/\s+/)]
				.map((r) => r.trim())
				.filter(Boolean)
				.map(angle);
			const refersToThread = named.some((r) => {
				const mid = box.byRfcId.get(r);
				return mid !== undefined && box.messages.get(mid)?.threadId === input.threadId;
			});
			const first = box.messages.get(members[0]);
			const subjectMatches = first !== undefined && normalizeSubject(headerValue(first.headers, 'subject') ?? '') === normalizeSubject(headerValue(headers, 'subject') ?? '');
			if (refersToThread && subjectMatches) threadId = input.threadId;
		}
		const text = input.text ?? (input.payload ? partText(input.payload, 'text/plain') : undefined);
		const html = input.html ?? (input.payload ? partText(input.payload, 'text/html') : undefined);
		const msg: SandboxMessage = {
			id,
			threadId,
			labelIds: [...new Set(input.labelIds)],
			internalDate: input.internalDate ?? Date.now(),
			historyId: 0,
			headers,
			snippet: input.snippet ?? makeSnippet(text, html),
			text: input.payload ? undefined : text,
			html: input.payload ? undefined : html,
			raw: input.raw,
			payload: input.payload,
			sizeEstimate: input.sizeEstimate ?? (input.raw?.length ?? 400 + (text?.length ?? 0) + (html?.length ?? 0)),
		};
		box.messages.set(id, msg);
		box.byRfcId.set(angle(rfcId), id);
		if (threadId === id) {
			box.threads.set(id, [id]);
			box.threadsTotal++;
		} else box.threads.get(threadId)!.push(id);
		box.messagesTotal++;
		box.sorted = undefined;
		this.record(box, 'messageAdded', msg);
		return msg;
	}

	/** Puts a message in a mailbox as if it had arrived (or been sent, with labelIds ['SENT']). */
	insertMessage(opts: InsertMessageOptions): SandboxMessage {
		if (opts.raw !== undefined) {
			const raw = Buffer.isBuffer(opts.raw) ? opts.raw.toString('utf8') : opts.raw;
			const payload = parseMimePart(raw);
			return this.addParsedMessage({
				account: opts.account,
				headers: payload.headers,
				payload,
				raw,
				labelIds: opts.labelIds ?? ['INBOX', 'UNREAD'],
				threadId: opts.threadId,
				internalDate: opts.internalDate,
				sizeEstimate: raw.length,
			});
		}
		const account = opts.account ?? this.defaultAccount();
		const date = opts.internalDate ?? Date.now();
		const headers: GmailHeader[] = [
			{ name: 'From', value: opts.from ?? 'someone@example.test' },
			{ name: 'To', value: list(opts.to).join(', ') || account },
		];
		if (opts.cc !== undefined) headers.push({ name: 'Cc', value: list(opts.cc).join(', ') });
		headers.push({ name: 'Subject', value: opts.subject ?? '' });
		headers.push({ name: 'Date', value: new Date(date).toUTCString().replace('GMT', '+0000') });
		if (opts.messageIdHeader) headers.push({ name: 'Message-ID', value: angle(opts.messageIdHeader) });
		if (opts.inReplyTo) headers.push({ name: 'In-Reply-To', value: angle(opts.inReplyTo) });
		if (opts.references) headers.push({ name: 'References', value: opts.references });
		headers.push({ name: 'MIME-Version', value: '1.0' });
		return this.addParsedMessage({
			account,
			headers,
			labelIds: opts.labelIds ?? ['INBOX', 'UNREAD'],
			threadId: opts.threadId,
			internalDate: date,
			text: opts.text ?? (opts.html === undefined ? '' : undefined),
			html: opts.html,
		});
	}

	/** Inserts `n` plain messages cheaply (no raw kept, no threading lookups): a big backlog. */
	bulkInsert(n: number, opts: BulkInsertOptions = {}): SandboxMessage[] {
		const box = this.mailbox(opts.account);
		const sets = opts.labelIds?.length ? opts.labelIds : [['INBOX', 'UNREAD']];
		const senders = opts.from?.length ? opts.from : undefined;
		const spacing = opts.spacingMs ?? 1;
		const start = opts.startDate ?? Date.now() - n * spacing;
		const out: SandboxMessage[] = [];
		for (let i = 0; i < n; i++) {
			const id = this.newId(box);
			const from = senders ? senders[i % senders.length] : `Sender ${i} <sender${i}@example.test>`;
			const subject = `${opts.subjectPrefix ?? 'Backlog message'} ${i}`;
			const msg: SandboxMessage = {
				id,
				threadId: id,
				labelIds: sets[i % sets.length],
				internalDate: start + i * spacing,
				historyId: 0,
				headers: [
					{ name: 'From', value: from },
					{ name: 'To', value: opts.to ?? box.email },
					{ name: 'Subject', value: subject },
					{ name: 'Message-ID', value: `<${id}@mail.sandbox.gmail.test>` },
				],
				snippet: `Body of ${subject}`,
				text: `Body of ${subject}`,
				sizeEstimate: 600,
			};
			box.messages.set(id, msg);
			box.threads.set(id, [id]);
			box.messagesTotal++;
			box.threadsTotal++;
			this.record(box, 'messageAdded', msg);
			out.push(msg);
		}
		box.sorted = undefined;
		return out;
	}

	modifyLabels(id: string, add: string[] = [], remove: string[] = [], account?: string): SandboxMessage {
		const box = this.mailbox(account);
		const msg = box.messages.get(id);
		if (!msg) throw googleError(404, 'Requested entity was not found.', 'notFound');
		const added = add.filter((l) => !msg.labelIds.includes(l));
		const removed = remove.filter((l) => msg.labelIds.includes(l));
		// Replace (never mutate) the array so earlier history records keep their snapshot.
		msg.labelIds = [...msg.labelIds.filter((l) => !removed.includes(l)), ...added];
		if (added.length) this.record(box, 'labelAdded', msg, added);
		if (removed.length) this.record(box, 'labelRemoved', msg, removed);
		return msg;
	}

	/** `account:id` of messages whose messages.get always fails with this status (single call or batch part). */
	readonly poisoned = new Map<string, number>();

	/** Makes every messages.get of this message fail with `status` (500: Gmail's backend error). */
	poison(id: string, status = 500, account?: string): void {
		this.poisoned.set(`${this.mailbox(account).email}:${id}`, status);
	}

	/** messages.trash: the TRASH label is added (one labelAdded record). */
	trash(id: string, account?: string): SandboxMessage {
		return this.modifyLabels(id, ['TRASH'], [], account);
	}

	/** "Report spam": SPAM added, INBOX removed (as Gmail's web client does). */
	markSpam(id: string, account?: string): SandboxMessage {
		return this.modifyLabels(id, ['SPAM'], ['INBOX'], account);
	}

	deleteMessage(id: string, account?: string): void {
		const box = this.mailbox(account);
		const msg = box.messages.get(id);
		if (!msg) throw googleError(404, 'Requested entity was not found.', 'notFound');
		box.messages.delete(id);
		const members = box.threads.get(msg.threadId)?.filter((m) => m !== id) ?? [];
		if (members.length) box.threads.set(msg.threadId, members);
		else {
			box.threads.delete(msg.threadId);
			box.threadsTotal--;
		}
		box.messagesTotal--;
		box.sorted = undefined;
		this.record(box, 'messageDeleted', msg);
	}

	/**
	 * Expires history ids as Google does (ids live about a week, sometimes only hours): every id issued
	 * before the cutoff (all of them, or those older than `olderThanMs`) then gives 404 as a start id,
	 * whether or not records came after it, so a quiet mailbox's cursor expires too. The records up to the
	 * cutoff are dropped. When the current id itself expired, the mailbox moves to a fresh id (Gmail's ids
	 * are not contiguous), which the profile then returns.
	 */
	expireHistory(opts: { account?: string; olderThanMs?: number } = {}): void {
		const box = this.mailbox(opts.account);
		const cutoff = opts.olderThanMs === undefined ? Infinity : Date.now() - opts.olderThanMs;
		let drop = 0;
		while (drop < box.history.length && box.history[drop].at <= cutoff) drop++;
		if (drop === box.history.length && box.historyIdAt <= cutoff) {
			box.expiredThroughId = box.historyId + 1;
			box.historyId += 1 + Math.floor(Math.random() * 3);
			box.historyIdAt = Date.now();
		} else if (drop > 0) box.expiredThroughId = box.history[drop - 1].id + 1;
		box.history.splice(0, drop);
	}

	/** Messages newest first (by internalDate, as Gmail lists them). */
	sortedMessages(box: Mailbox): SandboxMessage[] {
		if (!box.sorted) box.sorted = [...box.messages.values()].sort((a, b) => b.internalDate - a.internalDate || (a.id < b.id ? 1 : -1));
		return box.sorted;
	}

	/** Authorises a Gmail call, resolves the mailbox and charges its quota (throws Google's errors). */
	begin(req: SandboxRequest, method: string, scopes: string[]): Mailbox {
		const token = this.oauth.authorize(req, scopes);
		const userId = req.params.userId ?? 'me';
		if (userId !== 'me' && userId !== token.user.email)
			throw googleError(403, 'Delegation denied for ' + token.user.email, 'forbidden');
		const verdict = this.quota.charge(token.user.email, method, GMAIL_COST[method] ?? 1);
		if (verdict === 'rate')
			throw googleError(429, 'User-rate limit exceeded.  Retry after ' + new Date(Date.now() + 1000).toISOString(), 'rateLimitExceeded', { domain: 'usageLimits', headers: { 'retry-after': '1' } });
		if (verdict === 'daily') throw googleError(403, 'Daily Limit Exceeded', 'dailyLimitExceeded', { domain: 'usageLimits' });
		return this.mailbox(token.user.email);
	}

	/** Builds the RFC 822 text of a message that did not come in raw. */
	rawOf(msg: SandboxMessage): string {
		if (msg.raw !== undefined) return msg.raw;
		const head = msg.headers.map((h) => `${h.name}: ${h.name.toLowerCase() === 'subject' || h.name.toLowerCase() === 'from' ? encodeWord(h.value) : h.value}`);
		const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64').replace(/(.{76})/g, '$1\r\n');
		if (msg.html !== undefined && msg.text !== undefined) {
			const boundary = `b_${msg.id}`;
			return [
				...head,
				`Content-Type: multipart/alternative; boundary="${boundary}"`,
				'',
				`--${boundary}`,
				'Content-Type: text/plain; charset=UTF-8',
				'Content-Transfer-Encoding: base64',
				'',
				b64(msg.text),
				`--${boundary}`,
				'Content-Type: text/html; charset=UTF-8',
				'Content-Transfer-Encoding: base64',
				'',
				b64(msg.html),
				`--${boundary}--`,
				'',
			].join('\r\n');
		}
		const isHtml = msg.html !== undefined;
		return [...head, `Content-Type: text/${isHtml ? 'html' : 'plain'}; charset=UTF-8`, 'Content-Transfer-Encoding: base64', '', b64((isHtml ? msg.html : msg.text) ?? ''), ''].join('\r\n');
	}

	payloadOf(msg: SandboxMessage): GmailPart {
		return msg.payload ?? parseMimePart(this.rawOf(msg));
	}

	/** A message resource in the given format. */
	render(msg: SandboxMessage, format: string, metadataHeaders: string[] = []): Record<string, unknown> {
		const base: Record<string, unknown> = {
			id: msg.id,
			threadId: msg.threadId,
			labelIds: msg.labelIds,
			snippet: msg.snippet,
			sizeEstimate: msg.sizeEstimate,
			historyId: String(msg.historyId),
			internalDate: String(msg.internalDate),
		};
		if (format === 'minimal') return base;
		if (format === 'raw') return { ...base, raw: b64url(this.rawOf(msg)) };
		if (format === 'metadata') {
			const wanted = metadataHeaders.map((h) => h.toLowerCase());
			const topType = msg.html !== undefined && msg.text !== undefined ? 'multipart/alternative' : msg.html !== undefined ? 'text/html' : (msg.payload?.mimeType ?? 'text/plain');
			const headers = wanted.length ? msg.headers.filter((h) => wanted.includes(h.name.toLowerCase())) : msg.headers;
			return { ...base, payload: { mimeType: topType, headers } };
		}
		return { ...base, payload: this.payloadOf(msg) };
	}

	/** messages.list / threads.list query subset: after:, before:, newer_than:, older_than:, in:, label:, from:, to:, subject:, is:. */
	matcher(box: Mailbox, q: string, labelIds: string[], includeSpamTrash: boolean): (m: SandboxMessage) => boolean {
		const tests: Array<(m: SandboxMessage) => boolean> = [];
		const labelByName = (name: string) => {
			const n = name.toLowerCase();
			return box.labels.find((l) => l.id.toLowerCase() === n || l.name.toLowerCase() === n || l.name.toLowerCase().replace(/[\s/]+/g, '-') === n)?.id ?? `__none_${n}`;
		};
		const unit = { d: 86_400_000, h: 3_600_000, m: 60_000, y: 365 * 86_400_000 } as Record<string, number>;
		let explicitSpamTrash = includeSpamTrash || labelIds.some((l) => l === 'SPAM' || l === 'TRASH');
		for (const token of q.match(/(?:[^\s"]+|"[^"]*")+/g) ?? []) {
			const m = /^(-?)(\w+):(.*)$/.exec(token);
			if (!m) {
				const word = token.replace(/"/g, '').toLowerCase();
				tests.push((msg) => msg.snippet.toLowerCase().includes(word) || (headerValue(msg.headers, 'subject') ?? '').toLowerCase().includes(word));
				continue;
			}
			const [, neg, op, rawValue] = m;
			const value = rawValue.replace(/"/g, '');
			let t: (msg: SandboxMessage) => boolean;
			switch (op.toLowerCase()) {
				case 'after': {
					const at = /^\d+$/.test(value) ? Number(value) * 1000 : Date.parse(value.replace(/\//g, '-'));
					t = (msg) => msg.internalDate >= at;
					break;
				}
				case 'before': {
					const at = /^\d+$/.test(value) ? Number(value) * 1000 : Date.parse(value.replace(/\//g, '-'));
					t = (msg) => msg.internalDate < at;
					break;
				}
				case 'newer_than':
				case 'older_than': {
					const mm = /^(\d+)([dhmy])$/i.exec(value);
					if (!mm) throw googleError(400, `Invalid query: ${token}`, 'invalidArgument');
					const at = Date.now() - Number(mm[1]) * unit[mm[2].toLowerCase()];
					t = op.toLowerCase() === 'newer_than' ? (msg) => msg.internalDate >= at : (msg) => msg.internalDate < at;
					break;
				}
				case 'in':
				case 'label': {
					if (value.toLowerCase() === 'anywhere') {
						explicitSpamTrash = true;
						continue;
					}
					const id = labelByName(value);
					if (id === 'SPAM' || id === 'TRASH') explicitSpamTrash = true;
					t = (msg) => msg.labelIds.includes(id);
					break;
				}
				case 'is': {
					const id = { unread: 'UNREAD', starred: 'STARRED', important: 'IMPORTANT' }[value.toLowerCase()] ?? `__none_${value}`;
					t = (msg) => msg.labelIds.includes(id);
					break;
				}
				case 'from':
				case 'to':
				case 'subject': {
					const v = value.toLowerCase();
					const field = op.toLowerCase();
					t = (msg) => (headerValue(msg.headers, field) ?? '').toLowerCase().includes(v);
					break;
				}
				default:
					throw googleError(400, `The sandbox does not support the query operator "${op}:"`, 'invalidArgument');
			}
			tests.push(neg ? (msg) => !t(msg) : t);
		}
		for (const l of labelIds) tests.push((msg) => msg.labelIds.includes(l));
		if (!explicitSpamTrash) tests.push((msg) => !msg.labelIds.includes('SPAM') && !msg.labelIds.includes('TRASH'));
		return (msg) => tests.every((t) => t(msg));
	}

	private listQuery(box: Mailbox, req: SandboxRequest) {
		return this.matcher(box, req.query.get('q') ?? '', req.query.getAll('labelIds').flatMap((l) => l.split(',')), req.query.get('includeSpamTrash') === 'true');
	}

	private historyList(box: Mailbox, req: SandboxRequest) {
		const startRaw = req.query.get('startHistoryId');
		if (!startRaw || !/^\d+$/.test(startRaw)) throw googleError(400, 'Invalid startHistoryId', 'invalidArgument');
		const start = Number(startRaw);
		if (this.historyRetentionMs > 0) this.expireHistory({ account: box.email, olderThanMs: this.historyRetentionMs });
		if (start < box.expiredThroughId) throw googleError(404, 'Requested entity was not found.', 'notFound');
		const types = req.query.getAll('historyTypes').flatMap((t) => t.split(','));
		const labelId = req.query.get('labelId');
		// Records are sorted by id: binary search the first one after start.
		let lo = 0;
		let hi = box.history.length;
		while (lo < hi) {
			const mid = (lo + hi) >> 1;
			if (box.history[mid].id <= start) lo = mid + 1;
			else hi = mid;
		}
		const size = Math.min(Math.max(Number(req.query.get('maxResults') ?? 100) || 100, 1), 500);
		const token = req.query.get('pageToken');
		if (token) {
			const after = Number(Buffer.from(token, 'base64url').toString('utf8').replace(/^h:/, ''));
			while (lo < box.history.length && box.history[lo].id <= after) lo++;
		}
		const out: Record<string, unknown>[] = [];
		let i = lo;
		for (; i < box.history.length && out.length < size; i++) {
			const r = box.history[i];
			if (types.length && !types.includes(r.kind)) continue;
			if (labelId && !(r.changed ?? r.labelIds).includes(labelId) && !(r.kind === 'messageAdded' && r.labelIds.includes(labelId))) continue;
			const message = { id: r.messageId, threadId: r.threadId, labelIds: r.labelIds };
			const ref = { id: r.messageId, threadId: r.threadId };
			const rec: Record<string, unknown> = { id: String(r.id), messages: [ref] };
			if (r.kind === 'messageAdded') rec.messagesAdded = [{ message }];
			else if (r.kind === 'messageDeleted') rec.messagesDeleted = [{ message: ref }];
			else if (r.kind === 'labelAdded') rec.labelsAdded = [{ message, labelIds: r.changed }];
			else rec.labelsRemoved = [{ message, labelIds: r.changed }];
			out.push(rec);
		}
		const more = i < box.history.length;
		const body: Record<string, unknown> = { historyId: String(box.historyId) };
		if (out.length) body.history = out;
		if (more) body.nextPageToken = b64url(`h:${box.history[i - 1].id}`);
		return body;
	}

	register(sandbox: GoogleSandbox): void {
		const hosts = /^(gmail\.googleapis\.com|www\.googleapis\.com)$/;
		const base = '^/gmail/v1/users/(?<userId>[^/]+)';
		const readScopes = [...GMAIL_READ_SCOPES, GMAIL_METADATA_SCOPE];
		sandbox.route('GET', hosts, new RegExp(`${base}/profile$`), (req) => {
			const box = this.begin(req, 'profile', [...GMAIL_READ_SCOPES, 'https://www.googleapis.com/auth/gmail.compose', GMAIL_METADATA_SCOPE]);
			return {
				status: 200,
				body: { emailAddress: box.email, messagesTotal: box.messagesTotal, threadsTotal: box.threadsTotal, historyId: String(box.historyId) },
			};
		});
		sandbox.route('GET', hosts, new RegExp(`${base}/labels$`), (req) => {
			const box = this.begin(req, 'labels.list', [...GMAIL_LABEL_SCOPES, GMAIL_METADATA_SCOPE]);
			return { status: 200, body: { labels: box.labels } };
		});
		sandbox.route('GET', hosts, new RegExp(`${base}/settings/sendAs$`), (req) => {
			const box = this.begin(req, 'sendAs.list', [...GMAIL_READ_SCOPES, 'https://www.googleapis.com/auth/gmail.settings.basic']);
			return { status: 200, body: { sendAs: box.sendAs } };
		});
		sandbox.route('GET', hosts, new RegExp(`${base}/messages$`), (req) => {
			const box = this.begin(req, 'messages.list', readScopes);
			const matches = this.sortedMessages(box).filter(this.listQuery(box, req));
			const { page, nextPageToken } = pageOf(matches, req, 100, 500);
			const body: Record<string, unknown> = { resultSizeEstimate: matches.length };
			if (page.length) body.messages = page.map((m) => ({ id: m.id, threadId: m.threadId }));
			if (nextPageToken) body.nextPageToken = nextPageToken;
			return { status: 200, body };
		});
		sandbox.route('GET', hosts, new RegExp(`${base}/messages/(?<id>[^/]+)$`), (req) => {
			const box = this.begin(req, 'messages.get', readScopes);
			const msg = box.messages.get(req.params.id);
			if (!msg) throw googleError(404, 'Requested entity was not found.', 'notFound');
			const poison = this.poisoned.get(`${box.email}:${msg.id}`);
			if (poison !== undefined) throw googleError(poison, poison >= 500 ? 'Internal error encountered.' : 'Precondition check failed.', poison >= 500 ? 'backendError' : 'failedPrecondition');
			const format = req.query.get('format') ?? 'full';
			if (!['minimal', 'metadata', 'full', 'raw'].includes(format)) throw googleError(400, `Invalid format: ${format}`, 'invalidArgument');
			return { status: 200, body: this.render(msg, format, req.query.getAll('metadataHeaders').flatMap((h) => h.split(','))) };
		});
		sandbox.route('POST', hosts, new RegExp(`${base}/messages/(?<id>[^/]+)/modify$`), (req) => {
			const box = this.begin(req, 'messages.modify', GMAIL_MODIFY_SCOPES);
			const body = req.json<{ addLabelIds?: string[]; removeLabelIds?: string[] }>() ?? {};
			const msg = this.modifyLabels(req.params.id, body.addLabelIds, body.removeLabelIds, box.email);
			return { status: 200, body: { id: msg.id, threadId: msg.threadId, labelIds: msg.labelIds } };
		});
		for (const action of ['trash', 'untrash'] as const) {
			sandbox.route('POST', hosts, new RegExp(`${base}/messages/(?<id>[^/]+)/${action}$`), (req) => {
				const box = this.begin(req, 'messages.modify', GMAIL_MODIFY_SCOPES);
				const msg = action === 'trash' ? this.trash(req.params.id, box.email) : this.modifyLabels(req.params.id, [], ['TRASH'], box.email);
				return { status: 200, body: { id: msg.id, threadId: msg.threadId, labelIds: msg.labelIds } };
			});
		}
		sandbox.route('DELETE', hosts, new RegExp(`${base}/messages/(?<id>[^/]+)$`), (req) => {
			const box = this.begin(req, 'messages.delete', ['https://mail.google.com/']);
			this.deleteMessage(req.params.id, box.email);
			return { status: 204 };
		});
		sandbox.route('GET', hosts, new RegExp(`${base}/threads$`), (req) => {
			const box = this.begin(req, 'threads.list', readScopes);
			const test = this.listQuery(box, req);
			const seen = new Set<string>();
			const threads: Record<string, unknown>[] = [];
			for (const m of this.sortedMessages(box)) {
				if (seen.has(m.threadId) || !test(m)) continue;
				seen.add(m.threadId);
				const members = box.threads.get(m.threadId) ?? [];
				const last = box.messages.get(members[members.length - 1]) ?? m;
				threads.push({ id: m.threadId, snippet: last.snippet, historyId: String(last.historyId) });
			}
			const { page, nextPageToken } = pageOf(threads, req, 100, 500);
			const body: Record<string, unknown> = { resultSizeEstimate: threads.length };
			if (page.length) body.threads = page;
			if (nextPageToken) body.nextPageToken = nextPageToken;
			return { status: 200, body };
		});
		sandbox.route('GET', hosts, new RegExp(`${base}/threads/(?<id>[^/]+)$`), (req) => {
			const box = this.begin(req, 'threads.get', readScopes);
			const members = box.threads.get(req.params.id);
			if (!members) throw googleError(404, 'Requested entity was not found.', 'notFound');
			const format = req.query.get('format') ?? 'full';
			if (!['minimal', 'metadata', 'full'].includes(format)) throw googleError(400, `Invalid format: ${format}`, 'invalidArgument');
			const headers = req.query.getAll('metadataHeaders').flatMap((h) => h.split(','));
			const messages = members.map((id) => box.messages.get(id)!).map((m) => this.render(m, format, headers));
			const historyId = Math.max(...members.map((id) => box.messages.get(id)!.historyId));
			return { status: 200, body: { id: req.params.id, historyId: String(historyId), messages } };
		});
		this.drafts.register(sandbox, hosts, base);
		sandbox.route('GET', hosts, new RegExp(`${base}/history$`), (req) => {
			const box = this.begin(req, 'history.list', readScopes);
			return { status: 200, body: this.historyList(box, req) };
		});
		// Batch: multipart/mixed of application/http parts (≤ 100), each dispatched to the routes above
		// with the outer request's Authorization; each part costs its own quota.
		sandbox.route('POST', hosts, /^\/batch\/gmail\/v1$/, async (req) => await this.batch(sandbox, req));
	}

	/** Requests seen inside batches (method + path), for tests. */
	readonly batchParts: { method: string; path: string; status: number }[] = [];
	recordBatchParts = true;

	/** Runs one batch part through the routes above (not the batch route itself). */
	private async dispatchPart(sandbox: GoogleSandbox, sub: SandboxRequest): Promise<SandboxResponse> {
		for (const route of sandbox.routes) {
			const methods = Array.isArray(route.method) ? route.method : [route.method];
			if (!methods.includes(sub.method) || !(route.host instanceof RegExp ? route.host.test(sub.host) : route.host === sub.host)) continue;
			const m = route.path.exec(sub.path);
			if (!m || route.path.source.includes('batch')) continue;
			sub.params = { ...(m.groups ?? {}) };
			try {
				return await route.handler(sub);
			} catch (error) {
				return error instanceof SandboxError ? { status: error.status, headers: error.headers, body: error.body } : { status: 500, body: googleError(500, String(error), 'backendError').body };
			}
		}
		return { status: 404, body: googleError(404, `No route for ${sub.method} ${sub.path}`, 'notFound').body };
	}

	private async batch(sandbox: GoogleSandbox, req: SandboxRequest): Promise<SandboxResponse> {
		const contentType = String(req.headers['content-type'] ?? '');
		const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
		if (!/^multipart\/mixed/i.test(contentType) || !boundary) throw googleError(400, 'Batch requests must be multipart/mixed with a boundary', 'invalidArgument');
		const chunks = req.text().split(`--${boundary}`).slice(1).filter((c) => !c.startsWith('--'));
		if (chunks.length > 100) throw googleError(400, 'Too many requests in the batch (max 100)', 'invalidArgument');
		const out: string[] = [];
		const responseBoundary = `batch_${randomBytes(6).toString('hex')}`;
		for (const chunk of chunks) {
			const text = chunk.replace(/^\r?\n/, '');
			const split = text.search(/\r?\n\r?\n/);
			const partHeaders = parseHeaderBlock(text.slice(0, split));
			const inner = text.slice(split).replace(/^\r?\n\r?\n/, '');
			const contentId = headerValue(partHeaders, 'content-id') ?? '';
			const [requestLine, ...rest] = inner.split(/\r?\n/);
			const [method, target] = requestLine.trim().split(/\s+/);
			const url = new URL(target ?? '/', 'https://gmail.googleapis.com');
			const innerHeaders: Record<string, string | string[] | undefined> = { ...req.headers };
			for (const h of parseHeaderBlock(rest.join('\n').split(/\n\s*\n/)[0] ?? '')) innerHeaders[h.name.toLowerCase()] = h.value;
			const sub: SandboxRequest = {
				...req,
				method: method ?? 'GET',
				host: 'gmail.googleapis.com',
				path: url.pathname,
				query: url.searchParams,
				headers: innerHeaders,
				rawBody: Buffer.alloc(0),
				params: {},
				annotations: {},
				text: () => '',
				json: (() => null) as SandboxRequest['json'],
			};
			// A part meets the same injected faults and latency as the same call sent alone.
			const fault = sandbox.pickFault(sub);
			if (fault?.latencyMs) await new Promise((r) => setTimeout(r, fault.latencyMs));
			let response: SandboxResponse;
			if (fault && fault.when !== 'after') response = sandbox.faultResponse(fault);
			else {
				response = await this.dispatchPart(sandbox, sub);
				if (fault) response = sandbox.faultResponse(fault);
			}
			if (this.recordBatchParts) this.batchParts.push({ method: sub.method, path: sub.path, status: response.status });
			const body = response.body === undefined ? '' : JSON.stringify(response.body);
			out.push(
				[
					`--${responseBoundary}`,
					'Content-Type: application/http',
					`Content-ID: <response-${contentId.replace(/^<|>$/g, '')}>`,
					'',
					`HTTP/1.1 ${response.status} ${response.status < 300 ? 'OK' : 'Error'}`,
					'Content-Type: application/json; charset=UTF-8',
					...Object.entries(response.headers ?? {}).map(([k, v]) => `${k}: ${v}`),
					'',
					body,
				].join('\r\n'),
			);
		}
		return { status: 200, headers: { 'content-type': `multipart/mixed; boundary=${responseBoundary}` }, body: out.join('\r\n') + `\r\n--${responseBoundary}--\r\n` };
	}
}
