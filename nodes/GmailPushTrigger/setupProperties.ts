// The Gmail Push Trigger's Pub/Sub set-up fields, and reading them into checked settings before any
// Google call (a wrong field fails with its name, not with Google's 400 after half the set-up).
import type { INodeProperties } from 'n8n-workflow';
import {
	DEFAULT_TOPIC_NAME,
	PushSettingsError,
	checkProjectId,
	checkResourceId,
	checkServiceAccountEmail,
	parseTopicName,
	topicPath,
	type TopicPath,
} from '../shared/pubsub/names';

export type PushSetupMode = 'create' | 'existing';

export interface PushSettings {
	mode: PushSetupMode;
	project: string;
	topic: TopicPath;
	/** The email Pub/Sub signs each push with; the webhook accepts no other. */
	serviceAccountEmail: string;
	/** The token audience the user set, or undefined for the trigger's production URL. */
	audience?: string;
}

const create = { show: { setupMode: ['create'] } };
const existing = { show: { setupMode: ['existing'] } };

export const pushSetupProperties: INodeProperties[] = [
	{
		displayName: 'Pub/Sub Set-Up',
		name: 'setupMode',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Create Topic and Subscription for Me',
				value: 'create',
				description:
					'On publish: create (or reuse) the topic, let Gmail publish to it, create a push subscription to this trigger and start the Gmail watch; on unpublish remove what was created. Needs the Cloud Pub/Sub surface.',
			},
			{
				name: 'Use My Topic (Watch Only)',
				value: 'existing',
				description: 'You made the topic and its push subscription to this trigger yourself: only the Gmail watch is started, renewed and stopped',
			},
		],
		default: 'create',
	},
	{
		displayName: 'Project ID',
		name: 'projectId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'my-crm-project',
		description: 'The Google Cloud project that holds the Pub/Sub topic and subscription (its ID, not its name)',
		displayOptions: create,
	},
	{
		displayName: 'Topic Name',
		name: 'topicName',
		type: 'string',
		required: true,
		default: DEFAULT_TOPIC_NAME,
		description: 'The Pub/Sub topic Gmail publishes to; reused when it already exists (then it is kept on unpublish)',
		displayOptions: create,
	},
	{
		displayName: 'Topic Name',
		name: 'topicName',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'projects/my-crm-project/topics/gmail-push',
		description:
			'The full name of your topic. gmail-api-push@system.gserviceaccount.com needs the Pub/Sub Publisher role on it, and its push subscription must push to this trigger\'s production URL with authentication on.',
		displayOptions: existing,
	},
	{
		displayName: 'Push Service Account',
		name: 'pushServiceAccount',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'gmail-push@my-crm-project.iam.gserviceaccount.com',
		description:
			'The service account the subscription signs each push with (OIDC token). Pushes signed by any other account are refused. Whoever creates the subscription needs iam.serviceAccounts.actAs on it.',
	},
	{
		displayName: 'Token Audience',
		name: 'audience',
		type: 'string',
		default: '',
		placeholder: 'Empty: this trigger\'s production URL',
		description: 'The audience of the push token; leave empty to use the trigger\'s production URL (as Pub/Sub does by default)',
	},
];

/** The settings from `getParam(name, fallback)`, checked; throws PushSettingsError naming the field. */
export function readPushSettings(getParam: (name: string, fallback: unknown) => unknown): PushSettings {
	const mode: PushSetupMode = getParam('setupMode', 'create') === 'existing' ? 'existing' : 'create';
	let topic: TopicPath;
	if (mode === 'existing') {
		topic = parseTopicName(getParam('topicName', ''));
	} else {
		const project = checkProjectId(getParam('projectId', ''));
		const raw = String(getParam('topicName', DEFAULT_TOPIC_NAME) ?? '').trim();
		// A full name pasted into the create field is fine when it names the same project.
		topic = raw.startsWith('projects/') ? parseTopicName(raw) : topicPath(project, checkResourceId(raw, 'Topic Name', 'topic'));
		if (topic.project !== project)
			throw new PushSettingsError('Topic Name', `Topic Name "${raw}" names another project than Project ID "${project}": give only the topic's name, or the same project`);
	}
	const audience = String(getParam('audience', '') ?? '').trim();
	return {
		mode,
		project: topic.project,
		topic,
		serviceAccountEmail: checkServiceAccountEmail(getParam('pushServiceAccount', '')),
		audience: audience || undefined,
	};
}
