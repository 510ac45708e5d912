// YouTube Data API v3 calls through the one request function, shared by the YouTube resource and the
// YouTube sync trigger. Every call here is a list call (1 quota unit) except comments.insert (50).
import type { IDataObject } from 'n8n-workflow';
import type { Surface } from '../auth/scopes';
import { GoogleApiError, googleApiRequest, type GoogleContext } from './index';
import type { CommentReader, CommentSource, YtErrorClass } from '../youtube/commentSync';
import type { YtChannel, YtComment, YtCommentThread, YtListResponse, YtPlaylistItem, YtVideo } from '../youtube/types';

export const YOUTUBE_API = 'https://youtube.googleapis.com/youtube/v3';

export async function youtubeGet<T>(ctx: GoogleContext, path: string, qs: IDataObject, surface: Surface = 'youtubeRead'): Promise<T> {
	return await googleApiRequest.call<GoogleContext, Parameters<typeof googleApiRequest>, Promise<T>>(ctx, {
		method: 'GET',
		url: `${YOUTUBE_API}/${path}`,
		qs,
		surface,
		service: 'YouTube',
	});
}

export function classifyYouTubeError(error: unknown): YtErrorClass {
	if (!(error instanceof GoogleApiError)) return 'other';
	if (error.google.reason === 'commentsDisabled') return 'commentsDisabled';
	if (error.google.reason === 'quotaExceeded' || (error.google.kind === 'quota' && error.google.httpCode === 403)) return 'quota';
	return 'other';
}

export type ChannelLookup = { by: 'mine' } | { by: 'id'; id: string } | { by: 'handle'; handle: string };

export async function getChannels(ctx: GoogleContext, lookup: ChannelLookup, parts = 'snippet,statistics,contentDetails', maxResults?: number): Promise<YtChannel[]> {
	const qs: IDataObject = { part: parts };
	if (lookup.by === 'mine') qs.mine = true;
	else if (lookup.by === 'id') qs.id = lookup.id;
	else qs.forHandle = lookup.handle.startsWith('@') ? lookup.handle : `@${lookup.handle}`;
	if (maxResults) qs.maxResults = maxResults;
	const response = await youtubeGet<YtListResponse<YtChannel>>(ctx, 'channels', qs);
	return response.items ?? [];
}

export async function getVideos(ctx: GoogleContext, ids: string[], parts = 'snippet,statistics'): Promise<YtVideo[]> {
	const out: YtVideo[] = [];
	for (let i = 0; i < ids.length; i += 50) {
		const response = await youtubeGet<YtListResponse<YtVideo>>(ctx, 'videos', { part: parts, id: ids.slice(i, i + 50).join(','), maxResults: 50 });
		out.push(...(response.items ?? []));
	}
	return out;
}

/** The newest `limit` uploads of a playlist (a channel's uploads playlist), one page per 50. */
export async function playlistVideoIds(ctx: GoogleContext, playlistId: string, limit: number): Promise<string[]> {
	const ids: string[] = [];
	let pageToken: string | undefined;
	do {
		const response = await youtubeGet<YtListResponse<YtPlaylistItem>>(ctx, 'playlistItems', {
			part: 'contentDetails',
			playlistId,
			maxResults: Math.min(50, Math.max(1, limit - ids.length)),
			...(pageToken ? { pageToken } : {}),
		});
		for (const item of response.items ?? []) {
			const id = item.contentDetails?.videoId ?? item.snippet?.resourceId?.videoId;
			if (id) ids.push(id);
		}
		pageToken = response.nextPageToken || undefined;
	} while (pageToken && ids.length < limit);
	return ids.slice(0, limit);
}

export function threadListQuery(source: CommentSource, pageToken: string | undefined, maxResults: number, extra: IDataObject = {}): IDataObject {
	return {
		part: 'snippet,replies',
		...(source.kind === 'channel' ? { allThreadsRelatedToChannelId: source.id } : { videoId: source.id }),
		order: 'time',
		maxResults,
		textFormat: 'plainText',
		...(pageToken ? { pageToken } : {}),
		...extra,
	};
}

export async function listThreadsPage(
	ctx: GoogleContext,
	source: CommentSource,
	pageToken: string | undefined,
	maxResults: number,
	extra: IDataObject = {},
): Promise<YtListResponse<YtCommentThread>> {
	return await youtubeGet<YtListResponse<YtCommentThread>>(ctx, 'commentThreads', threadListQuery(source, pageToken, maxResults, extra));
}

/** Up to `limit` comment threads of a source (Infinity: all), one page of at most 100 per call. */
export async function listCommentThreads(ctx: GoogleContext, source: CommentSource, limit: number, order = 'time'): Promise<YtCommentThread[]> {
	const threads: YtCommentThread[] = [];
	let pageToken: string | undefined;
	do {
		const page = await listThreadsPage(ctx, source, pageToken, Math.min(100, limit - threads.length), { order });
		threads.push(...(page.items ?? []));
		pageToken = page.nextPageToken || undefined;
	} while (pageToken && threads.length < limit);
	return threads.slice(0, limit === Infinity ? undefined : limit);
}

/** Up to `limit` replies of a top-level comment (Infinity: all), one page of at most 100 per call. */
export async function listReplies(ctx: GoogleContext, parentId: string, limit: number): Promise<YtComment[]> {
	const replies: YtComment[] = [];
	let pageToken: string | undefined;
	do {
		const page = await listRepliesPage(ctx, parentId, pageToken, Math.min(100, limit - replies.length));
		replies.push(...(page.items ?? []));
		pageToken = page.nextPageToken || undefined;
	} while (pageToken && replies.length < limit);
	return replies.slice(0, limit === Infinity ? undefined : limit);
}

export async function listRepliesPage(ctx: GoogleContext, parentId: string, pageToken: string | undefined, maxResults = 100): Promise<YtListResponse<YtComment>> {
	return await youtubeGet<YtListResponse<YtComment>>(ctx, 'comments', {
		part: 'snippet',
		parentId,
		maxResults,
		textFormat: 'plainText',
		...(pageToken ? { pageToken } : {}),
	});
}

/**
 * The comment cursor's reader over the transport. `beforeCall` runs before every call (the trigger
 * counts units there and stops at its own daily budget); `afterCall` after each successful one.
 */
export function commentReader(ctx: GoogleContext, hooks: { beforeCall?: (units: number) => void; afterCall?: (units: number) => void } = {}): CommentReader {
	return {
		async listThreads(source, pageToken, maxResults) {
			hooks.beforeCall?.(1);
			const page = await listThreadsPage(ctx, source, pageToken, maxResults);
			hooks.afterCall?.(1);
			return page;
		},
		async listReplies(parentId, pageToken) {
			hooks.beforeCall?.(1);
			const page = await listRepliesPage(ctx, parentId, pageToken);
			hooks.afterCall?.(1);
			return page;
		},
		classify: classifyYouTubeError,
	};
}

/** comments.insert: a reply to a top-level comment as the connected channel (50 quota units). */
export async function insertReply(ctx: GoogleContext, parentId: string, text: string): Promise<YtComment> {
	return await googleApiRequest.call<GoogleContext, Parameters<typeof googleApiRequest>, Promise<YtComment>>(ctx, {
		method: 'POST',
		url: `${YOUTUBE_API}/comments`,
		qs: { part: 'snippet' },
		body: { snippet: { parentId, textOriginal: text } },
		surface: 'youtubeManage',
		service: 'YouTube',
	});
}
