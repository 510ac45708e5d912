// Verifies a Google ID token ("Sign in with Google"): RS256 signature by a key from Google's JWKS
// (chosen by kid), issuer, audience, expiry and issue time with clock skew. Each refusal has its own reason.
import { createPublicKey, createVerify, type JsonWebKey } from 'node:crypto';

export const GOOGLE_ISSUERS = ['accounts.google.com', 'https://accounts.google.com'];
export const DEFAULT_CLOCK_SKEW_SECONDS = 300;

export type IdTokenFailure =
	| 'malformed'
	| 'unsupported_algorithm'
	| 'unknown_key'
	| 'bad_signature'
	| 'wrong_issuer'
	| 'wrong_audience'
	| 'expired'
	| 'issued_in_future'
	| 'missing_claim'
	| 'wrong_hosted_domain';

export class IdTokenError extends Error {
	constructor(
		readonly reason: IdTokenFailure,
		message: string,
	) {
		super(message);
	}
}

export interface Jwks {
	keys: Array<JsonWebKey & { kid?: string; alg?: string }>;
}

export interface IdTokenClaims {
	iss: string;
	aud: string;
	sub: string;
	exp: number;
	iat: number;
	email?: string;
	email_verified?: boolean;
	name?: string;
	picture?: string;
	hd?: string;
	[claim: string]: unknown;
}

function decodePart(part: string, what: string): Record<string, unknown> {
	let value: unknown;
	try {
		value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
	} catch {
		value = undefined;
	}
	if (value === null || typeof value !== 'object' || Array.isArray(value))
		throw new IdTokenError('malformed', `The ID token's ${what} is not base64url JSON`);
	return value as Record<string, unknown>;
}

/** Reads the header without verifying (to pick the key). */
export function idTokenKeyId(token: string): string | undefined {
	const parts = token.split('.');
	if (parts.length !== 3) return undefined;
	try {
		const kid = decodePart(parts[0], 'header').kid;
		return typeof kid === 'string' ? kid : undefined;
	} catch {
		return undefined;
	}
}

export function verifyIdToken(
	token: string,
	jwks: Jwks,
	opts: { audiences: string[]; nowSeconds?: number; clockSkewSeconds?: number; hostedDomain?: string },
): IdTokenClaims {
	if (typeof token !== 'string' || token.split('.').length !== 3)
		throw new IdTokenError('malformed', 'The ID token is not a JWT (expected three dot-separated parts)');
	const [h, p, s] = token.trim().split('.');
	const header = decodePart(h, 'header');
	const claims = decodePart(p, 'payload') as unknown as IdTokenClaims;
	if (header.alg !== 'RS256') throw new IdTokenError('unsupported_algorithm', `The ID token is signed with "${String(header.alg)}"; Google signs with RS256`);
	const jwk = jwks.keys.find((k) => k.kid === header.kid);
	if (!jwk) throw new IdTokenError('unknown_key', `The ID token was signed by key "${String(header.kid)}", which is not among Google's current keys`);
	let ok = false;
	try {
		const key = createPublicKey({ key: jwk, format: 'jwk' });
		ok = createVerify('RSA-SHA256').update(`${h}.${p}`).verify(key, Buffer.from(s, 'base64url'));
	} catch {
		ok = false;
	}
	if (!ok) throw new IdTokenError('bad_signature', "The ID token's signature does not verify against Google's key");
	if (!GOOGLE_ISSUERS.includes(claims.iss)) throw new IdTokenError('wrong_issuer', `The ID token was issued by "${String(claims.iss)}", not by Google (accounts.google.com)`);
	const audiences = opts.audiences.map((a) => a.trim()).filter(Boolean);
	const tokenAudiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
	if (!tokenAudiences.some((a) => audiences.includes(a)))
		throw new IdTokenError('wrong_audience', `The ID token is meant for client "${tokenAudiences.join(', ')}", not for the expected client id(s)`);
	const now = opts.nowSeconds ?? Math.floor(Date.now() / 1000);
	const skew = opts.clockSkewSeconds ?? DEFAULT_CLOCK_SKEW_SECONDS;
	if (typeof claims.exp !== 'number') throw new IdTokenError('missing_claim', 'The ID token has no "exp" claim');
	if (typeof claims.iat !== 'number') throw new IdTokenError('missing_claim', 'The ID token has no "iat" claim');
	if (claims.exp + skew < now) throw new IdTokenError('expired', `The ID token expired at ${new Date(claims.exp * 1000).toISOString()}`);
	if (claims.iat - skew > now) throw new IdTokenError('issued_in_future', `The ID token claims to be issued at ${new Date(claims.iat * 1000).toISOString()}, in the future`);
	if (opts.hostedDomain && claims.hd !== opts.hostedDomain)
		throw new IdTokenError('wrong_hosted_domain', `The ID token's account is not in the "${opts.hostedDomain}" Workspace domain`);
	return claims;
}

/** Google's certs are cached as long as Cache-Control max-age says. */
export function maxAgeSeconds(cacheControl: unknown, fallback = 3600): number {
	const m = typeof cacheControl === 'string' ? /max-age=(\d+)/i.exec(cacheControl) : null;
	return m ? Number(m[1]) : fallback;
}
