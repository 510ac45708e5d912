// Gmail API v1 as the sandbox serves it: a mailbox per user (profile, labels, send-as aliases).
// Served on gmail.googleapis.com and on www.googleapis.com (n8n's built-in Gmail nodes use that host).
import { GoogleSandbox, googleError, type SandboxRequest } from './server';
import type { OAuthState } from './oauth';
import { QuotaMeter } from './quota';

export const GMAIL_READ_SCOPES = [
	'https://www.googleapis.com/auth/gmail.readonly',
	'https://www.googleapis.com/auth/gmail.modify',
	'https://mail.google.com/',
];
export const GMAIL_LABEL_SCOPES = [...GMAIL_READ_SCOPES, 'https://www.googleapis.com/auth/gmail.labels'];

/** Quota units per call (google-facts.md). */
export const GMAIL_COST: Record<string, number> = {
	'profile': 1,
	'labels.list': 1,
	'sendAs.list': 1,
	'history.list': 2,
	'messages.get': 5,
	'messages.list': 5,
	'messages.modify': 5,
	'attachments.get': 5,
	'threads.get': 10,
	'threads.list': 10,
	'messages.send': 100,
};

export interface GmailLabel {
	id: string;
	name: string;
	type: 'system' | 'user';
	messageListVisibility?: string;
	labelListVisibility?: string;
}

export interface Mailbox {
	email: string;
	historyId: number;
	labels: GmailLabel[];
	sendAs: { sendAsEmail: string; displayName: string; replyToAddress?: string; isPrimary?: boolean; isDefault?: boolean; verificationStatus?: string }[];
	messagesTotal: number;
	threadsTotal: number;
}

const SYSTEM_LABELS = ['INBOX', 'SENT', 'DRAFT', 'SPAM', 'TRASH', 'UNREAD', 'STARRED', 'IMPORTANT', 'CATEGORY_PERSONAL', 'CATEGORY_SOCIAL', 'CATEGORY_PROMOTIONS', 'CATEGORY_UPDATES', 'CATEGORY_FORUMS'];

export class GmailState {
	readonly mailboxes = new Map<string, Mailbox>();
	/** Per-user quota: units per second ceiling (0 = unlimited), and totals per method. */
	readonly quota = new QuotaMeter();

	constructor(readonly oauth: OAuthState) {}

	mailbox(email: string): Mailbox {
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

	register(sandbox: GoogleSandbox): void {
		const hosts = /^(gmail\.googleapis\.com|www\.googleapis\.com)$/;
		const base = '^/gmail/v1/users/(?<userId>[^/]+)';
		sandbox.route('GET', hosts, new RegExp(`${base}/profile$`), (req) => {
			const box = this.begin(req, 'profile', [...GMAIL_READ_SCOPES, 'https://www.googleapis.com/auth/gmail.compose', 'https://www.googleapis.com/auth/gmail.metadata']);
			return {
				status: 200,
				body: { emailAddress: box.email, messagesTotal: box.messagesTotal, threadsTotal: box.threadsTotal, historyId: String(box.historyId) },
			};
		});
		sandbox.route('GET', hosts, new RegExp(`${base}/labels$`), (req) => {
			const box = this.begin(req, 'labels.list', [...GMAIL_LABEL_SCOPES, 'https://www.googleapis.com/auth/gmail.metadata']);
			return { status: 200, body: { labels: box.labels } };
		});
		sandbox.route('GET', hosts, new RegExp(`${base}/settings/sendAs$`), (req) => {
			const box = this.begin(req, 'sendAs.list', [...GMAIL_READ_SCOPES, 'https://www.googleapis.com/auth/gmail.settings.basic']);
			return { status: 200, body: { sendAs: box.sendAs } };
		});
	}
}
