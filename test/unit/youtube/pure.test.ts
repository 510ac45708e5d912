// Ring 1: the YouTube pure modules (inbox mapping, quota arithmetic, Pacific reset, engagement diffs).
import { replyToInboxMessage, threadToInboxMessage, toInboxMessage } from '../../../nodes/shared/youtube/inbox';
import {
	chargeUsage,
	estimateDailyUnits,
	nextPacificMidnight,
	pacificDay,
	pollsPerDay,
	usageToday,
} from '../../../nodes/shared/youtube/quota';
import { diffSnapshots } from '../../../nodes/shared/youtube/engagement';
import type { YtCommentThread } from '../../../nodes/shared/youtube/types';

const thread: YtCommentThread = {
	id: 'Ugthread1',
	snippet: {
		channelId: 'UCchannel',
		videoId: 'vid1',
		totalReplyCount: 1,
		topLevelComment: {
			id: 'Ugthread1',
			snippet: {
				channelId: 'UCchannel',
				videoId: 'vid1',
				authorDisplayName: 'Ada',
				authorProfileImageUrl: 'https://yt3.ggpht.com/ada',
				authorChannelId: { value: 'UCada' },
				textDisplay: 'Hi &amp; hello',
				textOriginal: 'Hi & hello',
				likeCount: 3,
				publishedAt: '2026-11-26T01:00:00Z',
				updatedAt: '2026-11-26T01:05:00Z',
			},
		},
	},
	replies: {
		comments: [
			{
				id: 'Ugthread1.r1',
				snippet: {
					channelId: 'UCchannel',
					videoId: 'vid1',
					parentId: 'Ugthread1',
					authorDisplayName: 'Bob',
					authorChannelId: { value: 'UCbob' },
					authorProfileImageUrl: 'https://yt3.ggpht.com/bob',
					textOriginal: 'Thanks',
					likeCount: 0,
					publishedAt: '2026-11-26T02:00:00Z',
					updatedAt: '2026-11-26T02:00:00Z',
				},
			},
		],
	},
};

describe('inbox message mapping (design.md contract)', () => {
	test('a top-level comment has exactly the contract keys, no parentId', () => {
		const m = threadToInboxMessage(thread)!;
		expect(m).toEqual({
			type: 'youtube_comment',
			channelId: 'UCchannel',
			videoId: 'vid1',
			commentId: 'Ugthread1',
			threadId: 'Ugthread1',
			isReply: false,
			author: { name: 'Ada', channelId: 'UCada', profileImageUrl: 'https://yt3.ggpht.com/ada' },
			text: 'Hi & hello',
			publishedAt: '2026-11-26T01:00:00Z',
			updatedAt: '2026-11-26T01:05:00Z',
			likeCount: 3,
		});
		expect('parentId' in m).toBe(false);
	});

	test('a reply carries parentId and isReply', () => {
		const m = replyToInboxMessage(thread.replies!.comments![0], thread);
		expect(Object.keys(m).sort()).toEqual(
			['type', 'channelId', 'videoId', 'commentId', 'threadId', 'parentId', 'isReply', 'author', 'text', 'publishedAt', 'updatedAt', 'likeCount'].sort(),
		);
		expect(m).toMatchObject({ commentId: 'Ugthread1.r1', threadId: 'Ugthread1', parentId: 'Ugthread1', isReply: true, text: 'Thanks', author: { name: 'Bob', channelId: 'UCbob' } });
	});

	test('missing fields become empty strings and 0, updatedAt falls back to publishedAt', () => {
		const m = toInboxMessage({ id: 'c', snippet: { publishedAt: '2026-01-01T00:00:00Z', likeCount: '7' as unknown as number } }, { threadId: 'c' });
		expect(m).toMatchObject({ channelId: '', videoId: '', text: '', updatedAt: '2026-01-01T00:00:00Z', likeCount: 7, author: { name: '', channelId: '', profileImageUrl: '' } });
	});
});

describe('quota arithmetic', () => {
	test('the Pacific-midnight reset in winter (PST, UTC-8) and summer (PDT, UTC-7)', () => {
		expect(new Date(nextPacificMidnight(Date.parse('2026-01-15T12:00:00Z'))).toISOString()).toBe('2026-01-16T08:00:00.000Z');
		expect(new Date(nextPacificMidnight(Date.parse('2026-07-04T06:59:00Z'))).toISOString()).toBe('2026-07-04T07:00:00.000Z');
		expect(new Date(nextPacificMidnight(Date.parse('2026-07-04T07:00:00Z'))).toISOString()).toBe('2026-07-05T07:00:00.000Z');
	});

	test('across the DST changes (Mar 8 and Nov 1, 2026)', () => {
		// 2026-03-08 is a 23-hour day: midnight after it is 07:00Z (PDT).
		expect(new Date(nextPacificMidnight(Date.parse('2026-03-08T10:00:00Z'))).toISOString()).toBe('2026-03-09T07:00:00.000Z');
		// The day before: midnight at the start of Mar 8 is still PST (08:00Z).
		expect(new Date(nextPacificMidnight(Date.parse('2026-03-07T20:00:00Z'))).toISOString()).toBe('2026-03-08T08:00:00.000Z');
		// 2026-11-01 is a 25-hour day: midnight after it is 08:00Z (PST).
		expect(new Date(nextPacificMidnight(Date.parse('2026-11-01T09:00:00Z'))).toISOString()).toBe('2026-11-02T08:00:00.000Z');
	});

	test('pacificDay follows Pacific wall time', () => {
		expect(pacificDay(Date.parse('2026-11-26T07:59:59Z'))).toBe('2026-11-25');
		expect(pacificDay(Date.parse('2026-11-26T08:00:00Z'))).toBe('2026-11-26');
	});

	test('polls per day from n8n Poll Times', () => {
		expect(pollsPerDay({ item: [{ mode: 'everyMinute' }] })).toBe(1440);
		expect(pollsPerDay({ item: [{ mode: 'everyX', value: 5, unit: 'minutes' }] })).toBe(288);
		expect(pollsPerDay({ item: [{ mode: 'everyX', value: 2, unit: 'hours' }] })).toBe(12);
		expect(pollsPerDay({ item: [{ mode: 'everyHour' }, { mode: 'everyDay' }] })).toBe(25);
		expect(pollsPerDay(undefined)).toBe(1440);
	});

	test('daily estimate: one unit per source per poll, plus engagement pages and replies', () => {
		expect(estimateDailyUnits({ pollsPerDay: 1440, commentSources: 1 }).unitsPerDay).toBe(1440);
		expect(estimateDailyUnits({ pollsPerDay: 1440, commentSources: 1, newCommentsPerDay: 200 }).unitsPerDay).toBe(1640);
		expect(estimateDailyUnits({ pollsPerDay: 288, commentSources: 3 }).unitsPerDay).toBe(864);
		const e = estimateDailyUnits({ pollsPerDay: 24, commentSources: 0, engagementVideos: 120, engagementFromUploads: true });
		expect(e.unitsPerPoll).toBe(6); // 3 playlistItems pages + 3 videos pages
		expect(e.unitsPerDay).toBe(144);
		// Recheck of 1,000 remembered threads every 10 minutes: the 9 pages below the newest, 144 times.
		expect(estimateDailyUnits({ pollsPerDay: 1440, commentSources: 1, recheckEveryMinutes: 10, recheckThreads: 1000 }).unitsPerDay).toBe(1440 + 1296);
		// Never more rechecks than polls: hourly polls recheck hourly.
		expect(estimateDailyUnits({ pollsPerDay: 24, commentSources: 2, recheckEveryMinutes: 10, recheckThreads: 250 }).breakdown.recheck).toBe(24 * 2 * 2);
	});

	test('usage counter restarts with the Pacific day', () => {
		const t = Date.parse('2026-11-26T07:00:00Z');
		let u = chargeUsage(undefined, 5, t);
		u = chargeUsage(u, 2, t + 1000);
		expect(usageToday(u, t)).toBe(7);
		expect(usageToday(u, t + 2 * 3600_000)).toBe(0);
		expect(chargeUsage(u, 1, t + 2 * 3600_000)).toEqual({ day: '2026-11-26', units: 1 });
	});
});

describe('engagement snapshots', () => {
	test('first snapshot, then change since the last poll; unchanged videos are left out', () => {
		const first = diffSnapshots(
			[
				{ videoId: 'a', statistics: { viewCount: '100', likeCount: '5', commentCount: '2', favoriteCount: '0' } },
				{ videoId: 'b', statistics: { viewCount: '10' } },
			],
			{},
			'2026-11-26T00:00:00Z',
		);
		expect(first.snapshots.map((s) => [s.videoId, s.isFirst, s.changed])).toEqual([
			['a', true, false],
			['b', true, false],
		]);
		const second = diffSnapshots(
			[
				{ videoId: 'a', statistics: { viewCount: '130', likeCount: '6', commentCount: '2', favoriteCount: '0' } },
				{ videoId: 'b', statistics: { viewCount: '10' } },
			],
			first.store,
			'2026-11-26T00:01:00Z',
		);
		expect(second.snapshots).toHaveLength(1);
		expect(second.snapshots[0]).toMatchObject({
			videoId: 'a',
			statistics: { viewCount: 130, likeCount: 6, commentCount: 2, favoriteCount: 0 },
			change: { viewCount: 30, likeCount: 1, commentCount: 0, favoriteCount: 0 },
			previousCapturedAt: '2026-11-26T00:00:00Z',
			changed: true,
		});
		expect(diffSnapshots([{ videoId: 'b', statistics: { viewCount: '10' } }], second.store, 'x', 'all').snapshots).toHaveLength(1);
	});
});
