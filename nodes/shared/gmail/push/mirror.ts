// What this process knows about one push trigger beyond the static data n8n handed the current call.
// n8n loads a webhook's static data when the request arrives and saves it whole when the call ends, so
// a push that arrives while the previous one is still saving reads an older cursor: the mirror holds
// the newest cursor and the Pub/Sub message ids handled here, and the tick reads it too (its own copy
// of the static data is as old as the activation). Pure: no n8n imports.
import { isGmailSyncCursor, remember, type GmailSyncCursor } from '../sync/cursor';
import { compareHistoryIds, maxHistoryId } from './historyOrder';

/** Pub/Sub message ids remembered per trigger (static data and mirror). Redeliveries come within days, rarely many. */
export const HANDLED_MESSAGES_LIMIT = 1000;
/** Triggers remembered per process; the oldest is forgotten first. */
const MIRROR_LIMIT = 200;

export interface PushMirror {
	cursor?: GmailSyncCursor;
	/** Pub/Sub message ids handled in this process, oldest first. */
	handled: string[];
	/** The highest history id a push left to the run in progress (it answered without waiting). */
	wanted?: string;
	/** When the newest cursor's history read started (ms): a notification's drop window must end before it. */
	readAt?: number;
	/** The latest drop window end a push that gave up on the lock left to the run in progress. */
	wantedReadAfter?: number;
	/** The history id the tick last republished, so an idle mailbox is not republished every tick. */
	republished?: string;
	/** Warnings already logged once. */
	warned: Set<string>;
}

const mirrors = new Map<string, PushMirror>();

export function pushMirror(key: string): PushMirror {
	let m = mirrors.get(key);
	if (!m) {
		if (mirrors.size >= MIRROR_LIMIT) mirrors.delete(mirrors.keys().next().value as string);
		m = { handled: [], warned: new Set() };
		mirrors.set(key, m);
	}
	return m;
}

/** For tests: a fresh process. */
export function forgetPushMirrors(): void {
	mirrors.clear();
}

/**
 * The cursor to continue from: the further of the stored one and the mirrored one. A mirrored cursor of
 * another mailbox (the credential changed) is ignored; so is a stored value that is not a cursor.
 */
export function newestCursor(stored: unknown, mirrored: GmailSyncCursor | undefined): GmailSyncCursor | undefined {
	const own = isGmailSyncCursor(stored) ? stored : undefined;
	if (!mirrored) return own;
	if (!own) return mirrored;
	if (own.account.toLowerCase() !== mirrored.account.toLowerCase()) return own;
	return compareHistoryIds(mirrored.historyId, own.historyId) >= 0 ? mirrored : own;
}

/** Whether the message id was handled (here or as stored). */
export function wasHandled(mirror: PushMirror, stored: unknown, messageId: string): boolean {
	return mirror.handled.includes(messageId) || (Array.isArray(stored) && stored.includes(messageId));
}

/**
 * Records a handled message id in the mirror and returns the list to store: the stored ids plus every
 * id this process handled (a concurrent save may have dropped some), bounded.
 */
export function recordHandled(mirror: PushMirror, stored: unknown, messageId: string): string[] {
	mirror.handled = remember(mirror.handled, [messageId], HANDLED_MESSAGES_LIMIT);
	const kept = Array.isArray(stored) ? stored.filter((id): id is string => typeof id === 'string') : [];
	return remember(kept, mirror.handled, HANDLED_MESSAGES_LIMIT);
}

/** Notes a history id that a later run must reach (the push answered while another run held the lock). */
export function noteWanted(mirror: PushMirror, historyId: string): void {
	mirror.wanted = maxHistoryId(mirror.wanted, historyId);
}

/** Notes that a push gave up on the lock whose history read must start at or after `notBefore`. */
export function noteReadAfter(mirror: PushMirror, notBefore: number): void {
	mirror.wantedReadAfter = Math.max(mirror.wantedReadAfter ?? 0, notBefore);
}

/** When the newest history read started, as this process or the stored static data knows it. */
export function newestReadAt(stored: unknown, mirror: PushMirror): number | undefined {
	const known = [stored, mirror.readAt].filter((t): t is number => typeof t === 'number' && Number.isFinite(t));
	return known.length ? Math.max(...known) : undefined;
}

/**
 * After a run whose history read started at `readAt`: the history id a continuation message should
 * carry, or undefined when nothing is waiting. Pushes only compare it with the cursor (they always
 * list history from the cursor), so "one above the cursor" is a correct way to say "more is waiting".
 * When a push that gave up on the lock needs a later read than this run's, the continuation carries
 * the cursor's own id: it is read again once (it was published after this read), and cannot loop.
 */
export function continuationHistoryId(mirror: PushMirror, cursor: GmailSyncCursor, hasMore: boolean, readAt?: number): string | undefined {
	const wanted = mirror.wanted;
	const readLater = readAt !== undefined && (mirror.wantedReadAfter ?? 0) > readAt;
	mirror.wanted = undefined;
	mirror.wantedReadAfter = undefined;
	const above = compareHistoryIds(wanted, cursor.historyId) > 0 ? wanted : undefined;
	if (hasMore) return maxHistoryId(above, (BigInt(cursor.historyId) + 1n).toString());
	return above ?? (readLater ? cursor.historyId : undefined);
}
