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
	/**
	 * Untracked threads published at or before this time count as seen (they existed before the
	 * trigger started, or were forgotten when they left the remembered window). Any other thread
	 * that is not remembered is new, whatever its time: late comments (held for review, index lag)
	 * come out when they appear.
	 */
	floor?: string;
	/** Cursors written before the floor existed: the newest time of a completed read (read as the floor). */
	hwm?: string;
	hwmIds?: string[];
	/** Newest publishedAt/updatedAt of anything seen: the reply floor for threads adopted on the first poll. */
	mark?: string;
	primed?: boolean;
	/** Comments are disabled on this video (last poll). */
	disabled?: boolean;
	/**
	 * A backlog read that did not finish within one poll: where to continue (Google's page token) and
	 * the newest time remembered when it began (the read ends on reaching it).
	 */
	scan?: { token: string; bottom: string };
	/** When the remembered threads were last all read again (the recheck), ISO. */
	sweptAt?: string;
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
	/** Threads remembered per source at most (newest first; default 1,000). */
	maxThreadsTracked?: number;
	/** Threads are remembered this many days after they were published (default 30). */
	windowDays?: number;
	/** Pages read per source and poll for new threads; a longer backlog continues next poll (default 20). */
	maxPagesPerSource?: number;
	/**
	 * Read every remembered thread again (the list pages below the newest, 100 threads a unit) when the
	 * last such recheck is this old, for replies and late comments there. 0: never (default).
	 */
	recheckEveryMs?: number;
	/** The clock (ms since epoch; default Date.now()). */
	now?: number;
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
	return isCommentCursor(v) ? v : emptyCursor();
}

export function isCommentCursor(value: unknown): value is CommentCursor {
	const c = value as Partial<CommentCursor> | undefined;
	return !!c && typeof c === 'object' && c.v === 1 && typeof c.sources === 'object' && c.sources !== null;
}
