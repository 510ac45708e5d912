import {
	NodeOperationError,
	type IDataObject,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type IPollFunctions,
} from 'n8n-workflow';
import { getGmailLabels } from '../shared/methods';
import { authenticationProperty, pollingTriggerBase } from '../shared/descriptions';
import {
	DEFAULT_MAX_MESSAGES_PER_POLL,
	DEFAULT_POLL_BUDGET_MS,
	isActivationPoll,
	isGmailSyncCursor,
	keepBaseline,
	pollDeadlines,
	runGmailSync,
	sampleRecentMail,
	savedBaseline,
	syncFilterProperties,
	syncOptionsFrom,
	syncTuningProperties,
} from '../shared/gmail/sync';
import { asNodeError } from '../shared/transport';

/** Where the cursor lives in the node's static data (persisted by n8n with each poll). */
const CURSOR_KEY = 'gmailSync';

/**
 * Polls of a node currently running in this process. n8n starts a poll on every schedule tick even when
 * the previous one is still fetching (a large backlog can take minutes); a second poll would read the
 * same cursor and emit the same mail again, so it returns nothing instead. Memory only: it guards one
 * process, which is where n8n runs a workflow's polls.
 */
const running = new Set<string>();

/**
 * Workflows (in this process) that have polled: the first poll of one is its activation poll (see
 * isActivationPoll). Known by their global static data object, which lives as long as n8n's Workflow
 * instance: `getWorkflow()` returns a fresh copy on every call, so every poll looked like the first.
 */
const polledWorkflows = new WeakSet<object>();

export class GmailSyncTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Gmail Sync Trigger',
		name: 'gmailSyncTrigger',
		icon: { light: 'file:gmail.svg', dark: 'file:gmail.dark.svg' },
		...pollingTriggerBase,
		subtitle: '={{"Gmail → CRM activities"}}',
		description: 'Turns new Gmail mail in chosen labels into CRM activities, exactly once, from a history cursor',
		defaults: { name: 'Gmail Sync Trigger' },
		properties: [
			authenticationProperty,
			...syncFilterProperties(),
			{
				displayName: 'Max Messages per Poll',
				name: 'maxPerPoll',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: DEFAULT_MAX_MESSAGES_PER_POLL,
				description: 'At most this many messages are read (so at most this many activities) per poll; the rest come on the next poll',
			},
			...syncTuningProperties(),
		],
	};

	methods = { loadOptions: { getGmailLabels } };

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const options = syncOptionsFrom((name, fallback) => this.getNodeParameter(name, fallback), 'maxPerPoll');
		try {
			if (this.getMode() === 'manual') {
				// "Fetch test event": recent mail as activities; the cursor is neither read nor moved.
				const sample = await sampleRecentMail(this, options, 5);
				// An empty answer would end the test fetch with no word at all: say why there is nothing.
				if (!sample.length)
					throw new NodeOperationError(this.getNode(), 'No mail to show: the chosen labels hold no message that matches Direction and Contacts', {
						description: 'Fetch Test Event shows the latest matching mail and leaves the sync cursor alone. Send or label a message, or widen Labels, Direction or Contacts, then fetch again.',
					});
				return [sample.map((a) => ({ json: a as unknown as IDataObject }))];
			}
			const key = `${this.getWorkflow().id ?? ''}:${this.getNode().id}`;
			if (running.has(key)) {
				this.logger.debug('Gmail sync: the previous poll of this node is still running; skipping this one');
				return null;
			}
			running.add(key);
			const budget = typeof this.getPollBudgetMs === 'function' ? this.getPollBudgetMs() : DEFAULT_POLL_BUDGET_MS;
			const global = this.getWorkflowStaticData('global');
			const activation = isActivationPoll(!polledWorkflows.has(global), budget);
			polledWorkflows.add(global);
			const deadlines = pollDeadlines(budget, Date.now(), activation);
			const staticData = this.getWorkflowStaticData('node');
			const nodeId = this.getNode().id;
			const own = isGmailSyncCursor(staticData[CURSOR_KEY]) ? staticData[CURSOR_KEY] : undefined;
			// The activation poll starts afresh; a later poll without a cursor of its own takes the baseline
			// the activation poll left (durable cursors dropped its staged copy).
			const previous = own ?? (activation ? undefined : savedBaseline(global, nodeId));
			let result;
			try {
				result = await runGmailSync(this, previous, { ...options, deadline: deadlines.soft, hardDeadline: deadlines.hard });
			} finally {
				running.delete(key);
			}
			staticData[CURSOR_KEY] = result.cursor as unknown as IDataObject;
			// A baseline that emits nothing may be dropped by durable cursors: keep it where n8n saves it too.
			keepBaseline(global, nodeId, result.stats.baseline && result.activities.length === 0 ? result.cursor : undefined);
			for (const warning of result.stats.warnings ?? []) this.logger.warn(`Gmail sync: ${warning}`);
			if (result.stats.error) this.logger.warn(`Gmail sync stopped early and continues next poll: ${result.stats.error}`);
			if (result.activities.length === 0) return null;
			return [result.activities.map((a) => ({ json: a as unknown as IDataObject }))];
		} catch (error) {
			throw asNodeError(this.getNode(), error);
		}
	}
}
