// Where a polling trigger's first cursor (its baseline) waits for the next poll. Pure: no n8n imports.
// With durable poll cursors (n8n 2.41) n8n drops what the activation poll stages in the node's static
// data when that poll returns nothing, so the first scheduled poll would take a baseline of its own and
// miss what arrived in between. n8n does save the workflow's global static data after the activation:
// the baseline is kept there too, per trigger (node id), and forgotten once the trigger has its own.

/** n8n's poll budget when it sets none (getPollBudgetMs' default in 2.41). */
export const DEFAULT_POLL_BUDGET_MS = 5 * 60_000;

/**
 * Whether a poll may be the activation poll: it runs with n8n's default budget (scheduled durable-cursor
 * polls get a budget of their own, about 36 s). Legacy scheduled polls also have the default budget, but
 * they keep the cursor the activator saved, so they never need a baseline.
 */
export function mayBeActivationPoll(budgetMs: number): boolean {
	return budgetMs >= DEFAULT_POLL_BUDGET_MS;
}

export function savedBaseline<T>(global: Record<string, unknown>, key: string, nodeId: string, isCursor: (value: unknown) => value is T): T | undefined {
	const saved = (global[key] as Record<string, unknown> | undefined)?.[nodeId];
	return isCursor(saved) ? saved : undefined;
}

/** Stores (cursor) or forgets (undefined) the node's baseline under `key`; writes only when something changes. */
export function keepBaseline(global: Record<string, unknown>, key: string, nodeId: string, cursor: unknown): void {
	const all = { ...((global[key] as Record<string, unknown> | undefined) ?? {}) };
	if (cursor !== undefined) all[nodeId] = cursor;
	else if (nodeId in all) delete all[nodeId];
	else return;
	if (Object.keys(all).length) global[key] = all;
	else delete global[key];
}
