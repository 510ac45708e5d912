import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';
import { SURFACES, grantedSurfaces, missingScopes, splitScopes, togglesFrom } from '../../../shared/auth/scopes';
import {
	GoogleApiError,
	CONSENT_CREDENTIAL,
	asNodeError,
	authMethod,
	connectionCredentials,
	serviceAccountAccessToken,
} from '../../../shared/transport';
import { gmailProfile } from '../../../shared/transport/gmail';
import { pubsubListSubscriptions } from '../../../shared/transport/pubsub';
import { gmailWatchReports } from '../../../shared/pubsub/health';
import { checkProjectId } from '../../../shared/pubsub/names';
import { tokenInfo as tokenInfoOf } from '../../../shared/transport/identity';
import { forOperation } from '../operation';

export const description: INodeProperties[] = forOperation('connection', 'check', [
	{
		displayName:
			'Reports whether the connection works (active, expired or revoked), which surfaces it grants and which scopes are missing. It does not fail on an expired or revoked connection, so a flow can branch on "status" and tell an admin.',
		name: 'checkNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Pub/Sub Project ID (Gmail Push)',
		name: 'pubsubProject',
		type: 'string',
		default: '',
		placeholder: 'my-crm-project',
		description:
			'With the Cloud Pub/Sub surface granted: also list the Gmail watches of the Gmail Push Triggers in this project (each push subscription, its endpoint and when its watch expires)',
	},
]);

type Status = 'active' | 'expired' | 'revoked';

interface TokenInfo {
	scope?: string;
	email?: string;
	expires_in?: string;
	sub?: string;
}

/** Google's tokeninfo for an access token, or undefined when Google no longer accepts it. */
async function tokenInfo(this: IExecuteFunctions, accessToken: string): Promise<TokenInfo | undefined> {
	let failure: unknown;
	try {
		return await tokenInfoOf<TokenInfo>(this, accessToken);
	} catch (error) {
		failure = error;
	}
	if (failure instanceof GoogleApiError && failure.google.kind === 'reconnect') return undefined;
	throw asNodeError(this.getNode(), failure);
}

async function gmailAddress(this: IExecuteFunctions): Promise<string | undefined> {
	try {
		return (await gmailProfile(this, { maxRetries: 1 })).emailAddress;
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

async function checkServiceAccount(this: IExecuteFunctions, credentials: IDataObject): Promise<IDataObject> {
	let refused: GoogleApiError | undefined;
	let token: string | undefined;
	try {
		token = await serviceAccountAccessToken(this, credentials, { force: true });
	} catch (error) {
		if (!(error instanceof GoogleApiError) || error.google.kind === 'invalid' || error.google.httpCode === 0) throw asNodeError(this.getNode(), error);
		refused = error;
	}
	if (refused || !token) {
		// Google refused the key (deleted, disabled) or the delegation: the connection cannot be used.
		return result('revoked', credentials, undefined, {
			authentication: 'serviceAccount',
			reason: refused?.message ?? 'Google issued no token',
			detail: refused?.description ?? null,
		});
	}
	const info = await tokenInfo.call(this, token);
	return result(info ? 'active' : 'revoked', credentials, info, {
		authentication: 'serviceAccount',
		email: info?.email ?? ((credentials.impersonateUser as string) || null),
	});
}

async function checkOAuth2(this: IExecuteFunctions, credentials: IDataObject): Promise<IDataObject> {
	const tokenData = (credentials.oauthTokenData ?? {}) as IDataObject;
	const accessToken = tokenData.access_token as string | undefined;
	let info = accessToken ? await tokenInfo.call(this, accessToken) : undefined;
	if (!info) {
		if (!tokenData.refresh_token)
			return result('expired', credentials, undefined, {
				authentication: 'oAuth2',
				reason: accessToken
					? 'The access token has expired and the credential holds no refresh token: reconnect the credential'
					: 'The credential has not been connected yet: open it and sign in with Google',
			});
		let refreshed: IDataObject | undefined;
		let refusal: unknown;
		try {
			refreshed = (await this.helpers.refreshOAuth2Token.call(this, CONSENT_CREDENTIAL)) as IDataObject;
		} catch (error) {
			refusal = error;
		}
		if (refusal !== undefined) {
			const text = String((refusal as Error)?.message ?? '');
			if (!/reconnect|invalid_grant|expired or revoked/i.test(text)) throw asNodeError(this.getNode(), refusal);
			return result('revoked', credentials, undefined, {
				authentication: 'oAuth2',
				reason:
					'Google refused the refresh token (revoked by the user or an admin, unused for six months, seven days old in a Testing-mode app, or the password changed): reconnect the credential',
			});
		}
		info = refreshed?.access_token ? await tokenInfo.call(this, refreshed.access_token as string) : undefined;
		if (!info)
			return result('revoked', credentials, undefined, { authentication: 'oAuth2', reason: 'Google does not accept the refreshed token: reconnect the credential' });
	}
	const granted = splitScopes(info.scope);
	const email = info.email ?? (grantedSurfaces(granted).gmailRead ? await gmailAddress.call(this) : undefined);
	return result('active', credentials, info, { authentication: 'oAuth2', ...(email ? { email } : {}) });
}

/** The Gmail watches on the project's push subscriptions; a refusal is reported, not thrown (Check never fails on Google's say). */
async function gmailWatches(this: IExecuteFunctions, project: string): Promise<IDataObject> {
	try {
		const subscriptions = await pubsubListSubscriptions(this, project);
		return { gmailWatches: gmailWatchReports(subscriptions, Date.now()) as unknown as IDataObject[] };
	} catch (error) {
		return { gmailWatches: [], gmailWatchesError: (error as Error).message };
	}
}

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const raw = String(this.getNodeParameter('pubsubProject', itemIndex, '') ?? '').trim();
	// A typo fails before any call, with the field's name.
	let project: string | undefined;
	try {
		project = raw ? checkProjectId(raw, 'Pub/Sub Project ID') : undefined;
	} catch (error) {
		throw new NodeOperationError(this.getNode(), (error as Error).message, { itemIndex });
	}
	const credentials = await connectionCredentials(this);
	const json =
		authMethod(this) === 'serviceAccount' ? await checkServiceAccount.call(this, credentials) : await checkOAuth2.call(this, credentials);
	if (project) {
		const granted = (json.surfaces as IDataObject | undefined)?.pubsub === true;
		const why =
			json.status !== 'active'
				? 'The connection is not active, so the Gmail watches could not be listed'
				: 'The connection lacks the Cloud Pub/Sub (Gmail push set-up) surface: switch it on in the credential and reconnect';
		Object.assign(json, granted ? await gmailWatches.call(this, project) : { gmailWatches: [], gmailWatchesError: why });
	}
	return [{ json, pairedItem: { item: itemIndex } }];
}
