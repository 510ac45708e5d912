// Google's OpenID Connect endpoints through the one request function: who the connection signs in
// as (userinfo) and what Google says about an access token (tokeninfo).
import type { IDataObject } from 'n8n-workflow';
import { googleApiRequest, googleApiRequestFull } from './index';
import type { GoogleContext } from './types';

export const USERINFO_URL = 'https://openidconnect.googleapis.com/v1/userinfo';
export const TOKENINFO_URL = 'https://oauth2.googleapis.com/tokeninfo';

/** The signed-in user's OpenID profile (sub, email, name, picture, …); needs the identity surface. */
export async function userInfo<T = IDataObject>(ctx: GoogleContext): Promise<T> {
	return await (googleApiRequest<T>).call(ctx, { method: 'GET', url: USERINFO_URL, surface: 'identity', service: 'Google Identity' });
}

/** tokeninfo for an access token (unauthenticated; the token is the form body and is redacted from errors). */
export async function tokenInfo<T = IDataObject>(ctx: GoogleContext, accessToken: string): Promise<T> {
	const response = await googleApiRequestFull.call(ctx, {
		method: 'POST',
		url: TOKENINFO_URL,
		form: { access_token: accessToken },
		surface: 'identity',
		unauthenticated: true,
		idempotent: true,
		secrets: [accessToken],
	});
	return response.body as T;
}
