// The one place that talks HTTP to Google. Every Google call of every node goes through
// googleApiRequest: authentication (OAuth2 through n8n, or a service account bearer), retries with
// backoff, pacing, and errors in plain words with no secret in them.
import { sleep, type IDataObject, type IHttpRequestMethods, type IHttpRequestOptions } from 'n8n-workflow';
import type { Surface } from '../auth/scopes';
import { backoffDelay, describeGoogleError, parseRetryAfter, surfaceFromAuthenticateHeader, type DescribedGoogleError } from '../errors/googleErrors';
import { CONSENT_CREDENTIAL, SERVICE_ACCOUNT_CREDENTIAL, authMethod, connectionSettings } from './connection';
import { GoogleApiError, fromThrown, googleApiError } from './errors';
import { gmailPacer } from './pacer';
import { ServiceAccountTokenError, httpFormPoster, mintServiceAccountToken } from './serviceAccount';
import type { GoogleContext } from './types';

export * from './connection';
export { GoogleApiError, asNodeError } from './errors';
export { ServiceAccountTokenError, httpFormPoster, mintServiceAccountToken, type FormPoster } from './serviceAccount';
export type { GoogleContext } from './types';
export { RECONNECT_MESSAGE } from '../errors/googleErrors';

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
	/** Override the credential's retry bound. */
	maxRetries?: number;
	/** Extra secrets to scrub from errors (e.g. a developer token). */
	secrets?: Array<string | undefined>;
	/** Epoch ms: no wait (pacing, Retry-After, backoff) and no request may run past it; the call then
	 * fails with `google.outOfTime` (a poll's time budget, so the poll returns what it has in time). */
	deadline?: number;
}

export interface GoogleApiResponse<T = unknown> {
	statusCode: number;
	headers: Record<string, string | string[] | undefined>;
	body: T;
}

interface RawResponse {
	statusCode: number;
	headers?: Record<string, string | string[] | undefined>;
	body: unknown;
}

function knownSecrets(credentials: IDataObject): Array<string | undefined> {
	const token = (credentials.oauthTokenData as IDataObject | undefined) ?? {};
	return [
		credentials.clientSecret,
		credentials.developerToken,
		credentials.privateKey,
		credentials.serviceAccountKey,
		token.access_token,
		token.refresh_token,
		token.id_token,
	].map((v) => (typeof v === 'string' ? v : undefined));
}

/** A service account access token for a node context (errors as GoogleApiError). */
export async function serviceAccountAccessToken(ctx: GoogleContext, credentials: IDataObject, opts: { force?: boolean } = {}): Promise<string> {
	let failure: GoogleApiError | undefined;
	try {
		return await mintServiceAccountToken(httpFormPoster(ctx.helpers), credentials, opts);
	} catch (error) {
		failure =
			error instanceof ServiceAccountTokenError
				? googleApiError(ctx.getNode(), error.described, knownSecrets(credentials))
				: fromThrown(ctx.getNode(), error, { service: 'Google' }, knownSecrets(credentials));
	}
	throw failure;
}

async function sendOnce(ctx: GoogleContext, request: GoogleApiRequest, credentials: IDataObject | undefined, forceNewToken: boolean): Promise<GoogleApiResponse> {
	const headers: Record<string, string> = { ...(request.headers ?? {}) };
	let body: unknown = request.body;
	if (request.form) {
		headers['content-type'] = 'application/x-www-form-urlencoded';
		body = new URLSearchParams(request.form).toString();
	}
	const viaServiceAccount = !request.unauthenticated && authMethod(ctx) === 'serviceAccount';
	const options: IHttpRequestOptions = {
		method: request.method,
		url: request.url,
		qs: request.qs,
		headers,
		arrayFormat: 'repeat',
		returnFullResponse: true,
		json: !request.text,
		encoding: request.text ? 'text' : undefined,
		// With OAuth2, 401 must still throw: n8n then refreshes the token and retries once.
		ignoreHttpStatusErrors: request.unauthenticated || viaServiceAccount ? true : { ignore: true, except: [401] },
	};
	if (body !== undefined) options.body = body as IHttpRequestOptions['body'];
	if (request.deadline !== undefined) options.timeout = Math.max(1_000, request.deadline - Date.now());
	let raw: RawResponse;
	if (request.unauthenticated) {
		raw = (await ctx.helpers.httpRequest(options)) as RawResponse;
	} else if (viaServiceAccount) {
		const token = await serviceAccountAccessToken(ctx, credentials ?? {}, { force: forceNewToken });
		options.headers = { ...headers, Authorization: `Bearer ${token}` };
		raw = (await ctx.helpers.httpRequest(options)) as RawResponse;
	} else {
		raw = (await ctx.helpers.httpRequestWithAuthentication.call(ctx, CONSENT_CREDENTIAL, options)) as RawResponse;
	}
	let parsed = raw.body;
	const contentType = String(raw.headers?.['content-type'] ?? '');
	if (!request.text && typeof parsed === 'string' && parsed.length > 0 && /json/i.test(contentType)) {
		try {
			parsed = JSON.parse(parsed);
		} catch {
			/* leave as text */
		}
	}
	return { statusCode: raw.statusCode, headers: raw.headers ?? {}, body: parsed };
}

/** Gmail's quota is per user: one connected credential (or impersonated user) is one pacing lane. */
function gmailPaceKey(ctx: GoogleContext, credentials: IDataObject | undefined): string {
	const viaServiceAccount = authMethod(ctx) === 'serviceAccount';
	const ref = (ctx.getNode().credentials ?? {})[viaServiceAccount ? SERVICE_ACCOUNT_CREDENTIAL : CONSENT_CREDENTIAL];
	return String(credentials?.impersonateUser || ref?.id || ref?.name || 'default');
}

/** Tells the pacer Google refused calls for rate inside an answer the transport saw as a success (batch parts). */
export async function noteGmailRateRefusal(this: GoogleContext): Promise<void> {
	const credentials = (await this.getCredentials(authMethod(this) === 'serviceAccount' ? SERVICE_ACCOUNT_CREDENTIAL : CONSENT_CREDENTIAL)) as IDataObject;
	gmailPacer.refused(gmailPaceKey(this, credentials), connectionSettings(credentials).gmailUnitsPerSecond);
}

/**
 * Calls Google. Retries 429, 5xx and rate-limit reasons with exponential backoff, jitter and
 * Retry-After, up to the credential's bound. A non-idempotent call is resent only when Google
 * said it did not perform it (429, rate limit) or the connection never opened.
 */
export async function googleApiRequestFull<T = unknown>(this: GoogleContext, request: GoogleApiRequest): Promise<GoogleApiResponse<T>> {
	const idempotent = request.idempotent ?? ['GET', 'HEAD', 'PUT', 'DELETE'].includes(request.method);
	const credentials = request.unauthenticated
		? undefined
		: ((await this.getCredentials(authMethod(this) === 'serviceAccount' ? SERVICE_ACCOUNT_CREDENTIAL : CONSENT_CREDENTIAL)) as IDataObject);
	const settings = connectionSettings(credentials ?? {});
	const maxRetries = request.maxRetries ?? settings.maxRetries;
	const secrets = [...knownSecrets(credentials ?? {}), ...(request.secrets ?? [])];
	const context = { surface: request.surface, service: request.service };
	const paceKey = gmailPaceKey(this, credentials);
	let forceNewToken = false;
	let refreshedServiceAccount = false;

	const outOfTime = (waitMs: number) => request.deadline !== undefined && Date.now() + waitMs >= request.deadline;
	const stoppedInTime = (described: DescribedGoogleError): GoogleApiError =>
		googleApiError(this.getNode(), { ...described, outOfTime: true, description: `${described.description ? described.description + ' ' : ''}Not retried: the poll's time is up.` }, secrets);

	for (let attempt = 0; ; attempt++) {
		if (request.gmailUnits) {
			const wait = gmailPacer.book(paceKey, request.gmailUnits, settings.gmailUnitsPerSecond, Date.now(), request.deadline);
			if (wait < 0)
				throw stoppedInTime({ kind: 'rate', httpCode: 0, message: `${request.service ?? 'Google'} call not made: the quota pace would start it after the poll's deadline`, retryable: true, notPerformed: true });
			if (wait > 0) await sleep(wait);
		}
		let response: GoogleApiResponse | undefined;
		let thrown: GoogleApiError | undefined;
		try {
			response = await sendOnce(this, request, credentials, forceNewToken);
		} catch (error) {
			thrown = fromThrown(this.getNode(), error, context, secrets);
		}
		if (thrown) {
			const transient = thrown.google.retryable;
			if (transient && (idempotent || thrown.google.notPerformed) && attempt < maxRetries) {
				const delay = backoffDelay(attempt, settings.retryDelayMs);
				if (outOfTime(delay)) throw stoppedInTime(thrown.google);
				this.logger?.debug(`Google call ${request.method} ${request.url.split('?')[0]} failed (${thrown.google.kind}); retrying`);
				await sleep(delay);
				continue;
			}
			if (transient && !idempotent && !thrown.google.notPerformed)
				thrown.description = `${thrown.description ?? ''} The request may have reached Google, so it was not sent again automatically; check before retrying.`.trim();
			throw thrown;
		}
		response = response as GoogleApiResponse;
		if (response.statusCode >= 200 && response.statusCode < 300) {
			if (request.gmailUnits) gmailPacer.passed(paceKey, request.gmailUnits, settings.gmailUnitsPerSecond);
			return response as GoogleApiResponse<T>;
		}

		const described = describeGoogleError(response.statusCode, response.body, context);
		if (request.gmailUnits && described.kind === 'rate') gmailPacer.refused(paceKey, settings.gmailUnitsPerSecond);
		if (described.kind === 'scope' && !described.missingSurface)
			described.missingSurface = surfaceFromAuthenticateHeader(response.headers['www-authenticate']);
		// A service account's cached token can be revoked or rotated: mint a new one, once.
		if (response.statusCode === 401 && credentials && authMethod(this) === 'serviceAccount' && !refreshedServiceAccount) {
			refreshedServiceAccount = true;
			forceNewToken = true;
			attempt--;
			continue;
		}
		forceNewToken = false;
		const safe = idempotent || described.notPerformed;
		if (described.retryable && safe && attempt < maxRetries) {
			const retryAfter = parseRetryAfter(response.headers['retry-after']);
			const delay = Math.max(retryAfter ?? 0, backoffDelay(attempt, settings.retryDelayMs));
			if (outOfTime(delay)) throw stoppedInTime(described);
			this.logger?.debug(`Google answered ${response.statusCode} to ${request.method} ${request.url.split('?')[0]}; retry ${attempt + 1}/${maxRetries} in ${delay} ms`);
			await sleep(delay);
			continue;
		}
		if (described.retryable && !safe) {
			described.description = `${described.description ? described.description + ' ' : ''}The request may have reached Google, so it was not sent again automatically; check before retrying.`;
		} else if (described.retryable) {
			described.description = `${described.description ? described.description + ' ' : ''}Gave up after ${attempt + 1} attempts.`;
		}
		throw googleApiError(this.getNode(), described, secrets);
	}
}

/** googleApiRequestFull, returning only the body. */
export async function googleApiRequest<T = unknown>(this: GoogleContext, request: GoogleApiRequest): Promise<T> {
	return (await googleApiRequestFull.call(this, request)).body as T;
}
