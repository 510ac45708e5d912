// Gmail messages.send as the sandbox serves it, on gmail.googleapis.com and www.googleapis.com:
//   POST /gmail/v1/users/{userId}/messages/send                         {raw: base64url, threadId?}
//   POST /upload/gmail/v1/users/{userId}/messages/send?uploadType=media      (message/rfc822 body)
//   POST /upload/gmail/v1/users/{userId}/messages/send?uploadType=multipart  (multipart/related: JSON + message/rfc822)
// The raw MIME is parsed with mailparser (a real parser) and the result recorded on the request
// (`annotations.parsed`, a ParsedMail; `annotations.sent` = {id, threadId, from}); the 35 MB limit is
// enforced; a send scope is required; 100 quota units are charged; the message is stored in the
// sender's mailbox as SENT by Gmail's threading rules (GmailState.addParsedMessage), and a copy is
// delivered to every recipient who is a sandbox user, threaded on their side by References/In-Reply-To
// and subject (what the recipient's Gmail does), without the Bcc header.
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import { googleError, type GoogleSandbox, type SandboxRequest } from './server';
import type { GmailState, SandboxMessage } from './gmail';

export const GMAIL_SEND_SCOPES = [
	'https://www.googleapis.com/auth/gmail.send',
	'https://www.googleapis.com/auth/gmail.compose',
	'https://www.googleapis.com/auth/gmail.modify',
	'https://mail.google.com/',
];

/** google-facts.md: 35 MB for the raw message (36,700,160 bytes). */
export const GMAIL_SEND_MAX_BYTES = 36_700_160;

export interface SentRecord {
	account: string;
	id: string;
	threadId: string;
	raw: Buffer;
	parsed: ParsedMail;
	/** Copies put in recipients' sandbox mailboxes. */
	deliveries: { account: string; id: string; threadId: string }[];
	via: 'json' | 'media' | 'multipart';
}

function addressesOf(a: AddressObject | AddressObject[] | undefined): string[] {
	type Entry = AddressObject['value'][number];
	const flat = (entries: Entry[]): Entry[] => entries.flatMap((e) => (e.group ? flat(e.group) : [e]));
	return flat((Array.isArray(a) ? a : a ? [a] : []).flatMap((o) => o.value))
		.map((v) => (v.address ?? '').toLowerCase())
		.filter(Boolean);
}

/** Splits a multipart/related upload body into its parts (headers + body). */
function relatedParts(body: Buffer, contentType: string): { type: string; body: Buffer }[] {
	const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
	if (!boundary) throw googleError(400, 'Multipart upload without a boundary', 'badContent');
	const text = body.toString('latin1');
	const delimiter = `--${boundary}`;
	const out: { type: string; body: Buffer }[] = [];
	for (const chunk of text.split(delimiter).slice(1)) {
		if (chunk.startsWith('--')) break;
		const part = chunk.replace(/^\r?\n/, '').replace(/\r?\n$/, '');
		const split = part.search(/\r?\n\r?\n/);
		const head = split < 0 ? part : part.slice(0, split);
		const content = split < 0 ? '' : part.slice(split).replace(/^\r?\n\r?\n/, '');
		out.push({ type: (/content-type:\s*([^;\r\n]+)/i.exec(head)?.[1] ?? '').trim().toLowerCase(), body: Buffer.from(content, 'latin1') });
	}
	return out;
}

export class GmailSendState {
	readonly sent: SentRecord[] = [];

	constructor(readonly gmail: GmailState) {}

	/** Everything sent from `account` (default: every account). */
	sentBy(account?: string): SentRecord[] {
		return account ? this.sent.filter((s) => s.account === account) : this.sent;
	}

	private async send(req: SandboxRequest, raw: Buffer, threadId: string | undefined, via: SentRecord['via']) {
		// Authorisation and quota come first (the mailbox is the token's user).
		const box = this.gmail.begin(req, 'messages.send', GMAIL_SEND_SCOPES);
		if (raw.length === 0) throw googleError(400, "'raw' RFC822 payload message string or uploading message via /upload/* URL required", 'invalidArgument');
		if (raw.length > GMAIL_SEND_MAX_BYTES)
			throw googleError(413, `Message too large: ${raw.length} bytes (limit ${GMAIL_SEND_MAX_BYTES})`, 'uploadTooLarge');
		const parsed = await simpleParser(raw);
		req.annotations.parsed = parsed;
		const recipients = [...addressesOf(parsed.to), ...addressesOf(parsed.cc), ...addressesOf(parsed.bcc)];
		if (recipients.length === 0) throw googleError(400, 'Recipient address required', 'invalidArgument');

		// Gmail sends from the account or a verified send-as alias; any other From is replaced by the primary address.
		let rawText = raw.toString('utf8');
		const fromAddress = addressesOf(parsed.from)[0];
		const aliases = box.sendAs.filter((a) => !a.verificationStatus || a.verificationStatus === 'accepted').map((a) => a.sendAsEmail.toLowerCase());
		let from = fromAddress;
		if (!fromAddress || !aliases.includes(fromAddress)) {
			from = box.email;
			req.annotations.fromRewritten = { was: fromAddress ?? null, now: box.email };
			const primary = box.sendAs.find((a) => a.isPrimary);
			const value = primary?.displayName ? `"${primary.displayName}" <${box.email}>` : box.email;
			rawText = /^From:/im.test(rawText) ? rawText.replace(/^From:.*(\r?\n[ \t].*)*/im, `From: ${value}`) : `From: ${value}\r\n${rawText}`;
		}

		const stored = this.gmail.insertMessage({ account: box.email, raw: rawText, labelIds: ['SENT'], threadId });
		const record: SentRecord = { account: box.email, id: stored.id, threadId: stored.threadId, raw, parsed, deliveries: [], via };
		req.annotations.sent = { id: stored.id, threadId: stored.threadId, from };

		// Delivery to sandbox users: recipient-side threading by the references and subject.
		const withoutBcc = rawText.replace(/^Bcc:.*(\r?\n[ \t].*)*\r?\n/im, '');
		for (const rcpt of new Set(recipients)) {
			if (rcpt === box.email || !this.gmail.oauth.users.has(rcpt)) continue;
			const theirs = this.gmail.mailbox(rcpt);
			const refs = [...(parsed.references ? (Array.isArray(parsed.references) ? parsed.references : [parsed.references]) : []), parsed.inReplyTo ?? '']
				.flatMap((r) => r.split(/\s+/))
				.filter(Boolean);
			let theirThread: string | undefined;
			for (const ref of refs.reverse()) {
				const id = theirs.byRfcId.get(ref.startsWith('<') ? ref : `<${ref}>`);
				const msg: SandboxMessage | undefined = id ? theirs.messages.get(id) : undefined;
				if (msg) {
					theirThread = msg.threadId;
					break;
				}
			}
			const copy = this.gmail.insertMessage({ account: rcpt, raw: withoutBcc, labelIds: ['INBOX', 'UNREAD'], threadId: theirThread });
			record.deliveries.push({ account: rcpt, id: copy.id, threadId: copy.threadId });
		}
		this.sent.push(record);
		return { status: 200, body: { id: stored.id, threadId: stored.threadId, labelIds: stored.labelIds } };
	}

	register(sandbox: GoogleSandbox): void {
		const hosts = /^(gmail\.googleapis\.com|www\.googleapis\.com)$/;
		sandbox.route('POST', hosts, /^\/gmail\/v1\/users\/(?<userId>[^/]+)\/messages\/send$/, async (req) => {
			let body: { raw?: string; threadId?: string } | null;
			try {
				body = req.json();
			} catch {
				throw googleError(400, 'Invalid JSON payload received.', 'invalidArgument');
			}
			const encoded = String(body?.raw ?? '');
			if (!/^[A-Za-z0-9_\-+/=\s]*$/.test(encoded)) throw googleError(400, "Invalid value for ByteString: 'raw'", 'invalidArgument');
			return await this.send(req, Buffer.from(encoded.replace(/\s+/g, ''), 'base64url'), body?.threadId || undefined, 'json');
		});
		sandbox.route('POST', hosts, /^\/upload\/gmail\/v1\/users\/(?<userId>[^/]+)\/messages\/send$/, async (req) => {
			const uploadType = req.query.get('uploadType') ?? 'media';
			const contentType = String(req.headers['content-type'] ?? '');
			if (uploadType === 'media') return await this.send(req, req.rawBody, undefined, 'media');
			if (uploadType !== 'multipart') throw googleError(400, `Invalid uploadType: ${uploadType}`, 'invalidArgument');
			const parts = relatedParts(req.rawBody, contentType);
			const meta = parts.find((p) => p.type === 'application/json');
			const message = parts.find((p) => p.type === 'message/rfc822');
			if (!message) throw googleError(400, 'The multipart upload has no message/rfc822 part', 'badContent');
			const metadata = meta ? (JSON.parse(meta.body.toString('utf8') || '{}') as { threadId?: string }) : {};
			return await this.send(req, message.body, metadata.threadId || undefined, 'multipart');
		});
	}
}
