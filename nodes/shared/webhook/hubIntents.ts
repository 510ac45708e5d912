// The hub requests this process sent and is waiting for the hub to verify, and the verifications it
// answered. Module memory on purpose: n8n saves a trigger's static data only after activation
// (create()) returns or after a webhook call has answered, so a verification arriving meanwhile cannot
// find the request in static data, while the process that sent it can. (In queue mode another process
// finds it only once saved; a hub that echoes hub.verify_token is recognised by any process.)
// Pure: no n8n imports.
export type IntentMode = 'subscribe' | 'unsubscribe';

export interface Confirmation {
	mode: IntentMode;
	/** When the verification was answered (ms). */
	at: number;
	leaseSeconds: number | null;
}

const LIMIT = 2000;
const intents = new Map<string, { mode: IntentMode; at: number }>();
const confirmations = new Map<string, Confirmation>();

const keyOf = (topic: string, callback: string) => `${callback} ${topic}`;

function bounded<V>(map: Map<string, V>, key: string, value: V): void {
	map.delete(key);
	if (map.size >= LIMIT) map.delete(map.keys().next().value as string);
	map.set(key, value);
}

/** Records that this process just asked the hub for `mode` on `topic` for `callback`. */
export function noteIntent(mode: IntentMode, topic: string, callback: string, nowMs: number): void {
	bounded(intents, keyOf(topic, callback), { mode, at: nowMs });
}

/**
 * Whether a verification for `mode` answers a request of ours not older than `maxAgeMs`; the request
 * is used up, so each request admits one verification (a forger cannot ride on it afterwards).
 */
export function takeIntent(mode: IntentMode, topic: string, callback: string, nowMs: number, maxAgeMs: number): boolean {
	const key = keyOf(topic, callback);
	const intent = intents.get(key);
	if (!intent || intent.mode !== mode || nowMs - intent.at > maxAgeMs) return false;
	intents.delete(key);
	return true;
}

export function noteConfirmation(topic: string, callback: string, confirmation: Confirmation): void {
	bounded(confirmations, keyOf(topic, callback), confirmation);
}

/** The last verification this process answered for `topic` and `callback`, if any. */
export function confirmationOf(topic: string, callback: string): Confirmation | undefined {
	return confirmations.get(keyOf(topic, callback));
}

/** For tests: the memory of a fresh process (after a restart, or another webhook process in queue mode). */
export function forgetHubIntents(): void {
	intents.clear();
	confirmations.clear();
}
