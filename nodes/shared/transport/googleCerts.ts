// Google's ID-token signing keys (JWKS), cached as long as Cache-Control allows. A token naming a key
// we do not have triggers a refetch (Google rotates keys), but at most one a minute: the kid comes
// from an unauthenticated caller, so a miss is remembered that long, and concurrent fetches share
// one request. Google publishes new keys well before signing with them, so a minute costs nothing.
import type { Jwks } from '../auth/idToken';
import { maxAgeSeconds } from '../auth/idToken';
import { googleApiRequestFull, type GoogleContext } from './index';

export const GOOGLE_JWKS_URL = 'https://www.googleapis.com/oauth2/v3/certs';
/** After a fetch, an unknown kid does not cause another one for this long. */
export const JWKS_MISS_TTL_MS = 60_000;

let cached: { jwks: Jwks; expiresAt: number; fetchedAt: number } | undefined;
let inFlight: Promise<Jwks> | undefined;

async function fetchCerts(ctx: GoogleContext): Promise<Jwks> {
	const response = await googleApiRequestFull.call(ctx, { method: 'GET', url: GOOGLE_JWKS_URL, surface: 'identity', unauthenticated: true });
	const jwks = response.body as Jwks;
	const now = Date.now();
	cached = { jwks, expiresAt: now + maxAgeSeconds(response.headers['cache-control']) * 1000, fetchedAt: now };
	return jwks;
}

export async function googleCerts(this: GoogleContext, kid?: string): Promise<Jwks> {
	const now = Date.now();
	if (cached && cached.expiresAt > now) {
		const hasKey = !kid || cached.jwks.keys.some((k) => k.kid === kid);
		if (hasKey || now - cached.fetchedAt < JWKS_MISS_TTL_MS) return cached.jwks;
	}
	if (!inFlight) inFlight = fetchCerts(this).finally(() => (inFlight = undefined));
	return await inFlight;
}

/** For tests: forget the cached keys. */
export function forgetGoogleCerts(): void {
	cached = undefined;
	inFlight = undefined;
}
