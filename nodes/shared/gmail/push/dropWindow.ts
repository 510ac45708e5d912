// Gmail sends at most one notification per second per mailbox and drops the rest (google-facts.md,
// Gmail "Push"). So mail whose notification was dropped changed the mailbox less than a second after a
// notification Gmail did send. A push reads history no earlier than that second after its Pub/Sub
// publishTime (Gmail published at or before it), and then the one delivered notification brings the
// dropped ones' mail too, instead of leaving it for the next notification or the tick. Pure: no n8n
// imports, no timers (the caller sleeps).

/** Google's limit: one notification per second per user. */
export const GMAIL_NOTIFY_INTERVAL_MS = 1000;
/** Read no earlier than this after publishTime: the interval plus 100 ms for Gmail's history to show it. */
export const DROP_WINDOW_MS = GMAIL_NOTIFY_INTERVAL_MS + 100;
/** A publishTime ahead of this machine's clock (skew) never makes a push wait longer than this. */
export const MAX_WINDOW_WAIT_MS = 1500;

/** Pub/Sub's publishTime (RFC 3339, up to nanoseconds) in ms since the epoch; undefined when unreadable. */
export function publishTimeMs(publishTime: string | undefined): number | undefined {
	if (!publishTime) return undefined;
	// Date.parse reads at most milliseconds reliably: cut the fraction to three digits.
	const ms = Date.parse(publishTime.replace(/(\.\d{3})\d+/, '$1'));
	return Number.isFinite(ms) ? ms : undefined;
}

/**
 * The time (this machine's clock, ms) from which a history read includes everything a push stands
 * for. A Gmail notification: publishTime plus the drop window, at most MAX_WINDOW_WAIT_MS after the
 * arrival (an unreadable publishTime counts as the arrival), in the past for an old or redelivered push.
 * The trigger's own continuation and catch-up messages: their publishTime (Gmail's limit does not
 * apply; never later than the arrival, so they never wait), so a run that started before they were
 * published does not cover them.
 */
export function readNotBefore(publishTime: string | undefined, arrivedAt: number, ownMessage: boolean): number {
	const published = publishTimeMs(publishTime) ?? arrivedAt;
	if (ownMessage) return Math.min(published, arrivedAt);
	return Math.min(published + DROP_WINDOW_MS, arrivedAt + MAX_WINDOW_WAIT_MS);
}

/**
 * Whether the last history read (it started at `readAt`) saw everything a push needs: it started at
 * or after the push's `notBefore`. Without a known read time (a cursor from the set-up or from an
 * older version of the trigger) the history id alone decides.
 */
export function readAfterWindow(readAt: number | undefined, notBefore: number): boolean {
	return readAt === undefined || readAt >= notBefore;
}
