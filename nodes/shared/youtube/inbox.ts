// The inbox message contract (design.md): one YouTube comment or reply as the CRM receives it.
import type { YtComment, YtCommentThread } from './types';

export interface InboxMessage {
	type: 'youtube_comment';
	channelId: string;
	videoId: string;
	commentId: string;
	threadId: string;
	parentId?: string;
	isReply: boolean;
	author: { name: string; channelId: string; profileImageUrl: string };
	text: string;
	publishedAt: string;
	updatedAt: string;
	likeCount: number;
}

export interface InboxContext {
	/** The channel the comment was made on (the thread's channelId). */
	channelId?: string;
	videoId?: string;
	threadId: string;
	/** Set for replies: the top-level comment's id. */
	parentId?: string;
}

/** Maps one comment (top-level or reply) to the inbox message shape of design.md, field for field. */
export function toInboxMessage(comment: YtComment, context: InboxContext): InboxMessage {
	const s = comment.snippet ?? {};
	const parentId = context.parentId ?? s.parentId;
	const isReply = parentId !== undefined && parentId !== '' && parentId !== comment.id;
	const publishedAt = s.publishedAt ?? '';
	const message: InboxMessage = {
		type: 'youtube_comment',
		channelId: context.channelId ?? s.channelId ?? '',
		videoId: context.videoId ?? s.videoId ?? '',
		commentId: comment.id,
		threadId: context.threadId,
		isReply,
		author: {
			name: s.authorDisplayName ?? '',
			channelId: s.authorChannelId?.value ?? '',
			profileImageUrl: s.authorProfileImageUrl ?? '',
		},
		// textOriginal is the author's own text; textDisplay is HTML (or plain text with textFormat=plainText).
		text: s.textOriginal ?? s.textDisplay ?? '',
		publishedAt,
		updatedAt: s.updatedAt ?? publishedAt,
		likeCount: typeof s.likeCount === 'number' ? s.likeCount : Number(s.likeCount ?? 0) || 0,
	};
	if (isReply) return { ...message, parentId } as InboxMessage;
	return message;
}

/** The thread's top-level comment as an inbox message. */
export function threadToInboxMessage(thread: YtCommentThread): InboxMessage | undefined {
	const top = thread.snippet?.topLevelComment;
	if (!top) return undefined;
	return toInboxMessage(top, { channelId: thread.snippet?.channelId, videoId: thread.snippet?.videoId, threadId: thread.id });
}

/** A reply (from a thread's replies or comments?parentId) as an inbox message. */
export function replyToInboxMessage(reply: YtComment, thread: Pick<YtCommentThread, 'id' | 'snippet'>): InboxMessage {
	return toInboxMessage(reply, {
		channelId: thread.snippet?.channelId,
		videoId: thread.snippet?.videoId ?? reply.snippet?.videoId,
		threadId: thread.id,
		parentId: reply.snippet?.parentId ?? thread.snippet?.topLevelComment?.id ?? thread.id,
	});
}
