// Gmail message (metadata or full format) → the CRM activity of the README's contract. Pure: no n8n imports.

export interface EmailAddress {
	name: string;
	email: string;
}

export interface GmailHeaderLike {
	name?: string | null;
	value?: string | null;
}

export interface GmailPartLike {
	mimeType?: string | null;
	filename?: string | null;
	headers?: GmailHeaderLike[] | null;
	body?: { data?: string | null; size?: number | null } | null;
	parts?: GmailPartLike[] | null;
}

/** The fields of a Gmail message resource the sync reads (gmail_v1.Schema$Message compatible). */
export interface GmailMessageLike {
	id?: string | null;
	threadId?: string | null;
	labelIds?: string[] | null;
	snippet?: string | null;
	internalDate?: string | null;
	historyId?: string | null;
	payload?: GmailPartLike | null;
}

export type Direction = 'inbound' | 'outbound';
export type DirectionFilter = Direction | 'both';

export interface CrmEmailActivity {
	type: 'email';
	direction: Direction;
	account: string;
	messageId: string;
	threadId: string;
	rfc822MessageId: string;
	subject: string;
	snippet: string;
	from: EmailAddress;
	to: EmailAddress[];
	cc: EmailAddress[];
	participants: string[];
	matchedContacts: string[];
	labels: string[];
	occurredAt: string;
	isNewThread: boolean;
	text?: string;
	html?: string;
}

/** Headers the sync asks for with format=metadata. */
export const SYNC_METADATA_HEADERS = ['From', 'To', 'Cc', 'Subject', 'Message-ID', 'Date'];

function decodeEncodedWords(value: string): string {
	return value.replace(/=\?([^?]+)\?([bqBQ])\?([^?]*)\?=/g, (_m, _charset: string, enc: string, data: string) => {
		if (enc.toUpperCase() === 'B') return Buffer.from(data, 'base64').toString('utf8');
		const bytes = data.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (_x, h: string) => String.fromCharCode(parseInt(h, 16)));
		return Buffer.from(bytes, 'latin1').toString('utf8');
	});
}

/** Splits an address-list header (RFC 5322) into names and addresses; commas inside quotes or <> are kept. */
export function parseAddressList(value: string | undefined | null): EmailAddress[] {
	if (!value) return [];
	const parts: string[] = [];
	let current = '';
	let quoted = false;
	let angle = 0;
	for (let i = 0; i < value.length; i++) {
		const c = value[i];
		if (c === '\\' && quoted) {
			current += c + (value[i + 1] ?? '');
			i++;
			continue;
		}
		if (c === '"') quoted = !quoted;
		else if (!quoted && c === '<') angle++;
		else if (!quoted && c === '>') angle = Math.max(0, angle - 1);
		if ((c === ',' || c === ';') && !quoted && angle === 0) {
			parts.push(current);
			current = '';
		} else current += c;
	}
	parts.push(current);
	const out: EmailAddress[] = [];
	for (const raw of parts) {
		const part = raw.trim();
		if (!part) continue;
		const m = /^(.*)<([^>]*)>\s*$/.exec(part);
		if (m) {
			const name = decodeEncodedWords(m[1].trim().replace(/^"(.*)"$/, '$1').replace(/\\(.)/g, '$1')).trim();
			const email = m[2].trim().toLowerCase();
			if (email) out.push({ name, email });
		} else if (part.includes('@')) {
			out.push({ name: '', email: part.replace(/\(.*\)/g, '').trim().toLowerCase() });
		}
	}
	return out;
}

/**
 * Contact matching: a list of addresses (`ann@client.com`) or domains (`client.com`, `@client.com`,
 * subdomains included), separated by commas, semicolons, spaces or new lines. Empty list = no matching.
 */
export function parseContactList(value: string | string[] | undefined | null): string[] {
	if (value === undefined || value === null) return [];
	const items = Array.isArray(value) ? value : String(value).split(/[\s,;]+/);
	return [...new Set(items.map((s) => String(s).trim().toLowerCase().replace(/^@/, '')).filter(Boolean))];
}

export function contactMatches(email: string, contacts: string[]): boolean {
	const e = email.toLowerCase();
	const domain = e.split('@')[1] ?? '';
	return contacts.some((c) => (c.includes('@') ? c === e : domain === c || domain.endsWith(`.${c}`)));
}

function header(headers: GmailHeaderLike[], name: string): string {
	const n = name.toLowerCase();
	return headers.find((h) => (h.name ?? '').toLowerCase() === n)?.value ?? '';
}

function findBody(part: GmailPartLike | null | undefined, mime: string): string | undefined {
	if (!part) return undefined;
	if ((part.mimeType ?? '').toLowerCase() === mime && !part.filename && part.body?.data)
		return Buffer.from(part.body.data, 'base64url').toString('utf8');
	for (const p of part.parts ?? []) {
		const found = findBody(p, mime);
		if (found !== undefined) return found;
	}
	return undefined;
}

export interface ActivityOptions {
	/** The connected mailbox address. */
	account: string;
	/** The account's own addresses (primary and send-as aliases), lower-case; the account is always included. */
	ownAddresses?: string[];
	/** Label id → name. */
	labelNames?: Record<string, string>;
	/** Addresses/domains; when non-empty only mail with a matching participant is an activity. */
	contacts?: string[];
	direction?: DirectionFilter;
	/** Decode text/html bodies (message fetched with format=full). */
	includeBodies?: boolean;
}

/** Whether the account sent this message: SENT label, or From is one of the account's addresses. */
export function directionOf(message: GmailMessageLike, own: Set<string>): Direction {
	if ((message.labelIds ?? []).includes('SENT')) return 'outbound';
	const from = parseAddressList(header(message.payload?.headers ?? [], 'From'))[0];
	return from && own.has(from.email) ? 'outbound' : 'inbound';
}

/**
 * The activity for a message, or null when it is filtered out by direction or contact matching.
 * `isNewThread`: the first message of its thread (Gmail gives a thread the id of its first message).
 */
export function toActivity(message: GmailMessageLike, opts: ActivityOptions): CrmEmailActivity | null {
	const own = new Set([opts.account, ...(opts.ownAddresses ?? [])].map((a) => a.toLowerCase()));
	const headers = message.payload?.headers ?? [];
	const direction = directionOf(message, own);
	if (opts.direction && opts.direction !== 'both' && opts.direction !== direction) return null;
	const from = parseAddressList(header(headers, 'From'))[0] ?? { name: '', email: '' };
	const to = parseAddressList(header(headers, 'To'));
	const cc = parseAddressList(header(headers, 'Cc'));
	const participants = [...new Set([from, ...to, ...cc].map((a) => a.email).filter(Boolean))];
	const contacts = opts.contacts ?? [];
	const others = participants.filter((p) => !own.has(p));
	const matchedContacts = contacts.length ? others.filter((p) => contactMatches(p, contacts)) : [];
	if (contacts.length && matchedContacts.length === 0) return null;
	const id = message.id ?? '';
	const threadId = message.threadId ?? id;
	const internal = Number(message.internalDate ?? NaN);
	const dateHeader = Date.parse(header(headers, 'Date'));
	const occurredAt = new Date(Number.isFinite(internal) ? internal : Number.isFinite(dateHeader) ? dateHeader : 0).toISOString();
	const activity: CrmEmailActivity = {
		type: 'email',
		direction,
		account: opts.account,
		messageId: id,
		threadId,
		rfc822MessageId: header(headers, 'Message-ID') || header(headers, 'Message-Id'),
		subject: header(headers, 'Subject'),
		snippet: message.snippet ?? '',
		from,
		to,
		cc,
		participants,
		matchedContacts,
		labels: (message.labelIds ?? []).map((l) => opts.labelNames?.[l] ?? l),
		occurredAt,
		isNewThread: id !== '' && id === threadId,
	};
	if (opts.includeBodies) {
		const text = findBody(message.payload, 'text/plain');
		const html = findBody(message.payload, 'text/html');
		if (text !== undefined) activity.text = text;
		if (html !== undefined) activity.html = html;
	}
	return activity;
}
