// Engagement snapshots: per-video statistics with the change since the previous snapshot.
// Pure: the previous values live in node static data (short keys), passed in and returned.

export const ENGAGEMENT_METRICS = ['viewCount', 'likeCount', 'commentCount', 'favoriteCount'] as const;
export type EngagementMetric = (typeof ENGAGEMENT_METRICS)[number];
export type EngagementNumbers = Record<EngagementMetric, number>;

/** What is remembered per video: the metric values in ENGAGEMENT_METRICS order, and when. */
export interface StoredSnapshot {
	s: number[];
	t: string;
}

export interface EngagementSnapshot {
	type: 'youtube_engagement';
	videoId: string;
	channelId: string;
	title: string;
	publishedAt: string | null;
	capturedAt: string;
	statistics: EngagementNumbers;
	/** Change since the previous snapshot (all zero on the first). */
	change: EngagementNumbers;
	previousCapturedAt: string | null;
	isFirst: boolean;
	changed: boolean;
}

export interface VideoStatsInput {
	videoId: string;
	channelId?: string;
	title?: string;
	publishedAt?: string;
	statistics?: Record<string, unknown>;
}

function toNumbers(stats: Record<string, unknown> | undefined): EngagementNumbers {
	const out = {} as EngagementNumbers;
	for (const m of ENGAGEMENT_METRICS) {
		const n = Number(stats?.[m] ?? 0);
		out[m] = Number.isFinite(n) ? n : 0;
	}
	return out;
}

export function snapshotOf(video: VideoStatsInput, previous: StoredSnapshot | undefined, capturedAt: string): { snapshot: EngagementSnapshot; stored: StoredSnapshot } {
	const statistics = toNumbers(video.statistics);
	const change = {} as EngagementNumbers;
	ENGAGEMENT_METRICS.forEach((m, i) => (change[m] = previous ? statistics[m] - (previous.s[i] ?? 0) : 0));
	const changed = previous !== undefined && ENGAGEMENT_METRICS.some((m) => change[m] !== 0);
	return {
		snapshot: {
			type: 'youtube_engagement',
			videoId: video.videoId,
			channelId: video.channelId ?? '',
			title: video.title ?? '',
			publishedAt: video.publishedAt ?? null,
			capturedAt,
			statistics,
			change,
			previousCapturedAt: previous?.t ?? null,
			isFirst: previous === undefined,
			changed,
		},
		stored: { s: ENGAGEMENT_METRICS.map((m) => statistics[m]), t: capturedAt },
	};
}

/**
 * Snapshots for every video; `emit` selects which go out ('all', 'changed' since last time, or
 * 'changedOrNew'). The returned store holds only the videos just read (videos that left the list are forgotten).
 */
export function diffSnapshots(
	videos: VideoStatsInput[],
	store: Record<string, StoredSnapshot>,
	capturedAt: string,
	emit: 'all' | 'changed' | 'changedOrNew' = 'changedOrNew',
): { snapshots: EngagementSnapshot[]; store: Record<string, StoredSnapshot> } {
	const next: Record<string, StoredSnapshot> = {};
	const snapshots: EngagementSnapshot[] = [];
	for (const v of videos) {
		const { snapshot, stored } = snapshotOf(v, store[v.videoId], capturedAt);
		next[v.videoId] = stored;
		if (emit === 'all' || snapshot.changed || (emit === 'changedOrNew' && snapshot.isFirst)) snapshots.push(snapshot);
	}
	return { snapshots, store: next };
}

/** Statistics strings → numbers. */
export function numericStatistics(stats: Record<string, unknown> | undefined): Record<string, number> {
	const out: Record<string, number> = {};
	for (const [k, v] of Object.entries(stats ?? {})) {
		if (typeof v === 'boolean') continue;
		const n = Number(v);
		if (Number.isFinite(n)) out[k] = n;
	}
	return out;
}
