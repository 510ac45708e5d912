// Google's ID-token signing keys (JWKS), cached as long as Cache-Control allows; refetched once
// when a token names a key we do not have (Google rotates keys).
import type { Jwks } from '../auth/idToken';
import { maxAgeSeconds } from '../auth/idToken';
import { googleApiRequestFull, type GoogleContext } from './index';

export const GOOGLE_JWKS_URL = 'https://www.googleapis.com/oauth2/v3/certs';

let cached: { jwks: Jwks; expiresAt: number } | undefined;

export async function googleCerts(this: GoogleContext, kid?: string): Promise<Jwks> {
	const fresh = cached && cached.expiresAt > Date.now();
	const hasKey = !kid || cached?.jwks.keys.some((k) => k.kid === kid);
	if (fresh && hasKey) return cached!.jwks;
	const response = await googleApiRequestFull.call(this, { method: 'GET', url: GOOGLE_JWKS_URL, surface: 'identity', unauthenticated: true });
	const jwks = response.body as Jwks;
	cached = { jwks, expiresAt: Date.now() + maxAgeSeconds(response.headers['cache-control']) * 1000 };
	return jwks;
}

/** For tests: forget the cached keys. */
export function forgetGoogleCerts(): void {
	cached = undefined;
}
