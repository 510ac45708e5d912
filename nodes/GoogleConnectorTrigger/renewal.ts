// YouTube push subscriptions kept alive: the callback the trigger registers, the topics it is
// configured for, and the renewal run on each signed notification (see README: a quiet channel
// needs the scheduled Renew Push, since n8n gives a webhook trigger no timer of its own).
import { randomBytes } from 'node:crypto';
import { sleep, type IHookFunctions, type IWebhookFunctions } from 'n8n-workflow';
import { hubRequest } from '../shared/transport/websubHub';
import type { WebhookSecrets } from '../shared/webhook/credential';
import { confirmationOf } from '../shared/webhook/hubIntents';
import { channelIdFromTopic } from '../shared/webhook/atom';
import { needsRenewal, parseChannelIds, secretFor, topicCallback, topicFor, unconfirmed, type PushState, type PushSubscription } from '../shared/webhook/websub';
import type { TriggerState } from './delivery';

/** The callback URL the trigger registers with the hub. */
export function pushCallback(webhookUrl: string, orgId: string): string {
	const q = new URLSearchParams({ action: 'youtube-webhook' });
	if (orgId) q.set('orgid', orgId);
	return `${webhookUrl}?${q.toString()}`;
}

/** This trigger's own callback for a topic (its production URL with the action, org and the topic's proof). */
export function ownCallback(ctx: IWebhookFunctions | IHookFunctions, topic: string, pushKey: string | undefined): string {
	return topicCallback(pushCallback(ctx.getNodeWebhookUrl('default') ?? '', String(ctx.getNodeParameter('orgId', '') ?? '').trim()), topic, pushKey);
}

export function randomSecret(): string {
	return randomBytes(20).toString('hex');
}

/** The hub topics of the channels set on the trigger ([] when the setting is unreadable). */
export function configuredTopics(ctx: IWebhookFunctions): string[] {
	try {
		return parseChannelIds(ctx.getNodeParameter('channelIds', '')).map(topicFor);
	} catch {
		return [];
	}
}

/** A record for a channel whose own was lost (or never saved): never requested, never confirmed. */
export function rebuiltRecord(topic: string, callback: string, secrets: WebhookSecrets): PushSubscription {
	return {
		channelId: channelIdFromTopic(topic),
		topic,
		callback,
		secret: secretFor(secrets.pushKey || undefined, topic, randomSecret),
		mode: 'subscribe',
		requestedAt: 0,
		expiresAt: null,
		verifiedAt: null,
		leaseSeconds: null,
	};
}

/**
 * Writes back confirmations this process answered that the record lacks (n8n saves static data whole
 * after each request and after activation, so a concurrent save can drop one). True when one was applied.
 */
export function applyConfirmations(push: PushState): boolean {
	let applied = false;
	for (const sub of Object.values(push)) {
		const c = confirmationOf(sub.topic, sub.callback);
		if (!c || c.mode !== 'subscribe' || sub.mode !== 'subscribe' || c.at < sub.requestedAt || (sub.verifiedAt ?? -1) >= c.at) continue;
		sub.verifiedAt = c.at;
		sub.leaseSeconds = c.leaseSeconds;
		sub.expiresAt = c.leaseSeconds ? c.at + c.leaseSeconds * 1000 : null;
		delete sub.lastError;
		applied = true;
	}
	return applied;
}

const CONFIRMATION_POLL_MS = 50;

/**
 * Waits (at most `maxMs`) until the hub has verified every subscription just asked for, applying the
 * confirmations as they come. The hub verifies while the request that asked (publishing, or a delivery
 * that renewed) has not been saved yet, and n8n's later save of that request would drop what the
 * verification recorded; waiting keeps the confirmations in that save.
 */
export async function awaitConfirmations(push: PushState, maxMs: number): Promise<void> {
	const deadline = Date.now() + maxMs;
	const waiting = () => Object.values(push).some((s) => s.mode === 'subscribe' && !s.lastError && unconfirmed(s));
	applyConfirmations(push);
	while (waiting() && Date.now() < deadline) {
		await sleep(CONFIRMATION_POLL_MS);
		applyConfirmations(push);
	}
}

/**
 * Renews what needs it (websub.needsRenewal: under a day left, or never confirmed; at most hourly per
 * channel). Every configured channel is covered, also one whose record was lost.
 */
export async function renewIfDue(this: IWebhookFunctions, state: TriggerState, secrets: WebhookSecrets): Promise<void> {
	const now = Date.now();
	if (!state.push) state.push = {};
	const push = state.push as PushState;
	for (const topic of configuredTopics(this)) if (!push[topic]) push[topic] = rebuiltRecord(topic, ownCallback(this, topic, secrets.pushKey || undefined), secrets);
	applyConfirmations(push);
	let renewed = 0;
	for (const sub of Object.values(push)) {
		if (!needsRenewal(sub, now) || !sub.callback) continue;
		renewed++;
		sub.requestedAt = now;
		try {
			await hubRequest(this, { mode: 'subscribe', topic: sub.topic, callback: sub.callback, secret: sub.secret, pushKey: secrets.pushKey || undefined });
			delete sub.lastError;
		} catch (error) {
			sub.lastError = (error as Error).message;
			this.logger.warn(`Google Connector Trigger could not renew YouTube push for channel ${sub.channelId}: ${(error as Error).message}`);
		}
	}
	// Rare (once per channel every few days): worth delaying this delivery's answer a little.
	if (renewed) await awaitConfirmations(push, RENEWAL_CONFIRMATION_WAIT_MS);
}

const RENEWAL_CONFIRMATION_WAIT_MS = 5_000;
