// YouTube Data API v3 as the sandbox serves it (google-facts.md): channels (mine, id, forHandle),
// the uploads playlist, videos with statistics, comment threads newest first with a few replies
// included and paging, comments?parentId paging, edits (updatedAt), disabled comments (403
// commentsDisabled), comments.insert (a reply), and the project's daily quota counter, which
// resets at midnight Pacific (403 quotaExceeded, domain youtube.quota).
// What Google allows and a lenient fake would hide, each a setting:
// - moderation: a comment held for review is not listed (moderationStatus=published, the default)
//   until approved, and then keeps its original publishedAt, so it shows up older than comments
//   listed before it (commentThreads.list, moderationStatus: heldForReview);
// - index lag: a comment can become listable a while after its publishedAt (`indexLagMs`, or per
//   comment), again older than what was already listed;
// - thread order: Google documents order=time only as "ordered by time"; whether a new reply moves
//   its thread up is not documented, so `threadOrder` is 'published' (top-level comment time) or
//   'activity' (newest visible comment in the thread);
// - quota cost: google-facts.md says 1 unit per list page; the newest commentThreads.list page says
//   "1 unit in addition to the costs of the specified resource parts" (id 0, snippet 2, replies 2):
//   `costModel: 'perPart'` charges that (https://developers.google.com/youtube/v3/docs/commentThreads/list).
// Served on youtube.googleapis.com/youtube/v3 and www.googleapis.com/youtube/v3.
import type { youtube_v3 } from 'googleapis';
import { GoogleSandbox, SandboxError, googleError, type SandboxRequest } from './server';
import type { OAuthState } from './oauth';

const G = 'https://www.googleapis.com/auth/';
export const YOUTUBE_READ_SCOPES = [`${G}youtube.readonly`, `${G}youtube.force-ssl`, `${G}youtube`];
export const YOUTUBE_MANAGE_SCOPES = [`${G}youtube.force-ssl`, `${G}youtube`];

/** Units per call (google-facts.md). */
export const YOUTUBE_COST: Record<string, number> = {
	'channels.list': 1,
	'playlistItems.list': 1,
	'videos.list': 1,
	'commentThreads.list': 1,
	'comments.list': 1,
	'comments.insert': 50,
};

/** commentThreads.list part costs on the newest reference page (costModel 'perPart'). */
const PART_COST: Record<string, number> = { id: 0, snippet: 2, replies: 2 };

export interface NewCommentOptions {
	text?: string;
	author?: string;
	authorChannelId?: string;
	publishedAt?: string;
	/** Held for review until approve(). */
	held?: boolean;
	/** Listable this long after publishedAt (default: indexLagMs). */
	lagMs?: number;
}

export interface SbChannel {
	id: string;
	title: string;
	handle: string;
	ownerEmail?: string;
	uploadsPlaylistId: string;
	subscriberCount: number;
	viewCount: number;
	publishedAt: string;
}

export interface SbVideo {
	id: string;
	channelId: string;
	title: string;
	publishedAt: string;
	viewCount: number;
	likeCount: number;
	favoriteCount: number;
	commentsDisabled: boolean;
	seq: number;
}

export interface SbComment {
	id: string;
	videoId: string;
	channelId: string;
	parentId?: string;
	authorName: string;
	authorChannelId: string;
	text: string;
	likeCount: number;
	publishedAt: string;
	updatedAt: string;
	seq: number;
	/** Held for review: not listed until approve(). */
	held?: boolean;
	/** Sandbox-clock ms from which the comment is listed (index lag). */
	visibleAt?: number;
}

export interface SbThread {
	id: string;
	videoId: string;
	channelId: string;
	top: SbComment;
	replies: SbComment[];
}

/** Google's timestamps on comments have second precision ("2026-11-26T02:30:00Z"). */
export function ytTime(ms: number): string {
	return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

const PACIFIC_DATE = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Los_Angeles' });
function pacificDate(ms: number): string {
	return PACIFIC_DATE.format(new Date(ms));
}

function encodeToken(offset: number, key: string): string {
	return Buffer.from(JSON.stringify({ o: offset, k: key })).toString('base64url');
}

function decodeToken(token: string | null, key: string): number {
	if (!token) return 0;
	try {
		const t = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { o: number; k: string };
		if (t.k === key && Number.isInteger(t.o) && t.o >= 0) return t.o;
	} catch {
		/* fall through */
	}
	throw googleError(400, 'The request specifies an invalid page token.', 'invalidPageToken', { domain: 'youtube.parameter' });
}

function idLike(prefix: string, n: number, length = 22): string {
	// The separator keeps ids unique: without it 'yax' padded and 'ya' padded would be the same id.
	const body = `${prefix}${n.toString(36)}_`;
	return body.length >= length ? body : body + 'x'.repeat(length - body.length);
}

export class YouTubeState {
	readonly channels = new Map<string, SbChannel>();
	readonly videos = new Map<string, SbVideo>();
	readonly threads = new Map<string, SbThread>();
	readonly comments = new Map<string, SbComment>();
	/** How many replies come with a thread in commentThreads (part=replies). */
	includedReplies = 5;
	/** Which replies come with a thread: Google documents only "a subset". */
	includedRepliesOrder: 'oldest' | 'newest' = 'oldest';
	/** The project's daily quota (units); 0 = unlimited. */
	dailyQuota = 10_000;
	/** Units spent today (Pacific day), calls made, and totals since the last resetCounters(). */
	usedToday = 0;
	quotaDay = '';
	totalUnits = 0;
	calls = 0;
	readonly unitsByMethod = new Map<string, number>();
	rejectedForQuota = 0;
	/** Offset added to Date.now() for the sandbox's clock (comment timestamps, the quota day). */
	clockOffsetMs = 0;
	/** How long after its publishedAt a new comment becomes listable (index lag), ms. */
	indexLagMs = 0;
	/** order=time: by the top-level comment's time, or by the thread's newest visible comment. */
	threadOrder: 'published' | 'activity' = 'published';
	/** 'flat': 1 unit per list call (google-facts.md); 'perPart': commentThreads.list costs 1 + 2 per snippet/replies part. */
	costModel: 'flat' | 'perPart' = 'flat';
	private seq = 0;

	constructor(readonly oauth: OAuthState) {}

	now(): number {
		return Date.now() + this.clockOffsetMs;
	}

	/** Moves the sandbox's clock (timestamps, index lag, the Pacific quota day) forward. */
	advanceClock(ms: number): void {
		this.clockOffsetMs += ms;
	}

	/** Listed with moderationStatus=published (the default): approved and past its index lag. */
	isVisible(c: SbComment): boolean {
		return !c.held && (c.visibleAt === undefined || c.visibleAt <= this.now());
	}

	/** A held comment is published, keeping its original publishedAt. */
	approve(commentId: string): SbComment {
		const c = this.comments.get(commentId);
		if (!c) throw new Error(`no comment ${commentId}`);
		c.held = false;
		this.seq++;
		return c;
	}

	resetCounters(): void {
		this.totalUnits = 0;
		this.calls = 0;
		this.unitsByMethod.clear();
		this.rejectedForQuota = 0;
	}

	/** The daily counter as Google resets it (midnight Pacific), or forcibly. */
	resetDailyQuota(): void {
		this.usedToday = 0;
		this.quotaDay = pacificDate(this.now());
	}

	addChannel(opts: { id?: string; title?: string; handle?: string; ownerEmail?: string; subscriberCount?: number } = {}): SbChannel {
		const n = ++this.seq;
		const id = opts.id ?? `UC${idLike('ch', n)}`;
		const channel: SbChannel = {
			id,
			title: opts.title ?? `Channel ${n}`,
			handle: opts.handle ?? `@channel${n}`,
			ownerEmail: opts.ownerEmail,
			uploadsPlaylistId: `UU${id.slice(2)}`,
			subscriberCount: opts.subscriberCount ?? 1000,
			viewCount: 0,
			publishedAt: ytTime(this.now() - 365 * 86_400_000),
		};
		this.channels.set(id, channel);
		return channel;
	}

	addVideo(channelId: string, opts: { id?: string; title?: string; publishedAt?: string; commentsDisabled?: boolean; viewCount?: number; likeCount?: number } = {}): SbVideo {
		const n = ++this.seq;
		const video: SbVideo = {
			id: opts.id ?? idLike('v', n, 11),
			channelId,
			title: opts.title ?? `Video ${n}`,
			publishedAt: opts.publishedAt ?? ytTime(this.now()),
			viewCount: opts.viewCount ?? 0,
			likeCount: opts.likeCount ?? 0,
			favoriteCount: 0,
			commentsDisabled: opts.commentsDisabled ?? false,
			seq: n,
		};
		this.videos.set(video.id, video);
		return video;
	}

	private newComment(videoId: string, opts: NewCommentOptions & { parentId?: string }): SbComment {
		const video = this.videos.get(videoId);
		if (!video) throw new Error(`no video ${videoId}`);
		const n = ++this.seq;
		const publishedAt = opts.publishedAt ?? ytTime(this.now());
		const comment: SbComment = {
			id: opts.parentId ? `${opts.parentId}.${idLike('r', n, 10)}` : idLike('Ug', n, 26),
			videoId,
			channelId: video.channelId,
			parentId: opts.parentId,
			authorName: opts.author ?? `Viewer ${n}`,
			authorChannelId: opts.authorChannelId ?? `UC${idLike('viewer', n)}`,
			text: opts.text ?? `Comment ${n}`,
			likeCount: 0,
			publishedAt,
			updatedAt: publishedAt,
			seq: n,
			...(opts.held ? { held: true } : {}),
		};
		const lag = opts.lagMs ?? this.indexLagMs;
		if (lag > 0) comment.visibleAt = Date.parse(publishedAt) + lag;
		this.comments.set(comment.id, comment);
		return comment;
	}

	/** A new top-level comment (a new thread) on a video. */
	addComment(videoId: string, opts: NewCommentOptions = {}): SbThread {
		const top = this.newComment(videoId, opts);
		const thread: SbThread = { id: top.id, videoId, channelId: top.channelId, top, replies: [] };
		this.threads.set(thread.id, thread);
		return thread;
	}

	addReply(threadId: string, opts: NewCommentOptions = {}): SbComment {
		const thread = this.threads.get(threadId);
		if (!thread) throw new Error(`no thread ${threadId}`);
		const reply = this.newComment(thread.videoId, { ...opts, parentId: thread.id });
		thread.replies.push(reply);
		return reply;
	}

	editComment(commentId: string, text: string, updatedAt?: string): SbComment {
		const c = this.comments.get(commentId);
		if (!c) throw new Error(`no comment ${commentId}`);
		c.text = text;
		c.updatedAt = updatedAt ?? ytTime(this.now());
		return c;
	}

	deleteThread(threadId: string): void {
		const t = this.threads.get(threadId);
		if (!t) return;
		this.threads.delete(threadId);
		for (const c of [t.top, ...t.replies]) this.comments.delete(c.id);
	}

	private sorted?: { size: number; seq: number; list: SbThread[] };

	/** The time order=time sorts a thread by (see threadOrder). */
	private activityOf(t: SbThread): string {
		let at = t.top.publishedAt;
		for (const r of t.replies) if (r.publishedAt > at && this.isVisible(r)) at = r.publishedAt;
		return at;
	}

	/** Threads newest first (order=time), then by creation; see threadOrder. */
	threadsInTimeOrder(filter: (t: SbThread) => boolean): SbThread[] {
		if (this.threadOrder === 'activity') {
			const keyed = [...this.threads.values()].filter(filter).map((t) => ({ t, at: this.activityOf(t) }));
			keyed.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : b.t.top.seq - a.t.top.seq));
			return keyed.map((k) => k.t);
		}
		// Sorted once per change of the thread set (benchmarks hold tens of thousands of threads).
		if (!this.sorted || this.sorted.size !== this.threads.size || this.sorted.seq !== this.seq) {
			const list = [...this.threads.values()].sort((a, b) =>
				a.top.publishedAt < b.top.publishedAt ? 1 : a.top.publishedAt > b.top.publishedAt ? -1 : b.top.seq - a.top.seq,
			);
			this.sorted = { size: this.threads.size, seq: this.seq, list };
		}
		return this.sorted.list.filter(filter);
	}

	commentCount(videoId: string): number {
		let n = 0;
		for (const t of this.threads.values()) if (t.videoId === videoId && this.isVisible(t.top)) n += 1 + t.replies.filter((r) => this.isVisible(r)).length;
		return n;
	}

	/** Authorises a call and charges the daily quota (throws Google's errors). */
	begin(req: SandboxRequest, method: string, scopes: string[], parts?: string[]) {
		const token = this.oauth.authorize(req, scopes);
		const today = pacificDate(this.now());
		if (today !== this.quotaDay) {
			this.quotaDay = today;
			this.usedToday = 0;
		}
		const cost = this.costModel === 'perPart' && parts ? 1 + parts.reduce((sum, p) => sum + (PART_COST[p] ?? 0), 0) : (YOUTUBE_COST[method] ?? 1);
		if (this.dailyQuota > 0 && this.usedToday + cost > this.dailyQuota) {
			this.rejectedForQuota++;
			throw googleError(
				403,
				'The request cannot be completed because you have exceeded your <a href="/youtube/v3/getting-started#quota">quota</a>.',
				'quotaExceeded',
				{ domain: 'youtube.quota' },
			);
		}
		this.usedToday += cost;
		this.totalUnits += cost;
		this.calls++;
		this.unitsByMethod.set(method, (this.unitsByMethod.get(method) ?? 0) + cost);
		return token;
	}

	private commentResource(c: SbComment, textFormat: string | null): youtube_v3.Schema$Comment {
		return {
			kind: 'youtube#comment',
			etag: `etag-${c.seq}`,
			id: c.id,
			snippet: {
				channelId: c.channelId,
				videoId: c.videoId,
				...(c.parentId ? { parentId: c.parentId } : {}),
				textDisplay: textFormat === 'plainText' ? c.text : c.text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/\n/g, '<br>'),
				textOriginal: c.text,
				authorDisplayName: c.authorName,
				authorProfileImageUrl: `https://yt3.ggpht.com/${c.authorChannelId}=s48-c-k-c0x00ffffff-no-rj`,
				authorChannelUrl: `http://www.youtube.com/channel/${c.authorChannelId}`,
				authorChannelId: { value: c.authorChannelId },
				canRate: true,
				viewerRating: 'none',
				likeCount: c.likeCount,
				publishedAt: c.publishedAt,
				updatedAt: c.updatedAt,
			},
		};
	}

	private threadResource(t: SbThread, withReplies: boolean, textFormat: string | null): youtube_v3.Schema$CommentThread {
		const chronological = t.replies.filter((r) => this.isVisible(r)).sort((a, b) => a.seq - b.seq);
		const subset = this.includedRepliesOrder === 'oldest' ? chronological.slice(0, this.includedReplies) : chronological.slice(-this.includedReplies);
		return {
			kind: 'youtube#commentThread',
			etag: `etag-${t.top.seq}-${t.replies.length}`,
			id: t.id,
			snippet: {
				channelId: t.channelId,
				videoId: t.videoId,
				topLevelComment: this.commentResource(t.top, textFormat),
				canReply: true,
				totalReplyCount: chronological.length,
				isPublic: true,
			},
			...(withReplies && subset.length ? { replies: { comments: subset.map((r) => this.commentResource(r, textFormat)) } } : {}),
		};
	}

	private page<T>(req: SandboxRequest, all: T[], key: string, opts: { max: number; def: number }): { items: T[]; nextPageToken?: string; pageInfo: { totalResults: number; resultsPerPage: number } } {
		const raw = req.query.get('maxResults');
		const maxResults = raw === null ? opts.def : Number(raw);
		if (!Number.isInteger(maxResults) || maxResults < (opts.max === 50 ? 0 : 1) || maxResults > opts.max)
			throw googleError(400, `Invalid value for maxResults: ${raw}`, 'invalidParameter', { domain: 'youtube.parameter' });
		const offset = decodeToken(req.query.get('pageToken'), key);
		const items = all.slice(offset, offset + maxResults);
		const next = offset + maxResults < all.length ? encodeToken(offset + maxResults, key) : undefined;
		return { items, ...(next ? { nextPageToken: next } : {}), pageInfo: { totalResults: all.length, resultsPerPage: maxResults } };
	}

	register(sandbox: GoogleSandbox): void {
		const hosts = /^(youtube\.googleapis\.com|www\.googleapis\.com)$/;
		const base = '^/youtube/v3';

		sandbox.route('GET', hosts, new RegExp(`${base}/channels$`), (req) => {
			const token = this.begin(req, 'channels.list', YOUTUBE_READ_SCOPES);
			const q = req.query;
			let found: SbChannel[];
			if (q.get('mine') === 'true') found = [...this.channels.values()].filter((c) => c.ownerEmail === token.user.email);
			else if (q.get('id')) {
				const ids = q.get('id')!.split(',');
				found = ids.map((id) => this.channels.get(id)).filter((c): c is SbChannel => c !== undefined);
			} else if (q.get('forHandle')) {
				const h = q.get('forHandle')!.toLowerCase();
				const handle = h.startsWith('@') ? h : `@${h}`;
				found = [...this.channels.values()].filter((c) => c.handle.toLowerCase() === handle);
			} else throw googleError(400, 'No filter selected. Expected one of: forUsername, managedByMe, id, mine, forHandle, categoryId, mySubscribers', 'missingRequiredParameter', { domain: 'youtube.parameter' });
			const parts = (q.get('part') ?? '').split(',');
			const items: youtube_v3.Schema$Channel[] = found.map((c) => {
				const videos = [...this.videos.values()].filter((v) => v.channelId === c.id);
				return {
					kind: 'youtube#channel',
					id: c.id,
					...(parts.includes('snippet') ? { snippet: { title: c.title, description: '', customUrl: c.handle, publishedAt: c.publishedAt } } : {}),
					...(parts.includes('statistics')
						? {
								statistics: {
									viewCount: String(videos.reduce((s, v) => s + v.viewCount, c.viewCount)),
									subscriberCount: String(c.subscriberCount),
									hiddenSubscriberCount: false,
									videoCount: String(videos.length),
								},
							}
						: {}),
					...(parts.includes('contentDetails') ? { contentDetails: { relatedPlaylists: { likes: '', uploads: c.uploadsPlaylistId } } } : {}),
				};
			});
			return { status: 200, body: { kind: 'youtube#channelListResponse', pageInfo: { totalResults: items.length, resultsPerPage: 5 }, items } };
		});

		sandbox.route('GET', hosts, new RegExp(`${base}/playlistItems$`), (req) => {
			this.begin(req, 'playlistItems.list', YOUTUBE_READ_SCOPES);
			const playlistId = req.query.get('playlistId') ?? '';
			const channel = [...this.channels.values()].find((c) => c.uploadsPlaylistId === playlistId);
			if (!channel)
				throw googleError(404, "The playlist identified with the request's <code>playlistId</code> parameter cannot be found.", 'playlistNotFound', { domain: 'youtube.playlistItem' });
			const videos = [...this.videos.values()]
				.filter((v) => v.channelId === channel.id)
				.sort((a, b) => (a.publishedAt < b.publishedAt ? 1 : a.publishedAt > b.publishedAt ? -1 : b.seq - a.seq));
			const page = this.page(req, videos, `pl:${playlistId}`, { max: 50, def: 5 });
			return {
				status: 200,
				body: {
					kind: 'youtube#playlistItemListResponse',
					...page,
					items: page.items.map((v, i) => ({
						kind: 'youtube#playlistItem',
						id: `PLI${v.id}${i}`,
						snippet: { title: v.title, publishedAt: v.publishedAt, channelId: v.channelId, playlistId, resourceId: { kind: 'youtube#video', videoId: v.id } },
						contentDetails: { videoId: v.id, videoPublishedAt: v.publishedAt },
					})),
				},
			};
		});

		sandbox.route('GET', hosts, new RegExp(`${base}/videos$`), (req) => {
			this.begin(req, 'videos.list', YOUTUBE_READ_SCOPES);
			const ids = (req.query.get('id') ?? '').split(',').filter(Boolean);
			if (ids.length === 0) throw googleError(400, 'No filter selected.', 'missingRequiredParameter', { domain: 'youtube.parameter' });
			if (ids.length > 50) throw googleError(400, 'Too many ids', 'invalidParameter', { domain: 'youtube.parameter' });
			const parts = (req.query.get('part') ?? '').split(',');
			const items: youtube_v3.Schema$Video[] = ids
				.map((id) => this.videos.get(id))
				.filter((v): v is SbVideo => v !== undefined)
				.map((v) => ({
					kind: 'youtube#video',
					id: v.id,
					...(parts.includes('snippet') ? { snippet: { title: v.title, channelId: v.channelId, publishedAt: v.publishedAt, description: '' } } : {}),
					...(parts.includes('statistics')
						? {
								statistics: {
									viewCount: String(v.viewCount),
									likeCount: String(v.likeCount),
									favoriteCount: String(v.favoriteCount),
									...(v.commentsDisabled ? {} : { commentCount: String(this.commentCount(v.id)) }),
								},
							}
						: {}),
				}));
			return { status: 200, body: { kind: 'youtube#videoListResponse', pageInfo: { totalResults: items.length, resultsPerPage: items.length }, items } };
		});

		sandbox.route('GET', hosts, new RegExp(`${base}/commentThreads$`), (req) => {
			const q = req.query;
			const parts = (q.get('part') ?? '').split(',');
			this.begin(req, 'commentThreads.list', YOUTUBE_READ_SCOPES, parts);
			const order = q.get('order') ?? 'time';
			// published (default): threads whose top-level comment is listable; heldForReview: threads
			// with the top-level comment or a reply awaiting review (the owner's moderation queue).
			const moderation = q.get('moderationStatus') ?? 'published';
			if (moderation !== 'published' && moderation !== 'heldForReview')
				throw googleError(400, `Invalid value for moderationStatus: ${moderation}`, 'invalidParameter', { domain: 'youtube.parameter' });
			const listed = (t: SbThread) => (moderation === 'published' ? this.isVisible(t.top) : t.top.held === true || t.replies.some((r) => r.held === true));
			let list: SbThread[];
			let key: string;
			if (q.get('videoId')) {
				const video = this.videos.get(q.get('videoId')!);
				if (!video)
					throw googleError(404, 'The video identified by the <code><a href="/youtube/v3/docs/commentThreads/list#videoId">videoId</a></code> parameter could not be found.', 'videoNotFound', { domain: 'youtube.commentThread' });
				if (video.commentsDisabled)
					throw googleError(403, 'The video identified by the <code><a href="/youtube/v3/docs/commentThreads/list#videoId">videoId</a></code> parameter has disabled comments.', 'commentsDisabled', { domain: 'youtube.commentThread' });
				list = this.threadsInTimeOrder((t) => t.videoId === video.id && listed(t));
				key = `v:${video.id}`;
			} else if (q.get('allThreadsRelatedToChannelId')) {
				const channelId = q.get('allThreadsRelatedToChannelId')!;
				if (!this.channels.has(channelId))
					throw googleError(404, 'The channel could not be found.', 'channelNotFound', { domain: 'youtube.commentThread' });
				list = this.threadsInTimeOrder((t) => t.channelId === channelId && !this.videos.get(t.videoId)?.commentsDisabled && listed(t));
				key = `c:${channelId}`;
			} else if (q.get('id')) {
				const ids = new Set(q.get('id')!.split(','));
				list = this.threadsInTimeOrder((t) => ids.has(t.id) && this.isVisible(t.top));
				key = `i:${q.get('id')}`;
			} else throw googleError(400, 'No filter selected. Expected one of: allThreadsRelatedToChannelId, videoId, id', 'missingRequiredParameter', { domain: 'youtube.parameter' });
			if (order === 'relevance') list = [...list].sort((a, b) => b.replies.length - a.replies.length);
			if (q.get('id')) {
				// maxResults and pageToken are not supported with id: every requested thread comes back (≤ 50 ids).
				if (q.get('id')!.split(',').length > 50) throw googleError(400, 'Too many ids', 'invalidParameter', { domain: 'youtube.parameter' });
				return { status: 200, body: { kind: 'youtube#commentThreadListResponse', pageInfo: { totalResults: list.length, resultsPerPage: list.length }, items: list.map((t) => this.threadResource(t, parts.includes('replies'), q.get('textFormat'))) } };
			}
			const page = this.page(req, list, `${key}:${order}:${moderation}`, { max: 100, def: 20 });
			return {
				status: 200,
				body: {
					kind: 'youtube#commentThreadListResponse',
					...page,
					items: page.items.map((t) => this.threadResource(t, parts.includes('replies'), q.get('textFormat'))),
				},
			};
		});

		sandbox.route('GET', hosts, new RegExp(`${base}/comments$`), (req) => {
			this.begin(req, 'comments.list', YOUTUBE_READ_SCOPES);
			const q = req.query;
			if (q.get('parentId')) {
				const thread = this.threads.get(q.get('parentId')!);
				if (!thread) throw googleError(404, 'The comment identified by the <code>parentId</code> parameter could not be found.', 'parentCommentNotFound', { domain: 'youtube.comment' });
				const replies = thread.replies.filter((r) => this.isVisible(r)).sort((a, b) => a.seq - b.seq);
				const page = this.page(req, replies, `p:${thread.id}`, { max: 100, def: 20 });
				return { status: 200, body: { kind: 'youtube#commentListResponse', ...page, items: page.items.map((c) => this.commentResource(c, q.get('textFormat'))) } };
			}
			if (q.get('id')) {
				const items = q.get('id')!.split(',').map((id) => this.comments.get(id)).filter((c): c is SbComment => c !== undefined);
				return { status: 200, body: { kind: 'youtube#commentListResponse', items: items.map((c) => this.commentResource(c, q.get('textFormat'))) } };
			}
			throw googleError(400, 'No filter selected. Expected one of: id, parentId', 'missingRequiredParameter', { domain: 'youtube.parameter' });
		});

		sandbox.route('POST', hosts, new RegExp(`${base}/comments$`), (req) => {
			const token = this.begin(req, 'comments.insert', YOUTUBE_MANAGE_SCOPES);
			const body = req.json<{ snippet?: { parentId?: string; textOriginal?: string } }>();
			const parentId = body?.snippet?.parentId;
			const text = body?.snippet?.textOriginal;
			if (!parentId || !text) throw googleError(400, 'The comment resource must specify snippet.parentId and snippet.textOriginal.', 'invalidCommentMetadata', { domain: 'youtube.comment' });
			const thread = this.threads.get(parentId);
			if (!thread) throw googleError(404, 'The parent comment could not be found.', 'parentCommentNotFound', { domain: 'youtube.comment' });
			if (this.videos.get(thread.videoId)?.commentsDisabled)
				throw googleError(403, 'Comments are disabled on this video.', 'commentsDisabled', { domain: 'youtube.comment' });
			const own = [...this.channels.values()].find((c) => c.ownerEmail === token.user.email);
			if (!own) throw new SandboxError(403, { error: { code: 403, message: 'The user has no YouTube channel.', errors: [{ reason: 'forbidden', domain: 'youtube.comment' }] } });
			const reply = this.addReply(parentId, { text, author: own.title, authorChannelId: own.id });
			req.annotations.youtubeReply = reply.id;
			return { status: 200, body: this.commentResource(reply, 'plainText') };
		});
	}
}
