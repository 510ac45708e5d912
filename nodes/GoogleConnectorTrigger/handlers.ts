// The trigger's request handling: route by ?action=, check the org, the size, the method and the
// sender, normalise, deduplicate, and answer. Nothing here throws for a bad request: a throw would
// make n8n start an (error) execution, so every refusal is written as a response and starts nothing.
import { randomBytes } from 'node:crypto';
import type { IDataObject, INodeExecutionData, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';
import { googleCerts } from '../shared/auth/googleCerts';
import { IdTokenError, idTokenKeyId, verifyIdToken } from '../shared/auth/idToken';
import { parseYouTubeNotification, channelIdFromTopic } from '../shared/webhook/atom';
import { mergeInto, seenBefore, type DedupeBucket, DEFAULT_DEDUPE_MAX } from '../shared/webhook/dedupe';
import {
	PayloadError,
	alertKey,
	conversionKey,
	normaliseConversion,
	normaliseLead,
	normalisePerformanceAlert,
	parseForm,
	parseJsonObject,
} from '../shared/webhook/payloads';
import { hubSignatureValid, safeEqual, verifyTokenValid } from '../shared/webhook/signature';
import { XmlError } from '../shared/webhook/xml';
import {
	INTENT_MAX_AGE_SECONDS,
	needsRenewal,
	parseChannelIds,
	safeChallenge,
	secretFor,
	topicFor,
	type HubMode,
	type PushState,
	type PushSubscription,
} from '../shared/webhook/websub';
import { hubRequest } from './hubClient';

export const ACTIONS = ['youtube-webhook', 'youtube-verify', 'ads-webhook', 'ads-conversion-callback', 'ads-performance-alert'] as const;
export type Action = (typeof ACTIONS)[number];

export const WEBHOOK_CREDENTIAL = 'googleConnectorWebhookApi';

export interface TriggerState extends IDataObject {
	push?: PushState & IDataObject;
	dedupe?: Record<string, DedupeBucket> & IDataObject;
}

export interface WebhookSecrets {
	leadFormKey: string;
	sharedSecret: string;
	pushKey: string;
}

export async function webhookSecrets(ctx: { getCredentials: IWebhookFunctions['getCredentials'] }): Promise<WebhookSecrets> {
	let data: IDataObject = {};
	try {
		data = (await ctx.getCredentials(WEBHOOK_CREDENTIAL)) as IDataObject;
	} catch {
		data = {};
	}
	const s = (v: unknown) => (typeof v === 'string' ? v : '');
	return { leadFormKey: s(data.leadFormKey), sharedSecret: s(data.sharedSecret), pushKey: s(data.pushKey) };
}

/** The callback URL the trigger registers with the hub. */
export function pushCallback(webhookUrl: string, orgId: string): string {
	const q = new URLSearchParams({ action: 'youtube-webhook' });
	if (orgId) q.set('orgid', orgId);
	return `${webhookUrl}?${q.toString()}`;
}

export function randomSecret(): string {
	return randomBytes(20).toString('hex');
}

type Headers = Record<string, string | string[] | undefined>;

function header(headers: Headers, name: string): string | undefined {
	const v = headers[name.toLowerCase()];
	return Array.isArray(v) ? v[0] : v;
}

function queryValue(query: IDataObject, name: string): string | undefined {
	const v = query[name];
	if (Array.isArray(v)) return typeof v[0] === 'string' ? v[0] : undefined;
	return typeof v === 'string' ? v : undefined;
}

interface Options {
	maxBodyKb?: number;
	includeRaw?: boolean;
	headerName?: string;
	requireGoogleOidc?: boolean;
	oidcAudience?: string;
	oidcServiceAccountEmail?: string;
	dedupeSize?: number;
}

class Reply {
	constructor(
		readonly status: number,
		readonly body: IDataObject | string,
	) {}
}

function send(ctx: IWebhookFunctions, reply: Reply): void {
	const res = ctx.getResponseObject();
	res.status(reply.status);
	res.setHeader('cache-control', 'no-store');
	res.setHeader('x-content-type-options', 'nosniff');
	if (typeof reply.body === 'string') {
		res.setHeader('content-type', 'text/plain; charset=utf-8');
		res.send(reply.body);
	} else {
		res.setHeader('content-type', 'application/json; charset=utf-8');
		res.send(JSON.stringify(reply.body));
	}
}

/**
 * In-memory mirror of the dedupe buckets, per workflow and node. n8n saves a webhook's static data
 * whole, after each request, from the copy it loaded at the start: two concurrent requests each save
 * their own copy and the later one wins, dropping the other's record. The mirror catches repeats
 * that arrive meanwhile in this process and writes lost records back on the next request. (Across
 * several webhook processes in queue mode, simultaneous repeats can still both pass.)
 */
const mirror = new Map<string, DedupeBucket>();
const MIRROR_LIMIT = 200;

class Deduper {
	constructor(
		private readonly state: TriggerState,
		private readonly scope: string,
		private readonly max: number,
	) {}

	private buckets(name: string): [DedupeBucket, DedupeBucket] {
		if (!this.state.dedupe) this.state.dedupe = {};
		if (!this.state.dedupe[name]) this.state.dedupe[name] = {};
		const key = `${this.scope}|${name}`;
		let memory = mirror.get(key);
		if (!memory) {
			if (mirror.size >= MIRROR_LIMIT) mirror.delete(mirror.keys().next().value as string);
			memory = {};
			mirror.set(key, memory);
		}
		mergeInto(this.state.dedupe[name], memory, this.max);
		return [this.state.dedupe[name], memory];
	}

	/** True when `key` was seen (in static data or in this process); records it otherwise. */
	seen(name: string, key: string): boolean {
		const [stored, memory] = this.buckets(name);
		const now = Date.now();
		const inMemory = seenBefore(memory, key, now, this.max);
		const inStore = seenBefore(stored, key, now, this.max);
		return inMemory || inStore;
	}
}

function bodyText(raw: Buffer): string {
	const text = raw.toString('utf8');
	return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function contentType(headers: Headers): string {
	return (header(headers, 'content-type') ?? '').split(';')[0].trim().toLowerCase();
}

/** JSON or form body as an object; the raw bytes are parsed here, never n8n's pre-parsed body. */
function objectBody(raw: Buffer, headers: Headers): IDataObject {
	const type = contentType(headers);
	const text = bodyText(raw);
	if (type === 'application/x-www-form-urlencoded') return parseForm(text) as IDataObject;
	if (text.trim() === '') throw new PayloadError('The body is empty');
	return parseJsonObject(text) as IDataObject;
}

/** Pub/Sub push envelope → the message's JSON payload. */
function unwrapPubSub(body: IDataObject): { payload: IDataObject; messageId?: string } {
	const message = body.message as IDataObject | undefined;
	if (!message || typeof message !== 'object' || typeof body.subscription !== 'string') return { payload: body };
	const data = typeof message.data === 'string' ? Buffer.from(message.data, 'base64').toString('utf8') : '{}';
	const payload = parseJsonObject(data) as IDataObject;
	return { payload, messageId: typeof message.messageId === 'string' ? message.messageId : undefined };
}

function omit(obj: IDataObject, keys: string[]): IDataObject {
	const out: IDataObject = {};
	for (const [k, v] of Object.entries(obj)) if (!keys.includes(k)) out[k] = v;
	return out;
}

interface RawRequest {
	rawBody?: unknown;
	readRawBody?: () => Promise<void>;
}

/** The body's bytes: n8n reads them on demand (bounded by N8N_PAYLOAD_SIZE_MAX, gzip/deflate undone). */
async function rawBodyOf(req: RawRequest): Promise<Buffer> {
	if (!Buffer.isBuffer(req.rawBody) && typeof req.readRawBody === 'function') await req.readRawBody();
	return Buffer.isBuffer(req.rawBody) ? req.rawBody : Buffer.alloc(0);
}

export async function handleWebhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	let reply: Reply;
	let events: IDataObject[] = [];
	try {
		({ reply, events } = await route.call(this));
	} catch (error) {
		// An unexpected failure (e.g. Google's certificates unreachable): answer, start nothing.
		this.logger.warn(`Google Connector Trigger could not handle a request: ${(error as Error).message}`);
		reply = new Reply(503, { error: 'The request could not be processed now; try again later' });
		events = [];
	}
	send(this, reply);
	if (events.length === 0) return { noWebhookResponse: true };
	const items: INodeExecutionData[] = events.map((json) => ({ json }));
	return { noWebhookResponse: true, workflowData: [items] };
}

async function route(this: IWebhookFunctions): Promise<{ reply: Reply; events: IDataObject[] }> {
	const req = this.getRequestObject();
	const method = String(req.method ?? 'GET').toUpperCase();
	const query = (this.getQueryData() ?? {}) as IDataObject;
	const headers = req.headers as Headers;
	const enabled = this.getNodeParameter('actions', []) as string[];
	const orgId = String(this.getNodeParameter('orgId', '') ?? '').trim();
	const options = this.getNodeParameter('settings', {}) as Options;
	const receivedAt = new Date().toISOString();
	const nothing = (status: number, body: IDataObject | string) => ({ reply: new Reply(status, body), events: [] as IDataObject[] });

	const action = queryValue(query, 'action');
	const isHubVerification = method === 'GET' && queryValue(query, 'hub.mode') !== undefined;
	const effective: string | undefined = isHubVerification && (action === 'youtube-webhook' || action === 'youtube-verify') ? 'youtube-verify' : action;
	if (!effective || !(ACTIONS as readonly string[]).includes(effective))
		return nothing(400, { error: action ? `Unknown action "${action.slice(0, 64)}"` : 'The "action" query parameter is missing', validActions: [...ACTIONS] });
	if (orgId) {
		const given = queryValue(query, 'orgid') ?? '';
		if (!safeEqual(given, orgId)) return nothing(404, { error: 'Unknown organisation' });
	}
	const youtubeOn = enabled.includes('youtube-webhook') || enabled.includes('youtube-verify');
	if (effective === 'youtube-verify' ? !youtubeOn : !enabled.includes(effective))
		return nothing(404, { error: `The action "${effective}" is not enabled on this trigger` });

	const allowed: Record<Action, string[]> = {
		'youtube-verify': ['GET'],
		'youtube-webhook': ['POST'],
		'ads-webhook': ['POST'],
		'ads-conversion-callback': ['GET', 'POST'],
		'ads-performance-alert': ['POST'],
	};
	if (!allowed[effective as Action].includes(method)) return nothing(405, { error: `${method} is not allowed for ${effective}; use ${allowed[effective as Action].join(' or ')}` });

	const maxBytes = Math.max(1, Number(options.maxBodyKb ?? 256)) * 1024;
	const declared = Number(header(headers, 'content-length') ?? 0);
	if (declared > maxBytes) return nothing(413, { error: `The body is larger than ${maxBytes} bytes` });
	let raw: Buffer;
	try {
		raw = await rawBodyOf(req as unknown as RawRequest);
	} catch (error) {
		const status = (error as { status?: number }).status;
		return nothing(status === 413 ? 413 : 400, { error: status === 413 ? 'The body is too large' : 'The body could not be read' });
	}
	if (raw.length > maxBytes) return nothing(413, { error: `The body is larger than ${maxBytes} bytes` });

	const state = this.getWorkflowStaticData('node') as TriggerState;
	const secrets = await webhookSecrets(this);
	const dedupeMax = Math.max(100, Math.min(100_000, Number(options.dedupeSize ?? DEFAULT_DEDUPE_MAX) || DEFAULT_DEDUPE_MAX));
	const dedupe = new Deduper(state, `${this.getWorkflow().id ?? ''}|${this.getNode().name}`, dedupeMax);
	const base = (a: Action, data: IDataObject, rawValue?: unknown): IDataObject => ({
		action: a,
		...(orgId ? { orgId } : {}),
		receivedAt,
		verified: true,
		data,
		...(options.includeRaw && rawValue !== undefined ? { raw: rawValue as IDataObject } : {}),
	});

	try {
		switch (effective as Action) {
			case 'youtube-verify':
				return await verifyHub.call(this, { query, state, secrets, enabled, base });
			case 'youtube-webhook':
				return await youtubeNotification.call(this, { raw, headers, state, secrets, orgId, base, dedupe });
			case 'ads-webhook': {
				const body = objectBody(raw, headers);
				const given = typeof body.google_key === 'string' ? body.google_key : '';
				if (!secrets.leadFormKey || !safeEqual(given, secrets.leadFormKey)) {
					this.logger.debug('Google Connector Trigger refused a lead: google_key missing or wrong');
					return nothing(401, { error: 'google_key is missing or wrong' });
				}
				const lead = normaliseLead(body);
				if (dedupe.seen('leads', `${lead.formId ?? ''}|${lead.leadId}`)) return nothing(200, { received: true, duplicate: true });
				return { reply: new Reply(200, { received: true }), events: [base('ads-webhook', lead as unknown as IDataObject, omit(body, ['google_key']))] };
			}
			case 'ads-conversion-callback':
			case 'ads-performance-alert': {
				const refused = await checkSender.call(this, { query, headers, secrets, options });
				if (refused) return nothing(401, { error: refused });
				let input: IDataObject;
				if (method === 'GET') input = omit(query, ['action', 'orgid', 'token']);
				else input = unwrapPubSub(effective === 'ads-performance-alert' ? parseJsonObject(bodyText(raw)) as IDataObject : objectBody(raw, headers)).payload;
				if (effective === 'ads-conversion-callback') {
					const conversion = normaliseConversion(input, receivedAt);
					if (dedupe.seen('conversions', conversionKey(conversion))) return nothing(200, { received: true, duplicate: true });
					return { reply: new Reply(200, { received: true }), events: [base('ads-conversion-callback', conversion as unknown as IDataObject, omit(input, ['token']))] };
				}
				const alert = normalisePerformanceAlert(input, receivedAt);
				if (dedupe.seen('alerts', alertKey(alert))) return nothing(200, { received: true, duplicate: true });
				return { reply: new Reply(200, { received: true }), events: [base('ads-performance-alert', alert as unknown as IDataObject, input)] };
			}
		}
	} catch (error) {
		if (error instanceof PayloadError || error instanceof XmlError) return nothing(400, { error: error.message });
		this.logger.warn(`Google Connector Trigger could not handle a ${effective} request: ${(error as Error).message}`);
		return nothing(503, { error: 'The request could not be processed now; try again later' });
	}
	return nothing(400, { error: 'Unhandled action', validActions: [...ACTIONS] });
}

/** Shared secret (query `token`, the configured header, or Authorization: Bearer), or a Google OIDC token. */
async function checkSender(
	this: IWebhookFunctions,
	opts: { query: IDataObject; headers: Headers; secrets: WebhookSecrets; options: Options },
): Promise<string | undefined> {
	const { query, headers, secrets, options } = opts;
	const authorization = header(headers, 'authorization') ?? '';
	const bearer = /^bearer\s+(.+)$/i.exec(authorization.trim())?.[1];
	if (options.requireGoogleOidc) {
		if (!bearer) return 'A Google-signed bearer token is required';
		const webhookUrl = this.getNodeWebhookUrl('default') ?? '';
		const audiences = String(options.oidcAudience ?? '').split(',').map((a) => a.trim()).filter(Boolean);
		if (audiences.length === 0) {
			const req = this.getRequestObject();
			const search = String(req.originalUrl ?? req.url ?? '').split('?')[1];
			audiences.push(webhookUrl, ...(search ? [`${webhookUrl}?${search}`] : []));
		}
		const jwks = await googleCerts.call(this, idTokenKeyId(bearer));
		try {
			const claims = verifyIdToken(bearer, jwks, { audiences });
			const expected = String(options.oidcServiceAccountEmail ?? '').trim().toLowerCase();
			if (expected) {
				const email = typeof claims.email === 'string' ? claims.email.toLowerCase() : '';
				const verified = claims.email_verified === true || (claims.email_verified as unknown) === 'true';
				if (!verified || !safeEqual(email, expected)) return 'The bearer token was issued to another service account';
			}
			return undefined;
		} catch (error) {
			return `The bearer token is not valid (${error instanceof IdTokenError ? error.reason : 'malformed'})`;
		}
	}
	if (!secrets.sharedSecret) return 'No shared secret is configured, so every call is refused';
	const headerName = String(options.headerName || 'x-webhook-token').toLowerCase();
	const candidates = [queryValue(query, 'token'), header(headers, headerName), bearer].filter((v): v is string => typeof v === 'string');
	// Compare every candidate (constant time each), so which one matched does not show in timing.
	let ok = false;
	for (const c of candidates) ok = safeEqual(c, secrets.sharedSecret) || ok;
	return ok ? undefined : 'The shared secret is missing or wrong';
}

type Base = (a: Action, data: IDataObject, raw?: unknown) => IDataObject;

function configuredTopics(ctx: IWebhookFunctions): string[] {
	try {
		return parseChannelIds(ctx.getNodeParameter('channelIds', '')).map(topicFor);
	} catch {
		return [];
	}
}

/** GET from the hub: answer the challenge only for a topic we subscribed and a mode we asked for. */
async function verifyHub(
	this: IWebhookFunctions,
	opts: { query: IDataObject; state: TriggerState; secrets: WebhookSecrets; enabled: string[]; base: Base },
): Promise<{ reply: Reply; events: IDataObject[] }> {
	const { query, state, secrets, enabled, base } = opts;
	const refuse = (why: string) => {
		this.logger.debug(`Google Connector Trigger refused a hub verification: ${why}`);
		return { reply: new Reply(404, 'not subscribed'), events: [] as IDataObject[] };
	};
	const mode = queryValue(query, 'hub.mode');
	const topic = queryValue(query, 'hub.topic') ?? '';
	const push = (state.push ?? {}) as PushState;
	const known = configuredTopics(this).includes(topic) || push[topic] !== undefined;
	if (mode === 'denied') {
		if (!known) return refuse('denial for an unknown topic');
		if (push[topic]) push[topic].lastError = `The hub denied the subscription: ${String(queryValue(query, 'hub.reason') ?? 'no reason given').slice(0, 200)}`;
		return { reply: new Reply(200, 'ok'), events: [] };
	}
	if (mode !== 'subscribe' && mode !== 'unsubscribe') return refuse('unknown mode');
	const challenge = safeChallenge(queryValue(query, 'hub.challenge'));
	if (!challenge) return refuse('missing or unusable challenge');
	if (!known) return refuse('topic not subscribed by this trigger');
	const now = Date.now();
	const sub = push[topic];
	const tokenOk = verifyTokenValid(secrets.pushKey, queryValue(query, 'hub.verify_token'), mode, topic, Math.floor(now / 1000), INTENT_MAX_AGE_SECONDS);
	const intentOk = !!sub && sub.mode === mode && now - sub.requestedAt < INTENT_MAX_AGE_SECONDS * 1000;
	if (!tokenOk && !intentOk) return refuse(`no ${mode} request of ours is waiting for this topic`);

	const leaseSeconds = Number(queryValue(query, 'hub.lease_seconds'));
	let data: IDataObject;
	if (mode === 'subscribe') {
		const lease = Number.isFinite(leaseSeconds) && leaseSeconds > 0 ? leaseSeconds : null;
		const channelId = channelIdFromTopic(topic);
		const existing: PushSubscription = sub ?? {
			channelId,
			topic,
			// A subscription made by Subscribe / Renew Push in another workflow: this trigger's own URL.
			callback: pushCallback(this.getNodeWebhookUrl('default') ?? '', String(this.getNodeParameter('orgId', '') ?? '').trim()),
			secret: secretFor(secrets.pushKey || undefined, topic, randomSecret),
			mode: 'subscribe',
			requestedAt: now,
			expiresAt: null,
			verifiedAt: null,
			leaseSeconds: null,
		};
		if (!state.push) state.push = {};
		state.push[topic] = { ...existing, mode: 'subscribe', verifiedAt: now, leaseSeconds: lease, expiresAt: lease ? now + lease * 1000 : null, lastError: undefined };
		delete state.push[topic].lastError;
		data = { mode, topic, channelId, leaseSeconds: lease, expiresAt: lease ? new Date(now + lease * 1000).toISOString() : null };
	} else {
		if (state.push && state.push[topic]) delete state.push[topic];
		data = { mode, topic, channelId: channelIdFromTopic(topic) };
	}
	const events = enabled.includes('youtube-verify') ? [base('youtube-verify', data)] : [];
	await renewIfDue.call(this, state, secrets);
	return { reply: new Reply(200, challenge), events };
}

/** POST from the hub: signature first (bad or missing → 2xx ack, no run), then the Atom entries. */
async function youtubeNotification(
	this: IWebhookFunctions,
	opts: { raw: Buffer; headers: Headers; state: TriggerState; secrets: WebhookSecrets; orgId: string; base: Base; dedupe: Deduper },
): Promise<{ reply: Reply; events: IDataObject[] }> {
	const { raw, headers, state, secrets, base, dedupe } = opts;
	const ack = (why: string) => {
		this.logger.debug(`Google Connector Trigger ignored a push delivery: ${why}`);
		return { reply: new Reply(202, 'ignored'), events: [] as IDataObject[] };
	};
	const signature = headers['x-hub-signature'];
	if (!signature) return ack('no X-Hub-Signature');
	const push = (state.push ?? {}) as PushState;
	const topics = new Set([...Object.keys(push), ...configuredTopics(this)]);
	let matched: string | undefined;
	for (const topic of topics) {
		const secret = push[topic]?.secret || (secrets.pushKey ? secretFor(secrets.pushKey, topic, randomSecret) : '');
		if (secret && hubSignatureValid(raw, secret, signature)) {
			matched = topic;
			break;
		}
	}
	if (!matched) return ack('signature does not verify');
	const channelId = channelIdFromTopic(matched);
	const entries = parseYouTubeNotification(bodyText(raw), { fallbackChannelId: channelId });
	const events: IDataObject[] = [];
	for (const e of entries) {
		if (e.channelId && e.channelId !== channelId) continue; // signed for another channel's topic
		if (dedupe.seen('youtube', `${e.videoId}|${e.updatedAt ?? ''}|${e.deleted}`)) continue;
		const firstTime = !dedupe.seen('videos', e.videoId);
		const kind = e.deleted ? 'deleted' : firstTime ? 'upload' : 'update';
		const data: IDataObject = { videoId: e.videoId, channelId: e.channelId || channelId, title: e.title, link: e.link, publishedAt: e.publishedAt, updatedAt: e.updatedAt, deleted: e.deleted, kind };
		if (e.author) data.author = e.author;
		events.push(base('youtube-webhook', data, bodyText(raw)));
	}
	await renewIfDue.call(this, state, secrets);
	return { reply: new Reply(events.length ? 200 : 202, events.length ? 'ok' : 'ignored'), events };
}

/** Renews every subscription with less than a day left (called on each verification and notification). */
export async function renewIfDue(this: IWebhookFunctions, state: TriggerState, secrets: WebhookSecrets): Promise<void> {
	const now = Date.now();
	for (const sub of Object.values((state.push ?? {}) as PushState)) {
		if (!needsRenewal(sub, now) || !sub.callback) continue;
		sub.requestedAt = now;
		try {
			await hubRequest(this, { mode: 'subscribe', topic: sub.topic, callback: sub.callback, secret: sub.secret, pushKey: secrets.pushKey || undefined });
			delete sub.lastError;
		} catch (error) {
			sub.lastError = (error as Error).message;
			this.logger.warn(`Google Connector Trigger could not renew YouTube push for channel ${sub.channelId}: ${(error as Error).message}`);
		}
	}
}

export type { HubMode };
