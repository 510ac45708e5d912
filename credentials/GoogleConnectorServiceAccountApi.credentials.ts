import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INodeProperties,
	Icon,
} from 'n8n-workflow';
import { adsAndScopeProperties, connectionSettingsProperties, surfaceToggleProperties } from './commonProperties';
import { redactSecrets } from '../nodes/shared/errors/redact';
import { ServiceAccountTokenError, httpFormPoster, mintServiceAccountToken } from '../nodes/shared/transport/serviceAccount';

const TOKENINFO_URL = 'https://oauth2.googleapis.com/tokeninfo';

// Nodes mint their tokens through the transport (RS256 JWT signed with node:crypto, cached in memory
// until shortly before expiry). The credential test mints one through preAuthentication and asks
// Google's tokeninfo about it, so a refused key or missing delegation shows up in words.
export class GoogleConnectorServiceAccountApi implements ICredentialType {
	name = 'googleConnectorServiceAccountApi';

	displayName = 'Google Connector Service Account API';

	icon: Icon = { light: 'file:../nodes/GoogleConnector/google.svg', dark: 'file:../nodes/GoogleConnector/google.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-google-connector/n8n-nodes-google-connector#5-service-accounts-google-workspace';

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
		...surfaceToggleProperties('serviceAccount'),
		...adsAndScopeProperties,
		...connectionSettingsProperties,
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'hidden',
			typeOptions: { expirable: true, password: true },
			default: '',
		},
	];

	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
		let problem: string | undefined;
		try {
			return { accessToken: await mintServiceAccountToken(httpFormPoster(this.helpers), credentials, { force: true }) };
		} catch (error) {
			const described = error instanceof ServiceAccountTokenError ? error.described : undefined;
			problem = described
				? [described.message, described.description].filter(Boolean).join('. ')
				: `Could not mint a service account token: ${redactSecrets(String((error as Error)?.message ?? error), [String(credentials.privateKey ?? ''), String(credentials.serviceAccountKey ?? '')])}`;
		}
		throw new Error(problem);
	}

	// n8n resolves a test request's expressions before preAuthentication mints the token, so the
	// token goes in here, which n8n applies after it: in tokeninfo's form body (not the URL), and as a
	// Bearer header for any other request made with this credential.
	async authenticate(credentials: ICredentialDataDecryptedObject, requestOptions: IHttpRequestOptions): Promise<IHttpRequestOptions> {
		const token = String(credentials.accessToken ?? '');
		if (requestOptions.url === TOKENINFO_URL) return { ...requestOptions, body: new URLSearchParams({ access_token: token }).toString() };
		return { ...requestOptions, headers: { ...requestOptions.headers, Authorization: `Bearer ${token}` } };
	}

	test: ICredentialTestRequest = {
		request: { method: 'POST', url: TOKENINFO_URL, headers: { 'content-type': 'application/x-www-form-urlencoded' } },
	};
}
