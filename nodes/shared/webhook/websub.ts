// YouTube push (WebSub / PubSubHubbub 0.3) bookkeeping: topics, the form a subscribe request
// sends, leases and when to renew. Pure: no n8n imports.
import { callbackProof, deriveTopicSecret, makeVerifyToken } from './signature';

export const HUB_URL = 'https://pubsubhubbub.appspot.com/subscribe';
export const TOPIC_BASE = 'https://www.youtube.com/xml/feeds/videos.xml?channel_id=';
/** Asked for on every subscribe; the hub grants at most its own maximum (about 5 days on YouTube's hub). */
export const REQUESTED_LEASE_SECONDS = 828_000;
/** The lease YouTube's hub grants by default; assumed when the hub's confirmation was not recorded. */
export const DEFAULT_HUB_LEASE_SECONDS = 432_000;
/** Renew when less than this is left. */
export const RENEW_BEFORE_SECONDS = 86_400;
/** Do not ask again within this while a renewal is in flight. */
export const RENEW_RETRY_SECONDS = 3_600;
/** How long a subscribe / unsubscribe intent stays answerable. */
export const INTENT_MAX_AGE_SECONDS = 3_600;

/** The query parameter of a push callback holding its per-topic proof (signature.ts callbackProof). */
export const CALLBACK_PROOF_PARAM = 'proof';

export type HubMode = 'subscribe' | 'unsubscribe';

/**
 * The callback registered for one topic: the trigger's URL plus the topic's proof when there is a push
 * key. A process that has neither the request in memory nor in static data (another webhook process in
 * queue mode) can then still tell the hub's verification of our subscription from a forged one.
 */
export function topicCallback(base: string, topic: string, pushKey: string | undefined): string {
	if (!pushKey || !URL.canParse(base)) return base;
	const url = new URL(base);
	url.searchParams.set(CALLBACK_PROOF_PARAM, callbackProof(pushKey, topic));
	return url.toString();
}

/** The callback without its proof (what may be shown in output items). */
export function withoutProof(callback: string): string {
	if (!URL.canParse(callback)) return callback;
	const url = new URL(callback);
	url.searchParams.delete(CALLBACK_PROOF_PARAM);
	return url.toString();
}

/** One subscription as the trigger keeps it in its static data. */
export interface PushSubscription {
	channelId: string;
	topic: string;
	callback: string;
	/** The WebSub secret (derived from the credential's push key, or random when there is none). */
	secret: string;
	/** The mode last asked for, and when (ms). */
	mode: HubMode;
	requestedAt: number;
	/** Lease end (ms) as the hub confirmed it, or as asked for until it confirms. */
	expiresAt: number | null;
	verifiedAt: number | null;
	leaseSeconds: number | null;
	lastError?: string;
}

export interface PushState {
	[topic: string]: PushSubscription;
}

const CHANNEL_ID = /^UC[A-Za-z0-9_-]{22}$/;

export function isChannelId(id: string): boolean {
	return CHANNEL_ID.test(id);
}

/** "UCa…, UCb…" (or a list, or channel URLs) → unique channel ids. Throws on anything else. */
export function parseChannelIds(value: unknown): string[] {
	const parts = (Array.isArray(value) ? value : String(value ?? '').split(/[\s,;]+/)).map((v) => String(v).trim()).filter(Boolean);
	const ids: string[] = [];
	for (const p of parts) {
		const m = /(?:channel\/|channel_id=)([A-Za-z0-9_-]+)/.exec(p);
		const id = m ? m[1] : p;
		if (!isChannelId(id)) throw new Error(`"${p}" is not a YouTube channel id (UC followed by 22 characters)`);
		if (!ids.includes(id)) ids.push(id);
	}
	return ids;
}

export function topicFor(channelId: string): string {
	return `${TOPIC_BASE}${channelId}`;
}

/** The body of a subscribe / unsubscribe request to the hub. */
export function hubForm(opts: {
	mode: HubMode;
	topic: string;
	callback: string;
	secret?: string;
	pushKey?: string;
	nowSeconds: number;
	leaseSeconds?: number;
	verify?: 'async' | 'sync';
}): Record<string, string> {
	const form: Record<string, string> = {
		'hub.callback': opts.callback,
		'hub.mode': opts.mode,
		'hub.topic': opts.topic,
		'hub.verify': opts.verify ?? 'async',
	};
	if (opts.mode === 'subscribe') {
		form['hub.lease_seconds'] = String(opts.leaseSeconds ?? REQUESTED_LEASE_SECONDS);
		if (opts.secret) form['hub.secret'] = opts.secret;
	}
	if (opts.pushKey) form['hub.verify_token'] = makeVerifyToken(opts.pushKey, opts.mode, opts.topic, opts.nowSeconds);
	return form;
}

export function secretFor(pushKey: string | undefined, topic: string, random: () => string): string {
	return pushKey ? deriveTopicSecret(pushKey, topic) : random();
}

/** Whether the last request for this subscription has not been confirmed by the hub (yet, or ever). */
export function unconfirmed(sub: PushSubscription): boolean {
	return sub.verifiedAt === null || sub.verifiedAt < sub.requestedAt;
}

/**
 * Whether a subscription should be renewed now: less than a day of lease left, or the last request
 * never confirmed. Never within an hour of the last request, whatever the hub (or a forger) answered
 * meanwhile, so renewals stay bounded at one request per channel an hour.
 */
export function needsRenewal(sub: PushSubscription, nowMs: number): boolean {
	if (sub.mode !== 'subscribe') return false;
	if (nowMs - sub.requestedAt < RENEW_RETRY_SECONDS * 1000) return false;
	if (unconfirmed(sub)) return true;
	return expiryOf(sub) - nowMs < RENEW_BEFORE_SECONDS * 1000;
}

/**
 * The lease end: as the hub last confirmed it, else (never confirmed) estimated from the request and
 * the hub's default lease. (A confirmation can be lost: n8n saves the activation's static data after the hub's
 * verification request has saved its own, so the later save wins.)
 */
export function expiryOf(sub: PushSubscription): number {
	return sub.expiresAt ?? sub.requestedAt + DEFAULT_HUB_LEASE_SECONDS * 1000;
}

/** Whether the trigger's subscriptions already cover `channelIds` at their callbacks with a live lease. */
export function subscriptionsCurrent(state: PushState | undefined, channelIds: string[], callbackFor: (topic: string) => string, nowMs: number): boolean {
	if (!state) return channelIds.length === 0;
	const wanted = new Set(channelIds.map(topicFor));
	for (const topic of wanted) {
		const sub = state[topic];
		if (!sub || sub.mode !== 'subscribe' || sub.callback !== callbackFor(topic)) return false;
		if (expiryOf(sub) - nowMs < RENEW_BEFORE_SECONDS * 1000) return false;
		// Asked more than an hour ago and never confirmed: the hub may hold nothing; ask again.
		if (unconfirmed(sub) && nowMs - sub.requestedAt > RENEW_RETRY_SECONDS * 1000) return false;
	}
	return Object.values(state).every((s) => s.mode !== 'subscribe' || wanted.has(s.topic));
}

/** A hub.challenge that is safe to echo back as text/plain. */
export function safeChallenge(value: unknown): string | undefined {
	if (typeof value !== 'string') return undefined;
	return /^[\x21-\x7e]{1,512}$/.test(value) ? value : undefined;
}
