// What a Pub/Sub push brings: the envelope `{message:{data, attributes, messageId, publishTime},
// subscription}` and, inside `data`, Gmail's base64 JSON `{emailAddress, historyId}`. Each refusal
// says which field is wrong. Pure: no n8n imports.

export interface PushEnvelope {
	/** Pub/Sub's id of the message: the same on every redelivery. */
	messageId: string;
	publishTime?: string;
	/** `projects/P/subscriptions/S` that delivered it. */
	subscription?: string;
	/** The payload, still base64 as Pub/Sub sent it. */
	data: string;
	attributes: Record<string, string>;
}

/** Gmail's notification: some change in this mailbox up to this history id. */
export interface GmailNotification {
	emailAddress: string;
	/** Digits only (Gmail's ids are uint64; sent as a JSON number, kept as a string here). */
	historyId: string;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : undefined);

/** Reads a push body (already JSON-parsed, or a string / Buffer of JSON). */
export function parsePushEnvelope(body: unknown): Parsed<PushEnvelope> {
	let value = body;
	if (typeof value === 'string' || Buffer.isBuffer(value)) {
		try {
			value = JSON.parse(value.toString());
		} catch {
			return { ok: false, error: 'The body is not JSON (expected a Pub/Sub push: {"message": {...}, "subscription": "..."})' };
		}
	}
	if (!isObject(value)) return { ok: false, error: 'The body is not a JSON object (expected a Pub/Sub push: {"message": {...}, "subscription": "..."})' };
	const message = value.message;
	if (!isObject(message)) return { ok: false, error: 'The body has no "message" object' };
	// Pub/Sub sends both spellings (messageId and the older message_id).
	const messageId = text(message.messageId) ?? text(message.message_id);
	if (!messageId) return { ok: false, error: 'message.messageId is missing' };
	const data = message.data;
	if (typeof data !== 'string' || !data) return { ok: false, error: 'message.data is missing (Gmail always sends {emailAddress, historyId})' };
	const attributes: Record<string, string> = {};
	if (isObject(message.attributes)) for (const [k, v] of Object.entries(message.attributes)) if (typeof v === 'string') attributes[k] = v;
	return {
		ok: true,
		value: {
			messageId,
			publishTime: text(message.publishTime) ?? text(message.publish_time),
			subscription: text(value.subscription),
			data,
			attributes,
		},
	};
}

/** Decodes `message.data`: base64 (or base64url) of JSON `{emailAddress, historyId}`. */
export function decodeGmailNotification(data: string): Parsed<GmailNotification> {
	if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(data)) return { ok: false, error: 'message.data is not base64' };
	let json: unknown;
	try {
		json = JSON.parse(Buffer.from(data, 'base64').toString('utf8'));
	} catch {
		return { ok: false, error: 'message.data is not base64 of JSON' };
	}
	if (!isObject(json)) return { ok: false, error: 'message.data is not a JSON object' };
	const emailAddress = text(json.emailAddress);
	if (!emailAddress || !emailAddress.includes('@')) return { ok: false, error: 'message.data has no emailAddress' };
	const raw = json.historyId;
	const historyId = typeof raw === 'number' && Number.isSafeInteger(raw) && raw > 0 ? String(raw) : typeof raw === 'string' ? raw.trim() : '';
	if (!/^[1-9][0-9]{0,19}$/.test(historyId)) return { ok: false, error: 'message.data has no valid historyId (a positive integer)' };
	return { ok: true, value: { emailAddress, historyId } };
}

/** The text a continuation or catch-up message carries: the same shape Gmail publishes. */
export function notificationText(n: GmailNotification): string {
	return JSON.stringify({ emailAddress: n.emailAddress, historyId: n.historyId });
}

/** Gmail's addresses compare case-insensitively. */
export function sameMailbox(a: string, b: string): boolean {
	return a.trim().toLowerCase() === b.trim().toLowerCase();
}
