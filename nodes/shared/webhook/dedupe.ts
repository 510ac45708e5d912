// A bounded "already seen" store kept in the trigger's static data (so it survives restarts and is
// shared by every webhook process in queue mode). n8n loads that static data from the database
// with every request, refusals included, and saves it whole after each accepted one (that write
// is what the trigger costs beyond n8n's Webhook node); so a bucket is one string of hashed keys,
// oldest first (".<12 chars>" each, 72 bits: a new key is mistaken for a stored one with odds of
// 1 in 10^18 at 5,000 keys), not an object of thousands of properties: 5,000 keys are 65 KB instead
// of 180 KB and load in 0.1 ms instead of 5 ms.
// The bucket functions are pure; Deduper adds the per-process record of recent keys (below).
import { createHash } from 'node:crypto';

/** A bucket as stored: ".<hash>" entries, oldest first. */
export type DedupeBucket = string;

export const DEFAULT_DEDUPE_MAX = 5000;
const HASH_CHARS = 12;
const ENTRY_CHARS = HASH_CHARS + 1;
// Earlier versions stored 22 characters of the same hash; their first 12 are today's entry.
const EARLIER_HASH = /^[A-Za-z0-9_-]{22}$/;
const ENTRY = /\.[A-Za-z0-9_-]{12}/g;

export function hashKey(key: string): string {
	return createHash('sha256').update(key).digest('base64url').slice(0, HASH_CHARS);
}

/**
 * The bucket in static data as a string: the earlier formats (an object hash → seconds, ordered by
 * its times; a string of 22-character entries) are shortened; anything damaged keeps only its
 * well-formed entries.
 */
export function readBucket(value: unknown): DedupeBucket {
	if (typeof value === 'string') {
		let wellFormed = value.length % ENTRY_CHARS === 0;
		for (let i = 0; wellFormed && i < value.length; i += ENTRY_CHARS) wellFormed = value.charCodeAt(i) === 46;
		return wellFormed ? value : (value.match(ENTRY) ?? []).join('');
	}
	if (!value || typeof value !== 'object') return '';
	return Object.entries(value as Record<string, unknown>)
		.filter(([h, t]) => EARLIER_HASH.test(h) && typeof t === 'number')
		.sort((a, b) => (a[1] as number) - (b[1] as number))
		.map(([h]) => `.${h.slice(0, HASH_CHARS)}`)
		.join('');
}

export function bucketHas(bucket: DedupeBucket, hash: string): boolean {
	// Entries are fixed-width and '.' only starts one, so a match is a whole entry.
	return bucket.lastIndexOf(`.${hash}`) !== -1;
}

/** The bucket with `hash` appended, the oldest entries dropped beyond `max`. */
export function bucketAdd(bucket: DedupeBucket, hash: string, max = DEFAULT_DEDUPE_MAX): DedupeBucket {
	const next = `${bucket}.${hash}`;
	const limit = Math.max(1, max) * ENTRY_CHARS;
	return next.length > limit ? next.slice(next.length - limit) : next;
}

/** Which of `hashes` the bucket lacks, reading it from the newest entry back until all are found. */
export function missingFrom(bucket: DedupeBucket, hashes: Iterable<string>): Set<string> {
	const left = new Set(hashes);
	for (let end = bucket.length; end >= ENTRY_CHARS && left.size > 0; end -= ENTRY_CHARS) left.delete(bucket.slice(end - HASH_CHARS, end));
	return left;
}

/** True when `key` was recorded in `bucket` (for tests and callers that only ask). */
export function bucketHasKey(bucket: unknown, key: string): boolean {
	return bucketHas(readBucket(bucket), hashKey(key));
}

/**
 * How long a key this process recorded stays in its memory before it counts as safely stored: n8n
 * saves a webhook's static data whole, after each request, from the copy it loaded at the start,
 * so a request still under way when the key was saved (up to Node's 5-minute request timeout,
 * e.g. a body sent slowly) can save its older copy over it. Until then every request of this
 * process writes the key back if it is missing, and the key counts as seen.
 */
export const RECENT_KEEP_MS = 10 * 60_000;
const recentByScope = new Map<string, Map<string, number>>();
const SCOPE_LIMIT = 200;

/** The trigger's "already seen" check: named buckets in static data, backed by this process's recent keys. */
export class Deduper {
	constructor(
		private readonly state: { dedupe?: Record<string, unknown> },
		private readonly scope: string,
		private readonly max: number,
		/** When the request began (n8n loaded the static data just before). */
		private readonly startedAt = Date.now(),
	) {}

	/** Keys this request recorded in the process memory, so that a run n8n failed to start can let them go. */
	private readonly added: Array<[Map<string, number>, string]> = [];

	/**
	 * n8n could not start the run (it answered 5xx, so it saved no static data either): forget what this
	 * request recorded, so the sender's redelivery is not taken for a duplicate.
	 */
	forgetAdded(): void {
		for (const [recent, h] of this.added.splice(0)) recent.delete(h);
	}

	private recent(name: string): Map<string, number> {
		const key = `${this.scope}|${name}`;
		let recent = recentByScope.get(key);
		if (!recent) {
			if (recentByScope.size >= SCOPE_LIMIT) recentByScope.delete(recentByScope.keys().next().value as string);
			recent = new Map();
			recentByScope.set(key, recent);
		}
		return recent;
	}

	/** True when `key` was seen (in static data or recently in this process); records it otherwise. */
	seen(name: string, key: string): boolean {
		if (!this.state.dedupe) this.state.dedupe = {};
		const recent = this.recent(name);
		let bucket = readBucket(this.state.dedupe[name]);
		const lost = missingFrom(bucket, recent.keys());
		for (const h of lost) bucket = bucketAdd(bucket, h, this.max);
		// Keys old enough and found in this copy are stored for good: forget them (oldest first).
		for (const [h, at] of recent) {
			if (this.startedAt - at <= RECENT_KEEP_MS) break;
			if (!lost.has(h)) recent.delete(h);
		}
		const h = hashKey(key);
		const seen = recent.has(h) || bucketHas(bucket, h);
		if (!seen) {
			bucket = bucketAdd(bucket, h, this.max);
			recent.set(h, Date.now());
			this.added.push([recent, h]);
			if (recent.size > this.max) recent.delete(recent.keys().next().value as string);
		}
		// Written only when something changed, so n8n saves the static data only then.
		if (bucket !== this.state.dedupe[name]) this.state.dedupe[name] = bucket;
		return seen;
	}
}
