// The parts of YouTube Data API v3 resources the connector reads (commentThreads, comments, channels,
// videos, playlistItems). Pure types, no n8n imports.

export interface YtCommentSnippet {
	channelId?: string;
	videoId?: string;
	parentId?: string;
	authorDisplayName?: string;
	authorProfileImageUrl?: string;
	authorChannelUrl?: string;
	authorChannelId?: { value?: string };
	textDisplay?: string;
	textOriginal?: string;
	likeCount?: number;
	publishedAt?: string;
	updatedAt?: string;
	canRate?: boolean;
	viewerRating?: string;
}

export interface YtComment {
	kind?: string;
	id: string;
	snippet?: YtCommentSnippet;
}

export interface YtCommentThread {
	kind?: string;
	id: string;
	snippet?: {
		channelId?: string;
		videoId?: string;
		topLevelComment?: YtComment;
		canReply?: boolean;
		totalReplyCount?: number;
		isPublic?: boolean;
	};
	replies?: { comments?: YtComment[] };
}

export interface YtListResponse<T> {
	kind?: string;
	nextPageToken?: string;
	pageInfo?: { totalResults?: number; resultsPerPage?: number };
	items?: T[];
}

export interface YtStatistics {
	viewCount?: string;
	likeCount?: string;
	commentCount?: string;
	favoriteCount?: string;
	subscriberCount?: string;
	hiddenSubscriberCount?: boolean;
	videoCount?: string;
}

export interface YtChannel {
	id: string;
	snippet?: { title?: string; description?: string; customUrl?: string; publishedAt?: string; thumbnails?: Record<string, { url?: string }> };
	statistics?: YtStatistics;
	contentDetails?: { relatedPlaylists?: { uploads?: string; likes?: string } };
}

export interface YtVideo {
	id: string;
	snippet?: { title?: string; channelId?: string; publishedAt?: string; description?: string };
	statistics?: YtStatistics;
}

export interface YtPlaylistItem {
	id: string;
	snippet?: { title?: string; publishedAt?: string; resourceId?: { videoId?: string } };
	contentDetails?: { videoId?: string; videoPublishedAt?: string };
}
