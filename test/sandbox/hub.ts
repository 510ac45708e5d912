// YouTube's WebSub hub (pubsubhubbub.appspot.com) as the sandbox plays it: subscribe / unsubscribe
// by form POST, intent verification by GET to the callback with a challenge (sync or async),
// leases, and signed Atom deliveries. Tests can make it send wrong or missing signatures, replay a
// delivery, and send deletions. Callbacks are reached over plain HTTP (n8n on localhost) by default;
// ring 2 swaps `transport` for a function that calls the trigger in-process.
import { createHmac, randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { GoogleSandbox, type SandboxRequest } from './server';

export const HUB_HOST = 'pubsubhubbub.appspot.com';
export const YT_TOPIC = 'https://www.youtube.com/xml/feeds/videos.xml?channel_id=';

export interface CallbackRequest {
	method: 'GET' | 'POST';
	url: string;
	headers: Record<string, string>;
	body?: string;
}
export interface CallbackResponse {
	status: number;
	body: string;
}
export type CallbackTransport = (req: CallbackRequest) => Promise<CallbackResponse>;

export interface HubSubscription {
	callback: string;
	topic: string;
	secret?: string;
	leaseSeconds: number;
	expiresAt: number;
	verifiedAt: number;
}

export interface VerificationRecord {
	mode: 'subscribe' | 'unsubscribe';
	callback: string;
	topic: string;
	verifyToken?: string;
	status: number;
	confirmed: boolean;
	at: number;
}

export interface DeliveryRecord {
	callback: string;
	topic: string;
	body: string;
	signature?: string;
	status: number;
	responseBody: string;
	at: number;
}

export interface VideoEntry {
	videoId: string;
	channelId: string;
	title?: string;
	published?: string;
	updated?: string;
	author?: string;
}

/** Plain HTTP(S) to the callback (no redirects), as the real hub does; no answer within `timeoutMs` → status 0. */
export const httpCallbackTransport = (timeoutMs: number): CallbackTransport => (req) =>
	new Promise((resolve) => {
		const u = new URL(req.url);
		const send = u.protocol === 'https:' ? httpsRequest : httpRequest;
		const headers = { ...req.headers, ...(req.body !== undefined ? { 'content-length': String(Buffer.byteLength(req.body)) } : {}) };
		const r = send({ method: req.method, hostname: u.hostname, port: u.port, path: `${u.pathname}${u.search}`, headers, timeout: timeoutMs }, (res) => {
			const chunks: Buffer[] = [];
			res.on('data', (c: Buffer) => chunks.push(c));
			res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
			res.on('error', () => resolve({ status: 0, body: '' }));
		});
		r.on('timeout', () => r.destroy(new Error('timeout')));
		r.on('error', () => resolve({ status: 0, body: '' }));
		if (req.body !== undefined) r.write(req.body);
		r.end();
	});

export const httpTransport: CallbackTransport = httpCallbackTransport(15_000);

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The Atom document YouTube's hub delivers for uploads / title changes. */
export function uploadAtom(entries: VideoEntry[], topicChannelId = entries[0]?.channelId ?? ''): string {
	const now = new Date().toISOString();
	const body = entries
		.map(
			(e) => `  <entry>
    <id>yt:video:${esc(e.videoId)}</id>
    <yt:videoId>${esc(e.videoId)}</yt:videoId>
    <yt:channelId>${esc(e.channelId)}</yt:channelId>
    <title>${esc(e.title ?? `Video ${e.videoId}`)}</title>
    <link rel="alternate" href="https://www.youtube.com/watch?v=${esc(e.videoId)}"/>
    <author>
     <name>${esc(e.author ?? 'Acme CRM')}</name>
     <uri>https://www.youtube.com/channel/${esc(e.channelId)}</uri>
    </author>
    <published>${esc(e.published ?? now)}</published>
    <updated>${esc(e.updated ?? now)}</updated>
  </entry>`,
		)
		.join('\n');
	return `<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns:yt="http://www.youtube.com/xml/schemas/2015" xmlns="http://www.w3.org/2005/Atom">
  <link rel="hub" href="https://pubsubhubbub.appspot.com"/>
  <link rel="self" href="${esc(YT_TOPIC + topicChannelId)}"/>
  <title>YouTube video feed</title>
  <updated>${now}</updated>
${body}
</feed>
`;
}

/** The Atom document for a deleted video (a tombstone). */
export function deletedAtom(videoId: string, channelId: string, when = new Date().toISOString()): string {
	return `<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns:at="http://purl.org/atompub/tombstones/1.0" xmlns="http://www.w3.org/2005/Atom">
  <at:deleted-entry ref="yt:video:${esc(videoId)}" when="${esc(when)}">
    <link href="https://www.youtube.com/watch?v=${esc(videoId)}"/>
    <at:by>
      <name>Acme CRM</name>
      <uri>https://www.youtube.com/channel/${esc(channelId)}</uri>
    </at:by>
  </at:deleted-entry>
</feed>
`;
}

export class HubState {
	readonly subscriptions = new Map<string, HubSubscription>();
	readonly verifications: VerificationRecord[] = [];
	readonly deliveries: DeliveryRecord[] = [];
	/** The hub grants at most this lease (YouTube's hub: about 5 days). */
	maxLeaseSeconds = 432_000;
	defaultLeaseSeconds = 432_000;
	/**
	 * Whether intent verifications echo the subscriber's `hub.verify_token`. PubSubHubbub 0.3 defined
	 * the parameter; W3C WebSub dropped it, and whether Google's hub echoes it is not confirmed
	 * (google-facts.md). Off by default, so nothing may depend on it; tests turn it on to cover 0.3 hubs.
	 */
	echoVerifyToken = false;
	/** Async verification happens this long after the 202. */
	verifyDelayMs = 25;
	/** When true, async verifications wait for `releaseVerifications()` (deterministic ordering in tests). */
	holdVerifications = false;
	transport: CallbackTransport = httpTransport;
	private held: Array<() => Promise<boolean>> = [];
	now: () => number = () => Date.now();
	private pending = new Set<Promise<void>>();

	private key(callback: string, topic: string) {
		return `${callback} ${topic}`;
	}

	subscription(topic: string, callback?: string): HubSubscription | undefined {
		for (const s of this.subscriptions.values()) if (s.topic === topic && (!callback || s.callback === callback)) return s;
		return undefined;
	}

	/** Runs the held verifications one after the other (as a hub spacing them out would). */
	async releaseVerifications(): Promise<void> {
		for (const run of this.held.splice(0)) await run();
	}

	/** Waits for every async verification started so far (held ones excepted). */
	async settled(): Promise<void> {
		while (this.pending.size) await Promise.all([...this.pending]);
	}

	register(server: GoogleSandbox): void {
		server.route('POST', HUB_HOST, /^\/(subscribe)?$/, (req) => this.subscribe(req));
	}

	private async subscribe(req: SandboxRequest) {
		const form = req.form();
		const callback = form.get('hub.callback') ?? '';
		const mode = form.get('hub.mode');
		const topic = form.get('hub.topic') ?? '';
		const verify = form.get('hub.verify') ?? 'async';
		const secret = form.get('hub.secret') ?? undefined;
		const verifyToken = form.get('hub.verify_token') ?? undefined;
		const lease = Math.min(Number(form.get('hub.lease_seconds') ?? this.defaultLeaseSeconds) || this.defaultLeaseSeconds, this.maxLeaseSeconds);
		const bad = (text: string) => ({ status: 400, body: text });
		let url: URL;
		try {
			url = new URL(callback);
		} catch {
			return bad('Invalid parameter: hub.callback');
		}
		if (!/^https?:$/.test(url.protocol)) return bad('Invalid parameter: hub.callback');
		if (mode !== 'subscribe' && mode !== 'unsubscribe') return bad('Invalid parameter: hub.mode');
		if (!topic.startsWith(YT_TOPIC)) return bad('Invalid parameter: hub.topic');
		if (secret !== undefined && Buffer.byteLength(secret) >= 200) return bad('Invalid parameter: hub.secret');
		if (verify !== 'sync' && verify !== 'async') return bad('Invalid parameter: hub.verify');
		const run = () => this.verifyIntent({ mode, callback, topic, lease, secret, verifyToken });
		if (verify === 'sync') {
			const ok = await run();
			return ok ? { status: 204, body: '' } : { status: 409, body: 'Error trying to confirm subscription' };
		}
		if (this.holdVerifications) {
			this.held.push(run);
			return { status: 202, body: '' };
		}
		const p: Promise<void> = new Promise<void>((r) => setTimeout(r, this.verifyDelayMs))
			.then(run)
			.then(() => undefined)
			.finally(() => this.pending.delete(p));
		this.pending.add(p);
		return { status: 202, body: '' };
	}

	/** GETs the callback with a challenge; applies the change when the callback echoes it. */
	async verifyIntent(opts: {
		mode: 'subscribe' | 'unsubscribe';
		callback: string;
		topic: string;
		lease?: number;
		secret?: string;
		verifyToken?: string;
		/** Send `verifyToken` even when the hub does not echo tokens (a caller forging one). */
		forceToken?: boolean;
	}): Promise<boolean> {
		const challenge = randomBytes(16).toString('hex');
		const url = new URL(opts.callback);
		url.searchParams.set('hub.mode', opts.mode);
		url.searchParams.set('hub.topic', opts.topic);
		url.searchParams.set('hub.challenge', challenge);
		if (opts.mode === 'subscribe') url.searchParams.set('hub.lease_seconds', String(opts.lease ?? this.defaultLeaseSeconds));
		const echoed = opts.verifyToken !== undefined && (this.echoVerifyToken || opts.forceToken === true);
		if (echoed) url.searchParams.set('hub.verify_token', opts.verifyToken!);
		const res = await this.transport({ method: 'GET', url: url.toString(), headers: { 'user-agent': 'FeedFetcher-Google; (+http://www.google.com/feedfetcher.html)' } });
		const confirmed = res.status >= 200 && res.status < 300 && res.body === challenge;
		this.verifications.push({ mode: opts.mode, callback: opts.callback, topic: opts.topic, verifyToken: echoed ? opts.verifyToken : undefined, status: res.status, confirmed, at: this.now() });
		if (!confirmed) return false;
		const key = this.key(opts.callback, opts.topic);
		if (opts.mode === 'subscribe') {
			const lease = opts.lease ?? this.defaultLeaseSeconds;
			this.subscriptions.set(key, { callback: opts.callback, topic: opts.topic, secret: opts.secret, leaseSeconds: lease, expiresAt: this.now() + lease * 1000, verifiedAt: this.now() });
		} else {
			this.subscriptions.delete(key);
		}
		return true;
	}

	/**
	 * Asks a callback to confirm an intent nobody requested (a forged or stale verification), as any
	 * caller who knows the callback URL can: optionally with a chosen lease or a made-up verify token.
	 */
	async forgeVerification(
		callback: string,
		topic: string,
		mode: 'subscribe' | 'unsubscribe' = 'subscribe',
		opts: { lease?: number; verifyToken?: string } = {},
	): Promise<VerificationRecord> {
		await this.verifyIntent({ mode, callback, topic, lease: opts.lease, verifyToken: opts.verifyToken, forceToken: opts.verifyToken !== undefined });
		return this.verifications[this.verifications.length - 1];
	}

	/**
	 * Delivers `body` to every live subscriber of the topic. `signature`: 'good' (HMAC-SHA1 with the
	 * subscription's secret), 'wrong' (HMAC with another secret), 'none' (header left out), or a literal header.
	 */
	async deliver(topic: string, body: string, opts: { signature?: 'good' | 'wrong' | 'none' | { header: string }; callback?: string } = {}): Promise<DeliveryRecord[]> {
		const out: DeliveryRecord[] = [];
		for (const sub of this.subscriptions.values()) {
			if (sub.topic !== topic || (opts.callback && sub.callback !== opts.callback)) continue;
			if (sub.expiresAt < this.now()) continue;
			out.push(await this.send(sub, body, opts.signature ?? 'good'));
		}
		return out;
	}

	/** Sends the last delivery to its callback again, byte for byte (a replay). */
	async replay(delivery: DeliveryRecord): Promise<DeliveryRecord> {
		const res = await this.transport({ method: 'POST', url: delivery.callback, headers: this.headers(delivery.topic, delivery.signature), body: delivery.body });
		const rec: DeliveryRecord = { ...delivery, status: res.status, responseBody: res.body, at: this.now() };
		this.deliveries.push(rec);
		return rec;
	}

	async notifyUpload(entries: VideoEntry[], opts: { signature?: 'good' | 'wrong' | 'none' } = {}): Promise<DeliveryRecord[]> {
		const channelId = entries[0].channelId;
		return this.deliver(YT_TOPIC + channelId, uploadAtom(entries, channelId), opts);
	}

	async notifyDeleted(videoId: string, channelId: string, opts: { signature?: 'good' | 'wrong' | 'none' } = {}): Promise<DeliveryRecord[]> {
		return this.deliver(YT_TOPIC + channelId, deletedAtom(videoId, channelId), opts);
	}

	private headers(topic: string, signature?: string): Record<string, string> {
		const h: Record<string, string> = {
			'content-type': 'application/atom+xml',
			link: `<https://pubsubhubbub.appspot.com>; rel=hub, <${topic}>; rel=self`,
			'user-agent': 'FeedFetcher-Google; (+http://www.google.com/feedfetcher.html)',
		};
		if (signature) h['x-hub-signature'] = signature;
		return h;
	}

	private async send(sub: HubSubscription, body: string, mode: 'good' | 'wrong' | 'none' | { header: string }): Promise<DeliveryRecord> {
		let signature: string | undefined;
		if (typeof mode === 'object') signature = mode.header;
		else if (mode === 'good' && sub.secret) signature = `sha1=${createHmac('sha1', sub.secret).update(body).digest('hex')}`;
		else if (mode === 'wrong') signature = `sha1=${createHmac('sha1', `not-${sub.secret ?? 'the-secret'}`).update(body).digest('hex')}`;
		const res = await this.transport({ method: 'POST', url: sub.callback, headers: this.headers(sub.topic, signature), body });
		const rec: DeliveryRecord = { callback: sub.callback, topic: sub.topic, body, signature, status: res.status, responseBody: res.body, at: this.now() };
		this.deliveries.push(rec);
		return rec;
	}
}

/**
 * The costliest Atom document for a namespace-scoped parser that fits in `maxBytes` and inside the
 * trigger's parser limits (depth 64, 64 attributes, 10,000 elements): a chain of elements each
 * declaring 63 new prefixes (about 3,900 in scope at the bottom), then as many leaves as fit, each
 * declaring one more. A parser that copies the scope per declaring element does ~4,000 copies per leaf.
 */
export function namespaceFloodAtom(maxBytes = 256 * 1024): string {
	const head = '<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom">';
	const depth = 62;
	let open = '';
	let close = '';
	for (let d = 0; d < depth; d++) {
		let decls = '';
		for (let i = 0; i < 63; i++) decls += ` xmlns:n${d}_${i}="u"`;
		open += `<n${d}_0:e${decls}>`;
		close = `</n${d}_0:e>${close}`;
	}
	const tail = `${close}</feed>`;
	const room = maxBytes - head.length - open.length - tail.length;
	const leaves = Math.max(1, Math.min(10_000 - depth - 1, Math.floor(room / 16)));
	// Leaves as long as the room allows (the element cap binds first on big documents).
	const uri = 'u'.repeat(Math.max(1, Math.floor(room / leaves) - 15));
	return `${head}${open}${`<b xmlns:z="${uri}"/>`.repeat(leaves)}${tail}`;
}
