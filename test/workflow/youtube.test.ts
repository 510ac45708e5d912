// Ring 2: the YouTube Sync trigger polled by n8n-core's PollTriggerExecutor (legacy and durable
// cursors) and the YouTube resource run by WorkflowExecute, against the sandbox's YouTube.
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import { GoogleConnectorOAuth2Api } from '../../credentials/GoogleConnectorOAuth2Api.credentials';
import { GoogleConnector } from '../../nodes/GoogleConnector/GoogleConnector.node';
import { YouTubeSyncTrigger } from '../../nodes/YouTubeSyncTrigger/YouTubeSyncTrigger.node';
import { nextPacificMidnight } from '../../nodes/shared/youtube/quota';
import { startSandbox, type Sandbox, type SbChannel } from '../sandbox';
import { Poller, chain, runWorkflow, startNode, type CredentialsMap, type PollResult } from '../helpers/workflow';

const G = 'https://www.googleapis.com/auth/';
const READ = `${G}youtube.readonly`;
const MANAGE = `${G}youtube.force-ssl`;
let sandbox: Sandbox;
let n = 0;

beforeAll(async () => {
	sandbox = await startSandbox({ seed: 11 });
	sandbox.server.useInThisProcess();
});
afterAll(async () => sandbox?.close());
beforeEach(() => {
	sandbox.youtube.dailyQuota = 10_000;
	sandbox.youtube.resetDailyQuota();
	sandbox.server.clearRequests();
});
afterEach(() => jest.restoreAllMocks());

/** A rep with a channel of their own and a connected credential. */
function setup(scopes: string[] = [READ]): { email: string; channel: SbChannel; credentials: CredentialsMap } {
	const email = `rep${++n}@acme-crm.test`;
	sandbox.oauth.addUser({ email, name: `Rep ${n}` });
	const channel = sandbox.youtube.addChannel({ ownerEmail: email, title: `Acme ${n}`, handle: `@acme${n}` });
	const grant = sandbox.oauth.issueGrant({ email, scopes });
	return {
		email,
		channel,
		credentials: {
			googleConnectorOAuth2Api: {
				id: `cred-${n}`,
				name: 'Google',
				data: {
					clientId: 'sandbox-client.apps.googleusercontent.com',
					clientSecret: 'GOCSPX-sandbox-client-secret',
					youtubeRead: true,
					youtubeManage: scopes.includes(MANAGE),
					retryDelayMs: 5,
					maxRetries: 2,
					oauthTokenData: { access_token: grant.access_token, refresh_token: grant.refresh_token, expires_in: 3599, scope: grant.scope, token_type: 'Bearer' },
				},
			},
		},
	};
}

/** The trigger as n8n loads it: its DirectoryLoader adds the "Poll Times" parameter to polling nodes. */
function loadedTrigger(): YouTubeSyncTrigger {
	const node = new YouTubeSyncTrigger();
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { commonPollingParameters } = require('n8n-core/dist/nodes-loader/constants') as { commonPollingParameters: never[] };
	node.description.properties.unshift(...commonPollingParameters);
	return node;
}

/**
 * Activation as n8n does it: the activation poll, then the first scheduled poll. (With durable cursors,
 * n8n 2.41 does not commit what an activation poll that returns nothing staged; the first scheduled poll
 * takes the copy the trigger kept in the workflow's static data. With legacy cursors the activator saves it.)
 */
async function activate(p: Poller) {
	const a = await p.poll({ activation: true });
	if (a.error) throw a.error;
	const b = await p.poll();
	if (b.error) throw b.error;
	return [a, b];
}

function poller(credentials: CredentialsMap, parameters: IDataObject, opts: { durableCursors?: boolean; staticData?: IDataObject } = {}) {
	return new Poller(loadedTrigger(), {
		parameters: parameters as never,
		credentials,
		credentialTypes: [new GoogleConnectorOAuth2Api()],
		staticData: opts.staticData ?? {},
		durableCursors: opts.durableCursors,
	});
}

const ok = (r: PollResult) => {
	if (r.error) throw r.error;
	return r;
};
const jsonOf = (items: INodeExecutionData[][] | null) => (items?.[0] ?? []).map((i) => i.json);
const idsOf = (items: INodeExecutionData[][] | null) => jsonOf(items).map((j) => j.commentId as string);
const threadCalls = () => sandbox.server.seen('youtube.googleapis.com', '/youtube/v3/commentThreads').length;

/** Moves the clock (the trigger's and the sandbox's) forward. */
function travelTo(at: number) {
	const real = Date.now.bind(Date);
	const offset = at - real();
	jest.spyOn(Date, 'now').mockImplementation(() => real() + offset);
}

describe.each([false, true])('YouTube Sync trigger (durable cursors: %s)', (durableCursors) => {
	test('comments and replies over several polls come out exactly once, replies past the first comments page included; an idle poll costs one unit', async () => {
		const yt = sandbox.youtube;
		const { channel, credentials } = setup();
		const v1 = yt.addVideo(channel.id);
		const v2 = yt.addVideo(channel.id);
		const before = yt.addComment(v1.id, { text: 'before activation' });
		const p = poller(credentials, {}, { durableCursors });

		// Activation: records where the channel stands (channels?mine once, then one page).
		expect((await activate(p)).map((r) => r.items)).toEqual([null, null]);

		const emitted: IDataObject[] = [];
		const expected: string[] = [];
		let busy = '';
		for (let round = 0; round < 4; round++) {
			const t = yt.addComment(round % 2 ? v2.id : v1.id, { text: `question ${round}` });
			expected.push(t.id);
			expected.push(yt.addReply(before.id, { text: `late reply ${round}` }).id);
			if (round === 2) {
				// A busy thread: 130 replies, so comments?parentId needs two pages of 100.
				busy = t.id;
				for (let i = 0; i < 130; i++) expected.push(yt.addReply(t.id, { text: `r${i}` }).id);
			}
			const r = ok(await p.poll());
			emitted.push(...jsonOf(r.items));
		}
		const ids = emitted.map((m) => m.commentId as string);
		expect(new Set(ids).size).toBe(ids.length);
		expect([...ids].sort()).toEqual([...expected].sort());
		// The reply pages the sandbox served for the busy thread.
		expect(sandbox.server.seen('youtube.googleapis.com', '/youtube/v3/comments').filter((r) => r.query.parentId === busy)).toHaveLength(2);

		// The contract shape, for a top-level comment and a reply.
		const top = emitted.find((m) => m.text === 'question 0')!;
		expect(Object.keys(top).sort()).toEqual(['author', 'channelId', 'commentId', 'isReply', 'likeCount', 'publishedAt', 'text', 'threadId', 'type', 'updatedAt', 'videoId']);
		expect(top).toMatchObject({ type: 'youtube_comment', channelId: channel.id, videoId: v1.id, isReply: false, threadId: top.commentId });
		const reply = emitted.find((m) => m.text === 'late reply 0')!;
		expect(reply).toMatchObject({ isReply: true, parentId: before.id, threadId: before.id, videoId: v1.id });

		// Idle: one commentThreads page, one unit (the sandbox's own counter).
		const units = yt.totalUnits;
		const calls = threadCalls();
		const idle = ok(await p.poll());
		expect(idle.items).toBeNull();
		expect(yt.totalUnits - units).toBe(1);
		expect(threadCalls() - calls).toBe(1);
	});

	test('quota exhausted mid-poll, then the Pacific-midnight reset: nothing lost, nothing repeated', async () => {
		const yt = sandbox.youtube;
		const { channel, credentials } = setup();
		const video = yt.addVideo(channel.id);
		const p = poller(credentials, {}, { durableCursors });
		await activate(p);

		const expected: string[] = [];
		const busy = yt.addComment(video.id, { text: 'busy' });
		expected.push(busy.id);
		for (let i = 0; i < 150; i++) expected.push(yt.addReply(busy.id).id);
		const newest = yt.addComment(video.id, { text: 'newest' });
		expected.push(newest.id);

		// Enough quota for the threads page and the first replies page only.
		yt.dailyQuota = yt.usedToday + 2;
		const stopped = ok(await p.poll());
		const first = idsOf(stopped.items);
		// The newest thread was complete and went out; the busy one waits whole for the reset.
		expect(first).toEqual([newest.id]);
		const state = (durableCursors ? p.persisted : p.inMemoryStaticData) as IDataObject;
		expect(state.pauseReason).toBe('quota');
		expect(Date.parse(state.pausedUntil as string)).toBe(nextPacificMidnight(Date.now()));
		expect(yt.rejectedForQuota).toBeGreaterThan(0);
		expect(stopped.log.some((l) => l.includes('quotaExceeded') && l.includes('midnight Pacific'))).toBe(true);

		// Before the reset: no call at all.
		sandbox.server.clearRequests();
		expect(ok(await p.poll()).items).toBeNull();
		expect(sandbox.server.seen('youtube.googleapis.com', '/youtube/v3/').length).toBe(0);

		// After midnight Pacific the sandbox's counter resets by itself and the trigger resumes.
		yt.dailyQuota = 10_000;
		travelTo(nextPacificMidnight(Date.now()) + 60_000);
		const resumed = ok(await p.poll());
		const second = idsOf(resumed.items);
		const all = [...first, ...second];
		expect(new Set(all).size).toBe(all.length);
		expect([...all].sort()).toEqual([...expected].sort());
		expect(ok(await p.poll()).items).toBeNull();
	});

	test('restart between polls is safe: nothing lost, nothing repeated', async () => {
		const yt = sandbox.youtube;
		const { channel, credentials } = setup();
		const video = yt.addVideo(channel.id);
		const seed = yt.addComment(video.id);
		const p = poller(credentials, {}, { durableCursors });
		await activate(p);
		const seen: string[] = [];
		const expected: string[] = [];
		for (let round = 0; round < 3; round++) {
			expected.push(yt.addComment(video.id).id, yt.addReply(seed.id).id);
			seen.push(...idsOf(ok(await p.poll()).items));
			// An idle poll (its in-memory changes are not persisted in legacy mode), then a restart.
			ok(await p.poll());
			p.restart();
		}
		expect(new Set(seen).size).toBe(seen.length);
		expect([...seen].sort()).toEqual([...expected].sort());
	});

	test('comments written between the activation poll and the first scheduled poll come out on that poll, once', async () => {
		const yt = sandbox.youtube;
		const { channel, credentials } = setup();
		const video = yt.addVideo(channel.id);
		const before = yt.addComment(video.id, { text: 'before activation' });
		const p = poller(credentials, {}, { durableCursors });
		expect(ok(await p.poll({ activation: true })).items).toBeNull();
		// n8n saves the workflow's static data after the activation, with a copy of the cursor in it.
		expect(Object.keys((p.persistedGlobal.global as IDataObject).youtubeSyncBaselines as IDataObject)).toHaveLength(1);
		// The minute until n8n's first scheduled poll.
		const early = yt.addComment(video.id, { text: 'in the first minute' });
		const reply = yt.addReply(before.id, { text: 'a reply in the first minute' });
		expect(idsOf(ok(await p.poll()).items).sort()).toEqual([early.id, reply.id].sort());
		const later = yt.addComment(video.id, { text: 'later' });
		expect(idsOf(ok(await p.poll()).items)).toEqual([later.id]);
		expect(ok(await p.poll()).items).toBeNull();
		// A restart reads only the persisted state: nothing again.
		p.restart();
		expect(ok(await p.poll()).items).toBeNull();
		// The activation's copy of the cursor does not outlive its use in the workflow's static data.
		expect(p.persistedGlobal).toEqual({ global: {} });
	});

	test('a chosen video with comments disabled is skipped with a notice, the others are read', async () => {
		const yt = sandbox.youtube;
		const { channel, credentials } = setup();
		const off = yt.addVideo(channel.id, { commentsDisabled: true });
		const on = yt.addVideo(channel.id);
		const p = poller(credentials, { source: 'videos', videoIds: `${off.id}, ${on.id}` }, { durableCursors });
		const [first] = await activate(p);
		expect(first.items).toBeNull();
		expect(first.log.some((l) => l.includes('comments are disabled') && l.includes(off.id))).toBe(true);
		const c = yt.addComment(on.id);
		const r = ok(await p.poll());
		expect(idsOf(r.items)).toEqual([c.id]);
		const forbidden = sandbox.server.seen('youtube.googleapis.com', '/commentThreads').filter((q) => q.query.videoId === off.id);
		expect(forbidden.every((q) => q.status === 403 && q.responseBody.includes('commentsDisabled'))).toBe(true);
		expect(forbidden.length).toBe(3);
	});
});

describe('YouTube Sync trigger: budget and engagement', () => {
	test('over the daily budget: activation is refused with the estimate; "warn" runs and logs it', async () => {
		const { credentials } = setup();
		const refused = await poller(credentials, { dailyBudget: 1000 }).poll({ activation: true });
		// 1,440 polls × 1 unit + 200 expected new comments + the recheck of 1,000 remembered threads
		// every 10 minutes (the 9 pages below the newest, 144 times).
		expect(refused.error?.message).toMatch(/about 2,936 YouTube quota units a day \(1,440 polls × 1 units/);
		expect(refused.error?.message).toMatch(/Daily Unit Budget of 1,000/);
		// Every 5 minutes with an hourly recheck: 288 + 200 + 24 × 9 = 704 units, under budget.
		const fine = await poller(credentials, { dailyBudget: 1000, pollTimes: { item: [{ mode: 'everyX', value: 5, unit: 'minutes' }] }, options: { recheckEvery: 60 } }).poll({ activation: true });
		expect(fine.error).toBeUndefined();
		const warned = await poller(credentials, { dailyBudget: 1000, overBudget: 'warn' }).poll({ activation: true });
		expect(warned.error).toBeUndefined();
		expect(warned.log.some((l) => l.includes('over its Daily Unit Budget'))).toBe(true);
	});

	test('the trigger stops at its own budget and resumes after midnight Pacific', async () => {
		const yt = sandbox.youtube;
		const { channel, credentials } = setup();
		const video = yt.addVideo(channel.id);
		const p = poller(credentials, { dailyBudget: 3, overBudget: 'warn' }, { durableCursors: true });
		expect(ok(await p.poll()).items).toBeNull(); // 2 units: channels + one page
		const c = yt.addComment(video.id);
		expect(idsOf(ok(await p.poll()).items)).toEqual([c.id]); // the 3rd unit
		sandbox.server.clearRequests();
		expect(ok(await p.poll()).items).toBeNull();
		expect(sandbox.server.seen('youtube.googleapis.com', '/youtube/v3/').length).toBe(0);
		expect(p.persisted.pauseReason).toBe('budget');
		const d = yt.addComment(video.id);
		travelTo(nextPacificMidnight(Date.now()) + 1000);
		expect(idsOf(ok(await p.poll()).items)).toEqual([d.id]);
	});

	test('Recheck Remembered Threads: a reply on a thread past the newest 100 is found by the recheck (the list pages below the newest) once it is due', async () => {
		const yt = sandbox.youtube;
		const { channel, credentials } = setup();
		const video = yt.addVideo(channel.id);
		const threads = Array.from({ length: 120 }, () => yt.addComment(video.id));
		const p = poller(credentials, { options: { recheckEvery: 3 } }, { durableCursors: true });
		await activate(p); // the activation poll remembers all 120 threads (two pages)
		// 30 new threads push threads[20..49] off the newest page; they stay remembered.
		const pushed = Array.from({ length: 30 }, () => yt.addComment(video.id).id);
		expect(idsOf(ok(await p.poll()).items).sort()).toEqual([...pushed].sort());
		const older = threads[25];
		const r = yt.addReply(older.id, { text: 'late question' });
		const newestOnly = yt.addReply(threads[119].id, { text: 'on the newest page' });
		sandbox.server.clearRequests();
		expect(idsOf(ok(await p.poll()).items)).toEqual([newestOnly.id]); // the recheck is not due yet
		travelTo(Date.now() + 3 * 60_000);
		expect(idsOf(ok(await p.poll()).items)).toEqual([r.id]);
		const pages = sandbox.server.seen('youtube.googleapis.com', '/youtube/v3/commentThreads');
		expect(pages.map((q) => q.query.pageToken !== undefined)).toEqual([false, false, true]);
		expect(ok(await p.poll()).items).toBeNull();
	});

	test('Fetch Test Event (manual): the newest comment as a sample, nothing stored', async () => {
		const yt = sandbox.youtube;
		const { channel, credentials } = setup();
		const video = yt.addVideo(channel.id);
		yt.addComment(video.id, { text: 'older' });
		const newest = yt.addComment(video.id, { text: 'newest' });
		const staticData: IDataObject = {};
		const p = poller(credentials, {}, { staticData });
		const r = ok(await p.poll({ mode: 'manual' }));
		expect(jsonOf(r.items)).toEqual([expect.objectContaining({ type: 'youtube_comment', commentId: newest.id, text: 'newest' })]);
		expect(staticData).toEqual({});
	});

	test('engagement: recent uploads through the uploads playlist (never search), snapshots with the change since the last poll', async () => {
		const yt = sandbox.youtube;
		const { channel, credentials } = setup();
		const videos = [yt.addVideo(channel.id, { viewCount: 10 }), yt.addVideo(channel.id, { viewCount: 20 }), yt.addVideo(channel.id, { viewCount: 30 })];
		const p = poller(credentials, { event: 'engagement', recentCount: 2 }, { durableCursors: true });
		const first = jsonOf(ok(await p.poll()).items);
		expect(first.map((s) => s.videoId).sort()).toEqual([videos[1].id, videos[2].id].sort());
		expect(first.every((s) => s.isFirst === true)).toBe(true);
		videos[2].viewCount += 5;
		videos[2].likeCount += 1;
		yt.addComment(videos[2].id);
		const second = jsonOf(ok(await p.poll()).items);
		expect(second).toHaveLength(1);
		expect(second[0]).toMatchObject({ type: 'youtube_engagement', videoId: videos[2].id, statistics: { viewCount: 35, likeCount: 1, commentCount: 1 }, change: { viewCount: 5, likeCount: 1, commentCount: 1 } });
		expect(ok(await p.poll()).items).toBeNull();
		expect(sandbox.server.seen('youtube.googleapis.com', '/search').length).toBe(0);
		expect(sandbox.server.seen('youtube.googleapis.com', '/playlistItems').length).toBe(3);
	});
});

describe('YouTube resource (googleConnector)', () => {
	async function run(credentials: CredentialsMap, parameters: IDataObject, items?: IDataObject[]) {
		return await runWorkflow({
			nodes: [startNode(items), { name: 'YouTube', type: 'googleConnector', parameters: { resource: 'youtube', ...parameters } as never }],
			connections: chain('Start', 'YouTube'),
			credentials,
			credentialTypes: [new GoogleConnectorOAuth2Api()],
			nodeTypes: [new GoogleConnector()],
		});
	}

	test('channel mine / by id / by handle with statistics; video statistics for a list of ids', async () => {
		const yt = sandbox.youtube;
		const { channel, credentials } = setup();
		const v = yt.addVideo(channel.id, { viewCount: 7, likeCount: 2 });
		yt.addComment(v.id);
		for (const params of [{ channelBy: 'mine' }, { channelBy: 'id', channelId: channel.id }, { channelBy: 'handle', handle: channel.handle.slice(1) }]) {
			const r = await run(credentials, { operation: 'getChannel', ...params });
			expect(r.error).toBeUndefined();
			expect(r.json.YouTube[0]).toMatchObject({ channelId: channel.id, handle: channel.handle, uploadsPlaylistId: channel.uploadsPlaylistId, statistics: { videoCount: 1, viewCount: 7, subscriberCount: 1000 } });
		}
		expect(sandbox.server.seen('youtube.googleapis.com', '/channels').map((r) => r.query.forHandle).filter(Boolean)).toEqual([channel.handle]);
		const ids = Array.from({ length: 60 }, () => yt.addVideo(channel.id).id);
		const stats = await run(credentials, { operation: 'getVideoStatistics', videoIds: [v.id, ...ids].join(',') });
		expect(stats.json.YouTube).toHaveLength(61);
		expect(stats.json.YouTube[0]).toMatchObject({ videoId: v.id, statistics: { viewCount: 7, likeCount: 2, commentCount: 1 } });
		expect(sandbox.server.seen('youtube.googleapis.com', '/videos')).toHaveLength(2);
	});

	test('list comment threads (limit and all pages) and replies; reply needs the manage surface', async () => {
		const yt = sandbox.youtube;
		const { channel, credentials } = setup();
		const v = yt.addVideo(channel.id);
		const threads = Array.from({ length: 130 }, (_, i) => yt.addComment(v.id, { text: `c${i}` }));
		for (let i = 0; i < 7; i++) yt.addReply(threads[0].id);
		const limited = await run(credentials, { operation: 'listCommentThreads', threadsOf: 'video', videoId: v.id, limit: 5 });
		expect(limited.json.YouTube.map((t) => t.text)).toEqual(['c129', 'c128', 'c127', 'c126', 'c125']);
		const all = await run(credentials, { operation: 'listCommentThreads', threadsOf: 'mine', returnAll: true });
		expect(all.json.YouTube).toHaveLength(130);
		expect(all.json.YouTube[129]).toMatchObject({ commentId: threads[0].id, totalReplyCount: 7 });
		expect((all.json.YouTube[129].replies as IDataObject[]).length).toBe(5);
		const replies = await run(credentials, { operation: 'listReplies', parentId: threads[0].id, returnAll: true });
		expect(replies.json.YouTube).toHaveLength(7);
		expect(replies.json.YouTube.every((r) => r.isReply === true && r.parentId === threads[0].id)).toBe(true);

		const denied = await run(credentials, { operation: 'reply', parentId: threads[0].id, text: 'Thanks!' });
		expect(denied.error?.message).toMatch(/YouTube manage/);
		expect(yt.threads.get(threads[0].id)!.replies).toHaveLength(7);

		const manager = setup([READ, MANAGE]);
		const mv = yt.addVideo(manager.channel.id);
		const question = yt.addComment(mv.id, { text: 'Do you ship to Norway?' });
		const units = yt.totalUnits;
		const replied = await run(manager.credentials, { operation: 'reply', parentId: question.id, text: 'Yes, we do.' });
		expect(replied.error).toBeUndefined();
		expect(replied.json.YouTube[0]).toMatchObject({ type: 'youtube_comment', isReply: true, parentId: question.id, text: 'Yes, we do.', author: { channelId: manager.channel.id } });
		expect(yt.threads.get(question.id)!.replies.map((r) => r.text)).toEqual(['Yes, we do.']);
		expect(yt.totalUnits - units).toBe(50);
		expect(sandbox.server.seen('youtube.googleapis.com', '/youtube/v3/comments', 'POST').map((r) => r.status)).toEqual([403, 200]);
	});

	test('sync comments takes and returns a cursor', async () => {
		const yt = sandbox.youtube;
		const { channel, credentials } = setup();
		const v = yt.addVideo(channel.id);
		yt.addComment(v.id);
		const first = await run(credentials, { operation: 'syncComments', threadsOf: 'mine', cursor: '' });
		expect(first.error).toBeUndefined();
		expect(first.json.YouTube[0]).toMatchObject({ count: 0, complete: true });
		const c = yt.addComment(v.id, { text: 'new' });
		const second = await run(credentials, { operation: 'syncComments', threadsOf: 'mine', cursor: JSON.stringify(first.json.YouTube[0].cursor) });
		expect(second.json.YouTube[0]).toMatchObject({ count: 1, quotaUnits: 1 });
		expect((second.json.YouTube[0].messages as IDataObject[])[0]).toMatchObject({ commentId: c.id, text: 'new' });
		const third = await run(credentials, { operation: 'syncComments', threadsOf: 'mine', cursor: second.json.YouTube[0].cursor as IDataObject });
		expect(third.json.YouTube[0]).toMatchObject({ count: 0 });
	});
});
