// The one place that talks HTTP to Google. Every Google call of every node goes through
// googleApiRequest: authentication (OAuth2 through n8n, or a service account bearer), retries with
// backoff, pacing, and errors in plain words with no secret in them.
import {
	NodeApiError,
	sleep,
	type IDataObject,
	type IHttpRequestMethods,
	type IHttpRequestOptions,
	type JsonObject,
} from 'n8n-workflow';
import type { Surface } from '../auth/scopes';
import { serviceAccountKeyFromFields, parseServiceAccountKey, ServiceAccountKeyError, type ServiceAccountKey } from '../auth/serviceAccountKey';
import { signServiceAccountJwt } from '../auth/serviceAccountJwt';
import { serviceAccountTokens, TokenCache } from '../auth/tokenCache';
import {
	RECONNECT_MESSAGE,
	backoffDelay,
	describeGoogleError,
	parseRetryAfter,
	surfaceFromAuthenticateHeader,
	type DescribedGoogleError,
} from '../errors/googleErrors';
import { redactSecrets } from '../errors/redact';
import {
	OAUTH2_CREDENTIAL,
	SERVICE_ACCOUNT_CREDENTIAL,
	authMethod,
	connectionSettings,
	serviceAccountScopes,
} from './connection';
import { gmailPacer } from './pacer';
import type { GoogleContext } from './types';

export * from './connection';
export type { GoogleContext } from './types';

export interface GoogleApiRequest {
	method: IHttpRequestMethods;
	url: string;
	/** The surface whose scope the call needs, named in a missing-scope error. */
	surface: Surface;
	qs?: IDataObject;
	body?: unknown;
	/** Sent as application/x-www-form-urlencoded. */
	form?: Record<string, string>;
	headers?: Record<string, string>;
	/** Whether resending after an unknown outcome is harmless. Defaults: true for GET/HEAD/PUT/DELETE. */
	idempotent?: boolean;
	/** Call without credentials (Google's public certs, tokeninfo). */
	unauthenticated?: boolean;
	/** Gmail quota units this call costs; the call is paced to the connection's per-user ceiling. */
	gmailUnits?: number;
	/** Name used in error messages ("Gmail", "Google Ads", "YouTube"). */
	service?: string;
	/** Return the body as text instead of parsing JSON. */
	text?: boolean;
	/** Override the credential's retry bound (e.g. a health check that should answer fast). */
	maxRetries?: number;
	/** Extra secrets to scrub from errors (e.g. a developer token). */
	secrets?: Array<string | undefined>;
}

export interface GoogleApiResponse<T = any> {
	statusCode: number;
	headers: Record<string, string | string[] | undefined>;
	body: T;
}

/** Raised with Google's answer still attached, so callers can branch (e.g. Gmail history 404). */
export class GoogleApiError extends NodeApiError {
	google!: DescribedGoogleError;
}

const NEVER_OPENED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

function errorCode(error: any): string | undefined {
	return error?.code ?? error?.cause?.code ?? error?.errors?.[0]?.code;
}

function isReconnectSignal(error: any): boolean {
	const failureCause = error?.failure?.cause ?? error?.extra?.failure?.cause;
	const text = String(error?.message ?? '');
	return failureCause === 'credential-invalid' || /needs to be reconnected|OAuth credentials not connected/i.test(text);
}

function toNodeApiError(ctx: GoogleContext, described: DescribedGoogleError, secrets: Array<string | undefined>): GoogleApiError {
	const message = redactSecrets(described.message, secrets);
	const description = described.description ? redactSecrets(described.description, secrets) : undefined;
	const payload: JsonObject = { message, httpCode: String(described.httpCode), kind: described.kind };
	if (described.reason) payload.reason = described.reason;
	if (description) payload.description = description;
	if (described.fieldErrors) payload.fieldErrors = described.fieldErrors as unknown as JsonObject[];
	const error = new GoogleApiError(ctx.getNode(), payload, { message, description, httpCode: String(described.httpCode) });
	error.google = described;
	return error;
}

/** Converts anything a request can throw into our error, keeping Google's words and no secrets. */
function fromThrown(ctx: GoogleContext, request: GoogleApiRequest, error: any, secrets: Array<string | undefined>): GoogleApiError {
	if (error instanceof GoogleApiError) return error;
	if (isReconnectSignal(error))
		return toNodeApiError(ctx, { kind: 'reconnect', httpCode: 401, message: RECONNECT_MESSAGE, description: 'Open the Google Connector credential and reconnect it (sign in again and accept the consent screen).', retryable: false, notPerformed: true }, secrets);
	const response = error?.response ?? error?.cause?.response;
	if (response?.status) {
		return toNodeApiError(ctx, describeGoogleError(response.status, response.data ?? response.body, { surface: request.surface, service: request.service }), secrets);
	}
	const code = errorCode(error);
	return toNodeApiError(
		ctx,
		{
			kind: 'other',
			httpCode: 0,
			message: `Could not reach ${request.service ?? 'Google'}${code ? ` (${code})` : ''}`,
			description: redactSecrets(String(error?.message ?? error), secrets),
			retryable: false,
			notPerformed: code !== undefined && NEVER_OPENED.has(code),
		},
		secrets,
	);
}

async function serviceAccountKey(credentials: IDataObject): Promise<ServiceAccountKey> {
	return credentials.keyFormat === 'fields'
		? serviceAccountKeyFromFields(String(credentials.email ?? ''), String(credentials.privateKey ?? ''))
		: parseServiceAccountKey(String(credentials.serviceAccountKey ?? ''));
}

/** Posts a form and returns status and parsed body, whatever the status. */
export type FormPoster = (url: string, form: Record<string, string>) => Promise<{ statusCode: number; body: unknown }>;

/** A service account token could not be had; `described` says why in plain words. */
export class ServiceAccountTokenError extends Error {
	constructor(readonly described: DescribedGoogleError) {
		super(described.message);
	}
}

/** Mints (or reuses from the cache) a service account access token. */
export async function mintServiceAccountToken(post: FormPoster, credentials: IDataObject, opts: { force?: boolean } = {}): Promise<string> {
	let key: ServiceAccountKey;
	try {
		key = await serviceAccountKey(credentials);
	} catch (error) {
		if (error instanceof ServiceAccountKeyError)
			throw new ServiceAccountTokenError({ kind: 'invalid', httpCode: 0, message: error.message, retryable: false, notPerformed: true });
		throw error;
	}
	const subject = typeof credentials.impersonateUser === 'string' && credentials.impersonateUser.trim() ? credentials.impersonateUser.trim() : undefined;
	const scopes = serviceAccountScopes(credentials);
	if (scopes.length === 0)
		throw new ServiceAccountTokenError({
			kind: 'invalid',
			httpCode: 0,
			message: 'The service account credential has no surface switched on: switch on at least one (Identity, Gmail, Google Ads, YouTube)',
			retryable: false,
			notPerformed: true,
		});
	const cacheKey = TokenCache.keyFor([key.clientEmail, key.privateKeyId, key.privateKey.slice(-80), subject, scopes.join(' ')]);
	if (opts.force) serviceAccountTokens.invalidate(cacheKey);
	return await serviceAccountTokens.get(cacheKey, async () => {
		const assertion = signServiceAccountJwt(key, { scopes, subject });
		let response: { statusCode: number; body: any };
		try {
			response = (await post(key.tokenUri, { grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion })) as { statusCode: number; body: any };
		} catch (error) {
			throw new ServiceAccountTokenError({
				kind: 'other',
				httpCode: 0,
				message: `Could not reach Google's token endpoint${errorCode(error) ? ` (${errorCode(error)})` : ''}`,
				retryable: false,
				notPerformed: true,
			});
		}
		let body = response.body;
		if (typeof body === 'string') {
			try {
				body = JSON.parse(body);
			} catch {
				/* keep the text */
			}
		}
		if (response.statusCode !== 200 || typeof body?.access_token !== 'string') {
			const described = describeGoogleError(response.statusCode, body, { service: 'Google' });
			const said = `Google said: ${body?.error ?? response.statusCode}${body?.error_description ? ` (${body.error_description})` : ''}`;
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
		return { accessToken: body.access_token as string, expiresInSeconds: Number(body.expires_in ?? 3600) };
	});
}

/** The node-side form poster: n8n's httpRequest, never throwing on status. */
function formPoster(ctx: Pick<GoogleContext, 'helpers'>): FormPoster {
	return async (url, form) =>
		(await ctx.helpers.httpRequest({
			method: 'POST',
			url,
			headers: { 'content-type': 'application/x-www-form-urlencoded' },
			body: new URLSearchParams(form).toString(),
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			json: true,
		})) as { statusCode: number; body: unknown };
}

/** A service account access token for a node context (errors as NodeApiError). */
export async function serviceAccountAccessToken(ctx: GoogleContext, credentials: IDataObject, opts: { force?: boolean } = {}): Promise<string> {
	try {
		return await mintServiceAccountToken(formPoster(ctx), credentials, opts);
	} catch (error) {
		if (error instanceof ServiceAccountTokenError) throw toNodeApiError(ctx, error.described, knownSecrets(credentials));
		throw error;
	}
}

function knownSecrets(credentials: IDataObject): Array<string | undefined> {
	const token = (credentials.oauthTokenData as IDataObject | undefined) ?? {};
	return [
		credentials.clientSecret as string,
		credentials.developerToken as string,
		credentials.privateKey as string,
		token.access_token as string,
		token.refresh_token as string,
		token.id_token as string,
	];
}

async function sendOnce(
	ctx: GoogleContext,
	request: GoogleApiRequest,
	credentials: IDataObject | undefined,
	forceNewToken: boolean,
): Promise<GoogleApiResponse> {
	const headers: Record<string, string> = { ...(request.headers ?? {}) };
	let body: unknown = request.body;
	if (request.form) {
		headers['content-type'] = 'application/x-www-form-urlencoded';
		body = new URLSearchParams(request.form).toString();
	}
	const options: IHttpRequestOptions = {
		method: request.method,
		url: request.url,
		qs: request.qs,
		body: body as IHttpRequestOptions['body'],
		headers,
		arrayFormat: 'repeat',
		returnFullResponse: true,
		json: !request.text,
		encoding: request.text ? 'text' : undefined,
		// 401 still throws so that n8n refreshes the OAuth2 token and retries once.
		ignoreHttpStatusErrors: request.unauthenticated || authMethod(ctx) === 'serviceAccount' ? true : { ignore: true, except: [401] },
	};
	if (options.body === undefined) delete options.body;
	let raw: { statusCode: number; headers: Record<string, any>; body: any };
	if (request.unauthenticated) {
		raw = (await ctx.helpers.httpRequest(options)) as typeof raw;
	} else if (authMethod(ctx) === 'serviceAccount') {
		const token = await serviceAccountAccessToken(ctx, credentials!, { force: forceNewToken });
		options.headers = { ...headers, Authorization: `Bearer ${token}` };
		raw = (await ctx.helpers.httpRequest(options)) as typeof raw;
	} else {
		raw = (await ctx.helpers.httpRequestWithAuthentication.call(ctx, OAUTH2_CREDENTIAL, options)) as typeof raw;
	}
	let parsed = raw.body;
	if (!request.text && typeof parsed === 'string' && parsed.length > 0 && /json/i.test(String(raw.headers?.['content-type'] ?? ''))) {
		try {
			parsed = JSON.parse(parsed);
		} catch {
			/* leave as text */
		}
	}
	return { statusCode: raw.statusCode, headers: raw.headers ?? {}, body: parsed };
}

/**
 * Calls Google. Retries 429, 5xx and rate-limit reasons with exponential backoff, jitter and
 * Retry-After, up to the credential's bound. A non-idempotent call is resent only when Google
 * said it did not perform it (429, rate limit) or the connection never opened.
 */
export async function googleApiRequestFull<T = any>(this: GoogleContext, request: GoogleApiRequest): Promise<GoogleApiResponse<T>> {
	const ctx = this;
	const idempotent = request.idempotent ?? ['GET', 'HEAD', 'PUT', 'DELETE'].includes(request.method);
	let credentials: IDataObject | undefined;
	if (!request.unauthenticated) {
		credentials = (await ctx.getCredentials(authMethod(ctx) === 'serviceAccount' ? SERVICE_ACCOUNT_CREDENTIAL : OAUTH2_CREDENTIAL)) as IDataObject;
	}
	const settings = connectionSettings(credentials ?? {});
	const maxRetries = request.maxRetries ?? settings.maxRetries;
	const secrets = [...knownSecrets(credentials ?? {}), ...(request.secrets ?? [])];
	const paceKey = credentials ? String(credentials.impersonateUser ?? credentials.clientId ?? credentials.serviceAccountKey ?? '').slice(0, 200) : '';
	let forceNewToken = false;

	for (let attempt = 0; ; attempt++) {
		if (request.gmailUnits) {
			for (let wait = gmailPacer.reserve(paceKey, request.gmailUnits, settings.gmailUnitsPerSecond); wait > 0; wait = gmailPacer.reserve(paceKey, request.gmailUnits, settings.gmailUnitsPerSecond)) {
				await sleep(wait);
			}
		}
		let response: GoogleApiResponse;
		try {
			response = await sendOnce(ctx, request, credentials, forceNewToken);
		} catch (error) {
			const described = fromThrown(ctx, request, error, secrets);
			const mayRetry = described.google.kind === 'server' || described.google.kind === 'rate' || (described.google.kind === 'other' && described.httpCode === '0');
			const safe = idempotent || described.google.notPerformed;
			if (mayRetry && safe && attempt < maxRetries) {
				ctx.logger?.debug?.(`Google call ${request.method} ${request.url.split('?')[0]} failed (${described.google.kind}); retrying`);
				await sleep(backoffDelay(attempt, settings.retryDelayMs));
				continue;
			}
			throw described;
		}
		if (response.statusCode >= 200 && response.statusCode < 300) return response as GoogleApiResponse<T>;

		const described = describeGoogleError(response.statusCode, response.body, { surface: request.surface, service: request.service });
		if (described.kind === 'scope' && !described.missingSurface) {
			described.missingSurface = surfaceFromAuthenticateHeader(response.headers['www-authenticate']);
		}
		// A service account's cached token can be revoked or rotated: mint a new one once.
		if (response.statusCode === 401 && authMethod(ctx) === 'serviceAccount' && !request.unauthenticated && !forceNewToken) {
			forceNewToken = true;
			attempt--;
			continue;
		}
		const safe = idempotent || described.notPerformed;
		if (described.retryable && safe && attempt < maxRetries) {
			const retryAfter = parseRetryAfter(response.headers['retry-after']);
			const delay = Math.max(retryAfter ?? 0, backoffDelay(attempt, settings.retryDelayMs));
			ctx.logger?.debug?.(`Google answered ${response.statusCode} to ${request.method} ${request.url.split('?')[0]}; retry ${attempt + 1}/${maxRetries} in ${delay} ms`);
			await sleep(delay);
			continue;
		}
		if (described.retryable && !safe) {
			described.description = `${described.description ? described.description + ' ' : ''}The request may have reached Google, so it was not sent again automatically; check before retrying.`;
		} else if (described.retryable) {
			described.description = `${described.description ? described.description + ' ' : ''}Gave up after ${attempt + 1} attempts.`;
		}
		throw toNodeApiError(ctx, described, secrets);
	}
}

/** googleApiRequestFull, returning only the body. */
export async function googleApiRequest<T = any>(this: GoogleContext, request: GoogleApiRequest): Promise<T> {
	return (await googleApiRequestFull.call(this, request)).body as T;
}

export { RECONNECT_MESSAGE };
