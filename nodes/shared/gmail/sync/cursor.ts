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
	/** Message ids Gmail failed to return, with the number of polls that failed on them. */
	failures?: Record<string, number>;
	/** Which messages were in the synced labels (see GmailLabelRecord). Absent in cursors saved before it. */
	labelRecord?: GmailLabelRecord;
}

/**
 * The messages that were in the synced labels at the last sync, so that the re-list after a history
 * expiry tells mail newly in a watched label from mail that was already there. Bounded: it covers the
 * labels' messages listed by `after:<after>` (0: all of them), at most LABEL_RECORD_LIMIT ids.
 */
export interface GmailLabelRecord {
	/** The label selection it describes, sorted ([] = all mail); another selection starts a new record. */
	labels: string[];
	/** Epoch seconds of Gmail's `after:` query the record covers; 0: every message of the labels. */
	after: number;
	/** Every message the labels held after `after` at the last full reading, plus those handled since. */
	ids: string[];
}

/** Ids a label record may hold; past it the record is cut back to the newest LABEL_RECORD_TARGET. */
export const LABEL_RECORD_LIMIT = 5000;
export const LABEL_RECORD_TARGET = 4000;

export interface Candidate {
	messageId: string;
	/** The history record that named it. */
	recordId: string;
}

/** Labels never synced, whatever the selection. */
export const NEVER_SYNCED = ['DRAFT', 'SPAM', 'TRASH'];

export const DEFAULT_RECENT_LIMIT = 5000;

/** Polls that may fail on the same message before it is skipped with a warning (a poison message). */
export const MAX_FETCH_FAILURES = 3;

/** History types the sync reads: label changes too, since they can bring mail into the sync. */
export const SYNC_HISTORY_TYPES = ['messageAdded', 'labelAdded', 'labelRemoved'];

/** Removing one of these brings mail into the sync: a sent draft, mail taken out of spam. Trash is left
 * out: mail restored from the bin was usually handled before it was binned. */
const ENTERS_WHEN_REMOVED = ['DRAFT', 'SPAM'];

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
 * Whether a label change brings a message into the sync: its labels after the change are in the sync
 * and its labels before were not. Decided from the message itself, so a second watched label added to
 * mail emitted long ago does not emit it again, however much mail came in between.
 */
export function entersSync(after: string[], added: string[], removed: string[], selected: string[]): boolean {
	if (!inSyncLabels(after, selected)) return false;
	if (added.length && !inSyncLabels(after.filter((l) => !added.includes(l)), selected)) return true;
	const rescued = removed.filter((l) => ENTERS_WHEN_REMOVED.includes(l));
	return rescued.length > 0 && !inSyncLabels([...after, ...rescued], selected);
}

/**
 * Candidates from history records, in record order: a message added with a synced label, or a label
 * change that brings a message into the sync (mail filed into "Clients" later, a draft sent as a label
 * change). Ids already handled or already named by an earlier record are skipped, and so is a label
 * change on mail the label record knows was in the labels (a watched label taken off and put back).
 */
export function candidatesFromHistory(records: GmailHistoryRecord[], selected: string[], handled: ReadonlySet<string>, seen: Set<string> = new Set(), wasInLabels: ReadonlySet<string> = new Set()): Candidate[] {
	const out: Candidate[] = [];
	for (const record of records) {
		const recordId = String(record.id ?? '');
		const named: GmailMessage[] = [];
		const relabelled = (m: GmailMessage) => !wasInLabels.has(m.id ?? '') && named.push(m);
		for (const added of record.messagesAdded ?? []) if (added.message && inSyncLabels(added.message.labelIds, selected)) named.push(added.message);
		for (const change of record.labelsAdded ?? [])
			if (change.message && entersSync(change.message.labelIds ?? [], change.labelIds ?? [], [], selected)) relabelled(change.message);
		for (const change of record.labelsRemoved ?? []) {
			if (!change.message || !entersSync(change.message.labelIds ?? [], [], change.labelIds ?? [], selected)) continue;
			// A sent draft was never in the sync, whatever the record says (all-mail listings hold drafts).
			if ((change.labelIds ?? []).includes('DRAFT')) named.push(change.message);
			else relabelled(change.message);
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

/** Why a fetched message is not an activity: it is a draft, or became spam or trash before the fetch. */
export function excludedLabel(labelIds: string[] | null | undefined): 'draft' | 'spam' | 'trash' | undefined {
	const labels = labelIds ?? [];
	if (labels.includes('DRAFT')) return 'draft';
	if (labels.includes('SPAM')) return 'spam';
	if (labels.includes('TRASH')) return 'trash';
	return undefined;
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
	const next = union(recent, ids);
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

/** The cursor's label record when it describes this selection (else a new one is taken). */
export function usableLabelRecord(record: unknown, selected: string[]): GmailLabelRecord | undefined {
	if (!record || typeof record !== 'object') return undefined;
	const r = record as Partial<GmailLabelRecord>;
	if (!Array.isArray(r.ids) || typeof r.after !== 'number' || !Array.isArray(r.labels)) return undefined;
	return r.labels.join(',') === selectionKey(selected).join(',') ? (r as GmailLabelRecord) : undefined;
}

export function selectionKey(selected: string[]): string[] {
	return [...new Set(selected)].sort();
}

/**
 * The query of the re-list after a history expiry: with a label record, from its floor (so mail that
 * entered a label while history was gone is listed too), but never later than the watermark.
 */
export function expiryRelistQuery(watermarkMs: number, record: GmailLabelRecord | undefined): string {
	if (!record) return relistQuery(watermarkMs);
	if (record.after === 0) return '';
	return `after:${Math.min(record.after, Math.max(0, Math.floor(watermarkMs / 1000) - 1))}`;
}

/** Ids in `a` or `b`, once each, `a`'s order first. */
export function union(a: string[], b: Iterable<string>): string[] {
	const set = new Set(a);
	const out = [...a];
	for (const id of b) {
		if (set.has(id)) continue;
		set.add(id);
		out.push(id);
	}
	return out;
}
