// What the YouTube sync trigger remembers between polls, and the small pieces every poll uses.
import { NodeOperationError, type IDataObject, type INodeExecutionData, type IPollFunctions } from 'n8n-workflow';
import type { DailyUsage } from '../shared/youtube/quota';
import type { StoredSnapshot } from '../shared/youtube/engagement';
import { getChannels } from '../shared/transport/youtube';

/** Everything this trigger remembers, in `getWorkflowStaticData('node')` (short keys; persisted by n8n). */
export interface TriggerState {
	/** The comment cursor (see nodes/shared/youtube/commentSync.ts). */
	comments?: unknown;
	/** The connected channel's id (resolved once). */
	mine?: string;
	/** The uploads playlist of the connected channel (engagement). */
	uploads?: string;
	/** Last statistics per video (engagement). */
	engagement?: Record<string, StoredSnapshot>;
	/** Units spent on the current Pacific day. */
	usage?: DailyUsage;
	/** No calls until then (ISO): Google's quota or our budget ran out; midnight Pacific. */
	pausedUntil?: string;
	pauseReason?: 'quota' | 'budget';
	/** The day an over-budget warning was last logged. */
	warnedDay?: string;
	/** This trigger's id for what n8n may not save between polls (see unsavedState.ts). */
	sid?: string;
}

/** Where the activation poll's comment cursor waits for the first scheduled poll (global static data, per node). */
export const BASELINES_KEY = 'youtubeSyncBaselines';

/** Recheck the remembered threads every 10 minutes by default: replies there arrive within that. */
export const RECHECK_DEFAULT_MINUTES = 10;

/** Threads Remembered per source (100 to 5,000, default 1,000). */
export function threadsRemembered(options: IDataObject): number {
	return Math.min(5000, Math.max(100, Number(options.maxThreadsTracked ?? 1000)));
}

export interface PollOutcome {
	items: INodeExecutionData[][] | null;
	stop?: 'quota' | 'budget';
}

/** Counts `units` against the day's budget before a call (throws SyncStop('budget') when spent). */
export type Spend = (units: number) => void;

export const splitList = (value: unknown): string[] =>
	[...new Set((Array.isArray(value) ? value.map(String) : String(value ?? '').split(/[\s,]+/)).map((v) => v.trim()).filter(Boolean))];

/**
 * The connected channel (its id, and its uploads playlist for engagement), looked up once
 * (channels?mine=true, 1 unit) and remembered in the state.
 */
export async function connectedChannel(
	ctx: IPollFunctions,
	state: TriggerState,
	spend: Spend,
	need: 'id' | 'uploads' = 'id',
): Promise<{ id: string; uploads?: string }> {
	if (need === 'uploads' ? state.uploads : state.mine) return { id: state.mine ?? '', uploads: state.uploads };
	spend(1);
	const channels = await getChannels(ctx, { by: 'mine' }, 'id,contentDetails');
	if (!channels[0]) throw new NodeOperationError(ctx.getNode(), 'The connected Google account has no YouTube channel');
	state.mine = channels[0].id;
	state.uploads = channels[0].contentDetails?.relatedPlaylists?.uploads;
	return { id: state.mine, uploads: state.uploads };
}
