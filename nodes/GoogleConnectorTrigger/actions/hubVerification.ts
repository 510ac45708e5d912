// GET from YouTube's hub: answer the challenge only for a topic of this trigger, a mode we asked for
// and a request we are waiting for: this process's own pending request (hubIntents: the trigger's
// activation or renewal, or Subscribe / Renew Push run here), the request recorded in static data
// and not yet confirmed, or a hub.verify_token derived from the Push Key, for hubs that echo it.
// A subscribe verification on a callback carrying the topic's proof (derived from the Push Key, known
// only to us and the hub we gave it to) is answered too: another process (a webhook process in queue
// mode) can then confirm what the main just asked for, before n8n has saved it.
// Anything else is 404 and changes nothing; a verification never causes a hub request of its own.
import type { IDataObject, IWebhookFunctions } from 'n8n-workflow';
import { channelIdFromTopic } from '../../shared/webhook/atom';
import { noteConfirmation, takeIntent } from '../../shared/webhook/hubIntents';
import { callbackProofValid, verifyTokenValid } from '../../shared/webhook/signature';
import { CALLBACK_PROOF_PARAM, INTENT_MAX_AGE_SECONDS, REQUESTED_LEASE_SECONDS, safeChallenge, unconfirmed, type PushState } from '../../shared/webhook/websub';
import { Reply, type Delivery, type Outcome } from '../delivery';
import { queryValue } from '../request';
import { configuredTopics, ownCallback, rebuiltRecord } from '../renewal';

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
	const callback = ownCallback(this, topic, secrets.pushKey || undefined);
	const sub = push[topic];
	const maxAge = INTENT_MAX_AGE_SECONDS * 1000;
	const tokenOk = verifyTokenValid(secrets.pushKey, queryValue(query, 'hub.verify_token'), mode, topic, Math.floor(now / 1000), INTENT_MAX_AGE_SECONDS);
	const storedOk = !!sub && sub.mode === mode && unconfirmed(sub) && now - sub.requestedAt < maxAge;
	// Only a subscribe, and only for a configured channel: a wrongly confirmed unsubscribe would end the pushes.
	const proofOk = mode === 'subscribe' && configuredTopics(this).includes(topic) && callbackProofValid(secrets.pushKey, queryValue(query, CALLBACK_PROOF_PARAM), topic);
	if (!tokenOk && !takeIntent(mode, topic, callback, now, maxAge) && !storedOk && !proofOk) return refuse(`no ${mode} request of ours is waiting for this topic`);

	// Never more than we ask for (a hub grants at most that): a verification cannot push the next renewal out.
	const leaseSeconds = Math.min(Number(queryValue(query, 'hub.lease_seconds')), REQUESTED_LEASE_SECONDS);
	const lease = mode === 'subscribe' && Number.isFinite(leaseSeconds) && leaseSeconds > 0 ? leaseSeconds : null;
	noteConfirmation(topic, callback, { mode, at: now, leaseSeconds: lease });
	let data: IDataObject;
	if (mode === 'subscribe') {
		// A subscription first seen here (made by Subscribe / Renew Push, or its record not saved yet): this trigger's own URL.
		const existing = sub ?? { ...rebuiltRecord(topic, callback, secrets), requestedAt: now };
		if (!state.push) state.push = {};
		state.push[topic] = { ...existing, mode: 'subscribe', verifiedAt: now, leaseSeconds: lease, expiresAt: lease ? now + lease * 1000 : null };
		delete state.push[topic].lastError;
		data = { mode, topic, channelId: channelIdFromTopic(topic), leaseSeconds: lease, expiresAt: lease ? new Date(now + lease * 1000).toISOString() : null };
	} else {
		if (state.push && state.push[topic]) delete state.push[topic];
		data = { mode, topic, channelId: channelIdFromTopic(topic) };
	}
	const events = enabled.includes('youtube-verify') ? [event('youtube-verify', `${mode}:${channelIdFromTopic(topic)}:${now}`, data)] : [];
	return { reply: new Reply(200, challenge), events };
}
