// A bounded "already seen" store kept in the trigger's static data (so it survives restarts and is
// shared by every webhook process in queue mode). Keys are hashed; the oldest entries are dropped
// beyond `max`. Pure: works on the plain object it is given.
import { createHash } from 'node:crypto';

export interface DedupeBucket {
	[hashedKey: string]: number;
}

export const DEFAULT_DEDUPE_MAX = 5000;

function hashKey(key: string): string {
	return createHash('sha256').update(key).digest('base64url').slice(0, 22);
}

/** True when `key` was recorded before; otherwise records it (with `nowMs`) and returns false. */
export function seenBefore(bucket: DedupeBucket, key: string, nowMs: number, max = DEFAULT_DEDUPE_MAX): boolean {
	const h = hashKey(key);
	if (Object.prototype.hasOwnProperty.call(bucket, h)) return true;
	bucket[h] = Math.floor(nowMs / 1000);
	const keys = Object.keys(bucket);
	for (let i = 0; i < keys.length - max; i++) delete bucket[keys[i]];
	return false;
}

/** Whether `key` is recorded, without recording it. */
export function hasSeen(bucket: DedupeBucket, key: string): boolean {
	return Object.prototype.hasOwnProperty.call(bucket, hashKey(key));
}

/**
 * Copies keys from `source` that `target` lacks (e.g. an in-memory mirror into static data whose
 * last save was overwritten by a concurrent request), keeping the newest `max`.
 */
export function mergeInto(target: DedupeBucket, source: DedupeBucket, max = DEFAULT_DEDUPE_MAX): boolean {
	let changed = false;
	for (const [k, t] of Object.entries(source)) {
		if (!Object.prototype.hasOwnProperty.call(target, k)) {
			target[k] = t;
			changed = true;
		}
	}
	if (!changed) return false;
	const keys = Object.keys(target).sort((a, b) => target[a] - target[b]);
	for (let i = 0; i < keys.length - max; i++) delete target[keys[i]];
	return true;
}
