// "Fetch Test Event" in the editor. n8n 2.41 waits for a call to the trigger's test URL (a node with
// webhooks never takes the poll path there) and registers that URL through the same webhook methods.
// Pub/Sub pushes only to the published subscription, so the test makes its own: a temporary push
// subscription on the same topic to the test URL (same OIDC settings, so the same verification), then
// publishes one notification for the mailbox. The push that reaches the test URL shows the newest
// matching mail, as the Gmail Sync Trigger's test does; the test's end deletes that subscription.
// The published set-up (its subscription, watch, cursor and static data) is never read or written.
import {
	NodeOperationError,
	type IDataObject,
	type IHookFunctions,
	type INodeExecutionData,
	type IPollFunctions,
	type IWebhookFunctions,
} from 'n8n-workflow';
import { sampleRecentMail, syncOptionsFrom } from '../shared/gmail/sync';
import { notificationText } from '../shared/gmail/push/envelope';
import { isManaged, managedLabels } from '../shared/pubsub/labels';
import { subscriptionIdFor, subscriptionPath } from '../shared/pubsub/names';
import { gmailProfile } from '../shared/transport/gmail';
import {
	pubsubCreateSubscription,
	pubsubCreateTopic,
	pubsubDeleteSubscription,
	pubsubDeleteTopic,
	pubsubListSubscriptions,
	pubsubPublish,
} from '../shared/transport/pubsub';
import { settingsError, wordsOfError } from './pushState';
import { readPushSettings, type PushSettings } from './setupProperties';

/** The test registration's own static data (n8n keeps it with the registration, not the workflow). */
export const EDITOR_TEST_KEY = 'pushEditorTest';
/** The Pub/Sub attribute of the notification the test publishes. */
export const EDITOR_TEST_ORIGIN = 'editor-test';
/** Label that tells the temporary subscription from a published one. */
export const EDITOR_TEST_LABEL = 'n8n-editor-test';

interface EditorTestState {
	project: string;
	topic: string;
	subscription: string;
	createdTopic: boolean;
}

/** Whether this hook call is the editor's test registration (checkExists/create in manual mode). */
export function isEditorTest(ctx: IHookFunctions): boolean {
	return ctx.getMode() === 'manual' || ctx.getActivationMode() === 'manual';
}

function settingsOf(ctx: IHookFunctions): PushSettings {
	try {
		return readPushSettings((name, fallback) => ctx.getNodeParameter(name, fallback));
	} catch (error) {
		throw settingsError(ctx.getNode(), error);
	}
}

function testFailed(ctx: IHookFunctions, step: string, error: unknown): NodeOperationError {
	return new NodeOperationError(ctx.getNode(), `Fetch Test Event could not ${step}: ${wordsOfError(error)}`, {
		description:
			'The test makes a temporary Pub/Sub subscription to the test URL, which needs the same Pub/Sub rights as publishing in "Create Topic and Subscription for Me". Without them, publish the workflow and open its executions.',
	});
}

/** Test registration: a temporary push subscription to the test URL, then one notification published. */
export async function startEditorTest(ctx: IHookFunctions): Promise<boolean> {
	const settings = settingsOf(ctx);
	const testUrl = ctx.getNodeWebhookUrl('default');
	if (!testUrl) throw new NodeOperationError(ctx.getNode(), 'n8n did not give this trigger a test URL');
	const topic = settings.topic.name;
	const subscription = subscriptionPath(settings.project, subscriptionIdFor(testUrl, topic));
	const staticData = ctx.getWorkflowStaticData('node');
	let profile;
	try {
		profile = await gmailProfile(ctx);
	} catch (error) {
		throw testFailed(ctx, 'read the mailbox address (Gmail profile)', error);
	}
	let createdTopic = false;
	if (settings.mode === 'create') {
		// A first test before the first publish: the topic publishing would make, labelled the same way.
		try {
			createdTopic = (await pubsubCreateTopic(ctx, topic, managedLabels())).created;
		} catch (error) {
			throw testFailed(ctx, `create the topic ${topic}`, error);
		}
	}
	const state: EditorTestState = { project: settings.project, topic, subscription, createdTopic };
	staticData[EDITOR_TEST_KEY] = state as unknown as IDataObject;
	try {
		const made = await pubsubCreateSubscription(ctx, subscription, {
			topic,
			pushConfig: { pushEndpoint: testUrl, oidcToken: { serviceAccountEmail: settings.serviceAccountEmail, audience: settings.audience ?? testUrl } },
			ackDeadlineSeconds: 10,
			labels: { ...managedLabels(), [EDITOR_TEST_LABEL]: 'true' },
		});
		if (!made.created && !isManaged(made.subscription.labels)) throw new Error(`a subscription ${subscription} that this trigger did not make exists`);
		await pubsubPublish(ctx, topic, [{ data: notificationText({ emailAddress: profile.emailAddress, historyId: profile.historyId }), attributes: { origin: EDITOR_TEST_ORIGIN } }], { idempotent: true });
	} catch (error) {
		await endEditorTest(ctx);
		throw testFailed(ctx, `push a test notification through ${subscription}`, error);
	}
	return true;
}

/** The test's end (n8n calls delete with the test registration's static data): remove what the test made. */
export async function endEditorTest(ctx: IHookFunctions): Promise<boolean> {
	const staticData = ctx.getWorkflowStaticData('node');
	const state = staticData[EDITOR_TEST_KEY] as EditorTestState | undefined;
	if (!state || typeof state.subscription !== 'string') return false;
	try {
		await pubsubDeleteSubscription(ctx, state.subscription);
		if (state.createdTopic) {
			// Kept when the workflow was published meanwhile (its subscription reads from it).
			const others = (await pubsubListSubscriptions(ctx, state.project)).filter((s) => s.topic === state.topic);
			if (!others.length) await pubsubDeleteTopic(ctx, state.topic);
		}
	} catch (error) {
		ctx.logger.warn(`Gmail push: could not remove the editor test's subscription ${state.subscription}: ${wordsOfError(error)}; remove it in Google Cloud console`);
	}
	delete staticData[EDITOR_TEST_KEY];
	return true;
}

/** What the test shows (poll in manual mode, or the push that reached the test URL): recent matching mail. */
export async function sampleForEditor(ctx: IPollFunctions | IWebhookFunctions, maxParam: string): Promise<INodeExecutionData[][]> {
	const options = syncOptionsFrom((name, fallback) => ctx.getNodeParameter(name, fallback), maxParam);
	const sample = await sampleRecentMail(ctx, options, 5);
	if (!sample.length)
		throw new NodeOperationError(ctx.getNode(), 'No mail to show: the chosen labels hold no message that matches Direction and Contacts', {
			description: 'Fetch Test Event shows the latest matching mail; nothing is stored. Send or label a message, or widen Labels, Direction or Contacts, then fetch again.',
		});
	return [sample.map((a) => ({ json: a as unknown as IDataObject }))];
}
