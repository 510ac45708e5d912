import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { SURFACES, grantedSurfaces, missingScopes, splitScopes, togglesFrom } from '../../../shared/auth/scopes';
import {
	GoogleApiError,
	OAUTH2_CREDENTIAL,
	authMethod,
	connectionCredentials,
	googleApiRequestFull,
	serviceAccountAccessToken,
} from '../../../shared/transport';
import { forOperation } from '../operation';

export const description: INodeProperties[] = forOperation('connection', 'check', [
	{
		displayName:
			'Reports whether the connection works (active, expired or revoked), which surfaces it grants and which scopes are missing. It does not fail on an expired or revoked connection, so a flow can branch on "status" and tell an admin.',
		name: 'checkNotice',
		type: 'notice',
		default: '',
	},
]);

type Status = 'active' | 'expired' | 'revoked';

interface TokenInfo {
	scope?: string;
	email?: string;
	expires_in?: string;
	sub?: string;
}

async function tokenInfo(this: IExecuteFunctions, accessToken: string): Promise<TokenInfo | undefined> {
	try {
		const response = await googleApiRequestFull.call(this, {
			method: 'POST',
			url: 'https://oauth2.googleapis.com/tokeninfo',
			form: { access_token: accessToken },
			surface: 'identity',
			unauthenticated: true,
			idempotent: true,
			secrets: [accessToken],
		});
		return response.body as TokenInfo;
	} catch (error) {
		if (error instanceof GoogleApiError && error.google.kind === 'reconnect') return undefined;
		throw error;
	}
}

async function gmailAddress(this: IExecuteFunctions): Promise<string | undefined> {
	try {
		const profile = await googleApiRequestFull.call(this, {
			method: 'GET',
			url: 'https://gmail.googleapis.com/gmail/v1/users/me/profile',
			surface: 'gmailRead',
			service: 'Gmail',
			maxRetries: 1,
		});
		return (profile.body as IDataObject).emailAddress as string;
	} catch {
		return undefined;
	}
}

function result(status: Status, credentials: IDataObject, info: TokenInfo | undefined, extra: IDataObject): IDataObject {
	const granted = splitScopes(info?.scope);
	const surfaces = info ? grantedSurfaces(granted) : Object.fromEntries(SURFACES.map((s) => [s, false]));
	return {
		status,
		email: (extra.email as string) ?? info?.email ?? null,
		grantedScopes: granted,
		surfaces,
		missingScopes: missingScopes(togglesFrom(credentials), granted),
		expiresIn: info?.expires_in !== undefined ? Number(info.expires_in) : null,
		...extra,
	};
}

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const credentials = await connectionCredentials(this);
	const method = authMethod(this);
	let out: IDataObject;

	if (method === 'serviceAccount') {
		let token: string;
		try {
			token = await serviceAccountAccessToken(this, credentials, { force: true });
		} catch (error) {
			if (!(error instanceof GoogleApiError)) throw error;
			const status: Status = error.google.kind === 'reconnect' || error.google.kind === 'permission' ? 'revoked' : 'expired';
			if (error.google.kind === 'invalid') throw error;
			out = result(status, credentials, undefined, { authentication: method, reason: error.message, detail: error.description ?? null });
			return [{ json: out, pairedItem: { item: itemIndex } }];
		}
		const info = await tokenInfo.call(this, token);
		out = result('active', credentials, info, {
			authentication: method,
			email: info?.email ?? ((credentials.impersonateUser as string) || null),
		});
		return [{ json: out, pairedItem: { item: itemIndex } }];
	}

	const tokenData = (credentials.oauthTokenData ?? {}) as IDataObject;
	let accessToken = tokenData.access_token as string | undefined;
	let info = accessToken ? await tokenInfo.call(this, accessToken) : undefined;
	if (!info) {
		if (!tokenData.refresh_token) {
			out = result('expired', credentials, undefined, {
				authentication: method,
				reason: accessToken
					? 'The access token has expired and the credential holds no refresh token: reconnect the credential'
					: 'The credential has not been connected yet: open it and sign in with Google',
			});
			return [{ json: out, pairedItem: { item: itemIndex } }];
		}
		try {
			const refreshed = (await this.helpers.refreshOAuth2Token.call(this, OAUTH2_CREDENTIAL)) as IDataObject;
			accessToken = refreshed.access_token as string;
			info = accessToken ? await tokenInfo.call(this, accessToken) : undefined;
		} catch (error) {
			const text = String((error as Error)?.message ?? '');
			const revoked = /reconnect|invalid_grant|expired or revoked/i.test(text) || (error as IDataObject)?.failure !== undefined;
			if (!revoked) throw error;
			out = result('revoked', credentials, undefined, {
				authentication: method,
				reason: 'Google refused the refresh token (it was revoked, expired after six months unused or seven days in a Testing app, or the password changed): reconnect the credential',
			});
			return [{ json: out, pairedItem: { item: itemIndex } }];
		}
		if (!info) {
			out = result('revoked', credentials, undefined, { authentication: method, reason: 'Google does not accept the refreshed token: reconnect the credential' });
			return [{ json: out, pairedItem: { item: itemIndex } }];
		}
	}
	const granted = splitScopes(info.scope);
	const email = info.email ?? (grantedSurfaces(granted).gmailRead ? await gmailAddress.call(this) : undefined);
	out = result('active', credentials, info, { authentication: method, ...(email ? { email } : {}) });
	return [{ json: out, pairedItem: { item: itemIndex } }];
}
