// The comment cursor: reads a channel's (or a video's) comment threads newest first and stops at
// what it has already seen, so a poll with nothing new costs one list page (one quota unit).
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
import { byPublished, isSeen, maxIso, processThread, topPublished, type ThreadOptions } from './commentThread';

export * from './commentCursor';

function prune(cur: SourceCursor, keep: number): void {
	const entries = Object.entries(cur.threads);
	if (entries.length <= keep) return;
	entries.sort((a, b) => (a[1].p < b[1].p ? 1 : a[1].p > b[1].p ? -1 : 0));
	cur.threads = Object.fromEntries(entries.slice(0, keep));
}

/**
 * One source. Threads newer than the last completed read are emitted (with their replies); threads on
 * the first page that are already known are checked for new replies (and edits) at no extra cost.
 * Paging continues only while every thread on a page is new.
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
	const opts = { emitEdits: options.emitEdits === true, includeReplies: options.includeReplies !== false };
	const pageSize = Math.min(100, Math.max(1, options.pageSize ?? 100));
	const maxPages = options.maxPagesPerSource ?? 20;
	const priming = !cur.primed && cur.hwm === undefined;
	const adoptOnly = priming && (options.firstPoll ?? 'now') === 'now';
	const messages = sink;
	let newest: { p: string; ids: string[] } | undefined;
	let mark = cur.mark;
	let pageToken: string | undefined;
	let complete = false;
	const onFirstPage = new Set<string>();

	for (let page = 0; page < maxPages; page++) {
		const response = await reader.listThreads(source, pageToken, pageSize);
		const threads = response.items ?? [];
		let pageMark: string | undefined;
		for (const t of threads) {
			pageMark = maxIso(pageMark, maxIso(topPublished(t), t.snippet?.topLevelComment?.snippet?.updatedAt));
			for (const r of t.replies?.comments ?? []) pageMark = maxIso(pageMark, maxIso(r.snippet?.publishedAt, r.snippet?.updatedAt));
		}
		let reachedSeen = false;
		for (const t of threads) {
			const p = topPublished(t);
			if (page === 0) onFirstPage.add(t.id);
			if (isSeen(cur, t.id, p) && !cur.threads[t.id]) reachedSeen = true;
			if (cur.threads[t.id] && cur.hwm !== undefined && p <= cur.hwm) reachedSeen = true;
			// Only the first page is inspected for known threads; later pages only for new ones.
			if (page > 0 && isSeen(cur, t.id, p)) continue;
			const { messages: m, state } = await processThread(reader, cur, t, opts, pageMark, adoptOnly);
			messages.push(...m);
			cur.threads[t.id] = state;
			if (!newest || p > newest.p) newest = { p, ids: [t.id] };
			else if (p === newest.p) newest.ids.push(t.id);
		}
		mark = maxIso(mark, pageMark);
		pageToken = response.nextPageToken || undefined;
		if (priming || reachedSeen || !pageToken) {
			complete = true;
			break;
		}
	}

	if (complete) {
		if (newest && (cur.hwm === undefined || newest.p > cur.hwm)) {
			cur.hwm = newest.p;
			cur.hwmIds = newest.ids;
		} else if (newest && newest.p === cur.hwm) {
			cur.hwmIds = [...new Set([...(cur.hwmIds ?? []), ...newest.ids])];
		}
		cur.primed = true;
		if (mark !== undefined) cur.mark = mark;
		prune(cur, Math.max(options.maxThreadsTracked ?? 300, pageSize));
		if (options.recheckOlderThreads && !priming && reader.listThreadsByIds) await recheckOlder(reader, cur, onFirstPage, opts, messages);
	}
	return { messages, complete };
}

/** New replies (and edits) on remembered threads that are no longer on the newest page. */
async function recheckOlder(
	reader: CommentReader,
	cur: SourceCursor,
	skip: Set<string>,
	opts: ThreadOptions,
	sink: SyncedMessage[],
): Promise<void> {
	const ids = Object.entries(cur.threads)
		.filter(([id]) => !skip.has(id))
		.sort((a, b) => (a[1].p < b[1].p ? 1 : a[1].p > b[1].p ? -1 : 0))
		.map(([id]) => id);
	for (let i = 0; i < ids.length; i += 50) {
		const response = await reader.listThreadsByIds!(ids.slice(i, i + 50));
		for (const t of response.items ?? []) {
			if (!cur.threads[t.id]) continue;
			const { messages, state } = await processThread(reader, cur, t, opts, undefined, false);
			sink.push(...messages);
			cur.threads[t.id] = state;
		}
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
