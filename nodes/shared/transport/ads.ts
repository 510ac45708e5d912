// Google Ads calls: every one goes through googleApiRequest with the developer-token and
// login-customer-id headers from the credential, the API version of the node, and the developer token
// passed as a secret so no error can show it. Mutates and uploads are not idempotent.
import type { IDataObject, IHttpRequestMethods } from 'n8n-workflow';
import { AdsValidationError, optionalCustomerId, resolveAdsVersion, adsUrl, normalizeCustomerId, idsFromResourceNames } from '../ads';
import { connectionCredentials, nodeParameter } from './connection';
import { GoogleApiError, asNodeError, googleApiRequest } from './index';
import type { GoogleContext } from './types';

export interface AdsSettings {
	version: string;
	developerToken?: string;
	loginCustomerId?: string;
}

/** Version (node parameter `adsApiVersion`, else the newest), developer token and manager id (credential). */
export async function adsSettings(ctx: GoogleContext, itemIndex = 0): Promise<AdsSettings> {
	const version = resolveAdsVersion(nodeParameter<string>(ctx, 'adsApiVersion', '', itemIndex), 'API Version');
	const credentials = await connectionCredentials(ctx);
	const token = typeof credentials.developerToken === 'string' ? credentials.developerToken.trim() : '';
	return {
		version,
		developerToken: token || undefined,
		loginCustomerId: optionalCustomerId(credentials.loginCustomerId, 'Ads Manager (Login) Customer ID (credential)'),
	};
}

/** The manager (login) customer id of the credential, if any (for Data Manager's loginAccount). */
export async function adsLoginCustomerId(ctx: GoogleContext): Promise<string | undefined> {
	const credentials = await connectionCredentials(ctx);
	return optionalCustomerId(credentials.loginCustomerId, 'Ads Manager (Login) Customer ID (credential)');
}

export interface AdsCall {
	method: IHttpRequestMethods;
	/** Path after the version, e.g. `customers/1234567890/googleAds:mutate`. */
	path: string;
	body?: unknown;
	qs?: IDataObject;
	idempotent?: boolean;
	/** Send login-customer-id (default: when the credential has one). */
	withLoginCustomer?: boolean;
}

const WRONG_MANAGER = 'authorizationError.INVALID_LOGIN_CUSTOMER_ID_SERVING_CUSTOMER_ID_COMBINATION';

async function sendAds<T>(ctx: GoogleContext, settings: AdsSettings, call: AdsCall, withLogin: boolean): Promise<T> {
	const headers: Record<string, string> = {};
	if (settings.developerToken) headers['developer-token'] = settings.developerToken;
	if (withLogin && settings.loginCustomerId) headers['login-customer-id'] = settings.loginCustomerId;
	return await (googleApiRequest<T>).call(ctx, {
		method: call.method,
		url: adsUrl(settings.version, call.path),
		surface: 'ads',
		service: 'Google Ads',
		headers,
		body: call.body,
		qs: call.qs,
		idempotent: call.idempotent,
		secrets: [settings.developerToken],
	});
}

/**
 * One Google Ads call. When Google says the credential's manager does not manage the account called
 * (it performed nothing), the call is made once more without login-customer-id, so one credential
 * reaches both its manager's clients and the accounts the user reaches directly.
 */
export async function adsRequest<T = unknown>(ctx: GoogleContext, settings: AdsSettings, call: AdsCall): Promise<T> {
	const withLogin = Boolean(settings.loginCustomerId) && call.withLoginCustomer !== false;
	if (!withLogin) return await sendAds<T>(ctx, settings, call, false);
	let refused: GoogleApiError | undefined;
	try {
		return await sendAds<T>(ctx, settings, call, true);
	} catch (error) {
		if (!(error instanceof GoogleApiError) || !error.google.fieldErrors?.some((e) => e.code === WRONG_MANAGER)) throw asNodeError(ctx.getNode(), error);
		refused = error;
	}
	ctx.logger?.debug(`Google Ads: the manager in the credential does not manage this account; calling it directly (${refused.google.requestId ?? ''})`);
	return await sendAds<T>(ctx, settings, call, false);
}

export interface SearchPage {
	results?: IDataObject[];
	nextPageToken?: string;
	fieldMask?: string;
}

/** googleAds:search, following pages until `max` rows (or all when max is undefined). */
export async function adsSearch(ctx: GoogleContext, settings: AdsSettings, customerId: string, query: string, max?: number): Promise<IDataObject[]> {
	const cid = normalizeCustomerId(customerId);
	const rows: IDataObject[] = [];
	let pageToken: string | undefined;
	do {
		const page = await adsRequest<SearchPage>(ctx, settings, {
			method: 'POST',
			path: `customers/${cid}/googleAds:search`,
			body: pageToken ? { query, pageToken } : { query },
			idempotent: true,
		});
		rows.push(...(page.results ?? []));
		pageToken = page.nextPageToken || undefined;
	} while (pageToken && (max === undefined || rows.length < max));
	return max === undefined ? rows : rows.slice(0, max);
}

/** googleAds:searchStream: one request, the answer is a JSON array of batches. */
export async function adsSearchStream(ctx: GoogleContext, settings: AdsSettings, customerId: string, query: string): Promise<IDataObject[]> {
	const cid = normalizeCustomerId(customerId);
	const batches = await adsRequest<SearchPage[] | SearchPage>(ctx, settings, {
		method: 'POST',
		path: `customers/${cid}/googleAds:searchStream`,
		body: { query },
		idempotent: true,
	});
	const list = Array.isArray(batches) ? batches : [batches];
	return list.flatMap((b) => b?.results ?? []);
}

export interface MutateResponse {
	mutateOperationResponses?: IDataObject[];
	partialFailureError?: IDataObject;
}

/** googleAds:mutate: atomic unless partialFailure is set; never resent after it may have reached Google. */
export async function adsMutate(ctx: GoogleContext, settings: AdsSettings, customerId: string, body: IDataObject): Promise<MutateResponse> {
	const cid = normalizeCustomerId(customerId);
	return await adsRequest<MutateResponse>(ctx, settings, { method: 'POST', path: `customers/${cid}/googleAds:mutate`, body, idempotent: false });
}

/** customers:listAccessibleCustomers: the ids the credential reaches directly (no manager header). */
export async function adsListAccessibleCustomerIds(ctx: GoogleContext, settings: AdsSettings): Promise<string[]> {
	const response = await adsRequest<IDataObject>(ctx, settings, { method: 'GET', path: 'customers:listAccessibleCustomers', withLoginCustomer: false });
	return idsFromResourceNames(response.resourceNames);
}

/** The legacy customers:uploadClickConversions (partial failure on); never resent after it may have reached Google. */
export async function adsUploadClickConversions(ctx: GoogleContext, settings: AdsSettings, customerId: string, body: IDataObject): Promise<IDataObject> {
	const cid = normalizeCustomerId(customerId);
	return await adsRequest<IDataObject>(ctx, settings, { method: 'POST', path: `customers/${cid}:uploadClickConversions`, body, idempotent: false });
}

export { AdsValidationError };
