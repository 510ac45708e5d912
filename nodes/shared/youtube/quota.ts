// YouTube Data API quota arithmetic: what calls cost, how many units a poll schedule spends per day,
// and when the daily quota resets (midnight Pacific time).

/** Units per call (google-facts.md): list calls cost 1 per page; comments.insert 50; search.list 100. */
export const YOUTUBE_COST = {
	list: 1,
	commentInsert: 50,
	search: 100,
} as const;

export const DEFAULT_DAILY_QUOTA = 10_000;
const PACIFIC = 'America/Los_Angeles';
const DAY_MS = 24 * 60 * 60 * 1000;

// Built once: creating an Intl formatter costs far more than formatting with it (this runs on every poll).
const PACIFIC_FORMAT = new Intl.DateTimeFormat('en-US', {
	timeZone: PACIFIC,
	hourCycle: 'h23',
	year: 'numeric',
	month: '2-digit',
	day: '2-digit',
	hour: '2-digit',
	minute: '2-digit',
	second: '2-digit',
});

function pacificParts(at: number): { year: number; month: number; day: number; hour: number; minute: number; second: number } {
	const parts = PACIFIC_FORMAT.formatToParts(new Date(at));
	const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
	return { year: get('year'), month: get('month'), day: get('day'), hour: get('hour'), minute: get('minute'), second: get('second') };
}

/** Pacific wall-clock minus UTC at an instant, in ms (-8 h in winter, -7 h in summer). */
function pacificOffsetMs(at: number): number {
	const p = pacificParts(at);
	const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
	return asUtc - Math.floor(at / 1000) * 1000;
}

/** The Pacific calendar day of an instant, `YYYY-MM-DD`: the YouTube quota day. */
export function pacificDay(at: number): string {
	const p = pacificParts(at);
	return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

/** The next midnight in America/Los_Angeles after `at` (ms since epoch), when YouTube quotas reset. */
export function nextPacificMidnight(at: number): number {
	const p = pacificParts(at);
	// Midnight of the next Pacific day as if it were UTC, then shifted by the offset in force then.
	const localMidnight = Date.UTC(p.year, p.month - 1, p.day + 1, 0, 0, 0);
	let utc = localMidnight - pacificOffsetMs(localMidnight);
	// The offset may differ at the result (DST change that day): correct once.
	utc = localMidnight - pacificOffsetMs(utc);
	if (utc <= at) utc += DAY_MS;
	return utc;
}

export type PollTimeItem = {
	mode?: string;
	value?: number;
	unit?: string;
	hour?: number;
	minute?: number;
	weekday?: string | number;
	cronExpression?: string;
};

/**
 * Polls per day from n8n's "Poll Times" parameter (`{item:[{mode:'everyMinute'}, {mode:'everyX', value, unit}]}`).
 * Custom cron expressions are counted as one poll a minute (the most they can do in n8n 2.41).
 */
export function pollsPerDay(pollTimes: unknown): number {
	const items = ((pollTimes as { item?: PollTimeItem[] } | undefined)?.item ?? []) as PollTimeItem[];
	if (items.length === 0) return 1440;
	let total = 0;
	for (const item of items) {
		switch (item.mode) {
			case 'everyMinute':
				total += 1440;
				break;
			case 'everyHour':
				total += 24;
				break;
			case 'everyDay':
				total += 1;
				break;
			case 'everyWeek':
				total += 1 / 7;
				break;
			case 'everyMonth':
				total += 1 / 30;
				break;
			case 'everyX': {
				const value = Math.max(1, Number(item.value ?? 1));
				const perUnit = item.unit === 'hours' ? 24 : 1440;
				total += perUnit / value;
				break;
			}
			default:
				total += 1440;
		}
	}
	return Math.min(total, 1440 * items.length);
}

export interface QuotaEstimateInput {
	pollsPerDay: number;
	/** Comment sources polled (channels and videos): one commentThreads page each per idle poll. */
	commentSources: number;
	/** Expected new comments a day over all sources (extra pages and reply fetches). */
	newCommentsPerDay?: number;
	/** Videos whose statistics are snapshotted each poll (engagement mode). */
	engagementVideos?: number;
	/** Whether the videos come from the channel's uploads playlist (one playlistItems page per 50). */
	engagementFromUploads?: boolean;
	/**
	 * The recheck of the remembered threads: every this many minutes (0 = off; never more often than
	 * the polls), reading the list pages below the newest one for this many threads per source.
	 */
	recheckEveryMinutes?: number;
	recheckThreads?: number;
}

export interface QuotaEstimate {
	unitsPerPoll: number;
	unitsPerDay: number;
	breakdown: { comments: number; replies: number; engagement: number; recheck: number };
}

/**
 * Daily units the trigger will spend: per poll one commentThreads page per source (the idle cost),
 * plus, for engagement, one videos page per 50 ids (and one playlistItems page per 50 uploads).
 * New comments add at most one reply page each (when a thread has more replies than come with it).
 */
export function estimateDailyUnits(input: QuotaEstimateInput): QuotaEstimate {
	const comments = input.commentSources * YOUTUBE_COST.list;
	const videos = input.engagementVideos ?? 0;
	const videoPages = videos > 0 ? Math.ceil(videos / 50) : 0;
	const playlistPages = videos > 0 && input.engagementFromUploads ? Math.ceil(videos / 50) : 0;
	const engagement = (videoPages + playlistPages) * YOUTUBE_COST.list;
	const unitsPerPoll = comments + engagement;
	const replies = Math.ceil(input.newCommentsPerDay ?? 0) * YOUTUBE_COST.list;
	const every = input.recheckEveryMinutes ?? 0;
	const rechecks = every > 0 ? Math.min(input.pollsPerDay, 1440 / every) : 0;
	const pagesBelowNewest = Math.max(0, Math.ceil((input.recheckThreads ?? 0) / 100) - 1);
	const recheck = Math.ceil(rechecks * input.commentSources * pagesBelowNewest) * YOUTUBE_COST.list;
	return {
		unitsPerPoll,
		unitsPerDay: Math.ceil(unitsPerPoll * input.pollsPerDay + replies + recheck),
		breakdown: { comments: Math.ceil(comments * input.pollsPerDay), replies, engagement: Math.ceil(engagement * input.pollsPerDay), recheck },
	};
}

/** A spend counter for the current Pacific day, kept in node static data. */
export interface DailyUsage {
	day: string;
	units: number;
}

export function chargeUsage(usage: DailyUsage | undefined, units: number, now: number): DailyUsage {
	const day = pacificDay(now);
	if (!usage || usage.day !== day) return { day, units };
	return { day, units: usage.units + units };
}

export function usageToday(usage: DailyUsage | undefined, now: number): number {
	return usage && usage.day === pacificDay(now) ? usage.units : 0;
}
