// Test fixtures for the connector: credentials bound to the sandbox (OAuth2 grant or a registered
// service account), the package's node and credential types, and a secret sweep for outputs and logs.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { ICredentialType, IDataObject } from 'n8n-workflow';
import { GoogleConnectorOAuth2Api } from '../../credentials/GoogleConnectorOAuth2Api.credentials';
import { GoogleConnectorServiceAccountApi } from '../../credentials/GoogleConnectorServiceAccountApi.credentials';
import { scopesForSurfaces, type SurfaceToggles } from '../../nodes/shared/auth/scopes';
import type { Sandbox } from '../sandbox';
import type { CredentialsMap } from './workflow';

export const CLIENT_ID = 'sandbox-client.apps.googleusercontent.com';
export const CLIENT_SECRET = 'GOCSPX-sandbox-client-secret';
export const DEVELOPER_TOKEN = 'sandbox-dev-token-Q2x9Zr7';

export const credentialTypes: ICredentialType[] = [new GoogleConnectorOAuth2Api(), new GoogleConnectorServiceAccountApi()];

/** An OAuth2 credential connected to the sandbox with the scopes of `surfaces` (or explicit `scopes`). */
export function oauthCredentials(
	sandbox: Sandbox,
	surfaces: SurfaceToggles,
	opts: { scopes?: string[]; email?: string; extra?: IDataObject } = {},
): { credentials: CredentialsMap; grant: ReturnType<Sandbox['oauth']['issueGrant']> } {
	const scopes = opts.scopes ?? scopesForSurfaces(surfaces);
	const grant = sandbox.oauth.issueGrant({ scopes, email: opts.email });
	return {
		grant,
		credentials: {
			googleConnectorOAuth2Api: {
				id: `oauth-${randomBytes(4).toString('hex')}`,
				name: 'Google (sandbox)',
				data: {
					clientId: CLIENT_ID,
					clientSecret: CLIENT_SECRET,
					...surfaces,
					developerToken: DEVELOPER_TOKEN,
					retryDelayMs: 5,
					oauthTokenData: {
						access_token: grant.access_token,
						refresh_token: grant.refresh_token,
						expires_in: 3599,
						scope: grant.scope,
						token_type: 'Bearer',
					},
					...opts.extra,
				},
			},
		},
	};
}

export interface ServiceAccountFixture {
	credentials: CredentialsMap;
	privateKey: string;
	clientEmail: string;
	keyJson: string;
}

/** A service account registered in the sandbox, with delegation for `delegatedScopes`. */
export function serviceAccountCredentials(
	sandbox: Sandbox,
	surfaces: SurfaceToggles,
	opts: { impersonateUser?: string; delegatedScopes?: string[]; ownScopes?: string[]; extra?: IDataObject } = {},
): ServiceAccountFixture {
	const { privateKey, publicKey } = generateKeyPairSync('rsa', {
		modulusLength: 2048,
		privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
		publicKeyEncoding: { type: 'spki', format: 'pem' },
	});
	const privateKeyId = randomBytes(20).toString('hex');
	const clientEmail = `crm-sync-${randomBytes(3).toString('hex')}@crm-project.iam.gserviceaccount.com`;
	sandbox.oauth.registerServiceAccount({
		clientEmail,
		publicKeyPem: publicKey,
		privateKeyId,
		delegatedScopes: opts.delegatedScopes ?? scopesForSurfaces(surfaces),
		ownScopes: opts.ownScopes ?? [],
	});
	const keyJson = JSON.stringify({
		type: 'service_account',
		project_id: 'crm-project',
		private_key_id: privateKeyId,
		private_key: privateKey,
		client_email: clientEmail,
		client_id: '109876543210987654321',
		auth_uri: 'https://accounts.google.com/o/oauth2/auth',
		token_uri: 'https://oauth2.googleapis.com/token',
	});
	return {
		privateKey,
		clientEmail,
		keyJson,
		credentials: {
			googleConnectorServiceAccountApi: {
				id: `sa-${privateKeyId.slice(0, 8)}`,
				name: 'Google service account (sandbox)',
				data: {
					keyFormat: 'json',
					serviceAccountKey: keyJson,
					impersonateUser: opts.impersonateUser ?? '',
					...surfaces,
					developerToken: DEVELOPER_TOKEN,
					retryDelayMs: 5,
					...opts.extra,
				},
			},
		},
	};
}

/** Every secret a test used: tokens the sandbox issued, client secret, private keys, assertions. */
export function sandboxSecrets(sandbox: Sandbox, extra: Array<string | undefined> = []): string[] {
	const secrets = [CLIENT_SECRET, DEVELOPER_TOKEN, ...extra];
	for (const t of sandbox.oauth.accessTokens.keys()) secrets.push(t);
	for (const t of sandbox.oauth.refreshTokens.keys()) secrets.push(t);
	for (const r of sandbox.server.requests) {
		const assertion = /assertion=([^&]+)/.exec(r.body)?.[1];
		if (assertion) secrets.push(decodeURIComponent(assertion));
	}
	return secrets.filter((s): s is string => typeof s === 'string' && s.length >= 8);
}

/** Secrets found in `texts`, with where: empty when nothing leaked. Private keys are matched by body lines. */
export function findSecrets(texts: string[], secrets: string[]): string[] {
	const needles = secrets.flatMap((s) =>
		s.includes('PRIVATE KEY') ? s.split('\n').filter((line) => line.length > 40 && !line.includes('-----')) : [s],
	);
	const found: string[] = [];
	for (const text of texts) for (const needle of needles) if (text.includes(needle)) found.push(`${needle.slice(0, 12)}… in ${text.slice(0, 80)}`);
	return found;
}
