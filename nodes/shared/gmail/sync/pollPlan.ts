// How one Gmail Sync poll is timed and where a fresh baseline is kept, from what n8n tells the node.
// Pure: no n8n imports.
import { DEFAULT_POLL_BUDGET_MS, keepBaseline as keepNodeBaseline, mayBeActivationPoll, savedBaseline as savedNodeBaseline } from '../../polling/baselines';
import { isGmailSyncCursor, type GmailSyncCursor } from './cursor';

export { DEFAULT_POLL_BUDGET_MS };
/**
 * The activation poll runs inside n8n's workflow publication, which n8n abandons after about 84 s
 * (70% of a 120 s lease) and then marks the trigger failed: that poll stops early and the scheduled
 * polls drain the rest.
 */
export const ACTIVATION_POLL_BUDGET_MS = 30_000;

export interface PollDeadlines {
	/** No new fetch starts after this (epoch ms). */
	soft: number;
	/** No call waits (Retry-After, backoff, pacing) or runs past this: the poll then returns what it has. */
	hard: number;
}

/**
 * Whether a poll is the activation poll: the first one a workflow object runs, with n8n's default
 * budget (scheduled durable-cursor polls also run on a fresh workflow object, but with a budget of
 * their own, about 36 s).
 */
export function isActivationPoll(firstOnWorkflow: boolean, budgetMs: number): boolean {
	return firstOnWorkflow && mayBeActivationPoll(budgetMs);
}

/** `budgetMs` is n8n's getPollBudgetMs(). */
export function pollDeadlines(budgetMs: number, start: number, activation: boolean): PollDeadlines {
	const budget = activation ? Math.min(budgetMs, ACTIVATION_POLL_BUDGET_MS) : budgetMs;
	// In-flight batches finish within a second or two; the emit is quick (label names are read first).
	const margin = Math.min(Math.max(budget * 0.02, 2_000), 6_000);
	return { soft: start + Math.max(budget - margin, budget / 2), hard: start + budget };
}

/** Where a baseline waits for the next poll (see polling/baselines.ts): global static data, per node id. */
export const BASELINES_KEY = 'gmailSyncBaselines';

export function savedBaseline(global: Record<string, unknown>, nodeId: string): GmailSyncCursor | undefined {
	return savedNodeBaseline(global, BASELINES_KEY, nodeId, isGmailSyncCursor);
}

/** Stores (cursor) or forgets (undefined) the node's baseline; writes only when something changes. */
export function keepBaseline(global: Record<string, unknown>, nodeId: string, cursor: GmailSyncCursor | undefined): void {
	keepNodeBaseline(global, BASELINES_KEY, nodeId, cursor);
}
