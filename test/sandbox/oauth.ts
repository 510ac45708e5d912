// OAuth 2.0 / OpenID Connect as Google serves it: consent page, code exchange, refresh, revoke,
// JWT bearer for service accounts (signature and claims verified), tokeninfo, userinfo, JWKS, ID tokens.
import { createPublicKey, createSign, createVerify, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { GoogleSandbox, SandboxError, googleError, type SandboxRequest } from './server';

export const TOKEN_URL = 'https://oauth2.googleapis.com/token';

export interface SandboxUser {
	sub: string;
	email: string;
	name: string;
	givenName: string;
	familyName: string;
	picture: string;
	hd?: string;
}

export interface AccessTokenRecord {
	token: string;
	clientId: string;
	user: SandboxUser;
	scopes: string[];
	expiresAt: number;
	refreshToken?: string;
	revoked: boolean;
	via: 'code' | 'refresh' | 'jwt-bearer';
}

export interface ServiceAccountRecord {
	clientEmail: string;
	clientId: string;
	privateKeyId: string;
	publicKey: KeyObject;
	/** Scopes an admin granted to this client for domain-wide delegation; subjects must be known users. */
	delegatedScopes: string[];
	/** Scopes the account may use as itself (no sub). */
	ownScopes: string[];
}

export interface JwtBearerGrant {
	header: Record<string, unknown>;
	claims: Record<string, unknown>;
	signatureVerified: boolean;
	outcome: 'granted' | string;
}

const ONE_HOUR = 3600;

function b64url(input: Buffer | string) {
	return Buffer.from(input).toString('base64url');
}

function oauthError(status: number, error: string, description: string): SandboxError {
	return new SandboxError(status, { error, error_description: description });
}

export class OAuthState {
	clients = new Map<string, { secret: string; redirectUris: string[] }>();
	users = new Map<string, SandboxUser>();
	accessTokens = new Map<string, AccessTokenRecord>();
	refreshTokens = new Map<string, { clientId: string; user: SandboxUser; scopes: string[]; revoked: boolean }>();
	codes = new Map<string, { clientId: string; redirectUri: string; user: SandboxUser; scopes: string[]; challenge?: string }>();
	serviceAccounts = new Map<string, ServiceAccountRecord>();
	jwtGrants: JwtBearerGrant[] = [];
	/** Seconds a fresh access token lives (Google: 3599). */
	accessTokenLifetime = 3599;
	/** Who approves the consent page when a test follows the authorize URL. */
	consentUser: string;
	/** When true, GET authorize redirects straight back with a code (no page). */
	autoApprove = false;
	readonly idTokenKeys: { kid: string; privateKey: KeyObject; publicKey: KeyObject }[] = [];

	constructor() {
		const user: SandboxUser = {
			sub: '110248495921238986420',
			email: 'rep@acme-crm.test',
			name: 'Riley Rep',
			givenName: 'Riley',
			familyName: 'Rep',
			picture: 'https://lh3.googleusercontent.com/a/sandbox-riley',
			hd: 'acme-crm.test',
		};
		this.users.set(user.email, user);
		this.consentUser = user.email;
		this.clients.set('sandbox-client.apps.googleusercontent.com', {
			secret: 'GOCSPX-sandbox-client-secret',
			redirectUris: [],
		});
		this.rotateIdTokenKey();
	}

	get defaultUser(): SandboxUser {
		return this.users.get(this.consentUser)!;
	}

	rotateIdTokenKey(): string {
		const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
		const kid = randomBytes(8).toString('hex');
		this.idTokenKeys.unshift({ kid, privateKey, publicKey });
		return kid;
	}

	addUser(user: Partial<SandboxUser> & { email: string }): SandboxUser {
		const [given, family] = (user.name ?? user.email.split('@')[0]).split(' ');
		const full: SandboxUser = {
			sub: user.sub ?? String(100000000000000000000 + this.users.size),
			name: user.name ?? user.email,
			givenName: user.givenName ?? given,
			familyName: user.familyName ?? family ?? '',
			picture: user.picture ?? 'https://lh3.googleusercontent.com/a/sandbox',
			hd: user.hd ?? user.email.split('@')[1],
			...user,
		};
		this.users.set(full.email, full);
		return full;
	}

	/** Issues a connected grant directly (what a finished consent would give), for tests that start connected. */
	issueGrant(opts: { clientId?: string; email?: string; scopes: string[]; expiresIn?: number }) {
		const clientId = opts.clientId ?? 'sandbox-client.apps.googleusercontent.com';
		// A grant means that account consented: an address not added yet becomes a user (its token would
		// otherwise name nobody, and every API answered 500).
		const email = opts.email ?? this.consentUser;
		const user = this.users.get(email) ?? this.addUser({ email });
		const refreshToken = `1//sandbox-rt-${randomBytes(16).toString('hex')}`;
		this.refreshTokens.set(refreshToken, { clientId, user, scopes: opts.scopes, revoked: false });
		const access = this.mintAccessToken(clientId, user, opts.scopes, 'code', refreshToken, opts.expiresIn);
		return { access_token: access.token, refresh_token: refreshToken, expires_in: opts.expiresIn ?? this.accessTokenLifetime, scope: opts.scopes.join(' '), token_type: 'Bearer' };
	}

	mintAccessToken(
		clientId: string,
		user: SandboxUser,
		scopes: string[],
		via: AccessTokenRecord['via'],
		refreshToken?: string,
		lifetime = this.accessTokenLifetime,
	): AccessTokenRecord {
		const token = `ya29.sandbox-${randomBytes(24).toString('base64url')}`;
		const record: AccessTokenRecord = {
			token,
			clientId,
			user,
			scopes,
			expiresAt: Date.now() + lifetime * 1000,
			refreshToken,
			revoked: false,
			via,
		};
		this.accessTokens.set(token, record);
		return record;
	}

	/** Makes every access token issued so far expired (the next API call gets 401). */
	expireAccessTokens(): void {
		for (const t of this.accessTokens.values()) t.expiresAt = Date.now() - 1000;
	}

	/** Revokes every grant (refresh and access tokens) of a user, as "Remove access" in the Google account does. */
	revokeUser(email = this.consentUser): void {
		for (const r of this.refreshTokens.values()) if (r.user.email === email) r.revoked = true;
		for (const t of this.accessTokens.values()) if (t.user.email === email) t.revoked = true;
	}

	registerServiceAccount(opts: {
		clientEmail: string;
		publicKeyPem: string;
		privateKeyId: string;
		clientId?: string;
		delegatedScopes?: string[];
		ownScopes?: string[];
	}): void {
		this.serviceAccounts.set(opts.clientEmail, {
			clientEmail: opts.clientEmail,
			clientId: opts.clientId ?? '109876543210987654321',
			privateKeyId: opts.privateKeyId,
			publicKey: createPublicKey(opts.publicKeyPem),
			delegatedScopes: opts.delegatedScopes ?? [],
			ownScopes: opts.ownScopes ?? [],
		});
	}

	/** Signs an ID token as Google would; `overrides` lets a test forge bad ones. */
	signIdToken(claims: Record<string, unknown>, opts: { kid?: string; key?: KeyObject; alg?: string } = {}): string {
		const key = this.idTokenKeys[0];
		const header = { alg: opts.alg ?? 'RS256', kid: opts.kid ?? key.kid, typ: 'JWT' };
		const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
		const signature = createSign('RSA-SHA256').update(input).sign(opts.key ?? key.privateKey);
		return `${input}.${b64url(signature)}`;
	}

	idTokenFor(user: SandboxUser, clientId: string, extra: Record<string, unknown> = {}): string {
		const now = Math.floor(Date.now() / 1000);
		return this.signIdToken({
			iss: 'https://accounts.google.com',
			azp: clientId,
			aud: clientId,
			sub: user.sub,
			email: user.email,
			email_verified: true,
			name: user.name,
			picture: user.picture,
			given_name: user.givenName,
			family_name: user.familyName,
			...(user.hd ? { hd: user.hd } : {}),
			iat: now,
			exp: now + ONE_HOUR,
			...extra,
		});
	}

	/** Finds a live token for an API call, or throws Google's 401 / 403. */
	authorize(req: SandboxRequest, acceptedScopes: string[]): AccessTokenRecord {
		const token = req.bearer();
		const record = token ? this.accessTokens.get(token) : undefined;
		if (!record || record.revoked || record.expiresAt <= Date.now()) {
			throw new SandboxError(401, {
				error: {
					code: 401,
					message:
						'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
					errors: [{ message: 'Invalid Credentials', domain: 'global', reason: 'authError', location: 'Authorization', locationType: 'header' }],
					status: 'UNAUTHENTICATED',
				},
			}, { 'www-authenticate': 'Bearer realm="https://accounts.google.com/", error="invalid_token"' });
		}
		if (acceptedScopes.length > 0 && !record.scopes.some((s) => acceptedScopes.includes(s))) {
			throw googleError(403, 'Request had insufficient authentication scopes.', 'insufficientPermissions', {
				details: [
					{
						'@type': 'type.googleapis.com/google.rpc.ErrorInfo',
						reason: 'ACCESS_TOKEN_SCOPE_INSUFFICIENT',
						domain: 'googleapis.com',
						metadata: { service: req.host, method: req.path },
					},
				],
				headers: {
					'www-authenticate': `Bearer realm="https://accounts.google.com/", error="insufficient_scope", scope="${acceptedScopes.join(' ')}"`,
				},
			});
		}
		return record;
	}

	private clientAuth(req: SandboxRequest, form: URLSearchParams) {
		let clientId = form.get('client_id') ?? undefined;
		let clientSecret = form.get('client_secret') ?? undefined;
		const basic = req.headers.authorization;
		if (typeof basic === 'string' && /^basic /i.test(basic)) {
			const [id, secret] = Buffer.from(basic.slice(6), 'base64').toString().split(':').map(decodeURIComponent);
			clientId = id;
			clientSecret = secret;
		}
		const client = clientId ? this.clients.get(clientId) : undefined;
		if (!client || client.secret !== clientSecret) throw oauthError(401, 'invalid_client', 'The OAuth client was not found.');
		return clientId!;
	}

	jwtBearer(assertion: string): AccessTokenRecord {
		const parts = assertion.split('.');
		const fail = (status: number, error: string, description: string, grant?: Partial<JwtBearerGrant>) => {
			this.jwtGrants.push({ header: {}, claims: {}, signatureVerified: false, ...grant, outcome: error });
			return oauthError(status, error, description);
		};
		if (parts.length !== 3) throw fail(400, 'invalid_grant', 'Invalid JWT: malformed.');
		let header: Record<string, unknown>;
		let claims: Record<string, unknown>;
		try {
			header = JSON.parse(Buffer.from(parts[0], 'base64url').toString());
			claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString());
		} catch {
			throw fail(400, 'invalid_grant', 'Invalid JWT: not JSON.');
		}
		const account = this.serviceAccounts.get(String(claims.iss));
		if (!account) throw fail(400, 'invalid_grant', 'Invalid grant: account not found', { header, claims });
		const signatureVerified =
			header.alg === 'RS256' &&
			createVerify('RSA-SHA256').update(`${parts[0]}.${parts[1]}`).verify(account.publicKey, Buffer.from(parts[2], 'base64url'));
		if (!signatureVerified) throw fail(400, 'invalid_grant', 'Invalid JWT Signature.', { header, claims });
		const grant = { header, claims, signatureVerified };
		const now = Math.floor(Date.now() / 1000);
		if (claims.aud !== TOKEN_URL) throw fail(400, 'invalid_grant', 'Invalid JWT: aud must be the token endpoint.', grant);
		if (typeof claims.iat !== 'number' || typeof claims.exp !== 'number' || claims.exp - claims.iat > 3600 || claims.exp < now || claims.iat > now + 300)
			throw fail(400, 'invalid_grant', 'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.', grant);
		const scopes = String(claims.scope ?? '').split(' ').filter(Boolean);
		if (scopes.length === 0) throw fail(400, 'invalid_scope', 'Invalid OAuth scope or ID token audience provided.', grant);
		let user: SandboxUser;
		if (claims.sub !== undefined && claims.sub !== account.clientEmail) {
			const subject = this.users.get(String(claims.sub));
			if (!subject || !scopes.every((s) => account.delegatedScopes.includes(s)))
				throw fail(401, 'unauthorized_client', 'Client is unauthorized to retrieve access tokens using this method, or client not authorized for any of the scopes requested.', grant);
			user = subject;
		} else {
			if (!scopes.every((s) => account.ownScopes.includes(s)))
				throw fail(400, 'invalid_scope', 'Invalid OAuth scope or ID token audience provided.', grant);
			user = { sub: account.clientId, email: account.clientEmail, name: account.clientEmail, givenName: '', familyName: '', picture: '' };
		}
		this.jwtGrants.push({ ...grant, outcome: 'granted' });
		return this.mintAccessToken(account.clientEmail, user, scopes, 'jwt-bearer');
	}

	register(sandbox: GoogleSandbox): void {
		const accounts = 'accounts.google.com';
		const oauth2 = 'oauth2.googleapis.com';

		sandbox.route('GET', accounts, /^\/o\/oauth2\/v2\/auth$/, (req) => {
			const q = req.query;
			const clientId = q.get('client_id') ?? '';
			if (!this.clients.has(clientId)) return { status: 400, headers: { 'content-type': 'text/html' }, body: '<h1>Error 401: invalid_client</h1>' };
			if (q.get('response_type') !== 'code') return { status: 400, headers: { 'content-type': 'text/html' }, body: '<h1>Error 400: unsupported_response_type</h1>' };
			const scopes = (q.get('scope') ?? '').split(/[ +]/).filter(Boolean);
			const user = this.defaultUser;
			const approve = new URLSearchParams(q);
			approve.set('approved_by', user.email);
			if (this.autoApprove) return this.approve(approve);
			const page = `<!doctype html><html><head><title>Sign in - Google Accounts</title></head><body>
<h1>Sandbox Google wants to give access</h1><p>${user.email} is asked to grant:</p>
<ul>${scopes.map((s) => `<li class="scope">${s}</li>`).join('')}</ul>
<p>access_type=${q.get('access_type') ?? ''} prompt=${q.get('prompt') ?? ''} include_granted_scopes=${q.get('include_granted_scopes') ?? ''}</p>
<a id="allow" href="/o/oauth2/v2/auth/approve?${approve.toString()}">Allow</a></body></html>`;
			return { status: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body: page };
		});

		sandbox.route('GET', accounts, /^\/o\/oauth2\/v2\/auth\/approve$/, (req) => this.approve(req.query));

		sandbox.route('POST', oauth2, /^\/token$/, (req) => {
			const form = req.form();
			const grantType = form.get('grant_type');
			if (grantType === 'urn:ietf:params:oauth:grant-type:jwt-bearer') {
				const record = this.jwtBearer(form.get('assertion') ?? '');
				return {
					status: 200,
					body: { access_token: record.token, expires_in: this.accessTokenLifetime, token_type: 'Bearer' },
				};
			}
			const clientId = this.clientAuth(req, form);
			if (grantType === 'authorization_code') {
				const code = this.codes.get(form.get('code') ?? '');
				if (!code || code.clientId !== clientId) throw oauthError(400, 'invalid_grant', 'Malformed auth code.');
				if (code.redirectUri !== form.get('redirect_uri')) throw oauthError(400, 'redirect_uri_mismatch', 'Bad Request');
				this.codes.delete(form.get('code')!);
				const refreshToken = `1//sandbox-rt-${randomBytes(16).toString('hex')}`;
				this.refreshTokens.set(refreshToken, { clientId, user: code.user, scopes: code.scopes, revoked: false });
				const access = this.mintAccessToken(clientId, code.user, code.scopes, 'code', refreshToken);
				const body: Record<string, unknown> = {
					access_token: access.token,
					expires_in: this.accessTokenLifetime,
					refresh_token: refreshToken,
					scope: code.scopes.join(' '),
					token_type: 'Bearer',
				};
				if (code.scopes.some((s) => ['openid', 'email', 'profile'].includes(s) || s.includes('userinfo')))
					body.id_token = this.idTokenFor(code.user, clientId);
				return { status: 200, body };
			}
			if (grantType === 'refresh_token') {
				const grant = this.refreshTokens.get(form.get('refresh_token') ?? '');
				if (!grant || grant.revoked || grant.clientId !== clientId)
					throw oauthError(400, 'invalid_grant', 'Token has been expired or revoked.');
				const access = this.mintAccessToken(clientId, grant.user, grant.scopes, 'refresh', form.get('refresh_token')!);
				return {
					status: 200,
					body: { access_token: access.token, expires_in: this.accessTokenLifetime, scope: grant.scopes.join(' '), token_type: 'Bearer' },
				};
			}
			throw oauthError(400, 'unsupported_grant_type', `Invalid grant_type: ${grantType ?? ''}`);
		});

		sandbox.route('POST', oauth2, /^\/revoke$/, (req) => {
			const token = req.form().get('token') ?? req.query.get('token') ?? '';
			const refresh = this.refreshTokens.get(token);
			const access = this.accessTokens.get(token);
			if (!refresh && !access) throw oauthError(400, 'invalid_token', 'Token expired or revoked');
			const rt = refresh ? token : access?.refreshToken;
			if (rt && this.refreshTokens.get(rt)) this.refreshTokens.get(rt)!.revoked = true;
			for (const t of this.accessTokens.values()) if (t.token === token || (rt && t.refreshToken === rt)) t.revoked = true;
			return { status: 200, body: {} };
		});

		sandbox.route(['GET', 'POST'], oauth2, /^\/tokeninfo$/, (req) => {
			const accessToken = req.query.get('access_token') ?? (req.method === 'POST' ? req.form().get('access_token') : null) ?? '';
			const idToken = req.query.get('id_token');
			if (idToken) throw oauthError(400, 'invalid_token', 'Invalid Value');
			const record = this.accessTokens.get(accessToken);
			if (!record || record.revoked || record.expiresAt <= Date.now()) throw oauthError(400, 'invalid_token', 'Invalid Value');
			const expiresIn = Math.max(0, Math.floor((record.expiresAt - Date.now()) / 1000));
			const body: Record<string, string> = {
				azp: record.clientId,
				aud: record.clientId,
				sub: record.user.sub,
				scope: record.scopes.join(' '),
				exp: String(Math.floor(record.expiresAt / 1000)),
				expires_in: String(expiresIn),
				access_type: record.refreshToken ? 'offline' : 'online',
			};
			if (record.scopes.some((s) => s === 'email' || s.endsWith('userinfo.email'))) {
				body.email = record.user.email;
				body.email_verified = 'true';
			}
			return { status: 200, body };
		});

		const userinfo = (req: SandboxRequest) => {
			const record = this.authorize(req, ['openid', 'email', 'profile', 'https://www.googleapis.com/auth/userinfo.email', 'https://www.googleapis.com/auth/userinfo.profile']);
			const u = record.user;
			const hasProfile = record.scopes.some((s) => s === 'profile' || s.endsWith('userinfo.profile'));
			const hasEmail = record.scopes.some((s) => s === 'email' || s.endsWith('userinfo.email'));
			return {
				status: 200,
				body: {
					sub: u.sub,
					...(hasProfile ? { name: u.name, given_name: u.givenName, family_name: u.familyName, picture: u.picture } : {}),
					...(hasEmail ? { email: u.email, email_verified: true } : {}),
					...(u.hd ? { hd: u.hd } : {}),
				},
			};
		};
		sandbox.route('GET', 'openidconnect.googleapis.com', /^\/v1\/userinfo$/, userinfo);
		sandbox.route('GET', 'www.googleapis.com', /^\/oauth2\/v3\/userinfo$/, userinfo);

		sandbox.route('GET', 'www.googleapis.com', /^\/oauth2\/v3\/certs$/, () => ({
			status: 200,
			headers: { 'cache-control': 'public, max-age=21600, must-revalidate, no-transform', 'content-type': 'application/json; charset=UTF-8' },
			body: {
				keys: this.idTokenKeys.map(({ kid, publicKey }) => ({ ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' })),
			},
		}));
	}

	private approve(q: URLSearchParams) {
		const clientId = q.get('client_id') ?? '';
		const redirectUri = q.get('redirect_uri') ?? '';
		const user = this.users.get(q.get('approved_by') ?? this.consentUser) ?? this.defaultUser;
		const scopes = (q.get('scope') ?? '').split(/[ +]/).filter(Boolean);
		const code = `4/sandbox-code-${randomBytes(12).toString('hex')}`;
		this.codes.set(code, { clientId, redirectUri, user, scopes });
		const target = new URL(redirectUri);
		target.searchParams.set('code', code);
		if (q.get('state')) target.searchParams.set('state', q.get('state')!);
		target.searchParams.set('scope', scopes.join(' '));
		return { status: 302, headers: { location: target.toString() }, body: '' };
	}
}
