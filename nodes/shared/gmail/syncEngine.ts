// The Gmail sync engine: follows history from a cursor through every page, recovers from an expired
// history id by re-listing since the watermark, fetches message metadata with a small worker pool
// paced to the per-user quota, and returns activities plus the next cursor. The caller decides where
// the cursor lives (the trigger: node static data; Gmail → Sync: the flow). It never stores anything.
import type { GoogleContext } from '../transport/types';
import { sleep } from 'n8n-workflow';
import { googleApiRequest, googleApiRequestFull, GoogleApiError, noteGmailRateRefusal } from '../transport';
import { buildBatchBody, parseBatchResponse } from './batch';
import { SYNC_METADATA_HEADERS, toActivity, type CrmEmailActivity, type DirectionFilter, type GmailMessageLike } from './activity';
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
	type HistoryRecordLike,
} from './historyCursor';

export const GMAIL_API = 'https://gmail.googleapis.com/gmail/v1/users/me';
export const GMAIL_BATCH_URL = 'https://gmail.googleapis.com/batch/gmail/v1';
/** Messages per batch call (Google advises ≤ 50) and batch calls in flight. */
const BATCH_SIZE = 10;
const BATCH_CONCURRENCY = 4;
const PART_ATTEMPTS = 6;
export interface GmailSyncOptions {
	/** Label ids to sync (empty: all mail but drafts, spam and trash). */
	labelIds: string[];
	direction: DirectionFilter;
	/** Addresses / domains; when non-empty only matching mail becomes an activity. */
	contacts: string[];
	/** At most this many messages are fetched (so at most this many activities) per run. */
	maxMessages: number;
	/** On the first run, also emit mail of the last N days (0: start from now). */
	backfillDays: number;
	includeBodies: boolean;
	/** Epoch ms after which no new fetch starts (what was fetched is returned, the rest waits). */
	deadline?: number;
	/** Concurrent message fetches (the transport paces them to the quota ceiling). */
	concurrency?: number;
	/** Fetch through Gmail's batch endpoint (default true; falls back to single calls if it fails). */
	useBatch?: boolean;
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

interface HistoryPage {
	history?: HistoryRecordLike[];
	historyId?: string;
	nextPageToken?: string;
}

interface ListPage {
	messages?: Array<{ id: string; threadId: string }>;
	nextPageToken?: string;
}

async function gmailGet<T>(ctx: GoogleContext, path: string, qs: Record<string, string | number | string[]>, units: number): Promise<T> {
	return (await googleApiRequest.call(ctx, {
		method: 'GET',
		url: `${GMAIL_API}${path}`,
		qs,
		surface: 'gmailRead',
		service: 'Gmail',
		gmailUnits: units,
	})) as T;
}

function isNotFound(error: unknown): boolean {
	return error instanceof GoogleApiError ? error.google.kind === 'notFound' : (error as { httpCode?: string })?.httpCode === '404';
}

export async function gmailProfile(ctx: GoogleContext): Promise<{ emailAddress: string; historyId: string }> {
	return await gmailGet(ctx, '/profile', {}, 1);
}

export async function gmailLabelNames(ctx: GoogleContext): Promise<Record<string, string>> {
	const r = await gmailGet<{ labels?: Array<{ id: string; name: string }> }>(ctx, '/labels', {}, 1);
	return Object.fromEntries((r.labels ?? []).map((l) => [l.id, l.name]));
}

/** Every id matching `q` in the selected labels (one listing per label; Gmail ANDs repeated labelIds). */
async function listIds(ctx: GoogleContext, labelIds: string[], q: string, stats: GmailSyncStats, limit = Infinity): Promise<string[][]> {
	const listings: string[][] = [];
	for (const label of labelIds.length ? labelIds : [undefined]) {
		const ids: string[] = [];
		let pageToken: string | undefined;
		do {
			const qs: Record<string, string | number> = { q, maxResults: Math.min(500, Math.max(1, limit - ids.length)) };
			if (label) qs.labelIds = label;
			if (pageToken) qs.pageToken = pageToken;
			const page = await gmailGet<ListPage>(ctx, '/messages', qs, 5);
			stats.listPages++;
			for (const m of page.messages ?? []) ids.push(m.id);
			pageToken = page.nextPageToken;
		} while (pageToken && ids.length < limit);
		listings.push(ids);
	}
	return listings;
}

export async function fetchMessage(ctx: GoogleContext, id: string, includeBodies: boolean): Promise<GmailMessageLike | null> {
	const qs: Record<string, string | string[]> = includeBodies ? { format: 'full' } : { format: 'metadata', metadataHeaders: SYNC_METADATA_HEADERS };
	let failure: unknown;
	try {
		return await gmailGet<GmailMessageLike>(ctx, `/messages/${encodeURIComponent(id)}`, qs, 5);
	} catch (error) {
		if (isNotFound(error)) return null; // deleted since it was listed: nothing to emit
		failure = error;
	}
	throw asError(failure);
}

function latest(watermark: number, messages: GmailMessageLike[]): number {
	let max = watermark;
	for (const m of messages) {
		const d = Number(m.internalDate ?? 0);
		if (d > max) max = d;
	}
	return max;
}

function asError(error: unknown): Error {
	return error instanceof Error ? error : new Error(String(error));
}

interface FetchOutcome {
	/** Fetched messages by index (null: gone). */
	results: Array<GmailMessageLike | null | undefined>;
	/** Index of the first id not finished (all before it are done). */
	firstUnfinished: number;
	stoppedBy?: 'time' | 'error';
	error?: Error;
}

function messageQuery(includeBodies: boolean): string {
	const qs = new URLSearchParams(includeBodies ? { format: 'full' } : { format: 'metadata' });
	if (!includeBodies) for (const h of SYNC_METADATA_HEADERS) qs.append('metadataHeaders', h);
	return qs.toString();
}

/**
 * Fetches up to 100 messages in one batch call (each part still costs 5 units, and is paced as such).
 * Parts refused for rate or a server fault are sent again in a smaller batch, with backoff.
 * Returns one entry per id: the message, null when it is gone (404).
 */
async function fetchBatch(ctx: GoogleContext, ids: string[], includeBodies: boolean): Promise<Array<GmailMessageLike | null>> {
	const results: Array<GmailMessageLike | null | undefined> = new Array(ids.length);
	let todo = ids.map((_, i) => i);
	const query = messageQuery(includeBodies);
	for (let attempt = 0; todo.length > 0; attempt++) {
		if (attempt >= PART_ATTEMPTS) throw new Error(`Gmail refused ${todo.length} message fetch(es) in a batch ${PART_ATTEMPTS} times`);
		if (attempt > 0) await sleep(Math.min(250 * 2 ** (attempt - 1), 4_000) + Math.floor(Math.random() * 100));
		const { body, boundary } = buildBatchBody(todo.map((i) => ({ id: String(i), method: 'GET', path: `/gmail/v1/users/me/messages/${encodeURIComponent(ids[i])}?${query}` })));
		const response = await googleApiRequestFull.call(ctx, {
			method: 'POST',
			url: GMAIL_BATCH_URL,
			body,
			headers: { 'content-type': `multipart/mixed; boundary=${boundary}` },
			surface: 'gmailRead',
			service: 'Gmail',
			text: true,
			idempotent: true,
			gmailUnits: 5 * todo.length,
		});
		const parts = parseBatchResponse(String(response.body ?? ''), String(response.headers['content-type'] ?? ''));
		const again: number[] = [];
		for (const i of todo) {
			const part = parts.get(String(i));
			if (part && part.status >= 200 && part.status < 300) results[i] = part.body as GmailMessageLike;
			else if (part && part.status === 404) results[i] = null;
			else if (!part || part.status === 429 || part.status >= 500 || (part.status === 403 && /rateLimitExceeded|userRateLimitExceeded/.test(JSON.stringify(part.body)))) again.push(i);
			else throw new Error(`Gmail answered ${part.status} for message ${ids[i]}: ${JSON.stringify(part.body).slice(0, 300)}`);
		}
		// The transport paced the call and counted it as passed; parts refused for rate slow the lane down.
		if (again.length) await noteGmailRateRefusal.call(ctx);
		todo = again;
	}
	return results as Array<GmailMessageLike | null>;
}

/** Fetches ids in order (batches, or single calls with a worker pool); stops taking new ids at the deadline or after an error. */
async function fetchInOrder(ctx: GoogleContext, ids: string[], opts: GmailSyncOptions): Promise<FetchOutcome> {
	const results: Array<GmailMessageLike | null | undefined> = new Array(ids.length);
	const useBatch = opts.useBatch !== false;
	const chunk = useBatch ? BATCH_SIZE : 1;
	let next = 0;
	let stoppedBy: FetchOutcome['stoppedBy'];
	let firstError: Error | undefined;
	let batchBroken = false;
	const worker = async () => {
		while (next < ids.length && !firstError) {
			if (opts.deadline !== undefined && Date.now() >= opts.deadline) {
				stoppedBy = stoppedBy ?? 'time';
				return;
			}
			const from = next;
			next = Math.min(ids.length, next + chunk);
			const slice = ids.slice(from, next);
			try {
				if (useBatch && !batchBroken) {
					const got = await fetchBatch(ctx, slice, opts.includeBodies);
					got.forEach((m, i) => (results[from + i] = m));
				} else {
					for (let i = 0; i < slice.length; i++) results[from + i] = await fetchMessage(ctx, slice[i], opts.includeBodies);
				}
			} catch (error) {
				if (useBatch && !batchBroken && error instanceof GoogleApiError && ['notFound', 'invalid'].includes(error.google.kind)) {
					// The batch endpoint is not available: fetch this slice (and the rest) one by one.
					batchBroken = true;
					next = Math.min(next, from);
					continue;
				}
				firstError = firstError ?? asError(error);
				stoppedBy = 'error';
			}
		}
	};
	const workers = Math.max(1, Math.min(useBatch ? BATCH_CONCURRENCY : (opts.concurrency ?? 12), Math.ceil(ids.length / chunk)));
	await Promise.all(Array.from({ length: workers }, async () => await worker()));
	let firstUnfinished = 0;
	while (firstUnfinished < ids.length && results[firstUnfinished] !== undefined) firstUnfinished++;
	return { results, firstUnfinished, stoppedBy, error: firstError };
}

/** Runs one sync step from `previous` (undefined: set the baseline). Never mutates `previous`. */
export async function runGmailSync(ctx: GoogleContext, previous: GmailSyncCursor | undefined, options: GmailSyncOptions): Promise<GmailSyncResult> {
	const opts: GmailSyncOptions = { ...options };
	const stats: GmailSyncStats = { historyPages: 0, listPages: 0, fetched: 0, emitted: 0, filteredOut: 0, recoveredFromExpiredHistory: false, baseline: false };
	const recentLimit = opts.recentLimit ?? DEFAULT_RECENT_LIMIT;
	const fetched: GmailMessageLike[] = [];
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
			let page: HistoryPage | undefined;
			let failure: unknown;
			try {
				page = await gmailGet<HistoryPage>(ctx, '/history', qs, 2);
			} catch (error) {
				if (isNotFound(error) && !pageToken) expired = true;
				else failure = error;
			}
			if (failure !== undefined) throw asError(failure);
			if (!page) break;
			stats.historyPages++;
			const records = page.history ?? [];
			for (const r of records) recordIds.push(String(r.id));
			candidates.push(...candidatesFromHistory(records, opts.labelIds, handled, seen));
			lastHistoryId = page.historyId;
			pageToken = page.nextPageToken;
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
			const prefix = outcome.results.slice(0, outcome.firstUnfinished).filter((m): m is GmailMessageLike => !!m && inSyncLabels(m.labelIds, opts.labelIds));
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
