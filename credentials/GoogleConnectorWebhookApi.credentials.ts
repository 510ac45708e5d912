import type { ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

// The secrets that protect the Google Connector Trigger's URL. Kept in a credential (encrypted by
// n8n) rather than in node parameters (stored in the workflow in clear). The Push Key is also what
// lets YouTube → Renew Push Subscriptions in another workflow renew the trigger's subscriptions:
// each channel's WebSub secret and every hub verify token are derived from it with HMAC-SHA256,
// so both workflows arrive at the same values without sharing any state.
export class GoogleConnectorWebhookApi implements ICredentialType {
	name = 'googleConnectorWebhookApi';

	displayName = 'Google Connector Webhook Secrets API';

	icon: Icon = { light: 'file:../nodes/GoogleConnector/google.svg', dark: 'file:../nodes/GoogleConnector/google.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-google-connector/n8n-nodes-google-connector#webhooks-google-connector-trigger';

	properties: INodeProperties[] = [
		{
			displayName: 'Lead Form Key',
			name: 'leadFormKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'The "Key" you typed into the lead form\'s webhook integration in Google Ads. Google sends it as google_key with every lead; leads without it are refused (401). Leave empty to refuse every lead.',
		},
		{
			displayName: 'Shared Secret',
			name: 'sharedSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'Required on conversion callbacks and performance alerts, as the "token" query parameter or the X-Webhook-Token header (or Authorization: Bearer). Use at least 32 random characters. Leave empty to refuse those calls.',
		},
		{
			displayName: 'Push Key',
			name: 'pushKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'Any long random string (32+ characters). The YouTube push secrets and hub verify tokens are derived from it. Select this same credential in the workflow that renews push subscriptions.',
		},
	];
}
