// Service-account access tokens: an RS256 JWT assertion exchanged at Google's token endpoint,
// cached until shortly before expiry.
import type { IDataObject, IHttpRequestOptions } from 'n8n-workflow';
import { parseServiceAccountKey, serviceAccountKeyFromFields, ServiceAccountKeyError, type ServiceAccountKey } from '../auth/serviceAccountKey';
import { signServiceAccountJwt } from '../auth/serviceAccountJwt';
import { serviceAccountTokens, TokenCache } from '../auth/tokenCache';
import { describeGoogleError, type DescribedGoogleError } from '../errors/googleErrors';
import { redactSecrets } from '../errors/redact';
import { serviceAccountScopes } from './connection';
import { errorCode } from './errors';

/** Posts a form and returns status and parsed body, whatever the status. */
export type FormPoster = (url: string, form: Record<string, string>) => Promise<{ statusCode: number; body: unknown }>;

/** A FormPoster over n8n's httpRequest helper (node contexts and credential preAuthentication alike). */
export function httpFormPoster(helpers: { httpRequest(options: IHttpRequestOptions): Promise<unknown> }): FormPoster {
	return async (url, form) =>
		(await helpers.httpRequest({
			method: 'POST',
			url,
			headers: { 'content-type': 'application/x-www-form-urlencoded' },
			body: new URLSearchParams(form).toString(),
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			json: true,
		})) as { statusCode: number; body: unknown };
}

/** A service account token could not be had; `described` says why in plain words. */
export class ServiceAccountTokenError extends Error {
	constructor(readonly described: DescribedGoogleError) {
		super(described.message);
	}
}

function invalid(message: string): ServiceAccountTokenError {
	return new ServiceAccountTokenError({ kind: 'invalid', httpCode: 0, message, retryable: false, notPerformed: true });
}

function readKey(credentials: IDataObject): ServiceAccountKey | string {
	try {
		return credentials.keyFormat === 'fields'
			? serviceAccountKeyFromFields(String(credentials.email ?? ''), String(credentials.privateKey ?? ''))
			: parseServiceAccountKey(String(credentials.serviceAccountKey ?? ''));
	} catch (error) {
		if (error instanceof ServiceAccountKeyError) return error.message;
		return 'The service account key could not be read';
	}
}

async function exchange(post: FormPoster, key: ServiceAccountKey, scopes: string[], subject: string | undefined) {
	const assertion = signServiceAccountJwt(key, { scopes, subject });
	let response: { statusCode: number; body: unknown } | undefined;
	let unreachable: string | undefined;
	try {
		response = await post(key.tokenUri, { grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion });
	} catch (error) {
		unreachable = errorCode(error) ?? 'network error';
	}
	if (!response)
		throw new ServiceAccountTokenError({
			kind: 'other',
			httpCode: 0,
			message: `Could not reach Google's token endpoint (${unreachable})`,
			retryable: false,
			notPerformed: true,
		});
	let body = response.body as Record<string, unknown> | string | undefined;
	if (typeof body === 'string') {
		try {
			body = JSON.parse(body) as Record<string, unknown>;
		} catch {
			/* keep the text */
		}
	}
	const json = typeof body === 'object' && body !== null ? body : {};
	if (response.statusCode === 200 && typeof json.access_token === 'string')
		return { accessToken: json.access_token, expiresInSeconds: Number(json.expires_in ?? 3600) };

	const described = describeGoogleError(response.statusCode, body, { service: 'Google' });
	const said = `Google said: ${String(json.error ?? response.statusCode)}${json.error_description ? ` (${String(json.error_description)})` : ''}`;
	if (described.reason === 'invalid_grant') {
		described.message = "Google refused the service account key: it may have been deleted or disabled, or this machine's clock is wrong";
		described.description = `Create a new key for ${key.clientEmail} in the Google Cloud console and paste it into the credential. ${said}`;
	} else if (described.reason === 'invalid_scope') {
		described.message = 'Google refused the scopes asked for by the service account';
		described.description = `Without a user to impersonate, a service account can only use APIs that act as itself (not Gmail). ${said}`;
	}
	described.message = redactSecrets(described.message, [assertion, key.privateKey]);
	if (described.description) described.description = redactSecrets(described.description, [assertion, key.privateKey]);
	throw new ServiceAccountTokenError(described);
}

/** Mints (or reuses from the cache) a service account access token. */
export async function mintServiceAccountToken(post: FormPoster, credentials: IDataObject, opts: { force?: boolean } = {}): Promise<string> {
	const key = readKey(credentials);
	if (typeof key === 'string') throw invalid(key);
	const subject = typeof credentials.impersonateUser === 'string' && credentials.impersonateUser.trim() ? credentials.impersonateUser.trim() : undefined;
	const scopes = serviceAccountScopes(credentials);
	if (scopes.length === 0)
		throw invalid('The service account credential has no surface switched on: switch on at least one (Identity, Gmail, Google Ads, YouTube)');
	const cacheKey = TokenCache.keyFor([key.clientEmail, key.privateKeyId, key.privateKey.slice(-80), subject, scopes.join(' ')]);
	if (opts.force) serviceAccountTokens.invalidate(cacheKey);
	return await serviceAccountTokens.get(cacheKey, async () => await exchange(post, key, scopes, subject));
}
