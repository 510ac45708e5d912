// Gmail drafts as the sandbox serves them (users.drafts: create, list, get, send, delete).
// A draft is a message with the DRAFT label only; messages.list returns it like any other message.
// Google's guide (developers.google.com/gmail/api/guides/drafts): "When the draft is sent, the draft is
// automatically deleted and a new message with an updated ID is created with the SENT system label."
// Whether every client (the web UI, IMAP) does it that way is not documented, so `sendRecordsAs` also
// offers the other shape: the same message id gets SENT added, then DRAFT removed (two label records).
//   gmail.drafts.create({ account, to, subject, text, threadId?, inReplyTo?, references? }) → { id, message }
//   gmail.drafts.send(draftId, { recordsAs? }) → the sent message
import { googleError, type GoogleSandbox, type SandboxRequest } from './server';
import type { GmailState, InsertMessageOptions, SandboxMessage } from './gmail';

export type DraftSendRecord = 'newMessage' | 'labelChange';

const COMPOSE_SCOPES = ['https://www.googleapis.com/auth/gmail.compose', 'https://www.googleapis.com/auth/gmail.modify', 'https://mail.google.com/'];
const READ_SCOPES = ['https://www.googleapis.com/auth/gmail.readonly', ...COMPOSE_SCOPES];

export class GmailDrafts {
	/** Draft id → the mailbox and the id of the message it holds. */
	readonly drafts = new Map<string, { account: string; messageId: string }>();
	/** How history shows a sent draft (default: as Google's guide says). */
	sendRecordsAs: DraftSendRecord = 'newMessage';
	private next = 1;

	constructor(private readonly gmail: GmailState) {}

	create(opts: InsertMessageOptions): { id: string; message: SandboxMessage } {
		const account = opts.account ?? this.gmail.oauth.defaultUser.email;
		const message = this.gmail.insertMessage({ ...opts, account, labelIds: ['DRAFT'] });
		const id = `r-${(this.next++).toString().padStart(18, '0')}`;
		this.drafts.set(id, { account, messageId: message.id });
		return { id, message };
	}

	private find(draftId: string, account?: string): { account: string; message: SandboxMessage } {
		const entry = this.drafts.get(draftId);
		const message = entry ? this.gmail.mailbox(entry.account).messages.get(entry.messageId) : undefined;
		if (!entry || !message || (account && entry.account !== account)) throw googleError(404, 'Requested entity was not found.', 'notFound');
		return { account: entry.account, message };
	}

	/** Sends a draft: a new SENT message replacing the draft's (Google's guide), or the same id relabelled. */
	send(draftId: string, opts: { recordsAs?: DraftSendRecord; account?: string } = {}): SandboxMessage {
		const { account, message } = this.find(draftId, opts.account);
		this.drafts.delete(draftId);
		if ((opts.recordsAs ?? this.sendRecordsAs) === 'labelChange') {
			message.internalDate = Date.now();
			this.gmail.modifyLabels(message.id, ['SENT'], [], account);
			return this.gmail.modifyLabels(message.id, [], ['DRAFT'], account);
		}
		this.gmail.deleteMessage(message.id, account);
		return this.gmail.addParsedMessage({
			account,
			headers: message.headers,
			labelIds: ['SENT'],
			threadId: message.threadId === message.id ? undefined : message.threadId,
			payload: message.payload,
			raw: message.raw,
			text: message.text,
			html: message.html,
		});
	}

	private view(id: string, account: string, format: string): Record<string, unknown> {
		const { message } = this.find(id, account);
		return { id, message: format === 'minimal' ? { id: message.id, threadId: message.threadId, labelIds: message.labelIds } : this.gmail.render(message, format) };
	}

	register(sandbox: GoogleSandbox, hosts: RegExp, base: string): void {
		const box = (req: SandboxRequest, method: string, scopes: string[]) => this.gmail.begin(req, method, scopes);
		sandbox.route('POST', hosts, new RegExp(`${base}/drafts$`), (req) => {
			const mailbox = box(req, 'drafts.create', COMPOSE_SCOPES);
			const body = req.json<{ message?: { raw?: string; threadId?: string } }>() ?? {};
			const raw = Buffer.from(String(body.message?.raw ?? ''), 'base64url').toString('utf8');
			if (!raw) throw googleError(400, "'raw' RFC822 payload message string required", 'invalidArgument');
			const draft = this.create({ account: mailbox.email, raw, threadId: body.message?.threadId });
			return { status: 200, body: { id: draft.id, message: { id: draft.message.id, threadId: draft.message.threadId, labelIds: draft.message.labelIds } } };
		});
		sandbox.route('GET', hosts, new RegExp(`${base}/drafts$`), (req) => {
			const mailbox = box(req, 'drafts.list', READ_SCOPES);
			const drafts = [...this.drafts.entries()].filter(([, d]) => d.account === mailbox.email).map(([id, d]) => ({ id, message: { id: d.messageId, threadId: mailbox.messages.get(d.messageId)?.threadId } }));
			return { status: 200, body: drafts.length ? { drafts, resultSizeEstimate: drafts.length } : { resultSizeEstimate: 0 } };
		});
		sandbox.route('GET', hosts, new RegExp(`${base}/drafts/(?<id>[^/]+)$`), (req) => {
			const mailbox = box(req, 'drafts.get', READ_SCOPES);
			return { status: 200, body: this.view(req.params.id, mailbox.email, req.query.get('format') ?? 'full') };
		});
		sandbox.route('POST', hosts, new RegExp(`${base}/drafts/send$`), (req) => {
			const mailbox = box(req, 'drafts.send', COMPOSE_SCOPES);
			const sent = this.send(String(req.json<{ id?: string }>()?.id ?? ''), { account: mailbox.email });
			return { status: 200, body: { id: sent.id, threadId: sent.threadId, labelIds: sent.labelIds } };
		});
		sandbox.route('DELETE', hosts, new RegExp(`${base}/drafts/(?<id>[^/]+)$`), (req) => {
			const mailbox = box(req, 'drafts.delete', COMPOSE_SCOPES);
			const { message } = this.find(req.params.id, mailbox.email);
			this.drafts.delete(req.params.id);
			this.gmail.deleteMessage(message.id, mailbox.email);
			return { status: 204 };
		});
	}
}
