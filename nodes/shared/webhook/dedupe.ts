// A bounded "already seen" store kept in the trigger's static data (so it survives restarts and is
// shared by every webhook process in queue mode). Keys are hashed; the oldest entries are dropped
// beyond `max`. The bucket functions are pure; Deduper adds the per-process mirror (below).
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

/**
 * In-memory mirror of the dedupe buckets, per workflow and node. n8n saves a webhook's static data
 * whole, after each request, from the copy it loaded at the start: two concurrent requests each save
 * their own copy and the later one wins, dropping the other's record. The mirror catches repeats
 * that arrive meanwhile in this process and writes lost records back on the next request. (Across
 * several webhook processes in queue mode, simultaneous repeats can still both pass.)
 */
const mirror = new Map<string, DedupeBucket>();
const MIRROR_LIMIT = 200;

/** The trigger's "already seen" check: named buckets in static data, backed by the process mirror. */
export class Deduper {
	constructor(
		private readonly state: { dedupe?: Record<string, DedupeBucket> },
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
