// The trigger's YouTube push lifecycle, called by n8n when the workflow is published or unpublished:
// subscribe the configured channels at the hub, unsubscribe the ones no longer configured.
import { NodeOperationError, type IDataObject, type IHookFunctions, type IWebhookFunctions } from 'n8n-workflow';
import { asNodeError } from '../shared/transport';
import { hubRequest } from '../shared/transport/websubHub';
import { webhookSecrets } from '../shared/webhook/credential';
import { parseChannelIds, secretFor, subscriptionsCurrent, topicCallback, topicFor, type PushState } from '../shared/webhook/websub';
import type { TriggerOptions, TriggerState } from './delivery';
import { awaitConfirmations, pushCallback, randomSecret } from './renewal';

/** How long publishing waits for the hub to verify the subscriptions it just asked for. */
const CONFIRMATION_WAIT_MS = 10_000;

/** Pub/Sub OIDC mode needs both the expected service account and the audience: refuse to publish without. */
function checkOidcSettings(ctx: IHookFunctions): void {
	const options = ctx.getNodeParameter('settings', {}) as TriggerOptions;
	if (!options.requireGoogleOidc) return;
	const missing: string[] = [];
	if (!String(options.oidcServiceAccountEmail ?? '').trim())
		missing.push('Token Service Account (the email the Pub/Sub subscription authenticates as; without it a token from any Google service account would pass)');
	if (!String(options.oidcAudience ?? '').trim()) missing.push("Token Audience (the audience set on the Pub/Sub subscription, e.g. this trigger's production URL)");
	if (missing.length) throw new NodeOperationError(ctx.getNode(), `Google-Signed Token (Pub/Sub Push) is on, so set ${missing.join(' and ')}`);
}

function channelIds(ctx: IHookFunctions): string[] {
	const actions = ctx.getNodeParameter('actions', []) as string[];
	if (!actions.includes('youtube-webhook')) return [];
	try {
		return parseChannelIds(ctx.getNodeParameter('channelIds', ''));
	} catch (error) {
		throw new NodeOperationError(ctx.getNode(), (error as Error).message);
	}
}

/** Per topic, the callback this trigger registers (its URL with the topic's proof). */
function callbacksOf(ctx: IHookFunctions, pushKey: string | undefined): (topic: string) => string {
	const url = ctx.getNodeWebhookUrl('default');
	if (!url) throw new NodeOperationError(ctx.getNode(), 'n8n did not give this trigger a webhook URL');
	const base = pushCallback(url, String(ctx.getNodeParameter('orgId', '') ?? '').trim());
	return (topic) => topicCallback(base, topic, pushKey);
}

/** Whether every configured channel has a current subscription to this trigger's URL. */
export async function subscriptionsExist(this: IHookFunctions): Promise<boolean> {
	checkOidcSettings(this);
	const state = this.getWorkflowStaticData('node') as TriggerState;
	const ids = channelIds(this);
	if (ids.length === 0) return subscriptionsCurrent(state.push as PushState | undefined, ids, (t) => t, Date.now());
	const { pushKey } = await webhookSecrets(this as unknown as IWebhookFunctions);
	return subscriptionsCurrent(state.push as PushState | undefined, ids, callbacksOf(this, pushKey || undefined), Date.now());
}

/** Unsubscribes channels no longer configured, then subscribes every configured one. */
export async function subscribe(this: IHookFunctions): Promise<boolean> {
	checkOidcSettings(this);
	const ids = channelIds(this);
	const state = this.getWorkflowStaticData('node') as TriggerState;
	const push = (state.push ?? {}) as PushState;
	const secrets = await webhookSecrets(this as unknown as IWebhookFunctions);
	if (ids.length && !secrets.pushKey)
		throw new NodeOperationError(this.getNode(), 'Set a Push Key in the webhook credential before subscribing YouTube channels to push');
	const callbackFor = callbacksOf(this, secrets.pushKey || undefined);
	const wanted = new Set(ids.map(topicFor));
	const failures: string[] = [];
	// Channels no longer configured: unsubscribe.
	for (const sub of Object.values(push)) {
		if (wanted.has(sub.topic) && sub.callback === callbackFor(sub.topic)) continue;
		try {
			await hubRequest(this, { mode: 'unsubscribe', topic: sub.topic, callback: sub.callback || callbackFor(sub.topic), pushKey: secrets.pushKey });
		} catch (error) {
			this.logger.warn(`Google Connector Trigger could not unsubscribe ${sub.channelId}: ${(error as Error).message}`);
		}
		delete push[sub.topic];
	}
	for (const channelId of ids) {
		const topic = topicFor(channelId);
		const callback = callbackFor(topic);
		const existing = push[topic];
		const secret = existing?.secret || secretFor(secrets.pushKey, topic, randomSecret);
		push[topic] = {
			channelId,
			topic,
			callback,
			secret,
			mode: 'subscribe',
			requestedAt: Date.now(),
			expiresAt: existing?.callback === callback ? existing.expiresAt : null,
			verifiedAt: existing?.callback === callback ? existing.verifiedAt : null,
			leaseSeconds: existing?.leaseSeconds ?? null,
		};
		try {
			await hubRequest(this, { mode: 'subscribe', topic, callback, secret, pushKey: secrets.pushKey });
		} catch (error) {
			push[topic].lastError = (error as Error).message;
			failures.push(channelId);
			if (failures.length === ids.length) {
				state.push = push as IDataObject & PushState;
				throw asNodeError(this.getNode(), error);
			}
		}
	}
	if (failures.length) this.logger.warn(`Google Connector Trigger could not subscribe ${failures.join(', ')} to YouTube push; the next renewal retries`);
	await awaitConfirmations(push, CONFIRMATION_WAIT_MS);
	state.push = push as IDataObject & PushState;
	return true;
}

/** Unsubscribes every channel (the hub's intent check may not reach n8n any more, see below). */
export async function unsubscribeAll(this: IHookFunctions): Promise<boolean> {
	const state = this.getWorkflowStaticData('node') as TriggerState;
	const push = (state.push ?? {}) as PushState;
	const secrets = await webhookSecrets(this as unknown as IWebhookFunctions);
	for (const sub of Object.values(push)) {
		sub.mode = 'unsubscribe';
		sub.requestedAt = Date.now();
		try {
			// n8n 2.41 stops serving this URL before it calls delete(), so the hub's intent check
			// gets 404 and the hub keeps the subscription until its lease ends (README, Webhooks).
			await hubRequest(this, { mode: 'unsubscribe', topic: sub.topic, callback: sub.callback, pushKey: secrets.pushKey || undefined });
		} catch (error) {
			this.logger.warn(`Google Connector Trigger could not unsubscribe ${sub.channelId} from YouTube push: ${(error as Error).message}`);
		}
	}
	state.push = {};
	return true;
}
