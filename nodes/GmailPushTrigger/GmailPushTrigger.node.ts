import {
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type IPollFunctions,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';
import { getGmailLabels } from '../shared/methods';
import { authenticationProperty, pollingTriggerBase } from '../shared/descriptions';
import { syncFilterProperties, syncTuningProperties } from '../shared/gmail/sync';
import { asNodeError } from '../shared/transport';
import { pushWebhookMethods } from './lifecycle';
import { DEFAULT_MAX_PER_PUSH, MAX_PER_PUSH_PARAM, handlePush } from './push';
import { pushSetupProperties } from './setupProperties';
import { sampleForEditor } from './editorTest';
import { tick } from './tick';

/**
 * Gmail mail in seconds: Gmail publishes each change to a Pub/Sub topic, Pub/Sub pushes to this
 * trigger's webhook, which reads history from the cursor and emits the same activities as the Gmail
 * Sync Trigger. The poll is a tick that keeps the watch alive and catches dropped notifications.
 */
export class GmailPushTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Gmail Push Trigger',
		name: 'gmailPushTrigger',
		icon: { light: 'file:gmail.svg', dark: 'file:gmail.dark.svg' },
		...pollingTriggerBase,
		subtitle: '={{"Gmail → CRM activities, pushed"}}',
		description: 'Turns new Gmail mail into CRM activities within seconds, pushed through Cloud Pub/Sub, exactly once',
		defaults: { name: 'Gmail Push Trigger' },
		webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'gmail-push' }],
		properties: [
			{
				displayName:
					'Pub/Sub pushes to the production URL above once the workflow is published. Fetch Test Event pushes one notification through a temporary subscription to the test URL and shows recent mail. The poll times below are the tick: it renews the Gmail watch and catches notifications Google dropped.',
				name: 'pushNotice',
				type: 'notice',
				default: '',
			},
			authenticationProperty,
			...syncFilterProperties(),
			...pushSetupProperties,
			{
				displayName: 'Max Messages per Push',
				name: MAX_PER_PUSH_PARAM,
				type: 'number',
				typeOptions: { minValue: 1 },
				default: DEFAULT_MAX_PER_PUSH,
				description: 'At most this many messages are read per push; the rest follow at once through a continuation message',
			},
			...syncTuningProperties().filter((p) => p.name === 'includeBodies'),
		],
	};

	methods = { loadOptions: { getGmailLabels } };

	webhookMethods = { default: pushWebhookMethods };

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await handlePush.call(this);
	}

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		try {
			if (this.getMode() === 'manual') return await sampleForEditor(this, MAX_PER_PUSH_PARAM);
			return await tick(this);
		} catch (error) {
			throw asNodeError(this.getNode(), error);
		}
	}
}
