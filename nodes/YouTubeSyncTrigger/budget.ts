// The daily unit budget: the estimate that refuses (or warns at) activation, and the pause until
// midnight Pacific when Google's quota or the budget runs out.
import { NodeOperationError, type IDataObject, type IPollFunctions } from 'n8n-workflow';
import { estimateDailyUnits, nextPacificMidnight, pollsPerDay } from '../shared/youtube/quota';
import { RECHECK_DEFAULT_MINUTES, splitList, threadsRemembered, type TriggerState } from './state';

/** Throws (activation or manual run, Over Budget = refuse) or warns once a day when the estimate exceeds the budget. */
export function checkEstimate(ctx: IPollFunctions, state: TriggerState, event: string, budget: number, now: number): void {
	const manual = ctx.getMode() === 'manual';
	const activating = ctx.getActivationMode() === 'activate';
	// The estimate: polls a day (from Poll Times) × units per poll.
	const estimate = estimateFor.call(ctx, event);
	if (estimate.unitsPerDay <= budget) return;
	const text = `This trigger would use about ${estimate.unitsPerDay.toLocaleString('en-US')} YouTube quota units a day (${estimate.polls.toLocaleString('en-US')} polls × ${estimate.unitsPerPoll} units, plus new comments and the recheck of remembered threads), over its Daily Unit Budget of ${budget.toLocaleString('en-US')}.`;
	const advice = 'Poll less often, watch fewer channels or videos, or raise the budget (a Google Cloud project gets 10,000 units a day by default). Set "Over Budget" to "Warn in the Log" to run anyway; the trigger then pauses until midnight Pacific whenever the budget is spent.';
	if ((activating || manual) && ctx.getNodeParameter('overBudget', 'refuse') === 'refuse')
		throw new NodeOperationError(ctx.getNode(), text, { description: advice });
	const day = new Date(now).toISOString().slice(0, 10);
	if (state.warnedDay !== day) {
		ctx.logger.warn(`${text} ${advice}`);
		state.warnedDay = day;
	}
}

export function pause(ctx: IPollFunctions, state: TriggerState, reason: 'quota' | 'budget', now: number): void {
	state.pausedUntil = new Date(nextPacificMidnight(now)).toISOString();
	state.pauseReason = reason;
	ctx.logger.warn(
		reason === 'quota'
			? `YouTube quota exhausted (quotaExceeded): the sync pauses until ${state.pausedUntil} (midnight Pacific) and continues from its cursor; nothing is lost`
			: `The trigger's Daily Unit Budget is spent: the sync pauses until ${state.pausedUntil} (midnight Pacific) and continues from its cursor`,
	);
}

function estimateFor(this: IPollFunctions, event: string): { unitsPerDay: number; unitsPerPoll: number; polls: number } {
	const polls = Math.round(pollsPerDay(this.getNodeParameter('pollTimes', {})));
	if (event === 'engagement') {
		const fromUploads = this.getNodeParameter('engagementVideos', 'uploads') === 'uploads';
		const count = fromUploads ? Number(this.getNodeParameter('recentCount', 10)) : splitList(this.getNodeParameter('engagementVideoIds', '')).length;
		const e = estimateDailyUnits({ pollsPerDay: polls, commentSources: 0, engagementVideos: Math.max(1, count), engagementFromUploads: fromUploads });
		return { unitsPerDay: e.unitsPerDay, unitsPerPoll: e.unitsPerPoll, polls };
	}
	const source = this.getNodeParameter('source', 'mine') as string;
	const count =
		source === 'channels'
			? splitList(this.getNodeParameter('channelIds', [])).length
			: source === 'videos'
				? splitList(this.getNodeParameter('videoIds', '')).length
				: 1;
	const options = this.getNodeParameter('options', {}) as IDataObject;
	const e = estimateDailyUnits({
		pollsPerDay: polls,
		commentSources: Math.max(1, count),
		newCommentsPerDay: Number(options.expectedPerDay ?? 200),
		recheckEveryMinutes: Number(options.recheckEvery ?? RECHECK_DEFAULT_MINUTES),
		// The remembered threads: the window's expected threads, at most Threads Remembered.
		recheckThreads: Math.min(threadsRemembered(options), Number(options.expectedPerDay ?? 200) * Number(options.windowDays ?? 30)),
	});
	return { unitsPerDay: e.unitsPerDay, unitsPerPoll: e.unitsPerPoll, polls };
}
