// Cloud Pub/Sub resource names and the push settings the Gmail Push Trigger is given, checked before
// any call so a typo fails with the field's name instead of Google's 400. Pure: no n8n imports.
import { createHash } from 'node:crypto';

/** Gmail publishes every notification as this account; it needs roles/pubsub.publisher on the topic. */
export const GMAIL_PUSH_ACCOUNT = 'gmail-api-push@system.gserviceaccount.com';
export const GMAIL_PUSH_MEMBER = `serviceAccount:${GMAIL_PUSH_ACCOUNT}`;
export const PUBLISHER_ROLE = 'roles/pubsub.publisher';
export const DEFAULT_TOPIC_NAME = 'n8n-gmail-push';

/** Thrown for settings that are wrong before anything is sent; `field` is the parameter's display name. */
export class PushSettingsError extends Error {
	constructor(
		readonly field: string,
		message: string,
	) {
		super(message);
		this.name = 'PushSettingsError';
	}
}

// Google: 6–30 characters, lower-case letters, digits and hyphens, a letter first, no hyphen last;
// older projects may carry a domain prefix ("example.com:my-project").
const PROJECT_ID = /^(?:[a-z0-9][a-z0-9.-]*[a-z0-9]:)?[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
// Topic and subscription ids: 3–255 characters of letters, digits and - _ . ~ + %, a letter first, not "goog…".
const RESOURCE_ID = /^[A-Za-z][A-Za-z0-9\-_.~+%]{2,254}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function checkProjectId(value: unknown, field = 'Project ID'): string {
	const id = String(value ?? '').trim();
	if (!id) throw new PushSettingsError(field, `${field} is empty: enter the Google Cloud project that holds (or will hold) the Pub/Sub topic, e.g. "my-crm-project"`);
	if (!PROJECT_ID.test(id))
		throw new PushSettingsError(
			field,
			`${field} "${id}" is not a Google Cloud project id: 6–30 lower-case letters, digits or hyphens, starting with a letter (the id, not the project's display name or number)`,
		);
	return id;
}

export function checkResourceId(value: unknown, field: string, kind: 'topic' | 'subscription'): string {
	const id = String(value ?? '').trim();
	if (!id) throw new PushSettingsError(field, `${field} is empty: enter the ${kind} name`);
	if (/^goog/i.test(id)) throw new PushSettingsError(field, `${field} "${id}" starts with "goog", which Google reserves`);
	if (!RESOURCE_ID.test(id))
		throw new PushSettingsError(field, `${field} "${id}" is not a valid ${kind} name: 3–255 letters, digits or - _ . ~ + %, starting with a letter`);
	return id;
}

export interface TopicPath {
	project: string;
	topic: string;
	/** projects/P/topics/T */
	name: string;
}

export function topicPath(project: string, topic: string): TopicPath {
	return { project, topic, name: `projects/${project}/topics/${topic}` };
}

/** A full topic name "projects/P/topics/T", each part checked. */
export function parseTopicName(value: unknown, field = 'Topic Name'): TopicPath {
	const text = String(value ?? '').trim();
	const m = /^projects\/([^/]+)\/topics\/([^/]+)$/.exec(text);
	if (!m)
		throw new PushSettingsError(
			field,
			`${field} "${text}" is not a full topic name: with an existing topic give it as projects/<project id>/topics/<topic>, as Google Cloud console shows it`,
		);
	return topicPath(checkProjectId(m[1], `${field} (project part)`), checkResourceId(m[2], `${field} (topic part)`, 'topic'));
}

export function checkServiceAccountEmail(value: unknown, field = 'Push Service Account'): string {
	const email = String(value ?? '').trim();
	if (!email)
		throw new PushSettingsError(
			field,
			`${field} is empty: enter the service account Pub/Sub signs each push with (e.g. gmail-push@my-crm-project.iam.gserviceaccount.com); the trigger accepts pushes only from it`,
		);
	if (!EMAIL.test(email)) throw new PushSettingsError(field, `${field} "${email}" is not an email address`);
	return email;
}

/**
 * The push subscription's id: one per trigger URL and topic, so reactivating the same trigger finds its
 * own subscription again and two triggers never share one. Starts with a letter, well under 255 characters.
 */
export function subscriptionIdFor(webhookUrl: string, topicName: string): string {
	const digest = createHash('sha256').update(`${webhookUrl}\n${topicName}`).digest('hex').slice(0, 20);
	return `n8n-gmail-push-${digest}`;
}

export function subscriptionPath(project: string, subscriptionId: string): string {
	return `projects/${project}/subscriptions/${subscriptionId}`;
}

/** "projects/P/subscriptions/S" → P, or undefined. */
export function projectOf(resourceName: string): string | undefined {
	return /^projects\/([^/]+)\//.exec(resourceName)?.[1];
}
