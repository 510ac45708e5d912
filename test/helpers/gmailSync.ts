// A Gmail-read credential for a fresh sandbox mailbox of its own (Gmail Sync tests do not share mailboxes).
import type { Sandbox } from '../sandbox';
import type { CredentialsMap } from './workflow';

const READ = 'https://www.googleapis.com/auth/gmail.readonly';

export function gmailReadCredential(sandbox: Sandbox, email: string, opts: { unitsPerSecond?: number; maxRetries?: number } = {}): CredentialsMap {
	sandbox.oauth.addUser({ email, name: 'Rep ' + email });
	const grant = sandbox.oauth.issueGrant({ email, scopes: [READ] });
	return {
		googleConnectorOAuth2Api: {
			id: `cred-${email}`,
			name: 'Google',
			data: {
				clientId: 'sandbox-client.apps.googleusercontent.com',
				clientSecret: 'GOCSPX-sandbox-client-secret',
				gmailRead: true,
				retryDelayMs: 5,
				maxRetries: opts.maxRetries ?? 6,
				gmailUnitsPerSecond: opts.unitsPerSecond ?? 0,
				oauthTokenData: { access_token: grant.access_token, refresh_token: grant.refresh_token, expires_in: 3599, scope: grant.scope, token_type: 'Bearer' },
			},
		},
	};
}
