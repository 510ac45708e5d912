// The comment cursor: reads a channel's (or a video's) comment threads newest first and stops at
// what it has already seen, so a poll with nothing new costs one list page (one quota unit).
// Replies beyond the few that come with a thread are fetched (comments?parentId) only when the
// thread's totalReplyCount says there are more. Pure: the API calls are injected.
import { replyToInboxMessage, threadToInboxMessage, type InboxMessage } from './inbox';
import type { YtComment, YtCommentThread, YtListResponse } from './types';

export type CommentSource = { kind: 'channel'; id: string } | { kind: 'video'; id: string };

export function sourceKey(source: CommentSource): string {
	return `${source.kind}:${source.id}`;
}

/** What is remembered of one thread (short keys: this lives in workflow static data). */
export interface ThreadState {
	/** Top-level comment publishedAt. */
	p: string;
	/** totalReplyCount accounted for. */
	n: number;
	/** Top-level comment updatedAt (edit detection). */
	u?: string;
	/** Newest reply publishedAt accounted for, and the ids of replies published at exactly that time. */
	rp?: string;
	rpIds?: string[];
	/** Reply updatedAt by id (only with edit detection on). */
	ru?: Record<string, string>;
}

export interface SourceCursor {
	/** Newest top-level publishedAt of a completed read (everything at or before it has been seen). */
	hwm?: string;
	hwmIds?: string[];
	/** Newest publishedAt/updatedAt of anything seen: the reply floor for threads adopted later. */
	mark?: string;
	primed?: boolean;
	/** Comments are disabled on this video (last poll). */
	disabled?: boolean;
	threads: Record<string, ThreadState>;
}

export interface CommentCursor {
	v: 1;
	sources: Record<string, SourceCursor>;
}

export type YtErrorClass = 'quota' | 'commentsDisabled' | 'budget' | 'other';

export interface CommentReader {
	listThreads(source: CommentSource, pageToken: string | undefined, maxResults: number): Promise<YtListResponse<YtCommentThread>>;
	listReplies(parentId: string, pageToken: string | undefined): Promise<YtListResponse<YtComment>>;
	/** commentThreads?id=a,b,… (up to 50 ids, one unit): used to recheck older remembered threads. */
	listThreadsByIds?(ids: string[]): Promise<YtListResponse<YtCommentThread>>;
	/** How an error thrown by the reader should be treated. */
	classify(error: unknown): YtErrorClass;
}

export interface SyncOptions {
	/** Emit edited comments (updatedAt moved) as messages with `edited: true`. */
	emitEdits?: boolean;
	/** Emit replies (default true). */
	includeReplies?: boolean;
	/** On the first poll of a source: 'now' records what exists and emits nothing (default); 'all' emits the first page. */
	firstPoll?: 'now' | 'all';
	/** commentThreads page size (≤ 100). */
	pageSize?: number;
	/** Threads remembered per source after a completed read (newest first). */
	maxThreadsTracked?: number;
	/** Pages read per source and poll; a longer backlog continues next poll. */
	maxPagesPerSource?: number;
	/**
	 * Also recheck the remembered threads that were not on the newest page (commentThreads?id=, 50 per
	 * unit) for new replies. The caller sets it every N polls.
	 */
	recheckOlderThreads?: boolean;
}

export type SyncedMessage = InboxMessage & { edited?: true };

export interface SkippedSource {
	source: string;
	reason: 'commentsDisabled';
	/** First time this source was found disabled (false: it was already so last poll). */
	newlyDisabled: boolean;
}

export interface SyncResult {
	messages: SyncedMessage[];
	/** Sources whose read completed this poll. */
	completed: string[];
	skipped: SkippedSource[];
	/** Set when the poll stopped early: Google's daily quota or our own unit budget. */
	stopped?: { reason: 'quota' | 'budget'; source: string; error: unknown };
}

export class SyncStop extends Error {
	constructor(
		readonly reason: 'quota' | 'budget',
		readonly cause?: unknown,
	) {
		super(reason === 'quota' ? 'YouTube quota exhausted' : 'YouTube daily unit budget spent');
	}
}

/** Ends a poll because the caller's own unit budget is spent (handled like Google's quotaExceeded). */
export function stopForBudget(): never {
	throw new SyncStop('budget');
}

export function emptyCursor(): CommentCursor {
	return { v: 1, sources: {} };
}

/** A cursor from static data or user input (JSON text or object); anything unreadable starts fresh. */
export function readCursor(value: unknown): CommentCursor {
	let v = value;
	if (typeof v === 'string') {
		if (v.trim() === '') return emptyCursor();
		try {
			v = JSON.parse(v);
		} catch {
			return emptyCursor();
		}
	}
	const c = v as Partial<CommentCursor> | undefined;
	if (!c || typeof c !== 'object' || c.v !== 1 || typeof c.sources !== 'object' || c.sources === null) return emptyCursor();
	return c as CommentCursor;
}

const maxIso = (a: string | undefined, b: string | undefined): string | undefined => (a === undefined ? b : b === undefined ? a : a >= b ? a : b);

function topPublished(t: YtCommentThread): string {
	return t.snippet?.topLevelComment?.snippet?.publishedAt ?? '';
}

function isSeen(cur: SourceCursor, id: string, p: string): boolean {
	if (cur.threads[id]) return true;
	if (cur.hwm === undefined) return false;
	return p < cur.hwm || (p === cur.hwm && (cur.hwmIds ?? []).includes(id));
}

function newerThan(rp: string | undefined, rpIds: string[] | undefined, reply: YtComment): boolean {
	const p = reply.snippet?.publishedAt ?? '';
	if (rp === undefined) return true;
	return p > rp || (p === rp && !(rpIds ?? []).includes(reply.id));
}

function replyMark(replies: YtComment[], floor?: string): { rp?: string; rpIds?: string[] } {
	let rp = floor;
	for (const r of replies) rp = maxIso(rp, r.snippet?.publishedAt);
	const rpIds = replies.filter((r) => r.snippet?.publishedAt === rp).map((r) => r.id);
	return { rp, rpIds: rpIds.length ? rpIds : undefined };
}

const byPublished = (a: { publishedAt: string }, b: { publishedAt: string }) => (a.publishedAt < b.publishedAt ? -1 : a.publishedAt > b.publishedAt ? 1 : 0);

/** Reads every reply of a comment through comments?parentId (all pages). */
async function allReplies(reader: CommentReader, parentId: string): Promise<YtComment[]> {
	const out: YtComment[] = [];
	let pageToken: string | undefined;
	do {
		const page = await reader.listReplies(parentId, pageToken);
		out.push(...(page.items ?? []));
		pageToken = page.nextPageToken || undefined;
	} while (pageToken);
	return out;
}

function threadState(t: YtCommentThread, replies: YtComment[], floor: string | undefined, emitEdits: boolean): ThreadState {
	const top = t.snippet?.topLevelComment?.snippet;
	const st: ThreadState = { p: top?.publishedAt ?? '', n: t.snippet?.totalReplyCount ?? replies.length, ...replyMark(replies, floor) };
	if (emitEdits && top?.updatedAt && top.updatedAt !== top.publishedAt) st.u = top.updatedAt;
	if (emitEdits) {
		const ru: Record<string, string> = {};
		for (const r of replies) if (r.snippet?.updatedAt && r.snippet.updatedAt !== r.snippet.publishedAt) ru[r.id] = r.snippet.updatedAt;
		if (Object.keys(ru).length) st.ru = ru;
	}
	if (st.rp === undefined) delete st.rp;
	if (st.rpIds === undefined) delete st.rpIds;
	return st;
}

/**
 * One thread: what to emit and its new state. Nothing is changed until every call for the thread
 * has succeeded, so a quota stop in the middle of a thread leaves it to be processed whole next time.
 */
async function processThread(
	reader: CommentReader,
	cur: SourceCursor,
	t: YtCommentThread,
	opts: Required<Pick<SyncOptions, 'emitEdits' | 'includeReplies'>>,
	/** First poll: remember the thread, emit nothing; replies up to this time count as seen. */
	adoptFloor: string | undefined,
	adoptOnly: boolean,
): Promise<{ messages: SyncedMessage[]; state: ThreadState }> {
	const included = t.replies?.comments ?? [];
	const total = t.snippet?.totalReplyCount ?? included.length;
	const known = cur.threads[t.id];
	const messages: SyncedMessage[] = [];
	const top = threadToInboxMessage(t);

	if (!known && (adoptOnly || isSeen(cur, t.id, topPublished(t)))) {
		// Seen before (first poll, or a thread forgotten after leaving the tracked window): remember
		// it without emitting; replies newer than the source's mark count as new from now on.
		return { messages, state: threadState(t, included, adoptOnly ? adoptFloor : cur.mark, opts.emitEdits) };
	}

	if (!known) {
		let replies = included;
		if (opts.includeReplies && total > included.length) replies = await allReplies(reader, t.snippet?.topLevelComment?.id ?? t.id);
		if (top) messages.push(top);
		if (opts.includeReplies) messages.push(...replies.map((r) => replyToInboxMessage(r, t)).sort(byPublished));
		return { messages, state: threadState(t, replies, undefined, opts.emitEdits) };
	}

	const state: ThreadState = { ...known };
	if (opts.emitEdits && top) {
		const u = t.snippet?.topLevelComment?.snippet?.updatedAt;
		if (u && u !== top.publishedAt && (known.u === undefined || u > known.u)) {
			messages.push({ ...top, edited: true });
			state.u = u;
		}
	}
	if (opts.includeReplies) {
		const newIncluded = included.filter((r) => newerThan(known.rp, known.rpIds, r));
		let candidates = newIncluded;
		const expectedNew = total - known.n;
		if (total > included.length && newIncluded.length < expectedNew) {
			candidates = (await allReplies(reader, t.snippet?.topLevelComment?.id ?? t.id)).filter((r) => newerThan(known.rp, known.rpIds, r));
		}
		messages.push(...candidates.map((r) => replyToInboxMessage(r, t)).sort(byPublished));
		const mark = replyMark(candidates, known.rp);
		if (mark.rp !== undefined) {
			state.rp = mark.rp;
			const sameAsBefore = mark.rp === known.rp ? (known.rpIds ?? []) : [];
			const ids = [...new Set([...sameAsBefore, ...(mark.rpIds ?? []), ...candidates.filter((r) => r.snippet?.publishedAt === mark.rp).map((r) => r.id)])];
			if (ids.length) state.rpIds = ids;
		}
		if (opts.emitEdits) {
			const ru = { ...(known.ru ?? {}) };
			for (const r of included) {
				if (candidates.some((c) => c.id === r.id)) {
					if (r.snippet?.updatedAt && r.snippet.updatedAt !== r.snippet.publishedAt) ru[r.id] = r.snippet.updatedAt;
					continue;
				}
				const u = r.snippet?.updatedAt;
				if (u && u !== r.snippet?.publishedAt && (ru[r.id] === undefined || u > ru[r.id])) {
					messages.push({ ...replyToInboxMessage(r, t), edited: true });
					ru[r.id] = u;
				}
			}
			if (Object.keys(ru).length) state.ru = ru;
		}
	}
	state.n = total;
	return { messages, state };
}

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
	opts: Required<Pick<SyncOptions, 'emitEdits' | 'includeReplies'>>,
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
