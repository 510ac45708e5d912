// The tick's first duty: keep Gmail push alive and say so when it has stopped. Renews the watch daily
// (this process remembers when it last did; the poll never writes static data), checks that the
// subscription still exists and pushes to this trigger, and keeps the watch-expiry label current.
// A stop is thrown as an error, which n8n hands to the workflow's Error Workflow.
import type { IPollFunctions } from 'n8n-workflow';
import { subscriptionProblem, watchRenewalDue, type WatchMemo } from '../shared/pubsub/health';
import { managedLabels, watchExpiryOf } from '../shared/pubsub/labels';
import { GMAIL_PUSH_ACCOUNT } from '../shared/pubsub/names';
import { RECONNECT_MESSAGE } from '../shared/transport';
import { gmailWatch } from '../shared/transport/gmail';
import { pubsubGetSubscription, pubsubPatchSubscription, type PubsubSubscription } from '../shared/transport/pubsub';
import { healthKind, memoKey, pushStopped, readPushState, watchMemos, wordsOfError, type PushState } from './pushState';

/** A renewal that failed for a passing reason is only a warning while the watch has this long left. */
const TRANSIENT_GRACE_MS = 2 * 3_600_000;

export interface PushHealth {
	/** Whether users.watch was called on this tick. */
	renewed: boolean;
	/** Epoch ms the watch expires, as far as this process knows. */
	watchExpiration: number;
}

const REPUBLISH = 'Unpublish and publish the workflow again to set push up anew (mail is not lost: the cursor stays).';

/** `byGmail`: Gmail's refusal of the watch (its 403 means Gmail may not publish, not that we lack a role). */
function stoppedBy(ctx: IPollFunctions, state: PushState, what: string, error: unknown, byGmail = false): Error {
	const node = ctx.getNode();
	const words = wordsOfError(error);
	const kind = healthKind(error);
	switch (byGmail && kind === 'permission' ? 'refused' : kind) {
		case 'reconnect':
			return pushStopped(node, RECONNECT_MESSAGE, `Gmail stops pushing when its watch is not renewed. Reconnect the credential; the next tick renews the watch (${what}).`);
		case 'scope':
			return pushStopped(node, words.replace(/^The/, 'the'), `Needed to ${what}. Switch the surface on in the credential and reconnect it with consent.`);
		case 'permission':
			return pushStopped(
				node,
				`permission lost to ${what}: ${words}`,
				state.mode === 'create'
					? 'The connection (user or service account) needs roles/pubsub.editor on the project, or the narrower set in the README (Gmail push).'
					: `Check that ${GMAIL_PUSH_ACCOUNT} still has the Pub/Sub Publisher role on ${state.topic}.`,
			);
		default:
			return pushStopped(
				node,
				`Gmail refused to ${what}: ${words}`,
				`Check that the topic ${state.topic} exists and that ${GMAIL_PUSH_ACCOUNT} has the Pub/Sub Publisher role on it. ${REPUBLISH}`,
			);
	}
}

async function renewWatch(ctx: IPollFunctions, state: PushState, memo: WatchMemo | undefined, now: number): Promise<WatchMemo | undefined> {
	try {
		const watch = await gmailWatch(ctx, { topicName: state.topic, labelIds: state.labelIds ?? [] });
		return { renewedAt: now, expiration: Number(watch.expiration) };
	} catch (error) {
		const expiration = memo?.expiration ?? Number(state.watch?.expiration ?? 0);
		if (healthKind(error) !== 'transient') throw stoppedBy(ctx, state, `renew the Gmail watch on ${state.topic}`, error, true);
		if (expiration - now > TRANSIENT_GRACE_MS) {
			ctx.logger.warn(`Gmail push: renewing the watch failed for now (${wordsOfError(error)}); the next tick tries again`);
			return undefined;
		}
		const ends = expiration > 0 ? new Date(expiration).toISOString() : 'soon';
		throw pushStopped(ctx.getNode(), `the Gmail watch on ${state.topic} ends ${ends} and renewing it keeps failing: ${wordsOfError(error)}`, 'The next tick tries again; if Google keeps failing, mail is read again once push works (the cursor stays).');
	}
}

async function checkSubscription(ctx: IPollFunctions, state: PushState, memo: WatchMemo | undefined): Promise<void> {
	const name = state.subscription as string;
	let sub: PubsubSubscription | undefined;
	try {
		sub = await pubsubGetSubscription(ctx, name);
	} catch (error) {
		if (healthKind(error) === 'transient') {
			ctx.logger.warn(`Gmail push: could not check the subscription ${name} (${wordsOfError(error)}); the next tick tries again`);
			return;
		}
		throw stoppedBy(ctx, state, `read the subscription ${name}`, error);
	}
	if (!sub) throw pushStopped(ctx.getNode(), `the Pub/Sub subscription ${name} was deleted, so nothing reaches this trigger`, REPUBLISH);
	const problem = subscriptionProblem(sub, { topic: state.topic, endpoint: state.endpoint, serviceAccountEmail: state.serviceAccountEmail, audience: state.audience });
	if (problem) throw pushStopped(ctx.getNode(), `the Pub/Sub subscription ${name} was changed: ${problem}`, REPUBLISH);
	if (!memo || watchExpiryOf(sub.labels) === Math.floor(memo.expiration / 1000) * 1000) return;
	try {
		await pubsubPatchSubscription(ctx, name, { labels: managedLabels(memo.expiration, sub.labels) }, ['labels']);
	} catch (error) {
		if (healthKind(error) !== 'transient') throw stoppedBy(ctx, state, `label the subscription ${name} with the watch expiry`, error);
		ctx.logger.warn(`Gmail push: could not record the watch expiry on ${name} (${wordsOfError(error)})`);
	}
}

/** Trigger-mode tick: renew when due, check the subscription (create mode), throw when push has stopped. */
export async function maintainPush(ctx: IPollFunctions, opts: { now?: number } = {}): Promise<PushHealth> {
	const now = opts.now ?? Date.now();
	const state = readPushState(ctx.getWorkflowStaticData('node'));
	if (!state) throw pushStopped(ctx.getNode(), 'it was never set up for this trigger (no set-up found in the workflow)', REPUBLISH);
	const key = memoKey(ctx.getWorkflow().id, ctx.getNode().id);
	let memo = watchMemos.get(key);
	let renewed = false;
	if (watchRenewalDue(memo, now)) {
		const next = await renewWatch(ctx, state, memo, now);
		if (next) {
			memo = next;
			watchMemos.set(key, next);
			renewed = true;
		}
	}
	if (state.mode === 'create' && state.subscription) await checkSubscription(ctx, state, memo);
	return { renewed, watchExpiration: memo?.expiration ?? Number(state.watch?.expiration ?? 0) };
}
