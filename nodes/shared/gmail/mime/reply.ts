// Replies: threading headers (In-Reply-To, References, "Re: " subject) and who a reply goes to.
// Pure: no n8n imports.
import { parseAddressList, type MailAddress } from './addresses';

/** Message ids in a References / In-Reply-To header value, in order. */
export function parseMessageIds(value: string | null | undefined): string[] {
	return (value ?? '').match(/<[^<>\s]+>/g) ?? [];
}

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
