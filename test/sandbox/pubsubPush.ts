// Push delivery as Cloud Pub/Sub does it (google-facts.md): each message published to a topic goes
// to every push subscription's endpoint as `POST {message:{data, attributes?, messageId, publishTime}, subscription}`
// with `Authorization: Bearer <OIDC ID token>` signed by the sandbox's Google key when the subscription
// has an oidcToken. Any 2xx (102 too) acknowledges; anything else, or no answer within the ack deadline,
// is redelivered with exponential backoff until the message is older than the retention (7 days).
// Delivery is at least once and unordered; settings make duplicates, reordering, delays and lost
// attempts happen on purpose. `sandbox.pubsub.push`:
//   transport (default real HTTP, no redirects; ring 2 swaps in a function that calls the trigger),
//   pushDelayMs = 0 (publish → first attempt), ackDeadlineMs (override of the subscription's deadline),
//   backoffBaseMs / backoffMaxMs (overrides; Pub/Sub: 100 ms..60 s without a retryPolicy, else the policy's
//   minimumBackoff..maximumBackoff, 10 s..600 s by default), duplicateRate, dropRate (an attempt that never
//   reaches the endpoint: Pub/Sub redelivers it after the ack deadline), jitterMs (random extra delay per
//   attempt: reordering), hold = true + release('fifo' | 'reverse' | 'shuffle'), tokenMode ('good' | 'none'
//   | 'forged' (signed by another key under Google's kid) | 'expired'), seed(n) for the fault PRNG.
//   deliveries: every attempt {subscription, endpoint, messageId, attempt, status, outcome, duplicate, at, ms, token},
//   acked(messageId) / attemptsOf(messageId), idle() (resolves when nothing is scheduled or in flight), stop().
import { generateKeyPairSync, createHash, type KeyObject } from 'node:crypto';
import type { OAuthState } from './oauth';
import { seededRandom } from './server';
import { httpCallbackTransport, type CallbackTransport } from './hub';
import { durationMs, type Subscription } from './pubsubResources';
import type { PubSubState } from './pubsub';

export interface PubsubMessage {
	data: string;
	attributes: Record<string, string>;
	messageId: string;
	publishTime: string;
}

export type DeliveryOutcome = 'acked' | 'nacked' | 'timeout' | 'dropped' | 'expired';

export interface PushDeliveryRecord {
	subscription: string;
	endpoint: string;
	messageId: string;
	attempt: number;
	status: number;
	outcome: DeliveryOutcome;
	duplicate: boolean;
	/** When the attempt started (sandbox clock) and how long the endpoint took. */
	at: number;
	ms: number;
	token?: string;
}

interface Attempt {
	sub: Subscription;
	message: PubsubMessage;
	attempt: number;
	duplicate: boolean;
}

const ACK_STATUSES = (s: number) => (s >= 200 && s < 300) || s === 102;

export class PushDelivery {
	transport: CallbackTransport = httpCallbackTransport(600_000);
	pushDelayMs = 0;
	ackDeadlineMs?: number;
	backoffBaseMs?: number;
	backoffMaxMs?: number;
	duplicateRate = 0;
	dropRate = 0;
	jitterMs = 0;
	hold = false;
	tokenMode: 'good' | 'none' | 'forged' | 'expired' = 'good';
	readonly deliveries: PushDeliveryRecord[] = [];
	private random = seededRandom(7);
	private held: Attempt[] = [];
	private timers = new Set<NodeJS.Timeout>();
	private inFlight = 0;
	private waiters: (() => void)[] = [];
	private removed = new Set<string>();
	private ackedIds = new Set<string>();
	private stopped = false;
	private forgeKey?: KeyObject;

	constructor(private readonly pubsub: PubSubState, private readonly oauth: OAuthState) {}

	seed(n: number): void {
		this.random = seededRandom(n);
	}

	/** A new message for a subscription (called by publish). Pull subscriptions keep it undelivered. */
	enqueue(sub: Subscription, message: PubsubMessage): void {
		this.removed.delete(sub.name);
		if (!sub.pushConfig) return;
		this.schedule({ sub, message, attempt: 1, duplicate: false }, this.pushDelayMs);
	}

	/** The subscription was deleted: its backlog goes with it. */
	forget(subscription: string): void {
		this.removed.add(subscription);
	}

	acked(messageId: string): boolean {
		return this.ackedIds.has(messageId);
	}

	attemptsOf(messageId: string): PushDeliveryRecord[] {
		return this.deliveries.filter((d) => d.messageId === messageId);
	}

	/** Sends the held attempts now, in the order asked. */
	release(order: 'fifo' | 'reverse' | 'shuffle' = 'fifo'): void {
		const batch = this.held.splice(0);
		if (order === 'reverse') batch.reverse();
		if (order === 'shuffle')
			for (let i = batch.length - 1; i > 0; i--) {
				const j = Math.floor(this.random() * (i + 1));
				[batch[i], batch[j]] = [batch[j], batch[i]];
			}
		for (const a of batch) void this.send(a);
	}

	heldCount(): number {
		return this.held.length;
	}

	/** Resolves once nothing is scheduled or in flight (held attempts do not count). */
	idle(): Promise<void> {
		if (this.timers.size === 0 && this.inFlight === 0) return Promise.resolve();
		return new Promise((resolve) => this.waiters.push(resolve));
	}

	stop(): void {
		this.stopped = true;
		for (const t of this.timers) clearTimeout(t);
		this.timers.clear();
		this.held.length = 0;
		this.settle();
	}

	private settle() {
		if (this.timers.size === 0 && this.inFlight === 0) for (const w of this.waiters.splice(0)) w();
	}

	private schedule(a: Attempt, delayMs: number) {
		if (this.stopped) return;
		const jitter = this.jitterMs > 0 ? Math.floor(this.random() * this.jitterMs) : 0;
		const timer = setTimeout(() => {
			this.timers.delete(timer);
			if (this.hold) this.held.push(a);
			else void this.send(a);
			this.settle();
		}, delayMs + jitter);
		this.timers.add(timer);
	}

	private backoff(sub: Subscription, attempt: number): number {
		const policy = sub.retryPolicy;
		const min = this.backoffBaseMs ?? (policy ? durationMs(policy.minimumBackoff ?? '10s', 'minimumBackoff') : 100);
		const max = this.backoffMaxMs ?? (policy ? durationMs(policy.maximumBackoff ?? '600s', 'maximumBackoff') : 60_000);
		return Math.min(max, min * 2 ** (attempt - 1));
	}

	/** The ID token Pub/Sub attaches: iss/aud/azp/sub/email/email_verified/iat/exp, RS256 by Google's key. */
	private token(sub: Subscription): string | undefined {
		const oidc = sub.pushConfig?.oidcToken;
		if (!oidc || this.tokenMode === 'none') return undefined;
		const id = BigInt(`0x${createHash('sha256').update(oidc.serviceAccountEmail).digest('hex').slice(0, 15)}`).toString().padStart(21, '1');
		const now = Math.floor(Date.now() / 1000);
		const iat = this.tokenMode === 'expired' ? now - 7200 : now;
		const claims = { aud: oidc.audience ?? sub.pushConfig!.pushEndpoint, azp: id, email: oidc.serviceAccountEmail, email_verified: true, exp: iat + 3600, iat, iss: 'https://accounts.google.com', sub: id };
		return this.oauth.signIdToken(claims, this.tokenMode === 'forged' ? { key: (this.forgeKey ??= generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey) } : {});
	}

	private async send(a: Attempt): Promise<void> {
		const { sub, message } = a;
		if (this.stopped || this.removed.has(sub.name) || !this.pubsub.subscriptions.has(sub.name) || !sub.pushConfig) return;
		const endpoint = sub.pushConfig.pushEndpoint;
		const at = this.pubsub.now();
		const base = { subscription: sub.name, endpoint, messageId: message.messageId, attempt: a.attempt, duplicate: a.duplicate, at };
		if (at - Date.parse(message.publishTime) > durationMs(sub.messageRetentionDuration, 'messageRetentionDuration')) {
			this.deliveries.push({ ...base, status: 0, outcome: 'expired', ms: 0 });
			return;
		}
		if (!a.duplicate && this.duplicateRate > 0 && this.random() < this.duplicateRate) this.schedule({ ...a, duplicate: true }, 0);
		const deadline = this.ackDeadlineMs ?? sub.ackDeadlineSeconds * 1000;
		const token = this.token(sub);
		this.inFlight++;
		const started = Date.now();
		let status = 0;
		let outcome: DeliveryOutcome;
		if (this.dropRate > 0 && this.random() < this.dropRate) {
			await new Promise((r) => setTimeout(r, deadline).unref());
			outcome = 'dropped';
		} else {
			const envelope: Record<string, unknown> = { data: message.data, messageId: message.messageId, message_id: message.messageId, publishTime: message.publishTime, publish_time: message.publishTime };
			if (Object.keys(message.attributes).length) envelope.attributes = message.attributes;
			const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'APIs-Google; (+https://developers.google.com/webmasters/APIs-Google.html)' };
			if (token) headers.authorization = `Bearer ${token}`;
			let timer: NodeJS.Timeout | undefined;
			const timeout = new Promise<{ status: number; body: string } | 'timeout'>((r) => (timer = setTimeout(() => r('timeout'), deadline)));
			const res = await Promise.race([this.transport({ method: 'POST', url: endpoint, headers, body: JSON.stringify({ message: envelope, subscription: sub.name }) }).catch(() => ({ status: 0, body: '' })), timeout]);
			clearTimeout(timer);
			if (res === 'timeout') outcome = 'timeout';
			else {
				status = res.status;
				outcome = ACK_STATUSES(status) ? 'acked' : 'nacked';
			}
		}
		this.inFlight--;
		this.deliveries.push({ ...base, status, outcome, ms: Date.now() - started, token });
		if (outcome === 'acked') this.ackedIds.add(message.messageId);
		else if (!a.duplicate && !this.ackedIds.has(message.messageId)) this.schedule({ ...a, attempt: a.attempt + 1 }, this.backoff(sub, a.attempt));
		this.settle();
	}
}
