// The JWT bearer assertion a service account exchanges for an access token (RFC 7523), signed
// RS256 with node:crypto. `subject` is the Workspace user to impersonate (domain-wide delegation).
import { createPrivateKey, createSign } from 'node:crypto';
import type { ServiceAccountKey } from './serviceAccountKey';

export const ASSERTION_LIFETIME_SECONDS = 3600;

function b64url(input: string | Buffer): string {
	return Buffer.from(input).toString('base64url');
}

export function signServiceAccountJwt(
	key: ServiceAccountKey,
	opts: { scopes: string[]; subject?: string; nowSeconds?: number },
): string {
	const iat = opts.nowSeconds ?? Math.floor(Date.now() / 1000);
	const header: Record<string, string> = { alg: 'RS256', typ: 'JWT' };
	if (key.privateKeyId) header.kid = key.privateKeyId;
	const claims: Record<string, string | number> = {
		iss: key.clientEmail,
		scope: opts.scopes.join(' '),
		aud: key.tokenUri,
		iat,
		exp: iat + ASSERTION_LIFETIME_SECONDS,
	};
	if (opts.subject) claims.sub = opts.subject;
	const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
	const signature = createSign('RSA-SHA256').update(input).sign(createPrivateKey(key.privateKey));
	return `${input}.${b64url(signature)}`;
}
