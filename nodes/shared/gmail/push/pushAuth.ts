// Who may push: a Google-signed OIDC token (RS256 by a key of Google's JWKS, issuer Google, not
// expired) for the configured audience, issued to the service account the subscription pushes as,
// with a verified email. No or a bad token: 401; a good token for someone else: 403. Pure: the caller
// brings Google's keys.
import { IdTokenError, verifyIdToken, type Jwks } from '../../auth/idToken';

export type PushAuth = { ok: true } | { ok: false; status: 401 | 403; reason: string };

export interface PushTokenExpectation {
	audience: string;
	serviceAccountEmail: string;
	nowSeconds?: number;
}

/** The bearer token of an Authorization header, or undefined. */
export function bearerToken(authorization: string | string[] | undefined): string | undefined {
	const value = Array.isArray(authorization) ? authorization[0] : authorization;
	return /^bearer\s+(\S+)\s*$/i.exec(value ?? '')?.[1];
}

export function checkPushToken(token: string | undefined, jwks: Jwks, expect: PushTokenExpectation): PushAuth {
	if (!token) return { ok: false, status: 401, reason: 'no bearer token (the subscription must push with authentication)' };
	let claims;
	try {
		claims = verifyIdToken(token, jwks, { audiences: [expect.audience], nowSeconds: expect.nowSeconds });
	} catch (error) {
		const reason = error instanceof IdTokenError ? error.reason : 'malformed';
		// The token is Google's and valid, but meant for another endpoint: not ours to accept.
		if (reason === 'wrong_audience') return { ok: false, status: 403, reason: 'the token is for another audience' };
		return { ok: false, status: 401, reason: `the token is not valid (${reason})` };
	}
	const email = typeof claims.email === 'string' ? claims.email.trim().toLowerCase() : '';
	if (email !== expect.serviceAccountEmail.trim().toLowerCase()) return { ok: false, status: 403, reason: 'the token was issued to another service account' };
	if (claims.email_verified !== true && (claims.email_verified as unknown) !== 'true') return { ok: false, status: 403, reason: "the token's email is not verified" };
	return { ok: true };
}
