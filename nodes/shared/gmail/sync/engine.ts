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
	advanceHistoryId,
	candidatesFromHistory,
	inSyncLabels,
	isGmailSyncCursor,
	mergeListings,
	newCursor,
	relistQuery,
	remember,
	type Candidate,
	type GmailSyncCursor,
} from './cursor';
import { asError, fetchInOrder, listIds, type FetchOptions } from './fetch';

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
	const stats: GmailSyncStats = { historyPages: 0, listPages: 0, fetched: 0, emitted: 0, filteredOut: 0, recoveredFromExpiredHistory: false, baseline: false };
	const recentLimit = opts.recentLimit ?? DEFAULT_RECENT_LIMIT;
	const fetched: GmailMessage[] = [];
	let cursor: GmailSyncCursor;
	let hasMore = false;

	if (!isGmailSyncCursor(previous)) {
		stats.baseline = true;
		const profile = await gmailProfile(ctx);
		const now = Date.now();
		if (opts.backfillDays > 0) {
			const since = now - opts.backfillDays * 86_400_000;
			const listings = await listIds(ctx, opts.labelIds, relistQuery(since), stats);
			cursor = newCursor(profile.emailAddress, profile.historyId, since, mergeListings(listings, new Set()));
		} else {
			return { activities: [], cursor: newCursor(profile.emailAddress, profile.historyId, now), hasMore: false, stats };
		}
	} else {
		cursor = { ...previous, recent: [...previous.recent], pending: previous.pending ? [...previous.pending] : undefined };
	}

	let capacity = Math.max(0, opts.maxMessages);
	let fatal: Error | undefined;
	const timeLeft = () => opts.deadline === undefined || Date.now() < opts.deadline;

	// 1. Pending ids (backfill or re-list after an expired history id), oldest first.
	const drainPending = async () => {
		const handled = new Set(cursor.recent);
		const pending = (cursor.pending ?? []).filter((id) => !handled.has(id));
		const batch = pending.slice(0, capacity);
		const outcome = await fetchInOrder(ctx, batch, opts);
		const done: string[] = [];
		outcome.results.forEach((m, i) => {
			if (m === undefined) return;
			done.push(batch[i]);
			if (m) fetched.push(m);
		});
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
				historyTypes: opts.labelIds.length ? ['messageAdded', 'labelAdded'] : ['messageAdded'],
				maxResults: 500,
			};
			if (pageToken) qs.pageToken = pageToken;
			let page: GmailHistoryPage | undefined;
			let failure: unknown;
			try {
				page = await gmailHistoryPage(ctx, qs);
			} catch (error) {
				if (isGmailNotFound(error) && !pageToken) expired = true;
				else failure = error;
			}
			if (failure !== undefined) throw asError(failure);
			if (!page) break;
			stats.historyPages++;
			const records = page.history ?? [];
			for (const r of records) recordIds.push(String(r.id));
			candidates.push(...candidatesFromHistory(records, opts.labelIds, handled, seen));
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
			// everything since the watermark; overlap is removed by the recent set.
			stats.recoveredFromExpiredHistory = true;
			const profile = await gmailProfile(ctx);
			const listings = await listIds(ctx, opts.labelIds, relistQuery(cursor.watermark), stats);
			const keep = new Set(cursor.pending ?? []);
			cursor.historyId = profile.historyId;
			cursor.pending = [...(cursor.pending ?? []), ...mergeListings(listings, new Set(cursor.recent)).filter((id) => !keep.has(id))];
			if (cursor.pending.length === 0) cursor.pending = undefined;
			if (cursor.pending && capacity > 0 && timeLeft()) {
				const drained = await drainPending();
				if (!drained) hasMore = true;
			} else if (cursor.pending) hasMore = true;
		} else {
			const batch = candidates.slice(0, capacity);
			const outcome = await fetchInOrder(ctx, batch.map((c) => c.messageId), opts);
			const done: string[] = [];
			outcome.results.forEach((m, i) => {
				if (m === undefined) return;
				done.push(batch[i].messageId);
				if (m) fetched.push(m);
			});
			capacity -= done.length;
			const listedThrough = listedAll ? (lastHistoryId ?? cursor.historyId) : recordIds[recordIds.length - 1];
			const before = cursor.historyId;
			cursor.historyId = advanceHistoryId(cursor.historyId, candidates, outcome.firstUnfinished, recordIds, listedThrough);
			if (Number(cursor.historyId) < Number(before)) cursor.historyId = before;
			cursor.recent = remember(cursor.recent, done, recentLimit);
			// Only the finished prefix moves the watermark (it is where a re-list would start).
			const prefix = outcome.results.slice(0, outcome.firstUnfinished).filter((m): m is GmailMessage => !!m && inSyncLabels(m.labelIds, opts.labelIds));
			cursor.watermark = latest(cursor.watermark, prefix);
			if (outcome.stoppedBy) stats.stoppedBy = outcome.stoppedBy;
			if (outcome.error) {
				stats.error = outcome.error.message;
				fatal = fatal ?? outcome.error;
			}
			if (outcome.firstUnfinished < candidates.length || !listedAll) hasMore = true;
			if (candidates.length > batch.length && !stats.stoppedBy) stats.stoppedBy = 'limit';
		}
	} else if (cursor.pending?.length || (capacity === 0 && !stats.stoppedBy)) {
		hasMore = true;
		stats.stoppedBy = stats.stoppedBy ?? (capacity === 0 ? 'limit' : undefined);
	}

	// Nothing fetched and a fetch failed: surface the error (the caller keeps its cursor).
	if (fetched.length === 0 && fatal) throw fatal;

	// 3. Activities (label names cost 1 unit, only when there is something to emit).
	stats.fetched = fetched.length;
	const labelNames = fetched.length ? await gmailLabelNames(ctx) : {};
	const activities: CrmEmailActivity[] = [];
	for (const m of fetched) {
		const a = toActivity(m, { account: cursor.account, labelNames, contacts: opts.contacts, direction: opts.direction, includeBodies: opts.includeBodies });
		if (a) activities.push(a);
		else stats.filteredOut++;
	}
	activities.sort((a, b) => (a.occurredAt < b.occurredAt ? -1 : a.occurredAt > b.occurredAt ? 1 : 0));
	stats.emitted = activities.length;
	if (!cursor.pending) delete cursor.pending;
	return { activities, cursor, hasMore, stats };
}

/** Recent mail for "Fetch test event": the newest messages in the synced labels; no cursor involved. */
export async function sampleRecentMail(ctx: GoogleContext, opts: GmailSyncOptions, count = 5): Promise<CrmEmailActivity[]> {
	const stats: GmailSyncStats = { historyPages: 0, listPages: 0, fetched: 0, emitted: 0, filteredOut: 0, recoveredFromExpiredHistory: false, baseline: false };
	const profile = await gmailProfile(ctx);
	const listings = await listIds(ctx, opts.labelIds, '', stats, Math.max(count * 4, 20));
	const ids = mergeListings(listings, new Set()).reverse();
	const labelNames = await gmailLabelNames(ctx);
	const out: CrmEmailActivity[] = [];
	for (let i = 0; i < ids.length && out.length < count; i += 10) {
		const outcome = await fetchInOrder(ctx, ids.slice(i, i + 10), { ...opts, deadline: undefined });
		if (outcome.error) throw outcome.error;
		for (const m of outcome.results) {
			if (!m || out.length >= count) continue;
			const a = toActivity(m, { account: profile.emailAddress, labelNames, contacts: opts.contacts, direction: opts.direction, includeBodies: opts.includeBodies });
			if (a) out.push(a);
		}
	}
	return out;
}
