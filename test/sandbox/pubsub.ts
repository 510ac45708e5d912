// Cloud Pub/Sub v1 REST (pubsub.googleapis.com) as the sandbox serves it, plus Gmail's users.watch /
// users.stop (gmailWatch.ts) and push delivery (pubsubPush.ts). Built from google-facts.md; as strict
// as Google where the facts say so. Exposed as `sandbox.pubsub` by startSandbox().
//
// REST routes (every call needs a token with …/auth/pubsub or …/auth/cloud-platform, else 403
// ACCESS_TOKEN_SCOPE_INSUFFICIENT; errors are `{error:{code, message, status}}`):
//   PUT    /v1/projects/P/topics/T {labels?}               → topic; 409 ALREADY_EXISTS when it exists
//   GET    /v1/projects/P/topics/T                          → topic; 404 NOT_FOUND
//   GET    /v1/projects/P/topics                            → {topics}
//   DELETE /v1/projects/P/topics/T                          → {}; its subscriptions keep living with topic "_deleted-topic_"
//   GET    /v1/projects/P/topics/T:getIamPolicy             → {version, etag, bindings?} (fresh: etag "ACAB"; GET only, as in the discovery doc)
//   POST   /v1/projects/P/topics/T:setIamPolicy {policy}    → policy; a stale etag → 409 ABORTED (read, merge, write again)
//   POST   /v1/projects/P/topics/T:publish {messages:[{data(base64), attributes?}]} → {messageIds}
//   GET    /v1/projects/P/topics/T/subscriptions            → {subscriptions: [names]}
//   PUT    /v1/projects/P/subscriptions/S {topic, pushConfig?:{pushEndpoint, oidcToken?:{serviceAccountEmail, audience?}},
//          ackDeadlineSeconds? (10..600, default 10), labels?, retryPolicy?, messageRetentionDuration?} → subscription
//          (409 when it exists, 404 when the topic does not; an https endpoint; an oidcToken needs actAs, else 403)
//   GET    /v1/projects/P/subscriptions/S                   → subscription (pushConfig.attributes has x-goog-version v1)
//   PATCH  /v1/projects/P/subscriptions/S {subscription, updateMask: "labels,ackDeadlineSeconds,pushConfig,…"} → subscription
//   DELETE /v1/projects/P/subscriptions/S                   → {}
//   GET    /v1/projects/P/subscriptions?pageSize&pageToken  → {subscriptions, nextPageToken?}
//   POST   /v1/projects/P/subscriptions/S:modifyPushConfig {pushConfig} → {}
//
// For tests:
//   pubsub.topics / pubsub.subscriptions (Map by full name), pubsub.calls (every REST call: op, name,
//     caller, status, body, at), pubsub.published (every message put on a topic: by REST or by Gmail)
//   pubsub.allowActAs(serviceAccount, caller = '*') — who may name a service account in an oidcToken
//     (Google: iam.serviceAccounts.actAs). DEFAULT_PUSH_SERVICE_ACCOUNT is allowed for everyone.
//   pubsub.deny(caller, ops?) — the caller loses Pub/Sub rights (all ops, or e.g. ['topics.setIamPolicy']): 403
//   pubsub.allowHttpEndpoints = false — Pub/Sub takes only https endpoints; a test against a local http
//     n8n sets this true (the one place the sandbox is told to be lenient, and it says so)
//   pubsub.clockOffsetMs / pubsub.now() / pubsub.advanceClock(ms) — the sandbox clock (watch expiry,
//     Gmail's one-per-second window, publishTime). OAuth tokens and ID tokens keep real time.
//   pubsub.watch — Gmail watch state and notifications (see gmailWatch.ts)
//   pubsub.push — push delivery settings and records (see pubsubPush.ts)
import { GoogleSandbox, type SandboxRequest, type SandboxResponse } from './server';
import type { OAuthState } from './oauth';
import type { GmailState } from './gmail';
import {
	alreadyExists, applyPolicy, checkAckDeadline, checkLabels, checkPushEndpoint, durationMs, emptyPolicy, notAuthorized, notFound,
	parseTopicName, pubsubError, renderPolicy, renderSubscription, resourceName, applyDurations, SUBSCRIPTION_FIELDS, parsePushConfig, type PushConfig, type Subscription, type Topic,
} from './pubsubResources';
import { GmailWatch } from './gmailWatch';
import { PushDelivery, type PubsubMessage } from './pubsubPush';

export * from './pubsubResources';
export * from './pubsubPush';
export * from './gmailWatch';

export const PUBSUB_HOST = 'pubsub.googleapis.com';
export const PUBSUB_SCOPES = ['https://www.googleapis.com/auth/pubsub', 'https://www.googleapis.com/auth/cloud-platform'];
export const DEFAULT_PUSH_SERVICE_ACCOUNT = 'gmail-push@sandbox-project.iam.gserviceaccount.com';

export interface PubSubCall {
	op: string;
	name: string;
	caller: string;
	status: number;
	body: unknown;
	at: number;
}

export interface PublishedMessage extends PubsubMessage {
	topic: string;
	/** Who published: the caller's email, or the Gmail push account. */
	by: string;
}

export class PubSubState {
	readonly topics = new Map<string, Topic>();
	readonly subscriptions = new Map<string, Subscription>();
	readonly calls: PubSubCall[] = [];
	readonly published: PublishedMessage[] = [];
	allowHttpEndpoints = false;
	clockOffsetMs = 0;
	readonly actAs = new Map<string, Set<string>>([[DEFAULT_PUSH_SERVICE_ACCOUNT, new Set(['*'])]]);
	readonly denied = new Map<string, Set<string> | '*'>();
	readonly watch: GmailWatch;
	readonly push: PushDelivery;
	private nextMessageId = 2070443601311540;

	constructor(readonly oauth: OAuthState, readonly gmail: GmailState) {
		this.watch = new GmailWatch(this, gmail);
		this.push = new PushDelivery(this, oauth);
	}

	now(): number {
		return Date.now() + this.clockOffsetMs;
	}

	advanceClock(ms: number): void {
		this.clockOffsetMs += ms;
	}

	allowActAs(serviceAccount: string, caller = '*'): void {
		const set = this.actAs.get(serviceAccount) ?? new Set<string>();
		set.add(caller);
		this.actAs.set(serviceAccount, set);
	}

	deny(caller: string, ops?: string[]): void {
		this.denied.set(caller, ops ? new Set(ops) : '*');
	}

	/** Puts messages on a topic and hands them to its subscriptions (REST publish and Gmail both come here). */
	publish(topicName: string, messages: { data?: string; attributes?: Record<string, string> }[], by: string): string[] {
		const topic = this.topics.get(topicName);
		if (!topic) throw notFound(topicName.split('/').pop()!);
		const ids: string[] = [];
		for (const m of messages) {
			const message: PubsubMessage = { data: m.data ?? '', attributes: m.attributes ?? {}, messageId: String(this.nextMessageId++), publishTime: new Date(this.now()).toISOString() };
			this.published.push({ ...message, topic: topicName, by });
			ids.push(message.messageId);
			for (const sub of this.subscriptions.values()) if (sub.topic === topicName) this.push.enqueue(sub, message);
		}
		return ids;
	}

	register(server: GoogleSandbox): void {
		const p = '^/v1/projects/(?<project>[^/:]+)';
		const route = (method: string, path: string, op: string, handler: (req: SandboxRequest, caller: string) => unknown) =>
			server.route(method, PUBSUB_HOST, new RegExp(`${p}${path}$`), (req) => this.call(req, op, handler));
		route('PUT', '/topics/(?<id>[^/:]+)', 'topics.create', (req) => this.createTopic(req));
		route('GET', '/topics/(?<id>[^/:]+)', 'topics.get', (req) => this.renderTopic(this.topic(req)));
		route('GET', '/topics', 'topics.list', (req) => {
			const prefix = `projects/${req.params.project}/topics/`;
			const topics = [...this.topics.values()].filter((t) => t.name.startsWith(prefix)).map((t) => this.renderTopic(t));
			return topics.length ? { topics } : {};
		});
		route('DELETE', '/topics/(?<id>[^/:]+)', 'topics.delete', (req) => {
			const topic = this.topic(req);
			this.topics.delete(topic.name);
			for (const sub of this.subscriptions.values()) if (sub.topic === topic.name) sub.topic = '_deleted-topic_';
			return {};
		});
		route('GET', '/topics/(?<id>[^/:]+):getIamPolicy', 'topics.getIamPolicy', (req) => renderPolicy(this.topic(req).policy));
		route('POST', '/topics/(?<id>[^/:]+):setIamPolicy', 'topics.setIamPolicy', (req) => {
			const topic = this.topic(req);
			topic.policy = applyPolicy(topic.policy, this.body(req));
			return renderPolicy(topic.policy);
		});
		route('POST', '/topics/(?<id>[^/:]+):publish', 'topics.publish', (req, caller) => {
			const topic = this.topic(req);
			const messages = (this.body(req) as { messages?: unknown }).messages;
			if (!Array.isArray(messages) || messages.length === 0) throw pubsubError(400, 'The request must contain at least one message.');
			for (const m of messages as { data?: unknown; attributes?: unknown }[]) {
				const hasData = typeof m?.data === 'string' && m.data.length > 0;
				if (hasData && !/^[A-Za-z0-9+/_-]*={0,2}$/.test(m.data as string)) throw pubsubError(400, 'Invalid value at \'messages[0].data\' (TYPE_BYTES), Base64 decoding failed');
				if (!hasData && !(m?.attributes && Object.keys(m.attributes).length)) throw pubsubError(400, 'Some messages are empty: a message needs data or at least one attribute.');
			}
			return { messageIds: this.publish(topic.name, messages as { data?: string; attributes?: Record<string, string> }[], caller) };
		});
		route('GET', '/topics/(?<id>[^/:]+)/subscriptions', 'topics.subscriptions.list', (req) => {
			const topic = this.topic(req);
			const subscriptions = [...this.subscriptions.values()].filter((s) => s.topic === topic.name).map((s) => s.name);
			return subscriptions.length ? { subscriptions } : {};
		});
		route('PUT', '/subscriptions/(?<id>[^/:]+)', 'subscriptions.create', (req, caller) => this.createSubscription(req, caller));
		route('GET', '/subscriptions/(?<id>[^/:]+)', 'subscriptions.get', (req) => renderSubscription(this.subscription(req)));
		route('PATCH', '/subscriptions/(?<id>[^/:]+)', 'subscriptions.patch', (req, caller) => this.patchSubscription(req, caller));
		route('DELETE', '/subscriptions/(?<id>[^/:]+)', 'subscriptions.delete', (req) => {
			const sub = this.subscription(req);
			this.subscriptions.delete(sub.name);
			this.push.forget(sub.name);
			return {};
		});
		route('POST', '/subscriptions/(?<id>[^/:]+):modifyPushConfig', 'subscriptions.modifyPushConfig', (req, caller) => {
			const sub = this.subscription(req);
			const config = (this.body(req) as { pushConfig?: unknown }).pushConfig;
			sub.pushConfig = config && Object.keys(config).length ? parsePushConfig(config, caller, this) : undefined;
			return {};
		});
		route('GET', '/subscriptions', 'subscriptions.list', (req) => {
			const prefix = `projects/${req.params.project}/subscriptions/`;
			const all = [...this.subscriptions.values()].filter((s) => s.name.startsWith(prefix));
			const size = Math.min(Math.max(Number(req.query.get('pageSize') ?? 100) || 100, 1), 1000);
			const offset = req.query.get('pageToken') ? Number(Buffer.from(req.query.get('pageToken')!, 'base64url').toString()) : 0;
			if (!Number.isInteger(offset) || offset < 0) throw pubsubError(400, 'Invalid page token.');
			const page = all.slice(offset, offset + size).map(renderSubscription);
			return { ...(page.length ? { subscriptions: page } : {}), ...(offset + size < all.length ? { nextPageToken: Buffer.from(String(offset + size)).toString('base64url') } : {}) };
		});
		this.watch.register(server);
	}

	/** Authorises (scope, deny-list), runs the handler, records the call with its outcome. */
	private async call(req: SandboxRequest, op: string, handler: (req: SandboxRequest, caller: string) => unknown): Promise<SandboxResponse> {
		const name = `projects/${req.params.project}${req.params.id ? `/${op.split('.')[0]}/${req.params.id}` : ''}`;
		let caller = '';
		let body: unknown;
		try {
			body = req.rawBody.length ? req.json() : undefined;
		} catch {
			body = req.text();
		}
		try {
			caller = this.oauth.authorize(req, PUBSUB_SCOPES).user.email;
			const denied = this.denied.get(caller);
			if (denied === '*' || denied?.has(op)) throw notAuthorized();
			const out = await handler(req, caller);
			this.calls.push({ op, name, caller, status: 200, body, at: this.now() });
			return { status: 200, body: out };
		} catch (error) {
			this.calls.push({ op, name, caller, status: (error as { status?: number }).status ?? 500, body, at: this.now() });
			throw error;
		}
	}

	private body(req: SandboxRequest): Record<string, unknown> {
		let body: unknown;
		try {
			body = req.json();
		} catch {
			throw pubsubError(400, 'Invalid JSON payload received.');
		}
		return body && typeof body === 'object' ? (body as Record<string, unknown>) : {};
	}

	private topic(req: SandboxRequest): Topic {
		const name = resourceName(req.params.project, 'topics', req.params.id);
		const topic = this.topics.get(name);
		if (!topic) throw notFound(req.params.id);
		return topic;
	}

	private subscription(req: SandboxRequest): Subscription {
		const name = resourceName(req.params.project, 'subscriptions', req.params.id);
		const sub = this.subscriptions.get(name);
		if (!sub) throw notFound(req.params.id);
		return sub;
	}

	private renderTopic(t: Topic) {
		return { name: t.name, ...(t.labels && Object.keys(t.labels).length ? { labels: t.labels } : {}), ...(t.messageRetentionDuration ? { messageRetentionDuration: t.messageRetentionDuration } : {}) };
	}

	private createTopic(req: SandboxRequest) {
		const name = resourceName(req.params.project, 'topics', req.params.id);
		const body = req.rawBody.length ? this.body(req) : {};
		if (this.topics.has(name)) throw alreadyExists(req.params.id);
		const topic: Topic = { name, labels: checkLabels(body.labels), policy: emptyPolicy() };
		if (body.messageRetentionDuration !== undefined) {
			durationMs(body.messageRetentionDuration, 'message_retention_duration');
			topic.messageRetentionDuration = String(body.messageRetentionDuration);
		}
		this.topics.set(name, topic);
		return this.renderTopic(topic);
	}

	private createSubscription(req: SandboxRequest, caller: string) {
		const name = resourceName(req.params.project, 'subscriptions', req.params.id);
		const body = this.body(req);
		if (body.topic === undefined) throw pubsubError(400, 'The request must name a topic (field "topic").');
		const topic = parseTopicName(body.topic);
		if (this.subscriptions.has(name)) throw alreadyExists(req.params.id);
		if (!this.topics.has(topic.name)) throw notFound(topic.id);
		const sub: Subscription = {
			name,
			topic: topic.name,
			ackDeadlineSeconds: checkAckDeadline(body.ackDeadlineSeconds),
			labels: checkLabels(body.labels),
			messageRetentionDuration: '604800s',
			state: 'ACTIVE',
		};
		if (body.pushConfig && Object.keys(body.pushConfig).length) sub.pushConfig = parsePushConfig(body.pushConfig, caller, this);
		applyDurations(sub, body);
		if (typeof body.filter === 'string') sub.filter = body.filter;
		this.subscriptions.set(name, sub);
		return renderSubscription(sub);
	}

	private patchSubscription(req: SandboxRequest, caller: string) {
		const sub = this.subscription(req);
		const body = this.body(req);
		const mask = typeof body.updateMask === 'string' ? body.updateMask.split(',').map((s) => s.trim()).filter(Boolean) : [];
		if (mask.length === 0) throw pubsubError(400, 'The update_mask in the UpdateSubscriptionRequest must be set, and must be non-empty.');
		const changes = (body.subscription ?? {}) as Record<string, unknown>;
		if (changes.name !== undefined && changes.name !== sub.name) throw pubsubError(400, 'The subscription name in the body does not match the one in the URL.');
		const next: Subscription = { ...sub };
		for (const path of mask) {
			const field = SUBSCRIPTION_FIELDS[path];
			if (!field) throw pubsubError(400, `Invalid update_mask provided in the UpdateSubscriptionRequest: the '${path}' field could not be found in the Subscription message.`);
			const value = changes[field];
			if (field === 'labels') next.labels = checkLabels(value ?? {});
			else if (field === 'ackDeadlineSeconds') next.ackDeadlineSeconds = checkAckDeadline(value);
			else if (field === 'pushConfig') next.pushConfig = value && Object.keys(value).length ? parsePushConfig(value, caller, this) : undefined;
			else if (field === 'messageRetentionDuration') applyDurations(next, { messageRetentionDuration: value });
			else if (field === 'retryPolicy') {
				if (value === undefined || value === null) delete next.retryPolicy;
				else applyDurations(next, { retryPolicy: value });
			}
		}
		Object.assign(sub, next);
		return renderSubscription(sub);
	}
}
