// One comment thread against what the cursor remembers of it: what to emit (the top-level comment,
// new replies, edits) and its new state. The caller decides that an unremembered thread is new. Replies beyond the few that come with a thread are fetched
// (comments?parentId) only when the thread's totalReplyCount says there are more. Pure.
import { replyToInboxMessage, threadToInboxMessage } from './inbox';
import type { YtComment, YtCommentThread } from './types';
import type { CommentReader, SourceCursor, SyncOptions, SyncedMessage, ThreadState } from './commentCursor';

export type ThreadOptions = Required<Pick<SyncOptions, 'emitEdits' | 'includeReplies'>>;

export const maxIso = (a: string | undefined, b: string | undefined): string | undefined => (a === undefined ? b : b === undefined ? a : a >= b ? a : b);

export function topPublished(t: YtCommentThread): string {
	return t.snippet?.topLevelComment?.snippet?.publishedAt ?? '';
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

export const byPublished = (a: { publishedAt: string }, b: { publishedAt: string }) => (a.publishedAt < b.publishedAt ? -1 : a.publishedAt > b.publishedAt ? 1 : 0);

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
export async function processThread(
	reader: CommentReader,
	cur: SourceCursor,
	t: YtCommentThread,
	opts: ThreadOptions,
	/** Set on the first poll: remember the thread and emit nothing; replies up to this time count as seen. */
	adoptFloor?: string,
): Promise<{ messages: SyncedMessage[]; state: ThreadState }> {
	const included = t.replies?.comments ?? [];
	const total = t.snippet?.totalReplyCount ?? included.length;
	const known = cur.threads[t.id];
	const messages: SyncedMessage[] = [];
	const top = threadToInboxMessage(t);

	if (!known && adoptFloor !== undefined) {
		// Existing when the trigger started: remember it without emitting; newer replies are new.
		return { messages, state: threadState(t, included, adoptFloor, opts.emitEdits) };
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
