// Set-up and teardown of Gmail push, called by n8n when the workflow is published or unpublished.
// Create mode: topic (created or reused), Gmail's publisher binding (merged into the policy), a push
// subscription to this trigger with OIDC, then users.watch. Existing mode: only the watch. A failed
// step undoes what this set-up made and names the step; settings are checked before any call.
import { NodeOperationError, type IDataObject, type IHookFunctions } from 'n8n-workflow';
import { isGmailSyncCursor, newCursor, syncOptionsFrom } from '../shared/gmail/sync';
import { subscriptionProblem } from '../shared/pubsub/health';
import { withMember, withoutMember } from '../shared/pubsub/iamPolicy';
import { isManaged, managedLabels } from '../shared/pubsub/labels';
import { GMAIL_PUSH_ACCOUNT, GMAIL_PUSH_MEMBER, PUBLISHER_ROLE, subscriptionIdFor, subscriptionPath } from '../shared/pubsub/names';
import { gmailProfile, gmailStop, gmailWatch } from '../shared/transport/gmail';
import {
	pubsubCreateSubscription,
	pubsubCreateTopic,
	pubsubDeleteSubscription,
	pubsubDeleteTopic,
	pubsubGetSubscription,
	pubsubGetTopic,
	pubsubListSubscriptions,
	pubsubPatchSubscription,
	pubsubUpdateTopicPolicy,
	type PubsubSubscription,
} from '../shared/transport/pubsub';
import { endEditorTest, isEditorTest, startEditorTest } from './editorTest';
import { PUSH_CURSOR_KEY, PUSH_STATE_KEY, healthKind, memoKey, readPushState, settingsError, stepError, watchMemos, wordsOfError, type PushState } from './pushState';
import { readPushSettings, type PushSettings } from './setupProperties';

export { maintainPush } from './maintain';

/** Pub/Sub's ack deadline for our pushes: the push path answers well inside it (BRIEFING-13). */
export const ACK_DEADLINE_SECONDS = 60;

interface Wanted {
	settings: PushSettings;
	endpoint: string;
	audience: string;
	labelIds: string[];
	subscription?: string;
}

/** Everything the set-up needs, checked before any Google call. */
function wanted(ctx: IHookFunctions): Wanted {
	let settings: PushSettings;
	try {
		settings = readPushSettings((name, fallback) => ctx.getNodeParameter(name, fallback));
	} catch (error) {
		throw settingsError(ctx.getNode(), error);
	}
	const endpoint = ctx.getNodeWebhookUrl('default');
	if (!endpoint) throw new NodeOperationError(ctx.getNode(), 'n8n did not give this trigger a webhook URL');
	const { labelIds } = syncOptionsFrom((name, fallback) => ctx.getNodeParameter(name, fallback), 'maxPerPush');
	const subscription = settings.mode === 'create' ? subscriptionPath(settings.project, subscriptionIdFor(endpoint, settings.topic.name)) : undefined;
	return { settings, endpoint, audience: settings.audience ?? endpoint, labelIds, subscription };
}

function pushBody(want: Wanted): PubsubSubscription {
	return {
		topic: want.settings.topic.name,
		pushConfig: { pushEndpoint: want.endpoint, oidcToken: { serviceAccountEmail: want.settings.serviceAccountEmail, audience: want.audience } },
		ackDeadlineSeconds: ACK_DEADLINE_SECONDS,
		labels: managedLabels(),
	};
}

const sameLabels = (a: string[], b: string[]) => a.length === b.length && a.every((l) => b.includes(l));

/** Whether the set-up in static data is what the settings ask for and its subscription still pushes to us. */
export async function checkExists(this: IHookFunctions): Promise<boolean> {
	// The editor's test run registers the test URL through these methods too. A set-up for it would
	// replace the published one (one watch per mailbox): create makes only the test's own subscription.
	if (isEditorTest(this)) return false;
	const want = wanted(this);
	const state = readPushState(this.getWorkflowStaticData('node'));
	if (!state) return false;
	const same =
		state.mode === want.settings.mode &&
		state.topic === want.settings.topic.name &&
		state.endpoint === want.endpoint &&
		state.audience === want.audience &&
		state.serviceAccountEmail === want.settings.serviceAccountEmail &&
		state.subscription === want.subscription &&
		sameLabels(state.labelIds ?? [], want.labelIds);
	if (!same) return false;
	if (!state.subscription) return true;
	let sub: Awaited<ReturnType<typeof pubsubGetSubscription>>;
	let failure: unknown;
	try {
		sub = await pubsubGetSubscription(this, state.subscription);
	} catch (error) {
		failure = error;
	}
	if (failure !== undefined) {
		// A passing Pub/Sub fault while n8n starts must not fail the activation or rebuild a set-up that
		// is probably fine: trust the saved one; the first tick checks the subscription again.
		if (healthKind(failure) !== 'transient') throw failure;
		this.logger.warn(`Gmail push: could not check the subscription ${state.subscription} (${wordsOfError(failure)}); keeping the saved set-up, the next tick checks it`);
		return true;
	}
	return !!sub && !subscriptionProblem(sub, { topic: state.topic, endpoint: state.endpoint, serviceAccountEmail: state.serviceAccountEmail, audience: state.audience });
}

interface Undo {
	what: string;
	run: () => Promise<unknown>;
}

/** Runs one named step; on failure undoes the earlier steps of this set-up (newest first) and throws. */
async function step<T>(ctx: IHookFunctions, name: string, undo: Undo[], run: () => Promise<T>): Promise<T> {
	let failure: unknown;
	try {
		return await run();
	} catch (error) {
		failure = error;
	}
	const undone: string[] = [];
	const leftOver: string[] = [];
	for (const u of [...undo].reverse()) {
		try {
			await u.run();
			undone.push(u.what);
		} catch (error) {
			leftOver.push(`${u.what} (${wordsOfError(error)})`);
		}
	}
	throw stepError(ctx.getNode(), name, failure, undone, leftOver);
}

/** Publish: set up what the settings ask for, replacing a previous set-up of this node that differs. */
export async function create(this: IHookFunctions): Promise<boolean> {
	if (isEditorTest(this)) return await startEditorTest(this);
	const want = wanted(this);
	const staticData = this.getWorkflowStaticData('node');
	const previous = readPushState(staticData);
	const topic = want.settings.topic.name;
	const undo: Undo[] = [];
	const profile = await step(this, 'reading the mailbox address (Gmail profile)', undo, async () => await gmailProfile(this));
	// Ownership carries over from a previous set-up of the same topic, so unpublishing still cleans up.
	const sameTopic = previous?.topic === topic && previous.mode === 'create';
	let createdTopic = false;
	let grantedPublisher = false;
	let createdSubscription = false;
	if (want.settings.mode === 'create') {
		const made = await step(this, `creating the topic ${topic}`, undo, async () => await pubsubCreateTopic(this, topic, managedLabels()));
		if (made.created) undo.push({ what: `deleted the topic ${topic}`, run: async () => await pubsubDeleteTopic(this, topic) });
		// A topic with our label was made by a Gmail Push Trigger (this one, when a create's answer was lost
		// and the retry met 409, or another): whoever unpublishes last removes it (teardown keeps it while
		// another subscription reads from it). A topic made by hand has no label and is never deleted.
		const labelled = made.created ? true : isManaged((await step(this, `reading the topic ${topic}`, undo, async () => await pubsubGetTopic(this, topic)))?.labels);
		createdTopic = labelled || (sameTopic && previous.createdTopic);
		const grant = await step(this, `granting ${GMAIL_PUSH_ACCOUNT} the Pub/Sub Publisher role on ${topic}`, undo, async () =>
			await pubsubUpdateTopicPolicy(this, topic, (p) => withMember(p, PUBLISHER_ROLE, GMAIL_PUSH_MEMBER)),
		);
		if (grant.changed && !made.created)
			undo.push({ what: `removed the publisher binding from ${topic}`, run: async () => await pubsubUpdateTopicPolicy(this, topic, (p) => withoutMember(p, PUBLISHER_ROLE, GMAIL_PUSH_MEMBER)) });
		grantedPublisher = !createdTopic && (grant.changed || (sameTopic && previous.grantedPublisher));
		const name = want.subscription as string;
		const sub = await step(this, `creating the push subscription ${name}`, undo, async () => {
			const result = await pubsubCreateSubscription(this, name, pushBody(want));
			if (result.created) return result;
			const problem = subscriptionProblem(result.subscription, { topic, endpoint: want.endpoint, serviceAccountEmail: want.settings.serviceAccountEmail, audience: want.audience });
			if (problem && !isManaged(result.subscription.labels))
				throw new NodeOperationError(this.getNode(), `a subscription of that name exists and ${problem}; delete it or change Topic Name`);
			// Ours from an earlier set-up whose push settings changed: bring it in line.
			if (problem) await pubsubPatchSubscription(this, name, { pushConfig: pushBody(want).pushConfig }, ['pushConfig']);
			return result;
		});
		if (sub.created) undo.push({ what: `deleted the subscription ${name}`, run: async () => await pubsubDeleteSubscription(this, name) });
		createdSubscription = sub.created || isManaged(sub.subscription.labels);
	}
	const watch = await step(this, `starting the Gmail watch on ${topic}`, undo, async () => await gmailWatch(this, { topicName: topic, labelIds: want.labelIds }));
	if (want.subscription) {
		try {
			await pubsubPatchSubscription(this, want.subscription, { labels: managedLabels(watch.expiration) }, ['labels']);
		} catch (error) {
			// Only Connection → Check reads it; the next tick writes it again.
			this.logger.warn(`Gmail push: could not record the watch expiry on ${want.subscription}: ${wordsOfError(error)}`);
		}
	}
	if (previous) await teardown(this, previous, { topic, subscription: want.subscription });
	const state: PushState = {
		mode: want.settings.mode,
		project: want.settings.project,
		topic,
		...(want.subscription ? { subscription: want.subscription } : {}),
		createdTopic,
		createdSubscription,
		grantedPublisher,
		endpoint: want.endpoint,
		audience: want.audience,
		serviceAccountEmail: want.settings.serviceAccountEmail,
		labelIds: want.labelIds,
		emailAddress: profile.emailAddress,
		watch: { historyId: String(watch.historyId), expiration: String(watch.expiration) },
	};
	staticData[PUSH_STATE_KEY] = state as unknown as IDataObject;
	// Mail between now and the first push is read from here (the push path is the cursor's only writer).
	const cursor = staticData[PUSH_CURSOR_KEY];
	if (!isGmailSyncCursor(cursor) || cursor.account !== profile.emailAddress)
		staticData[PUSH_CURSOR_KEY] = newCursor(profile.emailAddress, String(watch.historyId), Date.now()) as unknown as IDataObject;
	watchMemos.set(memoKey(this.getWorkflow().id, this.getNode().id), { renewedAt: Date.now(), expiration: Number(watch.expiration) });
	return true;
}

/**
 * Removes what `state` created, except what `keep` names (still in use by the new set-up). A topic
 * another subscription still reads from is kept, with its binding. Failures are logged, not thrown:
 * unpublishing must not be blocked by a resource someone already removed.
 */
async function teardown(ctx: IHookFunctions, state: PushState, keep: { topic?: string; subscription?: string } = {}): Promise<string[]> {
	const left: string[] = [];
	const attempt = async (what: string, run: () => Promise<unknown>) => {
		try {
			await run();
		} catch (error) {
			left.push(what);
			ctx.logger.warn(`Gmail push: could not ${what}: ${wordsOfError(error)}; remove it in Google Cloud console`);
		}
	};
	if (state.subscription && state.createdSubscription && state.subscription !== keep.subscription)
		await attempt(`delete the subscription ${state.subscription}`, async () => await pubsubDeleteSubscription(ctx, state.subscription as string));
	if (state.mode !== 'create' || state.topic === keep.topic || (!state.createdTopic && !state.grantedPublisher)) return left;
	let others: string[] = [];
	await attempt(`list the subscriptions of ${state.project}`, async () => {
		others = (await pubsubListSubscriptions(ctx, state.project)).filter((s) => s.topic === state.topic && s.name !== state.subscription).map((s) => s.name ?? '');
	});
	if (left.length) return left;
	if (others.length) {
		ctx.logger.info(`Gmail push: kept the topic ${state.topic}, which ${others.join(', ')} still read from`);
		return left;
	}
	if (state.createdTopic) await attempt(`delete the topic ${state.topic}`, async () => await pubsubDeleteTopic(ctx, state.topic));
	else await attempt(`remove Gmail's publisher binding from ${state.topic}`, async () => await pubsubUpdateTopicPolicy(ctx, state.topic, (p) => withoutMember(p, PUBLISHER_ROLE, GMAIL_PUSH_MEMBER)));
	return left;
}

/** Unpublish: stop the watch, then remove what the set-up created (a reused topic keeps all but our binding). */
export async function deleteSetup(this: IHookFunctions): Promise<boolean> {
	// The end of an editor test: its static data is the test registration's, with what the test made.
	if (await endEditorTest(this)) return true;
	const staticData = this.getWorkflowStaticData('node');
	const state = readPushState(staticData);
	if (!state) return true;
	// The end of an editor test calls delete as unpublishing does, with the test URL: the published
	// set-up is not its to remove.
	const url = this.getNodeWebhookUrl('default');
	if (url !== state.endpoint) {
		this.logger.info(`Gmail push: left the set-up for ${state.endpoint} in place (this call was for ${url ?? 'no URL'})`);
		return true;
	}
	watchMemos.delete(memoKey(this.getWorkflow().id, this.getNode().id));
	try {
		await gmailStop(this);
	} catch (error) {
		this.logger.warn(`Gmail push: users.stop failed (${wordsOfError(error)}); the watch ends by itself within 7 days`);
	}
	await teardown(this, state);
	delete staticData[PUSH_STATE_KEY];
	return true;
}

export const pushWebhookMethods = { checkExists, create, delete: deleteSetup };
