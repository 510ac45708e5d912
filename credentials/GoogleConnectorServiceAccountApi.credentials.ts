import type { ICredentialType, INodeProperties, Icon } from 'n8n-workflow';
import { connectionSettingsProperties, surfaceToggleProperties } from './commonProperties';

// The token is minted by the nodes (RS256 JWT signed with node:crypto, cached until shortly before
// it expires); the credential test is the node's `googleConnectorServiceAccountTest`.
export class GoogleConnectorServiceAccountApi implements ICredentialType {
	name = 'googleConnectorServiceAccountApi';

	displayName = 'Google Connector Service Account API';

	icon: Icon = 'file:../nodes/GoogleConnector/google.svg';

	documentationUrl = 'https://github.com/n8n-nodes-google-connector/n8n-nodes-google-connector#service-accounts';

	properties: INodeProperties[] = [
		{
			displayName: 'Key Format',
			name: 'keyFormat',
			type: 'options',
			default: 'json',
			options: [
				{ name: 'JSON Key File (Pasted Whole)', value: 'json' },
				{ name: 'Email and Private Key', value: 'fields' },
			],
		},
		{
			displayName: 'Service Account Key',
			name: 'serviceAccountKey',
			type: 'string',
			typeOptions: { password: true, rows: 8 },
			default: '',
			required: true,
			description: 'The whole JSON key file downloaded from Google Cloud console → IAM → Service accounts → Keys',
			displayOptions: { show: { keyFormat: ['json'] } },
		},
		{
			displayName: 'Service Account Email',
			name: 'email',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'crm-sync@my-project.iam.gserviceaccount.com',
			displayOptions: { show: { keyFormat: ['fields'] } },
		},
		{
			displayName: 'Private Key',
			name: 'privateKey',
			type: 'string',
			typeOptions: { password: true, rows: 5 },
			default: '',
			required: true,
			description: 'The private_key of the key file, from -----BEGIN PRIVATE KEY----- to -----END PRIVATE KEY-----',
			displayOptions: { show: { keyFormat: ['fields'] } },
		},
		{
			displayName: 'Impersonate User',
			name: 'impersonateUser',
			type: 'string',
			default: '',
			placeholder: 'rep@your-domain.com',
			description: 'The Workspace user to act as (domain-wide delegation). Needed for Gmail.',
		},
		...surfaceToggleProperties,
		...connectionSettingsProperties,
	];
}
