// Is Gmail push still alive? When the watch must be renewed, what is wrong with a push subscription,
// and the watches Connection → Check reports. Pure: the caller brings Google's answers and the time.
import { isManaged, watchExpiryOf, type Labels } from './labels';

export const RENEW_EVERY_MS = 20 * 3_600_000;
/** Renew at the latest this long before Gmail's expiry, whatever the last renewal was. */
export const RENEW_BEFORE_EXPIRY_MS = 24 * 3_600_000;

export interface WatchMemo {
	/** Epoch ms of the last successful users.watch in this process. */
	renewedAt: number;
	/** Epoch ms Gmail gave as the watch's expiration. */
	expiration: number;
}

/** Google advises renewing daily: due when this process has not renewed (or not for 20 h), or expiry is within a day. */
export function watchRenewalDue(memo: WatchMemo | undefined, now: number): boolean {
	if (!memo) return true;
	return now - memo.renewedAt >= RENEW_EVERY_MS || memo.expiration - now <= RENEW_BEFORE_EXPIRY_MS;
}

export interface SubscriptionView {
	name?: string;
	topic?: string;
	pushConfig?: { pushEndpoint?: string; oidcToken?: { serviceAccountEmail?: string; audience?: string } };
	labels?: Labels;
}

export interface ExpectedSubscription {
	topic: string;
	endpoint: string;
	serviceAccountEmail: string;
	audience: string;
}

/** What stops this subscription from pushing to the trigger, in words, or undefined when it is as set up. */
export function subscriptionProblem(sub: SubscriptionView, want: ExpectedSubscription): string | undefined {
	const oidc = sub.pushConfig?.oidcToken;
	if (sub.topic === '_deleted-topic_' || (sub.topic && sub.topic !== want.topic))
		return sub.topic === '_deleted-topic_' ? `its topic ${want.topic} was deleted` : `it now takes messages from ${sub.topic} instead of ${want.topic}`;
	if (!sub.pushConfig?.pushEndpoint) return 'it is no longer a push subscription (no push endpoint)';
	if (sub.pushConfig.pushEndpoint !== want.endpoint) return `it now pushes to ${sub.pushConfig.pushEndpoint} instead of this trigger (${want.endpoint})`;
	if (!oidc?.serviceAccountEmail) return 'its push authentication was switched off, so the trigger refuses every push';
	if (oidc.serviceAccountEmail !== want.serviceAccountEmail)
		return `it now signs pushes as ${oidc.serviceAccountEmail}, but the trigger accepts only ${want.serviceAccountEmail}`;
	// Pub/Sub uses the endpoint as audience when none is set.
	const audience = oidc.audience || sub.pushConfig.pushEndpoint;
	if (audience !== want.audience) return `its token audience is now ${audience}, but the trigger expects ${want.audience}`;
	return undefined;
}

export interface GmailWatchReport {
	subscription: string;
	topic: string | null;
	endpoint: string | null;
	/** ISO time the Gmail watch expires, as last recorded on the subscription. */
	watchExpiresAt: string | null;
	expired: boolean | null;
	managedByTrigger: boolean;
}

/** The project's subscriptions that carry a Gmail watch (our labels), for Connection → Check. */
export function gmailWatchReports(subscriptions: SubscriptionView[], now: number): GmailWatchReport[] {
	return subscriptions
		.filter((s) => isManaged(s.labels) || watchExpiryOf(s.labels) !== undefined)
		.map((s) => {
			const expiry = watchExpiryOf(s.labels);
			return {
				subscription: s.name ?? '',
				topic: s.topic ?? null,
				endpoint: s.pushConfig?.pushEndpoint ?? null,
				watchExpiresAt: expiry !== undefined ? new Date(expiry).toISOString() : null,
				expired: expiry !== undefined ? expiry <= now : null,
				managedByTrigger: isManaged(s.labels),
			};
		});
}
