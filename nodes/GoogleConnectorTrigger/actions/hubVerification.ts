// GET from YouTube's hub: answer the challenge only for a topic we subscribed and a mode we asked for
// (our own waiting request, or a verify token derived from the Push Key by Subscribe / Renew Push).
import type { IDataObject, IWebhookFunctions } from 'n8n-workflow';
import { channelIdFromTopic } from '../../shared/webhook/atom';
import { verifyTokenValid } from '../../shared/webhook/signature';
import { INTENT_MAX_AGE_SECONDS, safeChallenge, secretFor, type PushState, type PushSubscription } from '../../shared/webhook/websub';
import { Reply, type Delivery, type Outcome } from '../delivery';
import { queryValue } from '../request';
import { configuredTopics, pushCallback, randomSecret, renewIfDue } from '../renewal';

export async function hubVerification(this: IWebhookFunctions, delivery: Delivery): Promise<Outcome> {
	const { query, state, secrets, enabled, event } = delivery;
	const refuse = (why: string): Outcome => {
		this.logger.debug(`Google Connector Trigger refused a hub verification: ${why}`);
		return { reply: new Reply(404, 'not subscribed'), events: [] };
	};
	const mode = queryValue(query, 'hub.mode');
	const topic = queryValue(query, 'hub.topic') ?? '';
	const push = (state.push ?? {}) as PushState;
	const known = configuredTopics(this).includes(topic) || push[topic] !== undefined;
	if (mode === 'denied') {
		if (!known) return refuse('denial for an unknown topic');
		if (push[topic]) push[topic].lastError = `The hub denied the subscription: ${String(queryValue(query, 'hub.reason') ?? 'no reason given').slice(0, 200)}`;
		return { reply: new Reply(200, 'ok'), events: [] };
	}
	if (mode !== 'subscribe' && mode !== 'unsubscribe') return refuse('unknown mode');
	const challenge = safeChallenge(queryValue(query, 'hub.challenge'));
	if (!challenge) return refuse('missing or unusable challenge');
	if (!known) return refuse('topic not subscribed by this trigger');
	const now = Date.now();
	const sub = push[topic];
	const tokenOk = verifyTokenValid(secrets.pushKey, queryValue(query, 'hub.verify_token'), mode, topic, Math.floor(now / 1000), INTENT_MAX_AGE_SECONDS);
	const intentOk = !!sub && sub.mode === mode && now - sub.requestedAt < INTENT_MAX_AGE_SECONDS * 1000;
	if (!tokenOk && !intentOk) return refuse(`no ${mode} request of ours is waiting for this topic`);

	const leaseSeconds = Number(queryValue(query, 'hub.lease_seconds'));
	let data: IDataObject;
	if (mode === 'subscribe') {
		const lease = Number.isFinite(leaseSeconds) && leaseSeconds > 0 ? leaseSeconds : null;
		const channelId = channelIdFromTopic(topic);
		const existing: PushSubscription = sub ?? {
			channelId,
			topic,
			// A subscription made by Subscribe / Renew Push in another workflow: this trigger's own URL.
			callback: pushCallback(this.getNodeWebhookUrl('default') ?? '', String(this.getNodeParameter('orgId', '') ?? '').trim()),
			secret: secretFor(secrets.pushKey || undefined, topic, randomSecret),
			mode: 'subscribe',
			requestedAt: now,
			expiresAt: null,
			verifiedAt: null,
			leaseSeconds: null,
		};
		if (!state.push) state.push = {};
		state.push[topic] = { ...existing, mode: 'subscribe', verifiedAt: now, leaseSeconds: lease, expiresAt: lease ? now + lease * 1000 : null, lastError: undefined };
		delete state.push[topic].lastError;
		data = { mode, topic, channelId, leaseSeconds: lease, expiresAt: lease ? new Date(now + lease * 1000).toISOString() : null };
	} else {
		if (state.push && state.push[topic]) delete state.push[topic];
		data = { mode, topic, channelId: channelIdFromTopic(topic) };
	}
	const events = enabled.includes('youtube-verify') ? [event('youtube-verify', `${mode}:${channelIdFromTopic(topic)}:${now}`, data)] : [];
	await renewIfDue.call(this, state, secrets);
	return { reply: new Reply(200, challenge), events };
}
