// Ring 1: the comment cursor against an in-memory channel (no HTTP), including reply completion,
// timestamp ties, quota stops in the middle of a thread, edits and disabled comments.
import {
	SyncStop,
	emptyCursor,
	readCursor,
	syncComments,
	type CommentCursor,
	type CommentReader,
	type CommentSource,
} from '../../../nodes/shared/youtube/commentSync';
import type { YtComment, YtCommentThread } from '../../../nodes/shared/youtube/types';

class FakeChannel {
	threads: { id: string; videoId: string; top: YtComment; replies: YtComment[]; seq: number }[] = [];
	calls: string[] = [];
	included = 5;
	includedOrder: 'oldest' | 'newest' = 'oldest';
	disabledVideos = new Set<string>();
	quotaLeft = Infinity;
	clock = Date.parse('2026-11-26T00:00:00Z');
	private seq = 0;

	private time(): string {
		return new Date(Math.floor(this.clock / 1000) * 1000).toISOString().replace('.000Z', 'Z');
	}
	tick(ms = 1000) {
		this.clock += ms;
	}
	comment(videoId = 'v1', text?: string): string {
		const n = ++this.seq;
		const id = `T${n}`;
		const snippet = { videoId, channelId: 'UC1', textOriginal: text ?? `top ${n}`, publishedAt: this.time(), updatedAt: this.time(), authorDisplayName: `a${n}` };
		this.threads.push({ id, videoId, top: { id, snippet }, replies: [], seq: n });
		return id;
	}
	reply(threadId: string, text?: string): string {
		const t = this.threads.find((x) => x.id === threadId)!;
		const n = ++this.seq;
		const id = `${threadId}.R${n}`;
		t.replies.push({ id, snippet: { videoId: t.videoId, channelId: 'UC1', parentId: threadId, textOriginal: text ?? `reply ${n}`, publishedAt: this.time(), updatedAt: this.time() } });
		return id;
	}
	edit(id: string, text: string) {
		for (const t of this.threads) for (const c of [t.top, ...t.replies]) if (c.id === id) c.snippet = { ...c.snippet, textOriginal: text, updatedAt: this.time() };
	}
	private charge(what: string) {
		if (this.quotaLeft <= 0) throw Object.assign(new Error('quotaExceeded'), { reason: 'quotaExceeded' });
		this.quotaLeft--;
		this.calls.push(what);
	}
	reader(): CommentReader {
		return {
			listThreads: async (source: CommentSource, pageToken, maxResults) => {
				this.charge(`threads:${source.id}:${pageToken ?? 0}`);
				if (source.kind === 'video' && this.disabledVideos.has(source.id)) throw Object.assign(new Error('disabled'), { reason: 'commentsDisabled' });
				const list = this.threads
					.filter((t) => source.kind === 'channel' || t.videoId === source.id)
					.sort((a, b) => (a.top.snippet!.publishedAt! < b.top.snippet!.publishedAt! ? 1 : a.top.snippet!.publishedAt! > b.top.snippet!.publishedAt! ? -1 : b.seq - a.seq));
				const offset = Number(pageToken ?? 0);
				const items: YtCommentThread[] = list.slice(offset, offset + maxResults).map((t) => ({
					id: t.id,
					snippet: { channelId: 'UC1', videoId: t.videoId, topLevelComment: t.top, totalReplyCount: t.replies.length },
					replies: { comments: this.includedOrder === 'oldest' ? t.replies.slice(0, this.included) : t.replies.slice(-this.included) },
				}));
				return { items, nextPageToken: offset + maxResults < list.length ? String(offset + maxResults) : undefined };
			},
			listReplies: async (parentId, pageToken) => {
				this.charge(`replies:${parentId}:${pageToken ?? 0}`);
				const t = this.threads.find((x) => x.id === parentId)!;
				const offset = Number(pageToken ?? 0);
				return { items: t.replies.slice(offset, offset + 3), nextPageToken: offset + 3 < t.replies.length ? String(offset + 3) : undefined };
			},
			classify: (e) => {
				const r = (e as { reason?: string }).reason;
				return r === 'quotaExceeded' ? 'quota' : r === 'commentsDisabled' ? 'commentsDisabled' : 'other';
			},
		};
	}
}

const CH: CommentSource = { kind: 'channel', id: 'UC1' };

async function poll(fake: FakeChannel, cursor: CommentCursor, opts = {}) {
	fake.calls = [];
	// As the trigger does: the cursor goes through JSON (static data) between polls.
	const result = await syncComments(fake.reader(), [CH], cursor, { pageSize: 10, now: fake.clock, ...opts });
	const persisted = readCursor(JSON.parse(JSON.stringify(cursor)));
	return { ...result, ids: result.messages.map((m) => m.commentId), calls: [...fake.calls], cursor: persisted };
}

test('first poll records where the channel stands; then each new comment and reply exactly once; idle costs one call', async () => {
	const fake = new FakeChannel();
	const old = fake.comment();
	fake.reply(old);
	let cursor = emptyCursor();
	let r = await poll(fake, cursor);
	expect(r.ids).toEqual([]);
	expect(r.calls).toEqual(['threads:UC1:0']);
	cursor = r.cursor;

	fake.tick();
	const a = fake.comment();
	const ra = fake.reply(old);
	r = await poll(fake, cursor);
	expect(r.ids.sort()).toEqual([a, ra].sort());
	expect(r.messages.find((m) => m.commentId === ra)).toMatchObject({ isReply: true, parentId: old, threadId: old });
	cursor = r.cursor;

	r = await poll(fake, cursor);
	expect(r.ids).toEqual([]);
	expect(r.calls).toEqual(['threads:UC1:0']);
});

test.each(['oldest', 'newest'] as const)('replies past the included few are fetched with comments?parentId (included: %s)', async (order) => {
	const fake = new FakeChannel();
	fake.includedOrder = order;
	let cursor = (await poll(fake, emptyCursor())).cursor;
	fake.tick();
	const t = fake.comment();
	const replies = Array.from({ length: 8 }, () => fake.reply(t));
	let r = await poll(fake, cursor);
	expect(r.ids).toEqual([t, ...replies]);
	expect(r.calls).toEqual(['threads:UC1:0', `replies:${t}:0`, `replies:${t}:3`, `replies:${t}:6`]);
	cursor = r.cursor;

	// Three more replies on a thread that already has 8: the count says so; only the new ones come out.
	fake.tick();
	const more = [fake.reply(t), fake.reply(t), fake.reply(t)];
	r = await poll(fake, cursor);
	expect(r.ids).toEqual(more);
	cursor = r.cursor;
	expect((await poll(fake, cursor)).ids).toEqual([]);
});

test('comments in the same second as the last one seen are not lost (second-precision timestamps)', async () => {
	const fake = new FakeChannel();
	let cursor = (await poll(fake, emptyCursor())).cursor;
	fake.tick();
	const a = fake.comment();
	let r = await poll(fake, cursor);
	expect(r.ids).toEqual([a]);
	cursor = r.cursor;
	const b = fake.comment(); // same second as a
	const rb = fake.reply(a); // same second too
	r = await poll(fake, cursor);
	expect(r.ids.sort()).toEqual([b, rb].sort());
	expect((await poll(fake, r.cursor)).ids).toEqual([]);
});

test('a burst longer than a page is read page by page until the seen region', async () => {
	const fake = new FakeChannel();
	fake.comment();
	let cursor = (await poll(fake, emptyCursor())).cursor;
	fake.tick();
	const burst = Array.from({ length: 25 }, () => fake.comment());
	const r = await poll(fake, cursor);
	expect(r.ids.sort()).toEqual([...burst].sort());
	expect(r.calls).toEqual(['threads:UC1:0', 'threads:UC1:10', 'threads:UC1:20']);
	cursor = r.cursor;
	expect((await poll(fake, cursor)).calls).toEqual(['threads:UC1:0']);
});

test('quota runs out in the middle of a thread: what was complete is kept, the rest comes after the reset, nothing twice', async () => {
	const fake = new FakeChannel();
	let cursor = (await poll(fake, emptyCursor())).cursor;
	fake.tick();
	const first = fake.comment();
	fake.tick();
	const big = fake.comment();
	const bigReplies = Array.from({ length: 7 }, () => fake.reply(big));
	fake.quotaLeft = 2; // page 1 and the first replies page, then quotaExceeded
	let r = await poll(fake, cursor);
	expect(r.stopped?.reason).toBe('quota');
	// Threads newest first: `big` was being completed when the quota ran out; `first` comes after it on the page.
	expect(r.ids).toEqual([]);
	cursor = r.cursor;

	fake.quotaLeft = Infinity; // midnight Pacific
	r = await poll(fake, cursor);
	expect(r.stopped).toBeUndefined();
	expect(r.ids.sort()).toEqual([first, big, ...bigReplies].sort());
	expect((await poll(fake, r.cursor)).ids).toEqual([]);
});

test('quota stop after some threads were complete: those are emitted now and not again', async () => {
	const fake = new FakeChannel();
	let cursor = (await poll(fake, emptyCursor())).cursor;
	fake.tick();
	const big = fake.comment();
	const bigReplies = Array.from({ length: 7 }, () => fake.reply(big));
	fake.tick();
	const newest = fake.comment();
	fake.quotaLeft = 2;
	let r = await poll(fake, cursor);
	expect(r.stopped?.reason).toBe('quota');
	expect(r.ids).toEqual([newest]);
	fake.quotaLeft = Infinity;
	r = await poll(fake, r.cursor);
	expect(r.ids.sort()).toEqual([big, ...bigReplies].sort());
	expect((await poll(fake, r.cursor)).ids).toEqual([]);
});

test('a budget stop thrown by the reader is handled like the quota', async () => {
	const fake = new FakeChannel();
	const reader = fake.reader();
	const cursor = emptyCursor();
	const r = await syncComments({ ...reader, listThreads: async () => { throw new SyncStop('budget'); } }, [CH], cursor);
	expect(r.stopped?.reason).toBe('budget');
	expect(cursor.sources['channel:UC1']?.primed).toBeFalsy();
});

test('edits come out as updates when asked', async () => {
	const fake = new FakeChannel();
	const t = fake.comment();
	const rr = fake.reply(t);
	let cursor = (await poll(fake, emptyCursor(), { emitEdits: true })).cursor;
	fake.tick();
	fake.edit(t, 'edited top');
	fake.edit(rr, 'edited reply');
	let r = await poll(fake, cursor, { emitEdits: true });
	expect(r.messages.map((m) => [m.commentId, m.text, m.edited])).toEqual([
		[t, 'edited top', true],
		[rr, 'edited reply', true],
	]);
	cursor = r.cursor;
	r = await poll(fake, cursor, { emitEdits: true });
	expect(r.ids).toEqual([]);
	// Without the option edits are ignored.
	fake.tick();
	fake.edit(t, 'again');
	expect((await poll(fake, cursor)).ids).toEqual([]);
});

test('a video with comments disabled is skipped, the others go on', async () => {
	const fake = new FakeChannel();
	fake.disabledVideos.add('v2');
	const cursor = emptyCursor();
	const sources: CommentSource[] = [
		{ kind: 'video', id: 'v2' },
		{ kind: 'video', id: 'v1' },
	];
	let r = await syncComments(fake.reader(), sources, cursor);
	expect(r.skipped).toEqual([{ source: 'video:v2', reason: 'commentsDisabled', newlyDisabled: true }]);
	fake.tick();
	const c = fake.comment('v1');
	r = await syncComments(fake.reader(), sources, cursor);
	expect(r.messages.map((m) => m.commentId)).toEqual([c]);
	expect(r.skipped[0].newlyDisabled).toBe(false);
});

test('firstPoll "all" emits the newest page on the first call', async () => {
	const fake = new FakeChannel();
	const a = fake.comment();
	const r = await poll(fake, emptyCursor(), { firstPoll: 'all' });
	expect(r.ids).toEqual([a]);
	expect((await poll(fake, r.cursor)).ids).toEqual([]);
});

test('readCursor accepts JSON text and starts fresh on anything else', () => {
	expect(readCursor('')).toEqual(emptyCursor());
	expect(readCursor('not json')).toEqual(emptyCursor());
	expect(readCursor({ v: 2 })).toEqual(emptyCursor());
	const c = { v: 1, sources: { 'channel:x': { threads: {}, hwm: '2026-01-01T00:00:00Z' } } };
	expect(readCursor(JSON.stringify(c))).toEqual(c);
});

test('replies on remembered threads past the newest page: missed without the recheck, found once when it is due', async () => {
	const fake = new FakeChannel();
	const threads = Array.from({ length: 15 }, () => {
		fake.tick();
		return fake.comment();
	});
	// pageSize 10: the first poll reads both pages and remembers all 15 threads (the window).
	let cursor = (await poll(fake, emptyCursor(), { maxThreadsTracked: 20 })).cursor;
	expect(Object.keys(cursor.sources['channel:UC1'].threads)).toHaveLength(15);
	fake.tick();
	const r1 = fake.reply(threads[0]);
	const without = await poll(fake, cursor, { maxThreadsTracked: 20 });
	expect(without.ids).toEqual([]);
	expect(without.calls).toEqual(['threads:UC1:0']);
	// The recheck is due a minute after the first poll's read of the window: the second page again.
	fake.tick(60_000);
	const withRecheck = await poll(fake, without.cursor, { maxThreadsTracked: 20, recheckEveryMs: 60_000 });
	expect(withRecheck.ids).toEqual([r1]);
	expect(withRecheck.calls).toEqual(['threads:UC1:0', 'threads:UC1:10']);
	// Not due again yet: one page.
	fake.tick(10_000);
	const next = await poll(fake, withRecheck.cursor, { maxThreadsTracked: 20, recheckEveryMs: 60_000 });
	expect(next.ids).toEqual([]);
	expect(next.calls).toEqual(['threads:UC1:0']);
});

test('a late comment (older than comments already emitted, never seen) comes out once; a thread older than the floor does not', async () => {
	const fake = new FakeChannel();
	fake.comment();
	let cursor = (await poll(fake, emptyCursor())).cursor;
	fake.tick(60_000);
	const shownAt = fake.clock;
	const newer = fake.comment();
	let r = await poll(fake, cursor);
	expect(r.ids).toEqual([newer]);
	cursor = r.cursor;
	// Appears now with a time before `newer` (approved after review, or indexed late).
	fake.clock = shownAt - 30_000;
	const late = fake.comment();
	fake.clock = shownAt + 120_000;
	r = await poll(fake, cursor);
	expect(r.ids).toEqual([late]);
	expect((await poll(fake, r.cursor)).ids).toEqual([]);
	// A floor (what a first poll could not read, or threads forgotten): an unknown thread at or below it is old.
	const c = r.cursor;
	c.sources['channel:UC1'].floor = '2030-01-01T00:00:00Z';
	fake.clock = shownAt - 10_000;
	fake.comment();
	fake.clock = shownAt + 180_000;
	expect((await poll(fake, c)).ids).toEqual([]);
});

test('a backlog longer than a poll reads continues from its page token next poll, down to where it began; nothing twice', async () => {
	const fake = new FakeChannel();
	fake.comment();
	let cursor = (await poll(fake, emptyCursor())).cursor;
	const created: string[] = [];
	for (let i = 0; i < 55; i++) {
		fake.tick();
		created.push(fake.comment());
	}
	const emitted: string[] = [];
	let r = await poll(fake, cursor, { maxPagesPerSource: 2 });
	expect(r.completed).toEqual([]);
	expect(r.cursor.sources['channel:UC1'].scan?.token).toBe('20');
	emitted.push(...r.ids);
	// Three more arrive at the top while the backlog drains: the page token now overlaps by three.
	for (let i = 0; i < 3; i++) {
		fake.tick();
		created.push(fake.comment());
	}
	for (let i = 0; i < 5 && r.cursor.sources['channel:UC1'].scan; i++) {
		r = await poll(fake, r.cursor, { maxPagesPerSource: 2 });
		emitted.push(...r.ids);
	}
	expect(r.cursor.sources['channel:UC1'].scan).toBeUndefined();
	expect(r.completed).toEqual(['channel:UC1']);
	expect(new Set(emitted).size).toBe(emitted.length);
	expect([...emitted].sort()).toEqual([...created].sort());
	cursor = r.cursor;
	expect((await poll(fake, cursor)).calls).toEqual(['threads:UC1:0']);
});

test('a cursor written before the floor existed: its high-water mark becomes the floor', async () => {
	const fake = new FakeChannel();
	const before = fake.comment();
	fake.tick(60_000);
	const cursor = readCursor({ v: 1, sources: { 'channel:UC1': { hwm: fake.threads[0].top.snippet!.publishedAt, hwmIds: [before], primed: true, threads: {} } } });
	const after = fake.comment();
	const r = await poll(fake, cursor);
	expect(r.ids).toEqual([after]);
	expect(r.cursor.sources['channel:UC1'].hwm).toBeUndefined();
	expect(r.cursor.sources['channel:UC1'].floor).toBe(fake.threads[0].top.snippet!.publishedAt);
});

// Issue #10 item 15: what the API allows for replies on remembered threads within 10 minutes at
// under 3,000 units a day (every page read is a unit; the tests count the pages).
const threadIds = (c: CommentCursor) => Object.keys(c.sources['channel:UC1'].threads);

test('new threads on a page that ends in a remembered thread: no page below is read to confirm', async () => {
	const fake = new FakeChannel();
	for (let i = 0; i < 15; i++) {
		fake.tick();
		fake.comment();
	}
	let cursor = (await poll(fake, emptyCursor(), { maxThreadsTracked: 20 })).cursor;
	fake.tick();
	const fresh = [fake.comment(), fake.comment(), fake.comment()];
	const r = await poll(fake, cursor, { maxThreadsTracked: 20 });
	expect(r.ids.sort()).toEqual([...fresh].sort());
	expect(r.calls).toEqual(['threads:UC1:0']);
	cursor = r.cursor;
	// A page that ends in a new thread still goes on: 12 new, 10 a page.
	fake.tick();
	const burst = Array.from({ length: 12 }, () => fake.comment());
	const b = await poll(fake, cursor, { maxThreadsTracked: 40 });
	expect(b.ids.sort()).toEqual([...burst].sort());
	expect(b.calls).toEqual(['threads:UC1:0', 'threads:UC1:10']);
});

test('a thread is forgotten only after a recheck read it: a reply on the oldest remembered thread, then newer threads push it out, still comes out', async () => {
	const fake = new FakeChannel();
	const threads = Array.from({ length: 22 }, () => {
		fake.tick();
		return fake.comment();
	});
	const opts = { maxThreadsTracked: 20, recheckEveryMs: 600_000 };
	let r = await poll(fake, emptyCursor(), opts);
	const oldestRemembered = threads[2];
	expect(threadIds(r.cursor)).toContain(oldestRemembered);
	fake.tick();
	const reply = fake.reply(oldestRemembered);
	const newer = [fake.comment(), fake.comment()];
	r = await poll(fake, r.cursor, opts);
	expect(r.ids.sort()).toEqual([...newer].sort());
	// Still remembered (22 now, the oldest on page 3) until the recheck has read it again.
	expect(threadIds(r.cursor)).toContain(oldestRemembered);
	fake.tick(600_000);
	r = await poll(fake, r.cursor, opts);
	expect(r.ids).toEqual([reply]);
	expect(r.calls).toEqual(['threads:UC1:0', 'threads:UC1:10', 'threads:UC1:20']);
	expect(threadIds(r.cursor)).toHaveLength(20);
	expect(threadIds(r.cursor)).not.toContain(oldestRemembered);
	fake.tick(600_000);
	expect((await poll(fake, r.cursor, opts)).ids).toEqual([]);
});

test('the recheck reads the pages that hold the remembered threads and no page below them when they are the newest Threads Remembered', async () => {
	const fake = new FakeChannel();
	const threads = Array.from({ length: 40 }, () => {
		fake.tick();
		return fake.comment();
	});
	const opts = { maxThreadsTracked: 20, recheckEveryMs: 60_000 };
	let r = await poll(fake, emptyCursor(), opts);
	expect(r.calls).toEqual(['threads:UC1:0', 'threads:UC1:10']);
	fake.tick();
	const fresh = fake.comment();
	r = await poll(fake, r.cursor, opts);
	expect(r.ids).toEqual([fresh]);
	// 21 remembered: the recheck reads down to the 21st (page 3), then forgets it.
	fake.tick(60_000);
	const reply = fake.reply(threads[20]);
	r = await poll(fake, r.cursor, opts);
	expect(r.ids).toEqual([reply]);
	expect(r.calls).toEqual(['threads:UC1:0', 'threads:UC1:10', 'threads:UC1:20']);
	expect(threadIds(r.cursor)).not.toContain(threads[20]);
	expect(threadIds(r.cursor)).toHaveLength(20);
	// 20 remembered, the newest 20: pages 1 and 2, not page 3 to find what lies below them.
	fake.tick(60_000);
	const deep = fake.reply(threads[21]);
	r = await poll(fake, r.cursor, opts);
	expect(r.ids).toEqual([deep]);
	expect(r.calls).toEqual(['threads:UC1:0', 'threads:UC1:10']);
});

test('the recheck reads nothing below the newest page when that page already holds the whole window', async () => {
	const fake = new FakeChannel();
	fake.clock -= 40 * 86_400_000;
	for (let i = 0; i < 15; i++) {
		fake.tick();
		fake.comment();
	}
	fake.clock += 40 * 86_400_000;
	const recent = Array.from({ length: 4 }, () => {
		fake.tick();
		return fake.comment();
	});
	const opts = { maxThreadsTracked: 20, recheckEveryMs: 60_000 };
	let r = await poll(fake, emptyCursor(), opts);
	expect(threadIds(r.cursor).sort()).toEqual([...recent].sort());
	fake.tick(60_000);
	const reply = fake.reply(recent[0]);
	r = await poll(fake, r.cursor, opts);
	expect(r.ids).toEqual([reply]);
	expect(r.calls).toEqual(['threads:UC1:0']);
	expect(r.cursor.sources['channel:UC1'].sweptAt).toBeDefined();
});
