// Gmail users.watch / users.stop and the notifications Gmail publishes for a watched mailbox
// (google-facts.md, Gmail "Push"). Served on the Gmail hosts; state lives here, topics in pubsub.ts.
//   POST /gmail/v1/users/me/watch {topicName, labelIds?, labelFilterBehavior?: include|exclude}
//        → {historyId, expiration} (ms epoch as strings; expiration = sandbox now + 7 days); 100 units.
//        400 bad topicName / label / behaviour; 404 topic missing; 403 when gmail-api-push@system.gserviceaccount.com
//        may not publish on the topic (Google's "Error sending test message to Cloud PubSub …").
//        A second watch replaces the first (one per user).
//   POST /gmail/v1/users/me/stop → 204; 50 units.
// For tests (`sandbox.pubsub.watch`):
//   watches (Map email → watch), calls (watch/stop with body and status), notifications (every history
//   change of a watched mailbox and what became of it: published | dropped | filtered | expired |
//   publishFailed | lost), dropped(email) (how many Gmail dropped over its one-per-second limit),
//   minIntervalMs = 1000 (Google: at most one notification per second per user, the rest dropped),
//   dropNext = 0 (drop that many notifications that would have gone out: Gmail losing some),
//   historyIdAs = 'number' (Google's page shows a string; captured payloads show a number: both exist).
import type { GoogleSandbox, SandboxRequest } from './server';
import { googleError } from './server';
import { GMAIL_READ_SCOPES, type GmailState, type HistoryRecord, type Mailbox } from './gmail';
import { GMAIL_PUSH_ACCOUNT, canPublish } from './pubsubResources';
import type { PubSubState } from './pubsub';

export const WATCH_LIFETIME_MS = 7 * 24 * 3600 * 1000;
const WATCH_SCOPES = [...GMAIL_READ_SCOPES, 'https://www.googleapis.com/auth/gmail.metadata'];

export interface GmailWatchState {
	email: string;
	topicName: string;
	labelIds: string[];
	labelFilterBehavior: 'include' | 'exclude';
	historyId: number;
	expiration: number;
	createdAt: number;
}

export interface WatchCall {
	op: 'watch' | 'stop';
	email: string;
	body: unknown;
	status: number;
	at: number;
}

export type NotificationOutcome = 'published' | 'dropped' | 'filtered' | 'expired' | 'publishFailed' | 'lost';

export interface GmailNotification {
	email: string;
	historyId: number;
	kind: HistoryRecord['kind'];
	outcome: NotificationOutcome;
	topicName: string;
	messageId?: string;
	at: number;
}

export class GmailWatch {
	readonly watches = new Map<string, GmailWatchState>();
	readonly calls: WatchCall[] = [];
	readonly notifications: GmailNotification[] = [];
	minIntervalMs = 1000;
	dropNext = 0;
	historyIdAs: 'number' | 'string' = 'number';
	private lastSent = new Map<string, number>();
	private droppedCount = new Map<string, number>();

	constructor(private readonly pubsub: PubSubState, private readonly gmail: GmailState) {
		gmail.historyListeners.push((box, rec) => this.onHistory(box, rec));
	}

	dropped(email = this.gmail.oauth.defaultUser.email): number {
		return this.droppedCount.get(email) ?? 0;
	}

	register(server: GoogleSandbox): void {
		const hosts = /^(gmail\.googleapis\.com|www\.googleapis\.com)$/;
		const base = '^/gmail/v1/users/(?<userId>[^/]+)';
		server.route('POST', hosts, new RegExp(`${base}/watch$`), (req) => this.record(req, 'watch', () => ({ status: 200, body: this.watch(req) })));
		server.route('POST', hosts, new RegExp(`${base}/stop$`), (req) =>
			this.record(req, 'stop', () => {
				const box = this.gmail.begin(req, 'stop', WATCH_SCOPES);
				this.watches.delete(box.email);
				return { status: 204 };
			}),
		);
	}

	private record(req: SandboxRequest, op: 'watch' | 'stop', run: () => { status: number; body?: unknown }) {
		let body: unknown;
		try {
			body = req.rawBody.length ? req.json() : undefined;
		} catch {
			body = req.text();
		}
		const email = this.gmail.oauth.accessTokens.get(req.bearer() ?? '')?.user.email ?? '';
		try {
			const out = run();
			this.calls.push({ op, email, body, status: out.status, at: this.pubsub.now() });
			return out;
		} catch (error) {
			this.calls.push({ op, email, body, status: (error as { status?: number }).status ?? 500, at: this.pubsub.now() });
			throw error;
		}
	}

	private watch(req: SandboxRequest) {
		const box = this.gmail.begin(req, 'watch', WATCH_SCOPES);
		let body: Record<string, unknown>;
		try {
			body = (req.json() ?? {}) as Record<string, unknown>;
		} catch {
			throw googleError(400, 'Invalid JSON payload received.', 'parseError');
		}
		const topicName = body.topicName;
		const m = typeof topicName === 'string' ? /^projects\/([^/]+)\/topics\/([^/]+)$/.exec(topicName) : null;
		if (!m) throw googleError(400, 'Invalid topicName does not match projects/*/topics/*', 'invalidArgument');
		const behavior = body.labelFilterBehavior ?? body.labelFilterAction ?? 'include';
		if (behavior !== 'include' && behavior !== 'exclude')
			throw googleError(400, `Invalid value at 'label_filter_behavior' (type.googleapis.com/gmail.WatchRequest.LabelFilterBehavior), "${String(behavior)}"`, 'invalidArgument');
		const labelIds = body.labelIds ?? [];
		if (!Array.isArray(labelIds)) throw googleError(400, "Invalid value at 'label_ids': a list of label ids is expected.", 'invalidArgument');
		for (const id of labelIds) if (!box.labels.some((l) => l.id === id)) throw googleError(400, `Invalid label: ${String(id)}`, 'invalidArgument');
		const topic = this.pubsub.topics.get(topicName as string);
		const prefix = `Error sending test message to Cloud PubSub ${String(topicName)} : `;
		if (!topic) throw googleError(404, `${prefix}Resource not found (resource=${m[2]}).`, 'notFound');
		if (!canPublish(topic.policy, `serviceAccount:${GMAIL_PUSH_ACCOUNT}`)) throw googleError(403, `${prefix}User not authorized to perform this action.`, 'forbidden');
		const now = this.pubsub.now();
		const watch: GmailWatchState = {
			email: box.email,
			topicName: topicName as string,
			labelIds: labelIds as string[],
			labelFilterBehavior: behavior,
			historyId: box.historyId,
			expiration: now + WATCH_LIFETIME_MS,
			createdAt: now,
		};
		this.watches.set(box.email, watch);
		return { historyId: String(watch.historyId), expiration: String(watch.expiration) };
	}

	/** Gmail's side of a history change: filter, one-per-second limit, publish to the watch's topic. */
	private onHistory(box: Mailbox, rec: HistoryRecord): void {
		const watch = this.watches.get(box.email);
		if (!watch) return;
		const now = this.pubsub.now();
		const note = (outcome: NotificationOutcome, messageId?: string): void => {
			this.notifications.push({ email: box.email, historyId: rec.id, kind: rec.kind, outcome, topicName: watch.topicName, messageId, at: now });
		};
		if (now >= watch.expiration) return note('expired');
		const touched = new Set([...rec.labelIds, ...(rec.changed ?? [])]);
		const hits = watch.labelIds.some((l) => touched.has(l));
		if (watch.labelIds.length && (watch.labelFilterBehavior === 'include' ? !hits : hits)) return note('filtered');
		const last = this.lastSent.get(box.email);
		if (last !== undefined && now - last < this.minIntervalMs) {
			this.droppedCount.set(box.email, this.dropped(box.email) + 1);
			return note('dropped');
		}
		this.lastSent.set(box.email, now);
		if (this.dropNext > 0) {
			this.dropNext--;
			return note('lost');
		}
		const topic = this.pubsub.topics.get(watch.topicName);
		if (!topic || !canPublish(topic.policy, `serviceAccount:${GMAIL_PUSH_ACCOUNT}`)) return note('publishFailed');
		const historyId = this.historyIdAs === 'number' ? rec.id : String(rec.id);
		const data = Buffer.from(JSON.stringify({ emailAddress: box.email, historyId })).toString('base64');
		const [messageId] = this.pubsub.publish(watch.topicName, [{ data }], GMAIL_PUSH_ACCOUNT);
		note('published', messageId);
	}
}
