import type { ICredentialType, INodeProperties, Icon } from 'n8n-workflow';
import { SURFACES, SURFACE_INFO } from '../nodes/shared/auth/scopes';
import { adsAndScopeProperties, connectionSettingsProperties, surfaceToggleProperties } from './commonProperties';

// The scope n8n asks for is computed from the surface toggles, so the consent screen shows
// exactly what the user switched on (plus any extra scopes).
const scopeExpression =
	'={{ [' +
	SURFACES.map((s) => `$self["${s}"] ? ${JSON.stringify(SURFACE_INFO[s].scopes.join(' '))} : ""`).join(', ') +
	', $self["extraScopes"] || ""].join(" ").split(" ").filter(s => s).filter((s, i, all) => all.indexOf(s) === i).join(" ") }}';

export class GoogleConnectorOAuth2Api implements ICredentialType {
	name = 'googleConnectorOAuth2Api';

	extends = ['oAuth2Api'];

	displayName = 'Google Connector OAuth2 API';

	icon: Icon = { light: 'file:../nodes/GoogleConnector/google.svg', dark: 'file:../nodes/GoogleConnector/google.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-google-connector/n8n-nodes-google-connector#3-the-oauth-client';

	properties: INodeProperties[] = [
		{ displayName: 'Grant Type', name: 'grantType', type: 'hidden', default: 'authorizationCode' },
		{ displayName: 'Authorization URL', name: 'authUrl', type: 'hidden', default: 'https://accounts.google.com/o/oauth2/v2/auth' },
		{ displayName: 'Access Token URL', name: 'accessTokenUrl', type: 'hidden', default: 'https://oauth2.googleapis.com/token' },
		{
			displayName: 'Auth URI Query Parameters',
			name: 'authQueryParameters',
			type: 'hidden',
			// offline + consent: Google returns a refresh token every time and re-grants changed scopes.
			default: 'access_type=offline&prompt=consent&include_granted_scopes=true',
		},
		{ displayName: 'Authentication', name: 'authentication', type: 'hidden', default: 'body' },
		{
			// n8n's own line above says "In Google Connector, use the URL above…"; the place is Google's console.
			displayName:
				'Paste the <b>OAuth Redirect URL</b> above into the <a href="https://console.cloud.google.com/apis/credentials" target="_blank">Google Cloud console</a>: APIs &amp; Services → Credentials → your OAuth client ID (Web application) → Authorized redirect URIs. Copy that client\'s ID and secret into the fields above.',
			name: 'redirectNotice',
			type: 'notice',
			default: '',
		},
		...surfaceToggleProperties('oauth2'),
		...adsAndScopeProperties,
		{ displayName: 'Scope', name: 'scope', type: 'hidden', default: scopeExpression },
		...connectionSettingsProperties,
	];
}
