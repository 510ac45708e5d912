// The comment cursor's shapes: what is remembered per source and thread (short keys: it lives in
// workflow static data), the reader the sync calls, its options and results. Pure.
import type { InboxMessage } from './inbox';
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
