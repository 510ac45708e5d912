// The Gmail sync cursor and the pure decisions around it: which history records yield candidate
// messages, how far the cursor may advance after a partial fetch, and the bounded set of recently
// emitted ids that makes re-listing after a history expiry safe. No n8n imports.
import type { GmailHistoryRecord, GmailMessage } from '../types';

/** Kept in the trigger's node static data (or handed to / returned by Gmail → Sync). JSON only. */
export interface GmailSyncCursor {
	v: 1;
	/** The mailbox address the cursor belongs to. */
	account: string;
	/** Follow history records after this id (string: Gmail's ids are uint64). */
	historyId: string;
	/** Internal date (ms) up to which every message is known to be handled: the re-list start after a 404. */
	watermark: number;
	/** Recently handled message ids, oldest first, bounded. */
	recent: string[];
	/** Message ids still to fetch from a backfill or a re-list (oldest first). */
	pending?: string[];
}

export interface Candidate {
	messageId: string;
	/** The history record that named it. */
	recordId: string;
}

/** Labels never synced, whatever the selection. */
export const NEVER_SYNCED = ['DRAFT', 'SPAM', 'TRASH'];

export const DEFAULT_RECENT_LIMIT = 5000;

export function isGmailSyncCursor(value: unknown): value is GmailSyncCursor {
	if (!value || typeof value !== 'object') return false;
	const c = value as Record<string, unknown>;
	return c.v === 1 && typeof c.account === 'string' && typeof c.historyId === 'string' && typeof c.watermark === 'number' && Array.isArray(c.recent);
}

export function newCursor(account: string, historyId: string, watermark: number, pending?: string[]): GmailSyncCursor {
	const cursor: GmailSyncCursor = { v: 1, account, historyId, watermark, recent: [] };
	if (pending?.length) cursor.pending = pending;
	return cursor;
}

/** Whether a message with these labels belongs to the sync (empty selection = all but drafts, spam, trash). */
export function inSyncLabels(labelIds: string[] | null | undefined, selected: string[]): boolean {
	const labels = labelIds ?? [];
	if (labels.some((l) => NEVER_SYNCED.includes(l))) return false;
	return selected.length === 0 || labels.some((l) => selected.includes(l));
}

/**
 * Candidates from history records, in record order: a message added with a synced label, or a
 * synced label added to a message (mail filed into "Clients" later). Ids already handled or already
 * named by an earlier record are skipped.
 */
export function candidatesFromHistory(records: GmailHistoryRecord[], selected: string[], handled: ReadonlySet<string>, seen: Set<string> = new Set()): Candidate[] {
	const out: Candidate[] = [];
	for (const record of records) {
		const recordId = String(record.id ?? '');
		const named: GmailMessage[] = [];
		for (const added of record.messagesAdded ?? []) if (added.message && inSyncLabels(added.message.labelIds, selected)) named.push(added.message);
		if (selected.length > 0) {
			for (const added of record.labelsAdded ?? []) {
				if (!added.message || !(added.labelIds ?? []).some((l) => selected.includes(l))) continue;
				if (inSyncLabels(added.message.labelIds, selected)) named.push(added.message);
			}
		}
		for (const m of named) {
			const id = m.id ?? '';
			if (!id || handled.has(id) || seen.has(id)) continue;
			seen.add(id);
			out.push({ messageId: id, recordId });
		}
	}
	return out;
}

/**
 * How far the history cursor may move after fetching: every candidate before `firstUnfinished`
 * (index into `candidates`) is done. `pageRecordIds` are the ids of every record listed, in order;
 * `listedThrough` is the history id that covers all listed records when everything was listed
 * (the last response's `historyId`), else the last listed record's id.
 */
export function advanceHistoryId(current: string, candidates: Candidate[], firstUnfinished: number, pageRecordIds: string[], listedThrough: string | undefined): string {
	if (firstUnfinished >= candidates.length) return listedThrough ?? current;
	// Stop just before the record that named the first unfinished candidate.
	const blocking = candidates[firstUnfinished].recordId;
	const index = pageRecordIds.indexOf(blocking);
	if (index <= 0) return current;
	return pageRecordIds[index - 1];
}

/** Appends ids to the bounded recent set (oldest dropped first). */
export function remember(recent: string[], ids: string[], limit = DEFAULT_RECENT_LIMIT): string[] {
	const set = new Set(recent);
	const next = [...recent];
	for (const id of ids) {
		if (set.has(id)) continue;
		set.add(id);
		next.push(id);
	}
	return next.length > limit ? next.slice(next.length - limit) : next;
}

/** Gmail's `after:` is in epoch seconds; start one second early and rely on the recent set for overlap. */
export function relistQuery(watermarkMs: number): string {
	return `after:${Math.max(0, Math.floor(watermarkMs / 1000) - 1)}`;
}

/** Merges per-label listings (each newest first) into one id list, oldest first, without repeats. */
export function mergeListings(listings: string[][], handled: ReadonlySet<string>): string[] {
	const seen = new Set<string>();
	const out: string[] = [];
	// Gmail lists newest first; walking each listing backwards gives oldest first per label. Across
	// labels the exact interleaving does not matter for exactly-once (every id is fetched once).
	for (const listing of listings) {
		for (let i = listing.length - 1; i >= 0; i--) {
			const id = listing[i];
			if (handled.has(id) || seen.has(id)) continue;
			seen.add(id);
			out.push(id);
		}
	}
	return out;
}
