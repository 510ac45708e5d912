// Gmail message (metadata or full format) → the CRM activity of the README's contract. Pure: no n8n imports.
import { decodeBodies, headerValue } from './messageBody';
import { parseAddressList, type MailAddress } from './mime/addresses';
import type { GmailHeader, GmailMessage } from './types';

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
	from: MailAddress;
	to: MailAddress[];
	cc: MailAddress[];
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

/** The addresses of an address-list header, emails lower-cased (participants are compared as such). */
function addresses(headers: GmailHeader[], name: string): MailAddress[] {
	return parseAddressList(headerValue(headers, name)).map((a) => ({ name: a.name, email: a.email.toLowerCase() }));
}

function header(headers: GmailHeader[], name: string): string {
	return headerValue(headers, name) ?? '';
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
export function directionOf(message: GmailMessage, own: Set<string>): Direction {
	if ((message.labelIds ?? []).includes('SENT')) return 'outbound';
	const from = addresses(message.payload?.headers ?? [], 'From')[0];
	return from && own.has(from.email) ? 'outbound' : 'inbound';
}

/**
 * The activity for a message, or null when it is filtered out by direction or contact matching.
 * `isNewThread`: the first message of its thread (Gmail gives a thread the id of its first message).
 */
export function toActivity(message: GmailMessage, opts: ActivityOptions): CrmEmailActivity | null {
	const own = new Set([opts.account, ...(opts.ownAddresses ?? [])].map((a) => a.toLowerCase()));
	const headers = message.payload?.headers ?? [];
	const direction = directionOf(message, own);
	if (opts.direction && opts.direction !== 'both' && opts.direction !== direction) return null;
	const from = addresses(headers, 'From')[0] ?? { name: '', email: '' };
	const to = addresses(headers, 'To');
	const cc = addresses(headers, 'Cc');
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
		const { text, html } = decodeBodies(message.payload);
		if (text !== undefined) activity.text = text;
		if (html !== undefined) activity.html = html;
	}
	return activity;
}
