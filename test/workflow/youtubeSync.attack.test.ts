// Ring 2: the YouTube Sync trigger against a Google that behaves as its documentation allows, not as a
// lenient fake would (issue #10, items 12–15): a backlog of thousands of threads after a quota pause,
// comments that become visible late (held for review, index lag) with an older publishedAt, n8n's
// scheduler building a fresh workflow for every poll, and replies on threads far from the newest page.
import type { IDataObject } from 'n8n-workflow';
import { nextPacificMidnight } from '../../nodes/shared/youtube/quota';
import { startSandbox, type Sandbox, type SbThread } from '../sandbox';
import { seededRandom } from '../sandbox/server';
import type { Poller } from '../helpers/workflow';
import { SimulatedClock, idsOf, ok, youtubeApiGet, youtubePoller, youtubeRep, ytIso } from './youtubeFixtures';

const MINUTE = 60_000;
// The two long simulations (thousands of threads, an hour of polls) get 5 minutes on a busy machine.
const DAY = 86_400_000;
let sandbox: Sandbox;
const clock = new SimulatedClock();

beforeAll(async () => {
	sandbox = await startSandbox({ seed: 1210 });
	sandbox.server.useInThisProcess();
});
afterAll(async () => sandbox?.close());
beforeEach(() => {
	const yt = sandbox.youtube;
	yt.dailyQuota = 10_000;
	yt.indexLagMs = 0;
	yt.threadOrder = 'published';
	yt.costModel = 'flat';
	clock.install();
	yt.resetDailyQuota();
	sandbox.server.clearRequests();
});
afterEach(() => {
	clock.restore();
	jest.restoreAllMocks();
});

const youtubeRequests = () => sandbox.server.seen('youtube.googleapis.com', '/youtube/v3/').length;

/** Activation as n8n does it: the activation poll, then the first scheduled poll a minute later. */
async function activate(p: Poller): Promise<void> {
	ok(await p.poll({ activation: true }));
	clock.advance(MINUTE);
	ok(await p.poll());
}

/** Polls once a minute, collecting what comes out and when (the simulated minute of each poll). */
async function pollMinutes(p: Poller, minutes: number, opts: { fresh?: boolean; before?: (minute: number) => void; stopWhenIdleAfter?: number } = {}) {
	const emitted: string[] = [];
	const at = new Map<string, number>();
	for (let minute = 1; minute <= minutes; minute++) {
		opts.before?.(minute);
		clock.advance(MINUTE);
		if (opts.fresh) p.restart();
		const r = ok(await p.poll());
		for (const id of idsOf(r.items)) {
			emitted.push(id);
			if (!at.has(id)) at.set(id, minute);
		}
		if (opts.stopWhenIdleAfter !== undefined && emitted.length >= opts.stopWhenIdleAfter && r.items === null) break;
	}
	return { emitted, at };
}

describe('sandbox: YouTube as its documentation allows', () => {
	test('a comment held for review is not listed; approved, it keeps its original time and sorts below newer threads', async () => {
		const yt = sandbox.youtube;
		const rep = youtubeRep(sandbox);
		const video = yt.addVideo(rep.channel.id);
		const now = clock.now();
		const held = yt.addComment(video.id, { held: true, publishedAt: ytIso(now - 120_000) });
		const newer = yt.addComment(video.id, { publishedAt: ytIso(now - 60_000) });
		const list = async (extra: Record<string, string> = {}) =>
			(await youtubeApiGet('commentThreads', { part: 'snippet', allThreadsRelatedToChannelId: rep.channel.id, maxResults: '100', ...extra }, rep.accessToken)).body;
		const ids = (body: IDataObject) => ((body.items as IDataObject[]) ?? []).map((t) => t.id);
		expect(ids(await list())).toEqual([newer.id]);
		expect(ids(await list({ moderationStatus: 'heldForReview' }))).toEqual([held.id]);
		yt.approve(held.top.id);
		const after = await list();
		expect(ids(after)).toEqual([newer.id, held.id]);
		const top = ((after.items as IDataObject[])[1].snippet as IDataObject).topLevelComment as IDataObject;
		expect((top.snippet as IDataObject).publishedAt).toBe(ytIso(now - 120_000));
		// A held reply is neither counted nor listed until approved.
		const reply = yt.addReply(newer.id, { held: true });
		const count = async () => (((await list()).items as IDataObject[])[0].snippet as IDataObject).totalReplyCount;
		expect(await count()).toBe(0);
		yt.approve(reply.id);
		expect(await count()).toBe(1);
	});

	test('index lag: a new comment is listed only after the lag, with its original time', async () => {
		const yt = sandbox.youtube;
		const rep = youtubeRep(sandbox);
		const video = yt.addVideo(rep.channel.id);
		yt.indexLagMs = 90_000;
		const lagging = yt.addComment(video.id);
		const q = { part: 'snippet', videoId: video.id, maxResults: '20' };
		expect(((await youtubeApiGet('commentThreads', q, rep.accessToken)).body.items as unknown[]).length).toBe(0);
		clock.advance(91_000);
		const items = (await youtubeApiGet('commentThreads', q, rep.accessToken)).body.items as IDataObject[];
		expect(items.map((t) => t.id)).toEqual([lagging.id]);
	});

	test("thread order: 'published' keeps a thread in place when it gets a reply, 'activity' moves it up", async () => {
		const yt = sandbox.youtube;
		const rep = youtubeRep(sandbox);
		const video = yt.addVideo(rep.channel.id);
		const now = clock.now();
		const older = yt.addComment(video.id, { publishedAt: ytIso(now - 3_600_000) });
		const newer = yt.addComment(video.id, { publishedAt: ytIso(now - 1_800_000) });
		yt.addReply(older.id, { publishedAt: ytIso(now) });
		const order = async () => ((await youtubeApiGet('commentThreads', { part: 'id', videoId: video.id }, rep.accessToken)).body.items as IDataObject[]).map((t) => t.id);
		expect(await order()).toEqual([newer.id, older.id]);
		yt.threadOrder = 'activity';
		expect(await order()).toEqual([older.id, newer.id]);
	});

	test("cost model: 'flat' charges 1 unit a page (google-facts.md); 'perPart' 1 + 2 per snippet/replies part (the newest reference page)", async () => {
		const yt = sandbox.youtube;
		const rep = youtubeRep(sandbox);
		const video = yt.addVideo(rep.channel.id);
		const cost = async (part: string) => {
			const before = yt.usedToday;
			expect((await youtubeApiGet('commentThreads', { part, videoId: video.id }, rep.accessToken)).status).toBe(200);
			return yt.usedToday - before;
		};
		expect(await cost('snippet,replies')).toBe(1);
		yt.costModel = 'perPart';
		expect(await cost('snippet,replies')).toBe(5);
		expect(await cost('id')).toBe(1);
	});
});

describe.each([false, true])('item 12: a backlog beyond 20 pages (durable cursors: %s)', (durableCursors) => {
	test('5,000 threads arriving during a quota pause are all emitted once after the Pacific-midnight reset, within the daily budget; the sync completes and its state shrinks back', async () => {
		const yt = sandbox.youtube;
		const rep = youtubeRep(sandbox);
		const videos = Array.from({ length: 5 }, () => yt.addVideo(rep.channel.id));
		for (const v of videos) yt.addComment(v.id, { publishedAt: ytIso(clock.now() - DAY) });
		const p = youtubePoller(rep.credentials, { overBudget: 'warn' }, { durableCursors });
		await activate(p);

		// Google's daily quota runs out: the poll stops and the trigger pauses until midnight Pacific.
		yt.dailyQuota = yt.usedToday;
		clock.advance(MINUTE);
		expect(ok(await p.poll()).items).toBeNull();
		expect((durableCursors ? p.persisted : p.inMemoryStaticData).pauseReason).toBe('quota');

		// While paused, 5,000 threads arrive (some at the same second, as Google's second precision allows).
		const pausedAt = clock.now();
		const reset = nextPacificMidnight(pausedAt);
		const created = new Set<string>();
		for (let i = 0; i < 5000; i++) created.add(yt.addComment(videos[i % 5].id, { publishedAt: ytIso(pausedAt + ((i + 1) * (reset - pausedAt - MINUTE)) / 5001) }).id);
		yt.dailyQuota = 10_000;
		clock.set(reset + MINUTE);
		const unitsBefore = yt.totalUnits;

		// Polls once a minute; a few more threads arrive while the backlog drains.
		const { emitted } = await pollMinutes(p, 15, {
			stopWhenIdleAfter: 5010,
			before: (minute) => {
				if (minute <= 2) for (let i = 0; i < 5; i++) created.add(yt.addComment(videos[i].id).id);
			},
		});
		const units = yt.totalUnits - unitsBefore;
		expect({ emitted: emitted.length, unique: new Set(emitted).size }).toEqual({ emitted: created.size, unique: created.size });
		expect([...emitted].sort()).toEqual([...created].sort());
		// 51 pages of threads and one page per poll: a small share of the 10,000-unit day.
		expect(units).toBeLessThan(150);
		expect(yt.rejectedForQuota).toBeGreaterThan(0);

		// The read completes again: the next new thread comes out alone, and what is remembered is bounded.
		const last = yt.addComment(videos[0].id);
		clock.advance(MINUTE);
		expect(idsOf(ok(await p.poll()).items)).toEqual([last.id]);
		const state = (durableCursors ? p.persisted : p.inMemoryStaticData) as { comments: { sources: Record<string, { threads: Record<string, unknown> }> } };
		// Threads Remembered (1,000), plus the one thread newer than the last recheck: the oldest is
		// forgotten only once a recheck has read it again (item 15).
		expect(Object.keys(state.comments.sources[`channel:${rep.channel.id}`].threads).length).toBeLessThanOrEqual(1001);
	}, 300_000);
});

describe('item 13: late comments (held for review, index lag) are emitted', () => {
	test('a comment held for review and approved after newer comments were emitted comes out once, on the newest page within a minute, deeper within 10 minutes', async () => {
		const yt = sandbox.youtube;
		const rep = youtubeRep(sandbox);
		const video = yt.addVideo(rep.channel.id);
		yt.addComment(video.id, { publishedAt: ytIso(clock.now() - DAY) });
		const p = youtubePoller(rep.credentials, {});
		await activate(p);

		const heldDeep = yt.addComment(video.id, { held: true, text: 'held, then 150 newer threads' });
		const newer = Array.from({ length: 120 }, () => yt.addComment(video.id).id);
		const heldNear = yt.addComment(video.id, { held: true, text: 'held, then 30 newer threads' });
		newer.push(...Array.from({ length: 30 }, () => yt.addComment(video.id).id));
		const first = await pollMinutes(p, 3);
		expect([...first.emitted].sort()).toEqual([...newer].sort());

		// Approved: both are older than every thread emitted before. heldNear sorts 31st (the newest
		// page, read every poll), heldDeep 152nd (the second page, read by the recheck).
		yt.approve(heldNear.top.id);
		yt.approve(heldDeep.top.id);
		const late = await pollMinutes(p, 11);
		expect(late.emitted.sort()).toEqual([heldNear.id, heldDeep.id].sort());
		expect(late.at.get(heldNear.id)).toBe(1);
		expect(late.at.get(heldDeep.id)).toBeLessThanOrEqual(10);
	});

	test('index lag: a comment listed 90 s after its publishedAt, below newer comments already emitted, comes out once', async () => {
		const yt = sandbox.youtube;
		const rep = youtubeRep(sandbox);
		const video = yt.addVideo(rep.channel.id);
		const p = youtubePoller(rep.credentials, {});
		await activate(p);

		const lagging = yt.addComment(video.id, { lagMs: 150_000, text: 'indexed late' });
		clock.advance(2000);
		const prompt = yt.addComment(video.id, { text: 'indexed at once' });
		const { emitted, at } = await pollMinutes(p, 6);
		expect([...emitted].sort()).toEqual([lagging.id, prompt.id].sort());
		expect(at.get(prompt.id)).toBe(1);
		expect(at.get(lagging.id)).toBeLessThanOrEqual(4);
	});
});

describe('item 14: state survives n8n building a fresh workflow for each poll (scheduler on, durable cursors off)', () => {
	test('a quota pause set by a poll that emitted nothing holds on the next poll: no call to Google until midnight Pacific', async () => {
		const yt = sandbox.youtube;
		const rep = youtubeRep(sandbox);
		yt.addVideo(rep.channel.id);
		const p = youtubePoller(rep.credentials, {});
		await activate(p);
		yt.dailyQuota = yt.usedToday;
		clock.advance(MINUTE);
		p.restart();
		expect(ok(await p.poll()).items).toBeNull();
		sandbox.server.clearRequests();
		await pollMinutes(p, 3, { fresh: true });
		expect(youtubeRequests()).toBe(0);
	});

	test("the day's unit count holds across idle polls: the Daily Unit Budget stops the calls", async () => {
		const yt = sandbox.youtube;
		const rep = youtubeRep(sandbox);
		yt.addVideo(rep.channel.id);
		const p = youtubePoller(rep.credentials, { dailyBudget: 6, overBudget: 'warn' });
		const before = yt.totalUnits;
		await activate(p); // channels?mine + a page, then a page: 3 units
		await pollMinutes(p, 8, { fresh: true });
		expect(yt.totalUnits - before).toBe(6);
	});

	test('the recheck schedule holds: a reply on a remembered thread past the newest page arrives within the recheck interval, and the recheck does not run on every poll', async () => {
		const yt = sandbox.youtube;
		const rep = youtubeRep(sandbox);
		const video = yt.addVideo(rep.channel.id);
		const start = clock.now();
		const threads = Array.from({ length: 150 }, (_, i) => yt.addComment(video.id, { publishedAt: ytIso(start - DAY + i * MINUTE) }));
		const p = youtubePoller(rep.credentials, { options: { recheckEvery: 5 } });
		await activate(p);
		// 30 new threads push threads[50..79] off the newest page; they stay remembered.
		const pushed = Array.from({ length: 30 }, () => yt.addComment(video.id).id);
		expect((await pollMinutes(p, 1, { fresh: true })).emitted.sort()).toEqual([...pushed].sort());
		const reply = yt.addReply(threads[60].id, { text: 'a question on an older thread' });
		const before = yt.totalUnits;
		const { emitted, at } = await pollMinutes(p, 11, { fresh: true });
		expect(emitted).toEqual([reply.id]);
		expect(at.get(reply.id)).toBeLessThanOrEqual(5);
		// 11 newest pages plus a recheck every 5 minutes (one more page each), never one per poll.
		expect(yt.totalUnits - before).toBeLessThanOrEqual(14);
	});
});

describe.each(['published', 'activity'] as const)('item 15: replies on remembered threads of the last 30 days (thread order: %s)', (threadOrder) => {
	test('a channel with 1,000 threads of the last 30 days: every reply arrives once within 10 minutes, at under 3,000 units a day', async () => {
		const yt = sandbox.youtube;
		yt.threadOrder = threadOrder;
		const rep = youtubeRep(sandbox);
		const videos = Array.from({ length: 20 }, () => yt.addVideo(rep.channel.id));
		const start = clock.now();
		const threads: SbThread[] = [];
		for (let i = 0; i < 1000; i++) {
			const t = yt.addComment(videos[i % 20].id, { publishedAt: ytIso(start - 30 * DAY + ((i + 1) * (30 * DAY - 3_600_000)) / 1000) });
			for (let r = 0; r < i % 7; r++) yt.addReply(t.id, { publishedAt: ytIso(Date.parse(t.top.publishedAt) + (r + 1) * MINUTE) });
			threads.push(t);
		}
		const p = youtubePoller(rep.credentials, {});
		await activate(p);

		const rand = seededRandom(threadOrder === 'published' ? 15 : 51);
		const written = new Map<string, number>();
		const before = yt.totalUnits;
		const { emitted, at } = await pollMinutes(p, 60, {
			before: (minute) => {
				// A reply every 4 minutes (about 300 a day) on a random thread of the 1,000.
				if (minute > 48 || minute % 4 !== 0) return;
				const t = threads[Math.floor(rand() * threads.length)];
				written.set(yt.addReply(t.id, { text: `reply in minute ${minute}` }).id, minute);
			},
		});
		const units = yt.totalUnits - before;
		expect(new Set(emitted).size).toBe(emitted.length);
		expect([...emitted].sort()).toEqual([...written.keys()].sort());
		// Written just before poll `minute`; out at poll `minute + k` is (k + 1) minutes after writing.
		const minutesToArrive = [...written].map(([id, minute]) => (at.get(id) ?? Infinity) - minute + 1);
		expect(Math.max(...minutesToArrive)).toBeLessThanOrEqual(10);
		// 60 polls are a 24th of a day of one-minute polls: 3,000 units a day is 125 an hour.
		expect(units).toBeLessThanOrEqual(125);
	}, 300_000);
});

describe('item 15: the recheck reads what the promise needs and no more', () => {
	test('a reply on the oldest remembered thread, then newer threads push it past the 1,000 remembered: it comes out at the recheck, which reads the pages down to it and no page below the remembered threads', async () => {
		const yt = sandbox.youtube;
		const rep = youtubeRep(sandbox);
		const videos = Array.from({ length: 20 }, () => yt.addVideo(rep.channel.id));
		const start = clock.now();
		// 1,100 threads of the last 30 days, oldest first: the newest 1,000 are remembered.
		const threads: SbThread[] = [];
		for (let i = 0; i < 1100; i++) threads.push(yt.addComment(videos[i % 20].id, { publishedAt: ytIso(start - 30 * DAY + ((i + 1) * (30 * DAY - 3_600_000)) / 1100) }));
		const p = youtubePoller(rep.credentials, {});
		await activate(p);
		const pages = () => sandbox.server.seen('youtube.googleapis.com', '/commentThreads').length;

		const edge = threads[100];
		const emittedAt = new Map<string, number>();
		const pagesPerPoll: number[] = [];
		let reply = '';
		const newer: string[] = [];
		for (let minute = 1; minute <= 21; minute++) {
			if (minute === 1) reply = yt.addReply(edge.top.id, { text: 'on the oldest remembered thread' }).id;
			if (minute === 2) newer.push(yt.addComment(videos[0].id).id, yt.addComment(videos[1].id).id);
			clock.advance(MINUTE);
			const before = pages();
			const r = ok(await p.poll());
			pagesPerPoll.push(pages() - before);
			for (const id of idsOf(r.items)) emittedAt.set(id, emittedAt.has(id) ? -1 : minute);
		}
		// Each once: the new threads at once, the reply at the recheck, within 10 minutes of writing.
		expect([...emittedAt.keys()].sort()).toEqual([reply, ...newer].sort());
		expect([...emittedAt.values()].every((m) => m > 0)).toBe(true);
		expect(emittedAt.get(newer[0])).toBe(2);
		expect(emittedAt.get(reply)!).toBeLessThanOrEqual(10);
		// What the sandbox served: the newest page each poll (also with new threads on it); two rechecks,
		// the first down to the 1,002nd thread (10 pages below the newest), the second down to the
		// 1,000th (9 pages: nothing older is read to confirm the bottom).
		const rechecks = pagesPerPoll.filter((n) => n > 1);
		expect(rechecks).toEqual([11, 10]);
		expect(pagesPerPoll.filter((n) => n === 1)).toHaveLength(19);
		expect(pagesPerPoll[emittedAt.get(reply)! - 1]).toBe(11);
		const state = p.inMemoryStaticData as { comments: { sources: Record<string, { threads: Record<string, unknown> }> } };
		const remembered = Object.keys(state.comments.sources[`channel:${rep.channel.id}`].threads);
		expect(remembered).toHaveLength(1000);
		expect(remembered).not.toContain(edge.top.id);
	}, 300_000);
});
