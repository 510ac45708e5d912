// The comment cursor: reads a channel's (or a video's) comment threads newest first and stops at
// the first page with nothing new, so a poll with nothing new costs one list page (one quota unit);
// a periodic recheck reads the remembered window again for replies and late comments.
// Pure: the API calls are injected (commentCursor.ts: the shapes; commentThread.ts: one thread).
import {
	SyncStop,
	sourceKey,
	type CommentCursor,
	type CommentReader,
	type CommentSource,
	type SourceCursor,
	type SyncOptions,
	type SyncResult,
	type SyncedMessage,
} from './commentCursor';
import { byPublished, maxIso, processThread, topPublished, type ThreadOptions } from './commentThread';
import type { YtCommentThread } from './types';

export * from './commentCursor';

const DAY_MS = 86_400_000;
/** A recheck is due this much before its interval ends, so polls a few seconds early do not skip it. */
const RECHECK_SLACK_MS = 30_000;

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** A thread that is not remembered and not older than the floor: new, whatever its time. */
function isNew(cur: SourceCursor, t: YtCommentThread): boolean {
	return !cur.threads[t.id] && topPublished(t) > (cur.floor ?? '');
}

/** Keeps the threads of the window (newest first, at most `keep`); the floor rises over what is dropped. */
function prune(cur: SourceCursor, keep: number, windowStart: string): void {
	const entries = Object.entries(cur.threads).sort((a, b) => (a[1].p < b[1].p ? 1 : a[1].p > b[1].p ? -1 : 0));
	const kept = entries.filter(([, st], i) => i < keep && st.p >= windowStart);
	if (kept.length === entries.length) return;
	for (const [, st] of entries.slice(kept.length)) cur.floor = maxIso(cur.floor, st.p);
	cur.threads = Object.fromEntries(kept);
}

interface Pass {
	reader: CommentReader;
	source: CommentSource;
	cur: SourceCursor;
	opts: ThreadOptions;
	pageSize: number;
	sink: SyncedMessage[];
	/** Pages read so far this poll. */
	pages: number;
	/** Ids of the threads listed on those pages. */
	listed: Set<string>;
}

/**
 * One page: remembered threads are checked for new replies and edits (free: the page is paid),
 * new threads are emitted with their replies, older unremembered ones are left alone.
 * With `adopt` (the first poll) threads are remembered without emitting.
 */
async function readPage(pass: Pass, token: string | undefined, adopt = false) {
	const response = await pass.reader.listThreads(pass.source, token, pass.pageSize);
	pass.pages++;
	const threads = response.items ?? [];
	// Whether the page's last thread brought something (new, or new replies): then more may follow.
	let bottomNew = false;
	let oldest: string | undefined;
	// Google's newest time on the page: replies up to it count as seen in threads adopted here.
	let pageMark: string | undefined;
	for (const t of threads)
		for (const c of [t.snippet?.topLevelComment, ...(t.replies?.comments ?? [])]) pageMark = maxIso(pageMark, maxIso(c?.snippet?.publishedAt, c?.snippet?.updatedAt));
	pass.cur.mark = maxIso(pass.cur.mark, pageMark);
	const adoptFloor = adopt ? (pageMark ?? '') : undefined;
	for (const t of threads) {
		const p = topPublished(t);
		if (oldest === undefined || p < oldest) oldest = p;
		pass.listed.add(t.id);
		bottomNew = false;
		const known = pass.cur.threads[t.id] !== undefined;
		if (!known && adoptFloor === undefined && !isNew(pass.cur, t)) continue;
		const { messages, state } = await processThread(pass.reader, pass.cur, t, pass.opts, known ? undefined : adoptFloor);
		bottomNew = adoptFloor === undefined && (!known || messages.length > 0);
		pass.sink.push(...messages);
		pass.cur.threads[t.id] = state;
	}
	return { next: response.nextPageToken || undefined, bottomNew, oldest, empty: threads.length === 0 };
}

/**
 * One source, one poll:
 * 1. from the newest page down, while pages hold new threads (a burst of more than `maxPagesPerSource`
 *    pages leaves a scan: Google's page token and where it ends, continued next poll);
 * 2. a pending scan, from its token down to the newest time remembered when it began;
 * 3. when due, the recheck: the remaining pages down to the window, where replies on remembered
 *    threads and late comments (older than what was seen, but not remembered) are found.
 * Threads are told apart by id, never by a time mark, so nothing older than the newest is lost.
 */
export async function syncSource(
	reader: CommentReader,
	source: CommentSource,
	cursor: CommentCursor,
	options: SyncOptions = {},
	/** Receives each thread's messages as soon as its state is recorded (so a stop keeps both). */
	sink: SyncedMessage[] = [],
): Promise<{ messages: SyncedMessage[]; complete: boolean }> {
	const key = sourceKey(source);
	const cur: SourceCursor = (cursor.sources[key] ??= { threads: {} });
	cur.threads ??= {};
	if (cur.hwm !== undefined) {
		// A cursor from before the floor: its high-water mark bounded what had been seen.
		cur.floor = maxIso(cur.floor, cur.hwm);
		cur.primed = true;
		delete cur.hwm;
		delete cur.hwmIds;
	}
	const now = options.now ?? Date.now();
	const keep = Math.max(1, options.maxThreadsTracked ?? 1000);
	const windowStart = iso(now - (options.windowDays ?? 30) * DAY_MS);
	const pass: Pass = {
		reader,
		source,
		cur,
		opts: { emitEdits: options.emitEdits === true, includeReplies: options.includeReplies !== false },
		pageSize: Math.min(100, Math.max(1, options.pageSize ?? 100)),
		sink,
		pages: 0,
		listed: new Set(),
	};
	const maxPages = Math.max(1, options.maxPagesPerSource ?? 20);
	const windowPages = Math.ceil(keep / pass.pageSize) + 1;

	if (!cur.primed) {
		// The first poll: remember the window (what exists now counts as seen), or emit the newest page.
		let token: string | undefined;
		let page = 0;
		let oldest: string | undefined;
		do {
			const r = await readPage(pass, token, !(options.firstPoll === 'all' && page === 0));
			token = r.next;
			oldest = r.oldest;
		} while (token && (oldest ?? '') >= windowStart && ++page < windowPages && Object.keys(cur.threads).length < keep);
		// Threads on the pages not read are no newer than the last page's oldest: seen.
		if (token) cur.floor = maxIso(cur.floor, oldest);
		cur.primed = true;
		cur.sweptAt = iso(now);
		prune(cur, keep, windowStart);
		return { messages: sink, complete: true };
	}

	// 1. New threads from the top, while a page ends in something new (newer threads come first; a
	// late one further down is found by the recheck).
	const knownTop = Object.values(cur.threads).reduce<string | undefined>((top, st) => maxIso(top, st.p), undefined) ?? cur.floor ?? '';
	let r = await readPage(pass, undefined);
	while (r.bottomNew && r.next && pass.pages < maxPages) r = await readPage(pass, r.next);
	if (r.bottomNew && r.next) {
		// More than a poll's pages of new threads: continue there next poll (an older scan ends lower).
		cur.scan = { token: r.next, bottom: cur.scan?.bottom ?? knownTop };
		return { messages: sink, complete: false };
	}
	const after = r.next;
	let scanEnded = false;

	// 2. The backlog left by an earlier poll, down to where it began.
	if (cur.scan) {
		const scan = cur.scan;
		let s: { next?: string; oldest?: string; empty: boolean } = { next: scan.token, empty: false };
		while (s.next && pass.pages < maxPages) {
			s = await readPage(pass, s.next);
			if (s.empty || (s.oldest ?? '') <= scan.bottom) s.next = undefined;
		}
		if (s.next) {
			cur.scan = { token: s.next, bottom: scan.bottom };
			return { messages: sink, complete: false };
		}
		delete cur.scan;
		scanEnded = true;
	}

	// 3. The recheck of the remembered window (the newest page was read above).
	const every = options.recheckEveryMs ?? 0;
	const due = every > 0 && (cur.sweptAt === undefined || now - Date.parse(cur.sweptAt) >= every - RECHECK_SLACK_MS);
	// (Right after a backlog the recheck waits for the next poll: it starts below the newest pages.)
	if (due && !scanEnded) {
		await recheck(pass, after, r.oldest, keep, windowStart);
		cur.sweptAt = iso(now);
	}
	// Threads are forgotten only right after a recheck read them (or with the recheck off), so a
	// reply written while its thread was remembered is read before the thread is forgotten.
	if (every <= 0 || (due && !scanEnded)) prune(cur, keep, windowStart);
	return { messages: sink, complete: true };
}

/**
 * The pages below the newest, until every remembered thread was listed this poll (or the pages went
 * past the oldest of them: one no longer listed was deleted). Below the remembered threads late
 * comments are looked for down to the floor or the window start, unless the remembered threads are
 * already the newest Threads Remembered: a thread older than those is past the promise anyway, and
 * the page that would only show that costs a unit.
 */
async function recheck(pass: Pass, token: string | undefined, newestOldest: string | undefined, keep: number, windowStart: string): Promise<void> {
	const cur = pass.cur;
	const ids = Object.keys(cur.threads);
	const oldestKept = ids.reduce<string | undefined>((low, id) => (low === undefined || cur.threads[id].p < low ? cur.threads[id].p : low), undefined) ?? '';
	const lateBottom = ids.length >= keep ? undefined : (maxIso(cur.floor, windowStart) ?? windowStart);
	const done = (oldest: string) => (oldest < oldestKept || ids.every((id) => pass.listed.has(id))) && (lateBottom === undefined || oldest <= lateBottom);
	const maxPages = Math.ceil(ids.length / pass.pageSize) + 1;
	let next = done(newestOldest ?? '') ? undefined : token;
	for (let pages = 0; next && pages < maxPages; pages++) {
		const page = await readPage(pass, next);
		next = page.empty || done(page.oldest ?? '') ? undefined : page.next;
	}
}

/**
 * Every source in turn. A quota (or budget) stop ends the poll but keeps what was fully processed,
 * with its messages; disabled comments on a video skip that video.
 */
export async function syncComments(reader: CommentReader, sources: CommentSource[], cursor: CommentCursor, options: SyncOptions = {}): Promise<SyncResult> {
	const result: SyncResult = { messages: [], completed: [], skipped: [] };
	for (const source of sources) {
		const key = sourceKey(source);
		const before = cursor.sources[key] ? (JSON.parse(JSON.stringify(cursor.sources[key])) as SourceCursor) : undefined;
		const messages: SyncedMessage[] = [];
		let failure: unknown;
		let failed = false;
		try {
			const r = await syncSource(reader, source, cursor, options, messages);
			if (cursor.sources[key].disabled) delete cursor.sources[key].disabled;
			if (r.complete) result.completed.push(key);
			result.messages.push(...messages);
		} catch (error) {
			const kind = error instanceof SyncStop ? error.reason : reader.classify(error);
			if (kind === 'commentsDisabled') {
				const cur = (cursor.sources[key] ??= before ?? { threads: {} });
				result.skipped.push({ source: key, reason: 'commentsDisabled', newlyDisabled: !before?.disabled });
				cur.disabled = true;
				continue;
			}
			if (kind === 'quota' || kind === 'budget') {
				// Threads processed before the stop keep their state and their messages go out now.
				result.messages.push(...messages);
				result.stopped = { reason: kind, source: key, error };
				break;
			}
			// Any other failure: this source is rolled back so nothing half-done is remembered.
			if (before) cursor.sources[key] = before;
			else delete cursor.sources[key];
			failure = error;
			failed = true;
		}
		if (failed) throw failure;
	}
	result.messages.sort(byPublished);
	return result;
}
