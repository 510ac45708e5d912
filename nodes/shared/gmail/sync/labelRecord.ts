// Reading and keeping the label record (cursor.ts, GmailLabelRecord): which messages the synced labels
// held, so a re-list after a history expiry emits mail newly in a watched label and not the mail that
// was already there. Taken before history is read (so no label change is missed between the two), and
// only kept when that poll read all the history; cut back to the newest messages past its limit.
import type { GoogleContext } from '../../transport/types';
import { LABEL_RECORD_LIMIT, LABEL_RECORD_TARGET, selectionKey, union, usableLabelRecord, type GmailLabelRecord, type GmailSyncCursor } from './cursor';
import { fetchMessage, listIds } from './fetch';

/** The record to use this poll, and the one being read for a cursor without one (kept if the poll catches up). */
export interface LabelRecordState {
	kept?: GmailLabelRecord;
	reading?: GmailLabelRecord;
}

/**
 * Lists the labels' messages: all of them when each label holds at most its share of `target`, else
 * those after a cut date (one message fetched to read it), never before `floor`. Undefined when the
 * cut message vanished or Gmail listed more than the limit after the cut (the sync then runs without).
 */
export async function readLabelRecord(ctx: GoogleContext, labelIds: string[], stats: { listPages: number }, deadline?: number, floor = 0, target = LABEL_RECORD_TARGET): Promise<GmailLabelRecord | undefined> {
	const labels = selectionKey(labelIds);
	const share = Math.max(1, Math.floor(target / Math.max(1, labels.length)));
	const since = (after: number) => (after > 0 ? `after:${after}` : '');
	const listings = await listIds(ctx, labels, since(floor), stats, share + 1, deadline);
	let after = floor;
	for (const listing of listings) {
		if (listing.length <= share) continue;
		// Gmail lists newest first: the first message past the share sets the cut, one second after it.
		const cut = await fetchMessage(ctx, listing[share], false, deadline);
		if (!cut) return undefined;
		after = Math.max(after, Math.floor(Number(cut.internalDate ?? 0) / 1000) + 1);
	}
	if (after === floor) return { labels, after, ids: listings.reduce<string[]>((all, l) => union(all, l), []) };
	const exact = await listIds(ctx, labels, since(after), stats, LABEL_RECORD_LIMIT + 1, deadline);
	const ids = exact.reduce<string[]>((all, l) => union(all, l), []);
	return ids.length > LABEL_RECORD_LIMIT ? undefined : { labels, after, ids };
}

/** At the start of a poll: the cursor's record for this selection, or a new reading (before history). */
export async function openLabelRecord(ctx: GoogleContext, previous: GmailSyncCursor | undefined, labelIds: string[], stats: { listPages: number }, deadline?: number): Promise<LabelRecordState> {
	const kept = usableLabelRecord(previous?.labelRecord, labelIds);
	if (kept) return { kept };
	// With mail still pending the poll will not read history, so the reading could not be kept.
	if (previous?.pending?.length) return {};
	return { reading: await tryRead(ctx, labelIds, stats, deadline) };
}

/**
 * At the end of a poll: the record with the messages handled now; a new reading only if the poll
 * read all the history since the cursor (`caughtUp`), else a label change it did not read could be
 * taken for "already there". Past the limit the record is cut back to what the labels hold now after
 * a later cut date (it never gains ids that way); if that cannot be done in time it waits for a later
 * poll, and past twice the limit the record is dropped (the sync then works as without one).
 */
export async function closeLabelRecord(ctx: GoogleContext, cursor: GmailSyncCursor, state: LabelRecordState, handled: string[], caughtUp: boolean, stats: { listPages: number }, timeLeft: boolean, deadline?: number): Promise<void> {
	const base = state.kept ?? (caughtUp ? state.reading : undefined);
	if (!base) {
		delete cursor.labelRecord;
		return;
	}
	const record: GmailLabelRecord = { ...base, ids: union(base.ids, handled) };
	cursor.labelRecord = record;
	if (record.ids.length <= LABEL_RECORD_LIMIT) return;
	const now = timeLeft ? await tryRead(ctx, record.labels, stats, deadline, record.after) : undefined;
	if (now) {
		const known = new Set(record.ids);
		cursor.labelRecord = { labels: record.labels, after: now.after, ids: now.ids.filter((id) => known.has(id)) };
	} else if (record.ids.length > 2 * LABEL_RECORD_LIMIT) delete cursor.labelRecord;
}

async function tryRead(ctx: GoogleContext, labelIds: string[], stats: { listPages: number }, deadline?: number, floor = 0): Promise<GmailLabelRecord | undefined> {
	try {
		return await readLabelRecord(ctx, labelIds, stats, deadline, floor);
	} catch {
		// Out of time or refused: the record is optional; history and fetches report real trouble.
		return undefined;
	}
}
