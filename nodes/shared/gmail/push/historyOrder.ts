// Gmail history ids are uint64 decimal strings: compared as big integers, never as floats (ids above
// 2^53 would collide). Pure.
import type { GmailSyncCursor } from '../sync/cursor';

const valid = (id: string | undefined): id is string => typeof id === 'string' && /^[0-9]{1,20}$/.test(id);

/** -1, 0 or 1 as `a` is below, equal to or above `b`; an id that is not a number sorts lowest. */
export function compareHistoryIds(a: string | undefined, b: string | undefined): number {
	if (!valid(a)) return valid(b) ? -1 : 0;
	if (!valid(b)) return 1;
	const x = BigInt(a);
	const y = BigInt(b);
	return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * Whether a notification up to `historyId` brings nothing the cursor has not covered: at or below the
 * cursor, and no message left pending (a re-list after an expired history id moves the cursor to the
 * newest id before its pending mail is fetched).
 */
export function coveredBy(historyId: string, cursor: Pick<GmailSyncCursor, 'historyId' | 'pending'> | undefined): boolean {
	return !!cursor && !cursor.pending?.length && compareHistoryIds(historyId, cursor.historyId) <= 0;
}

/** The higher of two ids (undefined only when both are). */
export function maxHistoryId(a: string | undefined, b: string | undefined): string | undefined {
	return compareHistoryIds(a, b) >= 0 ? (a ?? b) : b;
}
