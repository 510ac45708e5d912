// "New Comments and Replies": the comment cursor over the chosen sources; in a manual run, a sample.
import { NodeOperationError, type IDataObject, type IPollFunctions } from 'n8n-workflow';
import { asNodeError } from '../shared/transport';
import { classifyYouTubeError, commentReader, listCommentThreads } from '../shared/transport/youtube';
import { DEFAULT_POLL_BUDGET_MS, keepBaseline, mayBeActivationPoll, savedBaseline } from '../shared/polling/baselines';
import { isCommentCursor, readCursor, syncComments, type CommentSource, type SyncOptions } from '../shared/youtube/commentSync';
import { threadToInboxMessage } from '../shared/youtube/inbox';
import { BASELINES_KEY, RECHECK_DEFAULT_MINUTES, connectedChannel, splitList, threadsRemembered, type PollOutcome, type Spend, type TriggerState } from './state';

export async function pollComments(this: IPollFunctions, state: TriggerState, spend: Spend, manual: boolean): Promise<PollOutcome> {
	const sourceKind = this.getNodeParameter('source', 'mine') as string;
	let sources: CommentSource[];
	if (sourceKind === 'channels') sources = splitList(this.getNodeParameter('channelIds', [])).map((id) => ({ kind: 'channel', id }));
	else if (sourceKind === 'videos') sources = splitList(this.getNodeParameter('videoIds', '')).map((id) => ({ kind: 'video', id }));
	else sources = [{ kind: 'channel', id: (await connectedChannel(this, state, spend)).id }];
	if (sources.length === 0) throw new NodeOperationError(this.getNode(), sourceKind === 'videos' ? 'Set at least one video ID' : 'Choose at least one channel');

	const options = this.getNodeParameter('options', {}) as IDataObject;
	const every = Math.max(0, Number(options.recheckEvery ?? RECHECK_DEFAULT_MINUTES));
	const syncOptions: SyncOptions = {
		includeReplies: options.includeReplies !== false,
		emitEdits: options.emitEdits === true,
		// A manual run ("Fetch test event") reads one page, never the whole window.
		maxThreadsTracked: manual ? 100 : threadsRemembered(options),
		windowDays: Math.max(1, Number(options.windowDays ?? 30)),
		recheckEveryMs: manual ? 0 : every * 60_000,
		now: Date.now(),
	};
	// Without a cursor of its own, a scheduled poll takes the one the activation poll left (durable
	// cursors drop that poll's node data; see shared/polling/baselines.ts).
	const global = this.getWorkflowStaticData('global');
	const own = state.comments !== undefined;
	const budget = typeof this.getPollBudgetMs === 'function' ? this.getPollBudgetMs() : DEFAULT_POLL_BUDGET_MS;
	const adopted = own || manual || mayBeActivationPoll(budget) ? undefined : savedBaseline(global, BASELINES_KEY, this.getNode().id, isCommentCursor);
	// Work on a copy: the stored cursor changes only when this poll ends normally (or stops on quota
	// with what it has fully processed), never half-way through a failure.
	const cursor = readCursor(JSON.parse(JSON.stringify(state.comments ?? adopted ?? null)) as unknown);
	const reader = commentReader(this, { beforeCall: spend });
	const result = await syncComments(reader, sources, cursor, syncOptions);

	for (const skipped of result.skipped) {
		const line = `YouTube: comments are disabled on ${skipped.source.replace('video:', 'video ')}; skipped (not an error)`;
		if (skipped.newlyDisabled) this.logger.warn(line);
		else this.logger.debug(line);
	}

	if (manual) {
		// "Fetch test event": what is new, else the newest comment as a sample; nothing is stored.
		if (result.messages.length) return { items: [this.helpers.returnJsonArray(result.messages as unknown as IDataObject[])] };
		for (const source of sources) {
			const newest = await listCommentThreads(this, source, 1).catch((error: unknown) => {
				if (classifyYouTubeError(error) === 'commentsDisabled') return undefined;
				throw asNodeError(this.getNode(), error);
			});
			if (!newest) continue;
			const sample = newest[0] ? threadToInboxMessage(newest[0]) : undefined;
			if (sample) return { items: [this.helpers.returnJsonArray([sample as unknown as IDataObject])] };
		}
		return { items: null };
	}

	state.comments = cursor as unknown as IDataObject;
	const baseline = !own && !adopted && result.messages.length === 0;
	keepBaseline(global, BASELINES_KEY, this.getNode().id, baseline ? cursor : undefined);
	return {
		items: result.messages.length ? [this.helpers.returnJsonArray(result.messages as unknown as IDataObject[])] : null,
		stop: result.stopped?.reason,
	};
}
