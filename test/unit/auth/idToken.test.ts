import { generateKeyPairSync } from 'node:crypto';
import { SignJWT, importPKCS8, exportJWK, importSPKI, createLocalJWKSet, jwtVerify } from 'jose';
import { verifyIdToken, IdTokenError, maxAgeSeconds, type Jwks } from '../../../nodes/shared/auth/idToken';

const pair = () =>
	generateKeyPairSync('rsa', {
		modulusLength: 2048,
		privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
		publicKeyEncoding: { type: 'spki', format: 'pem' },
	});
const google = pair();
const attacker = pair();
const CLIENT = 'client-1.apps.googleusercontent.com';
let jwks: Jwks;

async function token(claims: Record<string, unknown>, opts: { kid?: string; key?: string; alg?: string } = {}) {
	const now = Math.floor(Date.now() / 1000);
	return await new SignJWT({ iss: 'https://accounts.google.com', aud: CLIENT, sub: '42', email: 'a@b.test', iat: now, exp: now + 3600, ...claims })
		.setProtectedHeader({ alg: opts.alg ?? 'RS256', kid: opts.kid ?? 'k1', typ: 'JWT' })
		.sign(await importPKCS8(opts.key ?? google.privateKey, 'RS256'));
}

function reason(fn: () => unknown): string {
	try {
		fn();
	} catch (error) {
		if (error instanceof IdTokenError) return error.reason;
		throw error;
	}
	return 'accepted';
}

beforeAll(async () => {
	jwks = { keys: [{ ...(await exportJWK(await importSPKI(google.publicKey, 'RS256'))), kid: 'k1', alg: 'RS256' }] } as Jwks;
});

describe('Google ID token verification', () => {
	it('accepts a good token, as jose does', async () => {
		const t = await token({});
		const claims = verifyIdToken(t, jwks, { audiences: [CLIENT] });
		expect(claims.sub).toBe('42');
		const checked = await jwtVerify(t, createLocalJWKSet(jwks as never), { audience: CLIENT, issuer: 'https://accounts.google.com' });
		expect(checked.payload.sub).toBe(claims.sub);
		expect(verifyIdToken(await token({ iss: 'accounts.google.com' }), jwks, { audiences: ['other', CLIENT] }).sub).toBe('42');
	});

	it('refuses each bad token with its own reason', async () => {
		const now = Math.floor(Date.now() / 1000);
		expect(reason(() => verifyIdToken('abc', jwks, { audiences: [CLIENT] }))).toBe('malformed');
		expect(reason(() => verifyIdToken('x.y.z', jwks, { audiences: [CLIENT] }))).toBe('malformed');
		const wrongAud = await token({ aud: 'someone-else' });
		expect(reason(() => verifyIdToken(wrongAud, jwks, { audiences: [CLIENT] }))).toBe('wrong_audience');
		const wrongIss = await token({ iss: 'https://evil.example.com' });
		expect(reason(() => verifyIdToken(wrongIss, jwks, { audiences: [CLIENT] }))).toBe('wrong_issuer');
		const expired = await token({ iat: now - 7200, exp: now - 3600 });
		expect(reason(() => verifyIdToken(expired, jwks, { audiences: [CLIENT] }))).toBe('expired');
		const future = await token({ iat: now + 3600, exp: now + 7200 });
		expect(reason(() => verifyIdToken(future, jwks, { audiences: [CLIENT] }))).toBe('issued_in_future');
		const forged = await token({}, { key: attacker.privateKey });
		expect(reason(() => verifyIdToken(forged, jwks, { audiences: [CLIENT] }))).toBe('bad_signature');
		const unknownKid = await token({}, { kid: 'k9' });
		expect(reason(() => verifyIdToken(unknownKid, jwks, { audiences: [CLIENT] }))).toBe('unknown_key');
		const [h, p, s] = (await token({})).split('.');
		const tampered = `${h}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p, 'base64url').toString()), email: 'admin@b.test' })).toString('base64url')}.${s}`;
		expect(reason(() => verifyIdToken(tampered, jwks, { audiences: [CLIENT] }))).toBe('bad_signature');
		const none = `${Buffer.from(JSON.stringify({ alg: 'none', kid: 'k1' })).toString('base64url')}.${p}.`;
		expect(reason(() => verifyIdToken(none, jwks, { audiences: [CLIENT] }))).toBe('unsupported_algorithm');
		const otherDomain = await token({ hd: 'other.test' });
		expect(reason(() => verifyIdToken(otherDomain, jwks, { audiences: [CLIENT], hostedDomain: 'acme.test' }))).toBe('wrong_hosted_domain');
	});

	it('allows the clock skew on exp', async () => {
		const now = Math.floor(Date.now() / 1000);
		const justExpired = await token({ iat: now - 3700, exp: now - 100 });
		expect(reason(() => verifyIdToken(justExpired, jwks, { audiences: [CLIENT] }))).toBe('accepted');
		expect(reason(() => verifyIdToken(justExpired, jwks, { audiences: [CLIENT], clockSkewSeconds: 0 }))).toBe('expired');
	});

	it('reads max-age for caching', () => {
		expect(maxAgeSeconds('public, max-age=21600, must-revalidate')).toBe(21600);
		expect(maxAgeSeconds(undefined, 60)).toBe(60);
	});
});
