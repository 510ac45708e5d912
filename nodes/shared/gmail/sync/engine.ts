// The Gmail sync engine: follows history from a cursor through every page, recovers from an expired
// history id by re-listing since the watermark, fetches message metadata with a small worker pool
// paced to the per-user quota, and returns activities plus the next cursor. The caller decides where
// the cursor lives (the trigger: node static data; Gmail → Sync: the flow). It never stores anything.
import type { GoogleContext } from '../../transport/types';
import { gmailHistoryPage, gmailLabelNames, gmailProfile, isGmailNotFound } from '../../transport/gmail';
import { toActivity, type CrmEmailActivity, type DirectionFilter } from '../activity';
import type { GmailHistoryPage, GmailMessage } from '../types';
import {
	DEFAULT_RECENT_LIMIT,
	SYNC_HISTORY_TYPES,
	advanceHistoryId,
	excludedLabel,
	candidatesFromHistory,
	expiryRelistQuery,
	inSyncLabels,
	isGmailSyncCursor,
	mergeListings,
	newCursor,
	relistQuery,
	remember,
	type Candidate,
	type GmailSyncCursor,
} from './cursor';
import { asError, fetchInOrder, isFailure, isOutOfTime, listIds, settleFailures, type FetchOptions, type FetchOutcome } from './fetch';
import { closeLabelRecord, openLabelRecord } from './labelRecord';

/** What to sync; with the fetch options (bodies, deadline, concurrency, batch). */
export interface GmailSyncOptions extends FetchOptions {
	/** Label ids to sync (empty: all mail but drafts, spam and trash). */
	labelIds: string[];
	direction: DirectionFilter;
	/** Addresses / domains; when non-empty only matching mail becomes an activity. */
	contacts: string[];
	/** At most this many messages are fetched (so at most this many activities) per run. */
	maxMessages: number;
	/** On the first run, also emit mail of the last N days (0: start from now). */
	backfillDays: number;
	recentLimit?: number;
}

export interface GmailSyncStats {
	historyPages: number;
	listPages: number;
	fetched: number;
	emitted: number;
	filteredOut: number;
	recoveredFromExpiredHistory: boolean;
	baseline: boolean;
	/** Fetched but not activities: drafts, spam and trash at fetch time; messages Gmail kept refusing. */
	skipped: { draft: number; spam: number; trash: number; failing: number };
	/** Messages skipped after failing MAX_FETCH_FAILURES polls, and why. */
	warnings?: string[];
	stoppedBy?: 'limit' | 'time' | 'error';
	error?: string;
}

export interface GmailSyncResult {
	activities: CrmEmailActivity[];
	cursor: GmailSyncCursor;
	/** Whether more mail is waiting (limit, time budget or an error stopped this run). */
	hasMore: boolean;
	stats: GmailSyncStats;
}

function newStats(): GmailSyncStats {
	return { historyPages: 0, listPages: 0, fetched: 0, emitted: 0, filteredOut: 0, recoveredFromExpiredHistory: false, baseline: false, skipped: { draft: 0, spam: 0, trash: 0, failing: 0 } };
}

function latest(watermark: number, messages: GmailMessage[]): number {
	let max = watermark;
	for (const m of messages) {
		const d = Number(m.internalDate ?? 0);
		if (d > max) max = d;
	}
	return max;
}

/** Runs one sync step from `previous` (undefined: set the baseline). Never mutates `previous`. */
export async function runGmailSync(ctx: GoogleContext, previous: GmailSyncCursor | undefined, options: GmailSyncOptions): Promise<GmailSyncResult> {
	const opts: GmailSyncOptions = { ...options };
	const stats = newStats();
	const recentLimit = opts.recentLimit ?? DEFAULT_RECENT_LIMIT;
	const fetched: GmailMessage[] = [];
	let cursor: GmailSyncCursor;
	let hasMore = false;
	// The label record is read before the profile and history, so no label change falls between them.
	const known = isGmailSyncCursor(previous) ? previous : undefined;
	const labelRecord = await openLabelRecord(ctx, known, opts.labelIds, stats, opts.hardDeadline);
	let caughtUp = false;

	if (!known) {
		stats.baseline = true;
		const profile = await gmailProfile(ctx, { deadline: opts.hardDeadline });
		const now = Date.now();
		if (opts.backfillDays > 0) {
			const since = now - opts.backfillDays * 86_400_000;
			const listings = await listIds(ctx, opts.labelIds, relistQuery(since), stats, Infinity, opts.hardDeadline);
			cursor = newCursor(profile.emailAddress, profile.historyId, since, mergeListings(listings, new Set()));
		} else {
			cursor = newCursor(profile.emailAddress, profile.historyId, now);
			await closeLabelRecord(ctx, cursor, labelRecord, [], true, stats, true, opts.hardDeadline);
			return { activities: [], cursor, hasMore: false, stats };
		}
	} else {
		cursor = { ...known, recent: [...known.recent], pending: known.pending ? [...known.pending] : undefined, failures: known.failures ? { ...known.failures } : undefined };
	}

	let capacity = Math.max(0, opts.maxMessages);
	let fatal: Error | undefined;
	const timeLeft = () => opts.deadline === undefined || Date.now() < opts.deadline;
	// Label names first (1 unit, only when something is to be fetched): a slow or refused call then
	// costs no fetched work, and nothing is left after the deadline but the emit.
	let labelNames: Record<string, string> | undefined;
	const readyToFetch = async (): Promise<boolean> => {
		if (labelNames) return true;
		let refused: unknown;
		try {
			labelNames = await gmailLabelNames(ctx, opts.hardDeadline);
			return true;
		} catch (error) {
			refused = error;
		}
		if (!isOutOfTime(refused)) throw asError(refused);
		stats.stoppedBy = 'time';
		return false;
	};
	const fetchIds = async (ids: string[]): Promise<FetchOutcome> =>
		ids.length && !(await readyToFetch()) ? { results: [], firstUnfinished: 0, stoppedBy: 'time' } : await fetchInOrder(ctx, ids, opts);
	/** The finished ids of an outcome; messages to emit go to `fetched`, drafts/spam/trash are counted. */
	const collect = (outcome: FetchOutcome, ids: string[]): string[] => {
		cursor.failures = settleFailures(outcome, ids, cursor.failures, stats);
		const done: string[] = [];
		outcome.results.forEach((m, i) => {
			if (m === undefined || isFailure(m)) return;
			done.push(ids[i]);
			const excluded = m ? excludedLabel(m.labelIds) : undefined;
			if (excluded) stats.skipped[excluded]++;
			else if (m) fetched.push(m);
		});
		return done;
	};

	// 1. Pending ids (backfill or re-list after an expired history id), oldest first.
	const drainPending = async () => {
		const handled = new Set(cursor.recent);
		const pending = (cursor.pending ?? []).filter((id) => !handled.has(id));
		const batch = pending.slice(0, capacity);
		const outcome = await fetchIds(batch);
		const done = collect(outcome, batch);
		capacity -= done.length;
		cursor.recent = remember(cursor.recent, done, recentLimit);
		const doneSet = new Set(done);
		const rest = pending.filter((id) => !doneSet.has(id));
		cursor.pending = rest.length ? rest : undefined;
		if (!cursor.pending) cursor.watermark = latest(cursor.watermark, fetched);
		if (outcome.stoppedBy) stats.stoppedBy = outcome.stoppedBy;
		if (outcome.error) {
			stats.error = outcome.error.message;
			fatal = fatal ?? outcome.error;
		}
		return !cursor.pending;
	};

	if (cursor.pending?.length) {
		const drained = await drainPending();
		if (!drained) hasMore = true;
	}

	// 2. History since the cursor, every page (until the capacity is used or time is up).
	if (!cursor.pending?.length && capacity > 0 && timeLeft() && !stats.stoppedBy) {
		const handled = new Set(cursor.recent);
		const wasInLabels = new Set(labelRecord.kept?.ids ?? []);
		const seen = new Set<string>();
		const candidates: Candidate[] = [];
		const recordIds: string[] = [];
		let pageToken: string | undefined;
		let lastHistoryId: string | undefined;
		let expired = false;
		let listedAll = false;
		for (;;) {
			const qs: Record<string, string | number | string[]> = {
				startHistoryId: cursor.historyId,
				historyTypes: SYNC_HISTORY_TYPES,
				maxResults: 500,
			};
			if (pageToken) qs.pageToken = pageToken;
			let page: GmailHistoryPage | undefined;
			let failure: unknown;
			try {
				page = await gmailHistoryPage(ctx, qs, opts.hardDeadline);
			} catch (error) {
				if (isGmailNotFound(error) && !pageToken) expired = true;
				else if (isOutOfTime(error)) stats.stoppedBy = 'time';
				else failure = error;
			}
			if (failure !== undefined) throw asError(failure);
			if (!page) break;
			stats.historyPages++;
			const records = page.history ?? [];
			for (const r of records) recordIds.push(String(r.id));
			candidates.push(...candidatesFromHistory(records, opts.labelIds, handled, seen, wasInLabels));
			lastHistoryId = page.historyId ?? undefined;
			pageToken = page.nextPageToken ?? undefined;
			if (!pageToken) {
				listedAll = true;
				break;
			}
			if (candidates.length >= capacity || !timeLeft()) break;
		}

		if (expired) {
			// Gmail no longer knows the cursor's history id: take a new baseline first, then re-list
			// everything since the watermark, or since the label record's floor (mail newly in a label);
			// handled mail and mail the record knows was in the labels are left out.
			stats.recoveredFromExpiredHistory = true;
			caughtUp = true;
			const profile = await gmailProfile(ctx, { deadline: opts.hardDeadline });
			const listings = await listIds(ctx, opts.labelIds, expiryRelistQuery(cursor.watermark, labelRecord.kept), stats, Infinity, opts.hardDeadline);
			const keep = new Set(cursor.pending ?? []);
			cursor.historyId = profile.historyId;
			const already = new Set([...cursor.recent, ...(labelRecord.kept?.ids ?? [])]);
			cursor.pending = [...(cursor.pending ?? []), ...mergeListings(listings, already).filter((id) => !keep.has(id))];
			if (cursor.pending.length === 0) cursor.pending = undefined;
			if (cursor.pending && capacity > 0 && timeLeft()) {
				const drained = await drainPending();
				if (!drained) hasMore = true;
			} else if (cursor.pending) hasMore = true;
		} else {
			const batch = candidates.slice(0, capacity);
			const batchIds = batch.map((c) => c.messageId);
			const outcome = await fetchIds(batchIds);
			const done = collect(outcome, batchIds);
			capacity -= done.length;
			const listedThrough = listedAll ? (lastHistoryId ?? cursor.historyId) : recordIds[recordIds.length - 1];
			const before = cursor.historyId;
			cursor.historyId = advanceHistoryId(cursor.historyId, candidates, outcome.firstUnfinished, recordIds, listedThrough);
			if (Number(cursor.historyId) < Number(before)) cursor.historyId = before;
			cursor.recent = remember(cursor.recent, done, recentLimit);
			// Only the finished prefix moves the watermark (it is where a re-list would start).
			const prefix = outcome.results.slice(0, outcome.firstUnfinished).filter((m): m is GmailMessage => !!m && !isFailure(m) && inSyncLabels(m.labelIds, opts.labelIds));
			cursor.watermark = latest(cursor.watermark, prefix);
			if (outcome.stoppedBy) stats.stoppedBy = outcome.stoppedBy;
			if (outcome.error) {
				stats.error = outcome.error.message;
				fatal = fatal ?? outcome.error;
			}
			if (outcome.firstUnfinished < candidates.length || !listedAll) hasMore = true;
			caughtUp = !hasMore && !outcome.stoppedBy;
			if (candidates.length > batch.length && !stats.stoppedBy) stats.stoppedBy = 'limit';
		}
	} else if (cursor.pending?.length || (capacity === 0 && !stats.stoppedBy)) {
		hasMore = true;
		stats.stoppedBy = stats.stoppedBy ?? (capacity === 0 ? 'limit' : undefined);
	}

	// Nothing fetched and a fetch failed: surface the error (the caller keeps its cursor).
	if (fetched.length === 0 && fatal) throw fatal;

	// 3. Activities (the label names were read before the first fetch).
	stats.fetched = fetched.length + stats.skipped.draft + stats.skipped.spam + stats.skipped.trash;
	const activities: CrmEmailActivity[] = [];
	for (const m of fetched) {
		const a = toActivity(m, { account: cursor.account, labelNames: labelNames ?? {}, contacts: opts.contacts, direction: opts.direction, includeBodies: opts.includeBodies });
		if (a) activities.push(a);
		else stats.filteredOut++;
	}
	activities.sort((a, b) => (a.occurredAt < b.occurredAt ? -1 : a.occurredAt > b.occurredAt ? 1 : 0));
	stats.emitted = activities.length;
	const inLabels = fetched.map((m) => m.id ?? '').filter(Boolean);
	// A baseline's reading came before its history id, so it can always be kept.
	await closeLabelRecord(ctx, cursor, labelRecord, inLabels, caughtUp || stats.baseline, stats, timeLeft(), opts.hardDeadline);
	if (!cursor.pending) delete cursor.pending;
	if (!cursor.failures) delete cursor.failures;
	return { activities, cursor, hasMore, stats };
}
