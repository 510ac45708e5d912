import { createHash } from 'node:crypto';
import { DEFAULT_DEDUPE_MAX, Deduper, RECENT_KEEP_MS, bucketAdd, bucketHas, bucketHasKey, hashKey, missingFrom, readBucket } from '../../../nodes/shared/webhook/dedupe';

const bucketOf = (keys: string[], max = DEFAULT_DEDUPE_MAX) => keys.reduce((b, k) => bucketAdd(b, hashKey(k), max), '');

describe('dedupe bucket (one string of hashed keys in static data)', () => {
	test('records keys hashed, one fixed-width entry each; never the key itself', () => {
		const b = bucketOf(['lead-1', 'lead-2']);
		expect(b).toHaveLength(2 * 13);
		expect(b).toMatch(/^(\.[A-Za-z0-9_-]{12}){2}$/);
		expect(b).not.toContain('lead');
		expect(bucketHasKey(b, 'lead-1')).toBe(true);
		expect(bucketHasKey(b, 'lead-3')).toBe(false);
	});

	test('a match is a whole entry, never one straddling two entries', () => {
		const b = bucketOf(['a', 'b']);
		const straddle = b.slice(7, 13) + b.slice(14, 20); // the end of one hash and the start of the next
		expect(straddle).toMatch(/^[A-Za-z0-9_-]{12}$/);
		expect(bucketHas(b, straddle)).toBe(false);
	});

	test('bounded: the oldest keys are forgotten first; survives a JSON round trip (static data)', () => {
		let b = '';
		for (let i = 0; i < 120; i++) b = JSON.parse(JSON.stringify(bucketAdd(b, hashKey(`k${i}`), 100)));
		expect(b).toHaveLength(100 * 13);
		expect(bucketHasKey(b, 'k19')).toBe(false);
		expect(bucketHasKey(b, 'k20')).toBe(true);
		expect(bucketHasKey(b, 'k119')).toBe(true);
		expect(DEFAULT_DEDUPE_MAX).toBeGreaterThanOrEqual(1000);
	});

	test('the earlier format (object of 22-character hashes → seconds) is read oldest first, so nothing already recorded is lost', () => {
		const h22 = (k: string) => createHash('sha256').update(k).digest('base64url').slice(0, 22);
		const old: Record<string, number> = { [h22('new')]: 300, [h22('oldest')]: 100, [h22('mid')]: 200, 'not-a-hash': 50, [h22('bad-time')]: 'x' as unknown as number };
		const b = readBucket(old);
		expect(b).toBe(`.${hashKey('oldest')}.${hashKey('mid')}.${hashKey('new')}`);
		expect(bucketHasKey(old, 'mid')).toBe(true);
		// Trimming after the conversion drops the oldest, as before.
		expect(bucketHasKey(bucketAdd(b, hashKey('x'), 3), 'oldest')).toBe(false);
	});

	test('a bucket of 22-character entries (the first string format) is shortened entry by entry', () => {
		const h22 = (k: string) => createHash('sha256').update(k).digest('base64url').slice(0, 22);
		const first = ['a', 'b', 'c'].map((k) => `.${h22(k)}`).join('');
		expect(readBucket(first)).toBe(bucketOf(['a', 'b', 'c']));
		expect(bucketHasKey(first, 'b')).toBe(true);
		expect(bucketHasKey(first, 'd')).toBe(false);
	});

	test('damaged stored values keep only well-formed entries; other types read as empty', () => {
		const good = bucketOf(['a', 'b']);
		expect(readBucket(`xx${good}y`)).toBe(good);
		expect(readBucket(good)).toBe(good);
		expect(readBucket(42)).toBe('');
		expect(readBucket(null)).toBe('');
		expect(readBucket(['x'])).toBe('');
	});

	test('missingFrom names exactly the absent keys, also when the present ones are old', () => {
		const b = bucketOf(['a', 'b', 'c', 'd']);
		expect([...missingFrom(b, [hashKey('d'), hashKey('a')])]).toEqual([]);
		expect([...missingFrom(b, [hashKey('a'), hashKey('z'), hashKey('c')])]).toEqual([hashKey('z')]);
		expect([...missingFrom('', [hashKey('a')])]).toEqual([hashKey('a')]);
	});
});

describe('Deduper: concurrent saves of static data (n8n: whole copy loaded per request, last save wins)', () => {
	let scope = 0;
	const next = () => `test-${++scope}`;

	test('a record lost to a concurrent save is written back by the next request, and repeats are caught meanwhile', () => {
		const s = next();
		const loadedByBoth: { dedupe?: Record<string, unknown> } = {};
		// Requests A and B load the same copy; B records lead-2, then A records lead-1 (its copy gets
		// lead-2 too) and saves; B saves last, without lead-1.
		const copyA = structuredClone(loadedByBoth);
		const copyB = structuredClone(loadedByBoth);
		expect(new Deduper(copyB, s, 100).seen('leads', 'lead-2')).toBe(false);
		expect(new Deduper(copyA, s, 100).seen('leads', 'lead-1')).toBe(false);
		expect(bucketHasKey(copyA.dedupe!.leads, 'lead-2')).toBe(true);
		const saved = structuredClone(copyB);
		expect(bucketHasKey(saved.dedupe!.leads, 'lead-1')).toBe(false);
		// A redelivery of lead-1 now is caught by this process's memory…
		const copyC = structuredClone(saved);
		expect(new Deduper(copyC, s, 100).seen('leads', 'lead-1')).toBe(true);
		// …and the copy it saves has lead-1 back, with lead-2 kept.
		expect(bucketHasKey(copyC.dedupe!.leads, 'lead-1')).toBe(true);
		expect(bucketHasKey(copyC.dedupe!.leads, 'lead-2')).toBe(true);
	});

	test('a recent key is written back even by a request of another kind of check, until it is old enough and stored', () => {
		const s = next();
		const t0 = Date.now();
		const first: { dedupe?: Record<string, unknown> } = {};
		new Deduper(first, s, 100, t0).seen('leads', 'lead-1');
		// The save was lost; eleven minutes later a request finds it missing: it is still written back.
		const late: { dedupe?: Record<string, unknown> } = {};
		new Deduper(late, s, 100, t0 + RECENT_KEEP_MS + 60_000).seen('leads', 'lead-2');
		expect(bucketHasKey(late.dedupe!.leads, 'lead-1')).toBe(true);
		// Found stored and old enough: forgotten by the memory, still a repeat through static data.
		const later = structuredClone(late);
		new Deduper(later, s, 100, t0 + RECENT_KEEP_MS + 120_000).seen('leads', 'lead-3');
		const withoutIt: { dedupe?: Record<string, unknown> } = {};
		expect(new Deduper(withoutIt, s, 100, t0 + RECENT_KEEP_MS + 180_000).seen('leads', 'lead-1')).toBe(false);
		expect(new Deduper(structuredClone(later), s, 100).seen('leads', 'lead-1')).toBe(true);
	});

	test('a repeat changes nothing, so n8n has nothing to save', () => {
		const s = next();
		const state: { dedupe?: Record<string, unknown> } = {};
		new Deduper(state, s, 100).seen('leads', 'lead-1');
		const before = state.dedupe!.leads;
		expect(new Deduper(state, s, 100).seen('leads', 'lead-1')).toBe(true);
		expect(state.dedupe!.leads).toBe(before);
	});

	test('static data in the earlier format: old records are still repeats, the first new record converts it', () => {
		const s = next();
		const h22 = createHash('sha256').update('old-lead').digest('base64url').slice(0, 22);
		const state: { dedupe?: Record<string, unknown> } = { dedupe: { leads: { [h22]: 1_700_000_000 } } };
		expect(new Deduper(state, s, 100).seen('leads', 'old-lead')).toBe(true);
		expect(new Deduper(state, s, 100).seen('leads', 'new-lead')).toBe(false);
		expect(typeof state.dedupe!.leads).toBe('string');
		expect(bucketHasKey(state.dedupe!.leads, 'old-lead')).toBe(true);
	});
});
