import { generateKeyPairSync } from 'node:crypto';
import { importSPKI, jwtVerify, decodeProtectedHeader } from 'jose';
import { parseServiceAccountKey, serviceAccountKeyFromFields } from '../../../nodes/shared/auth/serviceAccountKey';
import { signServiceAccountJwt } from '../../../nodes/shared/auth/serviceAccountJwt';
import { TokenCache, REFRESH_MARGIN_MS } from '../../../nodes/shared/auth/tokenCache';

const { privateKey, publicKey } = generateKeyPairSync('rsa', {
	modulusLength: 2048,
	privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
	publicKeyEncoding: { type: 'spki', format: 'pem' },
});
const ecKey = generateKeyPairSync('ec', { namedCurve: 'P-256', privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } }).privateKey;
const keyFile = {
	type: 'service_account',
	project_id: 'crm-project',
	private_key_id: 'kid-123',
	private_key: privateKey,
	client_email: 'crm-sync@crm-project.iam.gserviceaccount.com',
	client_id: '1234567890',
	token_uri: 'https://oauth2.googleapis.com/token',
};

describe('service account key', () => {
	it('reads a key file pasted whole, including one with literal \\n in the key', () => {
		const key = parseServiceAccountKey(JSON.stringify({ ...keyFile, private_key: privateKey.replace(/\n/g, '\\n') }));
		expect(key.clientEmail).toBe(keyFile.client_email);
		expect(key.privateKeyId).toBe('kid-123');
		expect(key.privateKey).toContain('-----BEGIN PRIVATE KEY-----\n');
	});

	it.each([
		['not json', /not valid JSON/],
		['[1]', /must be a JSON object/],
		[JSON.stringify({ ...keyFile, type: 'authorized_user' }), /"type": "authorized_user".*service_account/],
		[JSON.stringify({ ...keyFile, client_email: undefined }), /missing "client_email"/],
		[JSON.stringify({ ...keyFile, private_key: '', client_email: '' }), /missing "client_email" and "private_key"/],
		[JSON.stringify({ ...keyFile, private_key: 'abc' }), /"private_key" is not a PEM private key/],
		[JSON.stringify({ ...keyFile, private_key: privateKey.replace(/\n[A-Za-z0-9+/]{20}/, '\n#not-base64#') }), /"private_key" is damaged: its text between the BEGIN and END lines is not a readable private key/],
		[JSON.stringify({ ...keyFile, private_key: ecKey }), /"private_key" is not an RSA key \(it is EC\); Google service account keys are RSA keys/],
		[JSON.stringify({ ...keyFile, client_email: 'nope' }), /"client_email" is not an email/],
		[JSON.stringify({ ...keyFile, token_uri: 'https://evil.example.com/token' }), /"token_uri" must be a googleapis.com/],
	])('refuses a malformed key (%#) naming what is wrong', (input, message) => {
		expect(() => parseServiceAccountKey(input)).toThrow(message);
	});

	it('accepts email + private key fields', () => {
		expect(serviceAccountKeyFromFields(keyFile.client_email, privateKey).tokenUri).toBe('https://oauth2.googleapis.com/token');
		expect(() => serviceAccountKeyFromFields('x', privateKey)).toThrow(/Service Account Email/);
	});
});

describe('service account JWT (checked with jose)', () => {
	it('is RS256, has the claims Google requires and sub for impersonation', async () => {
		const key = parseServiceAccountKey(JSON.stringify(keyFile));
		const now = Math.floor(Date.now() / 1000);
		const jwt = signServiceAccountJwt(key, { scopes: ['a', 'b'], subject: 'rep@acme-crm.test', nowSeconds: now });
		expect(decodeProtectedHeader(jwt)).toEqual({ alg: 'RS256', typ: 'JWT', kid: 'kid-123' });
		const { payload } = await jwtVerify(jwt, await importSPKI(publicKey, 'RS256'), {
			issuer: keyFile.client_email,
			audience: 'https://oauth2.googleapis.com/token',
		});
		expect(payload).toEqual({ iss: keyFile.client_email, scope: 'a b', aud: 'https://oauth2.googleapis.com/token', iat: now, exp: now + 3600, sub: 'rep@acme-crm.test' });
		const own = signServiceAccountJwt(key, { scopes: ['a'] });
		expect((await jwtVerify(own, await importSPKI(publicKey, 'RS256'))).payload.sub).toBeUndefined();
	});
});

describe('token cache', () => {
	it('mints once for concurrent callers and again only shortly before expiry', async () => {
		const cache = new TokenCache();
		let minted = 0;
		const mint = async () => ({ accessToken: `t${++minted}`, expiresInSeconds: 3600 });
		const [a, b] = await Promise.all([cache.get('k', mint), cache.get('k', mint)]);
		expect([a, b, minted]).toEqual(['t1', 't1', 1]);
		expect(await cache.get('k', mint, Date.now() + 3600_000 - REFRESH_MARGIN_MS - 1000)).toBe('t1');
		expect(await cache.get('k', mint, Date.now() + 3600_000 - REFRESH_MARGIN_MS + 1000)).toBe('t2');
	});
});
