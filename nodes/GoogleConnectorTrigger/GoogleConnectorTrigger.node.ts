import { NodeConnectionTypes, type IHookFunctions, type INodeType, type INodeTypeDescription, type IWebhookFunctions, type IWebhookResponseData } from 'n8n-workflow';
import { webhookSecretsTest } from '../shared/webhook/credential';
import { handleWebhook } from './router';
import { subscribe, subscriptionsExist, unsubscribeAll } from './subscriptions';

export class GoogleConnectorTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Google Connector Trigger',
		name: 'googleConnectorTrigger',
		icon: { light: 'file:google.svg', dark: 'file:google.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{($parameter["actions"] || []).join(", ")}}',
		description: 'Starts the workflow on Google Ads lead forms, conversion callbacks, performance alerts and YouTube uploads',
		defaults: { name: 'Google Connector Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'googleConnectorWebhookApi', required: true, testedBy: 'webhookSecretsTest' }],
		webhooks: [
			// Same URL; the hub's verification GETs. Only 'default' has lifecycle methods, so n8n subscribes once.
			// A request that starts a run is answered by n8n after it stored the execution: status 200 and
			// the node's webhookResponse as the body (responseData '' selects it; absent, n8n 2.41 sends
			// the text "firstEntryJson"). Refusals are written by the node itself.
			{ name: 'setup', httpMethod: 'GET', responseMode: 'onReceived', responseData: '', path: 'google' },
			{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', responseData: '', path: 'google' },
		],
		properties: [
			{
				displayName:
					'One URL for every action: add <code>?action=&lt;action&gt;</code> (and <code>&orgid=&lt;org&gt;</code> when an organisation ID is set) to the production URL above. See the README for what to paste into Google Ads.',
				name: 'urlNotice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Actions',
				name: 'actions',
				type: 'multiOptions',
				required: true,
				options: [
					{ name: 'Ads Conversion Callback', value: 'ads-conversion-callback', description: 'GET query or POST JSON/form with gclid, gbraid or wbraid; needs the shared secret' },
					{ name: 'Ads Lead Form', value: 'ads-webhook', description: 'Google Ads lead form webhook; checked against the lead form key' },
					{ name: 'Ads Performance Alert', value: 'ads-performance-alert', description: 'POST JSON alert; needs the shared secret' },
					{ name: 'YouTube Push Verification', value: 'youtube-verify', description: 'Also start the workflow when the hub confirms a subscription or unsubscription' },
					{ name: 'YouTube Upload Notification', value: 'youtube-webhook', description: 'New, changed or deleted videos of the channels below, pushed by YouTube\'s hub' },
				],
				default: ['ads-webhook', 'ads-conversion-callback'],
				description: 'Which calls start the workflow',
			},
			{
				displayName: 'YouTube Channel IDs',
				name: 'channelIds',
				type: 'string',
				default: '',
				placeholder: 'UCxxxxxxxxxxxxxxxxxxxxxx, UCyyyyyyyyyyyyyyyyyyyyyy',
				description: 'Channels subscribed to push when the workflow is published (comma-separated)',
				displayOptions: { show: { actions: ['youtube-webhook'] } },
			},
			{
				displayName: 'Organisation ID',
				name: 'orgId',
				type: 'string',
				default: '',
				description: 'When set, calls must carry ?orgid= with this value (others get 404), and events carry orgId',
			},
			{
				// n8n parses a webhook body (xml2js for XML) before the node runs, unless a version-1 node's
				// options.binaryData is set. This trigger reads and checks the raw bytes itself, so it skips
				// that: no double parsing, and n8n 2.41's shared xml2js parser, which stops answering after
				// one unclosed XML document, is never involved (see README, Webhooks).
				displayName: 'Raw Body',
				name: 'options',
				type: 'hidden',
				default: { binaryData: true },
			},
			{
				displayName: 'Options',
				name: 'settings',
				type: 'collection',
				placeholder: 'Add option',
				default: {},
				options: [
					{
						displayName: 'Deduplication Memory',
						name: 'dedupeSize',
						type: 'number',
						default: 5000,
						description: 'How many lead, conversion, alert and video IDs to remember per kind to drop repeats',
					},
					{
						displayName: 'Google-Signed Token (Pub/Sub Push)',
						name: 'requireGoogleOidc',
						type: 'boolean',
						default: false,
						description:
							'Whether conversion callbacks and alerts must carry a Google-signed OIDC bearer token (Pub/Sub push authentication) instead of the shared secret',
					},
					{
						displayName: 'Include Raw Payload',
						name: 'includeRaw',
						type: 'boolean',
						default: false,
						description: 'Whether events carry the received payload (without secrets) as raw',
					},
					{
						displayName: 'Max Body Size (KB)',
						name: 'maxBodyKb',
						type: 'number',
						default: 256,
						description: 'Larger bodies are refused with 413',
					},
					{
						displayName: 'Secret Header Name',
						name: 'headerName',
						type: 'string',
						default: 'x-webhook-token',
						description: 'Header that may carry the shared secret instead of the token query parameter',
					},
					{
						displayName: 'Token Audience',
						name: 'oidcAudience',
						type: 'string',
						default: '',
						description: 'Audience the Pub/Sub token must name (comma-separated). Empty: this trigger\'s URL.',
						displayOptions: { show: { requireGoogleOidc: [true] } },
					},
					{
						displayName: 'Token Service Account',
						name: 'oidcServiceAccountEmail',
						type: 'string',
						default: '',
						placeholder: 'pubsub-push@my-project.iam.gserviceaccount.com',
						description: 'The service account the Pub/Sub subscription authenticates as. Strongly recommended: any Google account can mint a token for any audience.',
						displayOptions: { show: { requireGoogleOidc: [true] } },
					},
				],
			},
		],
	};

	methods = { credentialTest: { webhookSecretsTest } };

	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return await subscriptionsExist.call(this);
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return await subscribe.call(this);
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return await unsubscribeAll.call(this);
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await handleWebhook.call(this);
	}
}
