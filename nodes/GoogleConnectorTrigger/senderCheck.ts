// Who may call the conversion callback and the performance alert: the shared secret (query `token`,
// the configured header, or Authorization: Bearer), or, when required, a Google-signed OIDC token.
import type { IWebhookFunctions } from 'n8n-workflow';
import { IdTokenError, idTokenKeyId, verifyIdToken } from '../shared/auth/idToken';
import { googleCerts } from '../shared/transport/googleCerts';
import { safeEqual } from '../shared/webhook/signature';
import type { Delivery } from './delivery';
import { header, queryValue } from './request';

/** Why the sender is refused, or undefined when it may call. */
export async function checkSender(this: IWebhookFunctions, delivery: Pick<Delivery, 'query' | 'headers' | 'secrets' | 'options'>): Promise<string | undefined> {
	const { query, headers, secrets, options } = delivery;
	const authorization = header(headers, 'authorization') ?? '';
	const bearer = /^bearer\s+(.+)$/i.exec(authorization.trim())?.[1];
	if (options.requireGoogleOidc) {
		// Publishing refuses these settings empty; a test URL (or an old workflow) may still get here.
		const audiences = String(options.oidcAudience ?? '').split(',').map((a) => a.trim()).filter(Boolean);
		const expected = String(options.oidcServiceAccountEmail ?? '').trim().toLowerCase();
		if (audiences.length === 0 || !expected) return 'Google-signed tokens are required, but the trigger has no Token Service Account or Token Audience set';
		if (!bearer) return 'A Google-signed bearer token is required';
		const jwks = await googleCerts.call(this, idTokenKeyId(bearer));
		try {
			const claims = verifyIdToken(bearer, jwks, { audiences });
			const email = typeof claims.email === 'string' ? claims.email.toLowerCase() : '';
			const verified = claims.email_verified === true || (claims.email_verified as unknown) === 'true';
			if (!verified || !safeEqual(email, expected)) return 'The bearer token was issued to another service account';
			return undefined;
		} catch (error) {
			return `The bearer token is not valid (${error instanceof IdTokenError ? error.reason : 'malformed'})`;
		}
	}
	if (!secrets.sharedSecret) return 'No shared secret is configured, so every call is refused';
	const headerName = String(options.headerName || 'x-webhook-token').toLowerCase();
	const candidates = [queryValue(query, 'token'), header(headers, headerName), bearer].filter((v): v is string => typeof v === 'string');
	// Compare every candidate (constant time each), so which one matched does not show in timing.
	let ok = false;
	for (const c of candidates) ok = safeEqual(c, secrets.sharedSecret) || ok;
	return ok ? undefined : 'The shared secret is missing or wrong';
}
