// Labels the Gmail Push Trigger puts on its push subscription: who manages it, and when the Gmail
// watch feeding its topic ends, so Connection → Check can list every watch of a project. Pure.

export const MANAGED_BY_LABEL = 'managed-by';
export const MANAGED_BY_VALUE = 'n8n-gmail-push-trigger';
/** Epoch seconds at which the Gmail watch expires (Pub/Sub label values allow only [a-z0-9_-]). */
export const WATCH_EXPIRES_LABEL = 'gmail-watch-expires';

export type Labels = Record<string, string>;

export function managedLabels(watchExpirationMs?: number | string, existing: Labels = {}): Labels {
	const labels: Labels = { ...existing, [MANAGED_BY_LABEL]: MANAGED_BY_VALUE };
	const ms = Number(watchExpirationMs);
	if (watchExpirationMs !== undefined && Number.isFinite(ms) && ms > 0) labels[WATCH_EXPIRES_LABEL] = String(Math.floor(ms / 1000));
	return labels;
}

export function isManaged(labels: Labels | undefined): boolean {
	return labels?.[MANAGED_BY_LABEL] === MANAGED_BY_VALUE;
}

/** The watch expiry recorded on a subscription, in epoch ms, or undefined. */
export function watchExpiryOf(labels: Labels | undefined): number | undefined {
	const raw = labels?.[WATCH_EXPIRES_LABEL];
	if (raw === undefined || !/^\d{1,12}$/.test(raw)) return undefined;
	return Number(raw) * 1000;
}
