// One poll of the YouTube sync trigger: the budget checks, then comments or engagement, and the
// pause when Google's quota or the day's budget runs out (what was fully processed still goes out).
import type { IDataObject, INodeExecutionData, IPollFunctions } from 'n8n-workflow';
import { asNodeError } from '../shared/transport';
import { classifyYouTubeError } from '../shared/transport/youtube';
import { SyncStop, stopForBudget } from '../shared/youtube/commentSync';
import { chargeUsage, usageToday } from '../shared/youtube/quota';
import { checkEstimate, pause } from './budget';
import { pollComments } from './pollComments';
import { pollEngagement } from './pollEngagement';
import type { TriggerState } from './state';
import { keepUnsaved, restoreUnsaved } from './unsavedState';

export async function runPoll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
	const state = this.getWorkflowStaticData('node') as IDataObject & TriggerState;
	if (this.getMode() === 'manual') return await pollOnce.call(this, state, true);
	restoreUnsaved(state);
	try {
		return await pollOnce.call(this, state, false);
	} finally {
		keepUnsaved(state);
	}
}

async function pollOnce(this: IPollFunctions, state: IDataObject & TriggerState, manual: boolean): Promise<INodeExecutionData[][] | null> {
	const now = Date.now();
	const event = this.getNodeParameter('event', 'comments') as string;
	const budget = Math.max(1, Number(this.getNodeParameter('dailyBudget', 10000)));

	checkEstimate(this, state, event, budget, now);

	if (!manual && state.pausedUntil) {
		if (now < Date.parse(state.pausedUntil)) {
			this.logger.debug(`YouTube sync paused until ${state.pausedUntil} (${state.pauseReason ?? 'quota'})`);
			return null;
		}
		delete state.pausedUntil;
		delete state.pauseReason;
	}
	if (!manual && usageToday(state.usage, now) >= budget) {
		pause(this, state, 'budget', now);
		return null;
	}

	let usage = state.usage;
	const spend = (units: number) => {
		if (!manual && usageToday(usage, now) + units > budget) stopForBudget();
		usage = chargeUsage(usage, units, now);
	};

	try {
		const result = event === 'engagement' ? await pollEngagement.call(this, state, spend, now) : await pollComments.call(this, state, spend, manual);
		if (!manual) state.usage = usage;
		// Stopped by the quota or the budget after part of the work: what was fully processed goes
		// out now (its cursor is stored with it); the rest continues after midnight Pacific.
		if (result.stop && !manual) pause(this, state, result.stop, now);
		return result.items;
	} catch (error) {
		const kind = error instanceof SyncStop ? error.reason : classifyYouTubeError(error);
		if ((kind === 'quota' || kind === 'budget') && !manual) {
			state.usage = usage;
			pause(this, state, kind, now);
			return null;
		}
		throw asNodeError(this.getNode(), error);
	}
}
