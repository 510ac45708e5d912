// YouTube push subscriptions kept alive: the callback the trigger registers, the topics it is
// configured for, and the renewal run on each hub verification and notification.
import { randomBytes } from 'node:crypto';
import type { IWebhookFunctions } from 'n8n-workflow';
import { hubRequest } from '../shared/transport/websubHub';
import type { WebhookSecrets } from '../shared/webhook/credential';
import { needsRenewal, parseChannelIds, topicFor, type PushState } from '../shared/webhook/websub';
import type { TriggerState } from './delivery';

/** The callback URL the trigger registers with the hub. */
export function pushCallback(webhookUrl: string, orgId: string): string {
	const q = new URLSearchParams({ action: 'youtube-webhook' });
	if (orgId) q.set('orgid', orgId);
	return `${webhookUrl}?${q.toString()}`;
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

/** Renews every subscription with less than a day left (called on each verification and notification). */
export async function renewIfDue(this: IWebhookFunctions, state: TriggerState, secrets: WebhookSecrets): Promise<void> {
	const now = Date.now();
	for (const sub of Object.values((state.push ?? {}) as PushState)) {
		if (!needsRenewal(sub, now) || !sub.callback) continue;
		sub.requestedAt = now;
		try {
			await hubRequest(this, { mode: 'subscribe', topic: sub.topic, callback: sub.callback, secret: sub.secret, pushKey: secrets.pushKey || undefined });
			delete sub.lastError;
		} catch (error) {
			sub.lastError = (error as Error).message;
			this.logger.warn(`Google Connector Trigger could not renew YouTube push for channel ${sub.channelId}: ${(error as Error).message}`);
		}
	}
}
