// Ring 2, Foundation: Connection → Check, Identity, the transport's retry / error / secrecy rules and
// the service-account JWT, run by n8n-core's WorkflowExecute against the sandbox.
import type { IDataObject, IExecuteFunctions, INodeExecutionData, IHttpRequestOptions, INodeParameters, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { GoogleConnector } from '../../nodes/GoogleConnector/GoogleConnector.node';
import { googleApiRequest, asNodeError } from '../../nodes/shared/transport';
import { connectorCredentials, authenticationProperty } from '../../nodes/shared/descriptions';
import { forgetGoogleCerts, JWKS_MISS_TTL_MS } from '../../nodes/shared/transport/googleCerts';
import { startSandbox, type Sandbox } from '../sandbox';
import { chain, harnessLogger, runWorkflow, startNode, type CredentialsMap, type RunWorkflowResult } from '../helpers/workflow';
import { CLIENT_ID, credentialTypes, findSecrets, oauthCredentials, sandboxSecrets, serviceAccountCredentials } from '../helpers/google';

const G = 'https://www.googleapis.com/auth/';

/** Test-only node: one raw transport call per item, so retry rules can be observed on any route. */
class TransportProbe implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Transport Probe',
		name: 'transportProbe',
		group: ['transform'],
		version: 1,
		description: 'test-only',
		defaults: { name: 'Probe' },
		inputs: ['main'] as INodeTypeDescription['inputs'],
		outputs: ['main'] as INodeTypeDescription['outputs'],
		credentials: connectorCredentials,
		properties: [authenticationProperty],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const out: INodeExecutionData[] = [];
		for (const [i, item] of this.getInputData().entries()) {
			try {
				const body = await googleApiRequest.call(this, {
					method: item.json.method as 'GET' | 'POST',
					url: item.json.url as string,
					surface: 'gmailSend',
					body: { n: i },
				});
				out.push({ json: { body: body as IDataObject } });
			} catch (error) {
				throw asNodeError(this.getNode(), error);
			}
		}
		return [out];
	}
}

let sandbox: Sandbox;
const texts: string[] = [];

function connector(parameters: IDataObject, name = 'Google') {
	return { name, type: 'googleConnector', parameters: parameters as INodeParameters };
}

async function run(credentials: CredentialsMap, parameters: IDataObject, input?: IDataObject[]) {
	const result = await runWorkflow({
		nodes: [startNode(input), connector(parameters)],
		connections: chain('Start', 'Google'),
		credentials,
		credentialTypes,
		nodeTypes: [new GoogleConnector(), new TransportProbe()],
	});
	texts.push(JSON.stringify(result.json), String(result.error?.message ?? ''), String((result.error as { description?: string })?.description ?? ''), ...result.log);
	return result;
}

function errorText(result: RunWorkflowResult): string {
	const e = result.error as (Error & { description?: string }) | undefined;
	return `${e?.message ?? ''} | ${e?.description ?? ''}`;
}

beforeAll(async () => {
	sandbox = await startSandbox();
	sandbox.server.useInThisProcess();
});

afterAll(async () => {
	await sandbox.close();
});

beforeEach(() => {
	sandbox.server.faults = [];
	sandbox.server.clearRequests();
});

describe('Connection → Check (OAuth2)', () => {
	it('reports an active connection, its surfaces and the scopes still missing', async () => {
		const { credentials, grant } = oauthCredentials(sandbox, { identity: true, gmailSend: true }, { extra: { ads: true } });
		const r = await run(credentials, { resource: 'connection', operation: 'check' });
		expect(r.error).toBeUndefined();
		const out = r.json.Google[0];
		expect(out).toMatchObject({
			status: 'active',
			email: 'rep@acme-crm.test',
			surfaces: { identity: true, gmailSend: true, gmailRead: false, ads: false },
			missingScopes: [`${G}adwords`],
			authentication: 'oAuth2',
		});
		expect(out.grantedScopes).toEqual(grant.scope.split(' '));
		expect(out.expiresIn).toBeGreaterThan(3500);
		// The sandbox was asked about this very token, in a form body (not the URL).
		const seen = sandbox.server.seen('oauth2.googleapis.com', '/tokeninfo');
		expect(seen).toHaveLength(1);
		expect(seen[0].method).toBe('POST');
		expect(new URLSearchParams(seen[0].body).get('access_token')).toBe(grant.access_token);
	});

	it('refreshes an expired access token and stays active; the new token is stored', async () => {
		const { credentials, grant } = oauthCredentials(sandbox, { identity: true });
		sandbox.oauth.expireAccessTokens();
		const r = await run(credentials, { resource: 'connection', operation: 'check' });
		expect(r.json.Google[0].status).toBe('active');
		const refresh = sandbox.server.seen('oauth2.googleapis.com', '/token').filter((q) => q.path === '/token').map((q) => new URLSearchParams(q.body));
		expect(refresh.map((f) => [f.get('grant_type'), f.get('refresh_token')])).toEqual([['refresh_token', grant.refresh_token]]);
		const stored = credentials.googleConnectorOAuth2Api.data.oauthTokenData as IDataObject;
		expect(stored.access_token).not.toBe(grant.access_token);
		expect(r.credentialsHelper.updates.length).toBeGreaterThan(0);
	});

	it('says "revoked" without failing when Google refuses the refresh token', async () => {
		const { credentials } = oauthCredentials(sandbox, { identity: true });
		sandbox.oauth.revokeUser();
		const r = await run(credentials, { resource: 'connection', operation: 'check' });
		expect(r.error).toBeUndefined();
		expect(r.json.Google[0]).toMatchObject({ status: 'revoked', surfaces: { identity: false } });
		expect(String(r.json.Google[0].reason)).toMatch(/reconnect the credential/);
		sandbox.oauth.users.forEach(() => undefined);
	});

	it('says "expired" when the token is dead and there is no refresh token', async () => {
		const { credentials } = oauthCredentials(sandbox, { identity: true });
		delete (credentials.googleConnectorOAuth2Api.data.oauthTokenData as IDataObject).refresh_token;
		sandbox.oauth.expireAccessTokens();
		const r = await run(credentials, { resource: 'connection', operation: 'check' });
		expect(r.json.Google[0]).toMatchObject({ status: 'expired' });
	});
});

describe('Identity', () => {
	it('gets the profile after a silent refresh of an expired token', async () => {
		const { credentials } = oauthCredentials(sandbox, { identity: true });
		sandbox.oauth.expireAccessTokens();
		const r = await run(credentials, { resource: 'identity', operation: 'getProfile' });
		expect(r.error).toBeUndefined();
		expect(r.json.Google[0]).toMatchObject({ email: 'rep@acme-crm.test', name: 'Riley Rep', sub: '110248495921238986420' });
		const calls = sandbox.server.seen('openidconnect.googleapis.com', '/v1/userinfo').map((q) => q.status);
		expect(calls).toEqual([401, 200]);
	});

	it('a revoked connection fails every other operation with a plain "reconnect" error', async () => {
		const { credentials } = oauthCredentials(sandbox, { identity: true });
		sandbox.oauth.revokeUser();
		sandbox.oauth.expireAccessTokens();
		const r = await run(credentials, { resource: 'identity', operation: 'getProfile' });
		expect(errorText(r)).toMatch(/The Google connection has expired or was revoked; reconnect the credential/);
	});

	it('a missing scope names the surface and says to reconnect with consent', async () => {
		const { credentials } = oauthCredentials(sandbox, { gmailSend: true });
		const r = await run(credentials, { resource: 'identity', operation: 'getProfile' });
		expect(errorText(r)).toMatch(/lacks the Identity \(Sign in with Google\) scope/);
		expect(errorText(r)).toMatch(/reconnect it: Google shows the consent screen again/);
	});

	it('with continueOnFail, a failure becomes an item error and the run goes on', async () => {
		const { credentials } = oauthCredentials(sandbox, { gmailSend: true });
		const r = await runWorkflow({
			nodes: [startNode([{}, {}]), { ...connector({ resource: 'identity', operation: 'getProfile' }), continueOnFail: true }],
			connections: chain('Start', 'Google'),
			credentials,
			credentialTypes,
			nodeTypes: [new GoogleConnector()],
		});
		expect(r.error).toBeUndefined();
		expect(r.items.Google[0].map((i) => [i.json.error, i.pairedItem])).toEqual([
			['The Google connection lacks the Identity (Sign in with Google) scope', { item: 0 }],
			['The Google connection lacks the Identity (Sign in with Google) scope', { item: 1 }],
		]);
	});

	describe('Verify ID Token', () => {
		const verify = async (idToken: string, audiences = '') => {
			const { credentials } = oauthCredentials(sandbox, { identity: true });
			const r = await run(credentials, { resource: 'identity', operation: 'verifyIdToken', idToken, audiences });
			expect(r.error).toBeUndefined();
			return r.json.Google[0];
		};
		const user = () => sandbox.oauth.defaultUser;

		beforeAll(() => forgetGoogleCerts());

		it('accepts a Google-signed token for the credential client id, fetching the keys once', async () => {
			const first = await verify(sandbox.oauth.idTokenFor(user(), CLIENT_ID));
			expect(first).toMatchObject({ valid: true, email: 'rep@acme-crm.test', emailVerified: true, audience: CLIENT_ID });
			await verify(sandbox.oauth.idTokenFor(user(), 'portal-client', {}), 'portal-client, other');
			expect(sandbox.server.seen('www.googleapis.com', '/oauth2/v3/certs')).toHaveLength(1);
		});

		it('refuses a wrong audience, a wrong issuer, an expired token and a bad signature, each with its reason', async () => {
			const now = Math.floor(Date.now() / 1000);
			expect(await verify(sandbox.oauth.idTokenFor(user(), 'someone-else'))).toMatchObject({ valid: false, reason: 'wrong_audience' });
			expect(await verify(sandbox.oauth.idTokenFor(user(), CLIENT_ID, { iss: 'https://accounts.evil.test' }))).toMatchObject({ valid: false, reason: 'wrong_issuer' });
			expect(await verify(sandbox.oauth.idTokenFor(user(), CLIENT_ID, { iat: now - 7200, exp: now - 3600 }))).toMatchObject({ valid: false, reason: 'expired' });
			const good = sandbox.oauth.idTokenFor(user(), CLIENT_ID);
			const forged = `${good.split('.').slice(0, 2).join('.')}.${Buffer.from('forged-signature-bytes').toString('base64url')}`;
			const bad = await verify(forged);
			expect(bad).toMatchObject({ valid: false, reason: 'bad_signature' });
			expect(String(bad.message)).toMatch(/signature does not verify/);
		});

		it('refetches the keys when Google rotated them', async () => {
			// Google publishes a new key before signing with it, so a token naming it comes more than the
			// miss window after our last fetch (a sooner unknown kid is answered from the cache: see the
			// webhook attack tests). The clock moves past that window here.
			sandbox.oauth.rotateIdTokenKey();
			const realNow = Date.now();
			const clock = jest.spyOn(Date, 'now').mockImplementation(() => realNow + JWKS_MISS_TTL_MS + 1000);
			try {
				expect(await verify(sandbox.oauth.idTokenFor(user(), CLIENT_ID))).toMatchObject({ valid: true });
			} finally {
				clock.mockRestore();
			}
			expect(sandbox.server.seen('www.googleapis.com', '/oauth2/v3/certs')).toHaveLength(1);
		});
	});
});

describe('Transport retries', () => {
	let hits: number[];
	beforeAll(() => {
		hits = [];
		sandbox.server.route(['GET', 'POST'], 'gmail.googleapis.com', /^\/gmail\/v1\/users\/me\/probe$/, (req) => {
			sandbox.oauth.authorize(req, [`${G}gmail.send`]);
			hits.push(Date.now());
			return { status: 200, body: { ok: true, performed: hits.length } };
		});
	});
	beforeEach(() => (hits = []));

	const probe = async (method: 'GET' | 'POST', maxRetries?: number) => {
		const { credentials } = oauthCredentials(sandbox, { gmailSend: true }, { extra: maxRetries === undefined ? {} : { maxRetries } });
		return await runWorkflow({
			nodes: [startNode([{ method, url: 'https://gmail.googleapis.com/gmail/v1/users/me/probe' }]), { name: 'Probe', type: 'transportProbe', parameters: {} }],
			connections: chain('Start', 'Probe'),
			credentials,
			credentialTypes,
			nodeTypes: [new TransportProbe()],
		});
	};

	it('retries 429 and 503 and succeeds', async () => {
		sandbox.server.faults.push({ pathIncludes: '/probe', count: 3, statuses: [429, 503, 429], retryAfterSeconds: 0 });
		const r = await probe('GET');
		expect(r.error).toBeUndefined();
		expect(sandbox.server.seen('gmail.googleapis.com', '/probe').map((q) => q.status)).toEqual([429, 503, 429, 200]);
		expect(hits).toHaveLength(1);
	});

	it('stops after the retry bound with a plain error', async () => {
		sandbox.server.faults.push({ pathIncludes: '/probe', count: 100, status: 503 });
		const r = await probe('GET', 2);
		expect(sandbox.server.seen('gmail.googleapis.com', '/probe')).toHaveLength(3);
		expect(errorText(r)).toMatch(/temporary problem \(HTTP 503\).*Gave up after 3 attempts/);
	});

	it('resends a POST that Google refused unperformed (429) but never one that may have reached it (503 after)', async () => {
		sandbox.server.faults.push({ pathIncludes: '/probe', count: 1, status: 429, retryAfterSeconds: 0 });
		const ok = await probe('POST');
		expect(ok.error).toBeUndefined();
		expect(hits).toHaveLength(1);
		expect(sandbox.server.seen('gmail.googleapis.com', '/probe').map((q) => q.status)).toEqual([429, 200]);

		hits = [];
		sandbox.server.clearRequests();
		sandbox.server.faults = [{ pathIncludes: '/probe', count: 1, status: 503, when: 'after' }];
		const failed = await probe('POST');
		expect(hits).toHaveLength(1);
		expect(sandbox.server.seen('gmail.googleapis.com', '/probe')).toHaveLength(1);
		expect(errorText(failed)).toMatch(/may have reached Google, so it was not sent again/);
	});

	it('resends a POST when the connection was dropped before an answer only if idempotent (GET)', async () => {
		sandbox.server.faults.push({ pathIncludes: '/probe', count: 1, reset: true, when: 'after' });
		const r = await probe('POST');
		expect(r.error).toBeDefined();
		expect(hits).toHaveLength(1);
		hits = [];
		sandbox.server.faults = [{ pathIncludes: '/probe', count: 1, reset: true }];
		const g = await probe('GET');
		expect(g.error).toBeUndefined();
		expect(hits).toHaveLength(1);
	});
});

describe('Service account', () => {
	it('mints a JWT the sandbox verified (signature, iss, aud, scope) and impersonates with sub', async () => {
		const fixture = serviceAccountCredentials(sandbox, { identity: true, gmailRead: true }, { impersonateUser: 'rep@acme-crm.test' });
		const r = await runWorkflow({
			nodes: [startNode(), { ...connector({ authentication: 'serviceAccount', resource: 'identity', operation: 'getProfile' }) }],
			connections: chain('Start', 'Google'),
			credentials: fixture.credentials,
			credentialTypes,
			nodeTypes: [new GoogleConnector()],
		});
		texts.push(JSON.stringify(r.json), ...r.log, fixture.privateKey);
		expect(r.error).toBeUndefined();
		expect(r.json.Google[0]).toMatchObject({ email: 'rep@acme-crm.test' });
		const grant = sandbox.oauth.jwtGrants.filter((g) => g.claims.iss === fixture.clientEmail);
		expect(grant).toHaveLength(1);
		expect(grant[0]).toMatchObject({
			outcome: 'granted',
			signatureVerified: true,
			header: { alg: 'RS256', typ: 'JWT' },
			claims: { iss: fixture.clientEmail, sub: 'rep@acme-crm.test', aud: 'https://oauth2.googleapis.com/token', scope: `openid ${G}userinfo.email ${G}userinfo.profile ${G}gmail.readonly` },
		});
		// The userinfo call carried the token the JWT bought.
		const bearer = String(sandbox.server.seen('openidconnect.googleapis.com', '/userinfo')[0].headers.authorization);
		expect(sandbox.oauth.accessTokens.get(bearer.slice(7))?.via).toBe('jwt-bearer');
	});

	it('reuses the cached token for later calls', async () => {
		const fixture = serviceAccountCredentials(sandbox, { identity: true }, { impersonateUser: 'rep@acme-crm.test' });
		for (let i = 0; i < 3; i++) {
			const r = await runWorkflow({
				nodes: [startNode(), connector({ authentication: 'serviceAccount', resource: 'identity', operation: 'getProfile' })],
				connections: chain('Start', 'Google'),
				credentials: fixture.credentials,
				credentialTypes,
				nodeTypes: [new GoogleConnector()],
			});
			expect(r.error).toBeUndefined();
		}
		expect(sandbox.oauth.jwtGrants.filter((g) => g.claims.iss === fixture.clientEmail)).toHaveLength(1);
	});

	it('Check reports missing delegation in words, without failing', async () => {
		const fixture = serviceAccountCredentials(sandbox, { gmailSend: true }, { impersonateUser: 'rep@acme-crm.test', delegatedScopes: [] });
		const r = await runWorkflow({
			nodes: [startNode(), connector({ authentication: 'serviceAccount', resource: 'connection', operation: 'check' })],
			connections: chain('Start', 'Google'),
			credentials: fixture.credentials,
			credentialTypes,
			nodeTypes: [new GoogleConnector()],
		});
		texts.push(JSON.stringify(r.json), ...r.log);
		expect(r.error).toBeUndefined();
		expect(r.json.Google[0]).toMatchObject({ status: 'revoked', authentication: 'serviceAccount' });
		expect(String(r.json.Google[0].reason)).toMatch(/domain-wide delegation is not granted/);
		expect(sandbox.oauth.jwtGrants.at(-1)?.outcome).toBe('unauthorized_client');
	});

	it('a malformed key gets an error naming what is wrong', async () => {
		const fixture = serviceAccountCredentials(sandbox, { identity: true });
		fixture.credentials.googleConnectorServiceAccountApi.data.serviceAccountKey = JSON.stringify({ type: 'service_account', client_email: fixture.clientEmail });
		const r = await runWorkflow({
			nodes: [startNode(), connector({ authentication: 'serviceAccount', resource: 'identity', operation: 'getProfile' })],
			connections: chain('Start', 'Google'),
			credentials: fixture.credentials,
			credentialTypes,
			nodeTypes: [new GoogleConnector()],
		});
		expect(errorText(r)).toMatch(/The service account key is missing "private_key"/);
	});

	it('the credential test mints a token and reports Google refusals in words', async () => {
		const { GoogleConnectorServiceAccountApi } = await import('../../credentials/GoogleConnectorServiceAccountApi.credentials');
		const cred = new GoogleConnectorServiceAccountApi();
		const helpers = {
			helpers: {
				httpRequest: async (options: { url: string; body: string }) => {
					const res = await fetch(options.url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: options.body });
					return { statusCode: res.status, body: await res.json() };
				},
			},
		};
		const good = serviceAccountCredentials(sandbox, { identity: true }, { impersonateUser: 'rep@acme-crm.test' });
		const minted = await cred.preAuthentication.call(helpers as never, good.credentials.googleConnectorServiceAccountApi.data as never);
		expect(sandbox.oauth.accessTokens.get(minted.accessToken)?.user.email).toBe('rep@acme-crm.test');
		// n8n resolves the test request before minting and applies authenticate after: the token must arrive.
		const testRequest = { ...cred.test.request, url: String(cred.test.request.url) } as IHttpRequestOptions;
		const sent = await cred.authenticate({ ...good.credentials.googleConnectorServiceAccountApi.data, ...minted }, testRequest);
		expect(sent).toMatchObject({ method: 'POST', url: 'https://oauth2.googleapis.com/tokeninfo', body: `access_token=${minted.accessToken}` });
		const info = await fetch(sent.url, { method: 'POST', headers: sent.headers as Record<string, string>, body: String(sent.body) });
		expect([info.status, ((await info.json()) as { email?: string }).email]).toEqual([200, 'rep@acme-crm.test']);
		expect((await cred.authenticate(minted, { method: 'GET', url: 'https://gmail.googleapis.com/gmail/v1/users/me/profile' })).headers).toEqual({ Authorization: `Bearer ${minted.accessToken}` });
		const denied = serviceAccountCredentials(sandbox, { gmailRead: true }, { impersonateUser: 'rep@acme-crm.test', delegatedScopes: [] });
		await expect(cred.preAuthentication.call(helpers as never, denied.credentials.googleConnectorServiceAccountApi.data as never)).rejects.toThrow(
			/domain-wide delegation is not granted.*unauthorized_client/,
		);
		// A key whose PEM markers are intact but whose body was damaged in copying: said so, and Google is not asked.
		const damaged = serviceAccountCredentials(sandbox, { identity: true });
		const data = damaged.credentials.googleConnectorServiceAccountApi.data;
		const keyJson = JSON.parse(String(data.serviceAccountKey)) as { private_key: string };
		keyJson.private_key = keyJson.private_key.replace(/\n[A-Za-z0-9+/]{16}/, '\n!!damaged!!');
		data.serviceAccountKey = JSON.stringify(keyJson);
		const before = sandbox.server.seen('oauth2.googleapis.com', '/token').length;
		await expect(cred.preAuthentication.call(helpers as never, data as never)).rejects.toThrow(
			'"private_key" is damaged: its text between the BEGIN and END lines is not a readable private key. Paste the key again exactly as in the downloaded key file',
		);
		expect(sandbox.server.seen('oauth2.googleapis.com', '/token').length).toBe(before);
	});
});

describe('Secrets', () => {
	it('no token, key or secret appears in any output item, error message or log line', () => {
		const secrets = sandboxSecrets(sandbox);
		expect(secrets.length).toBeGreaterThan(10);
		const logs = harnessLogger().lines;
		expect(findSecrets([...texts, ...logs], secrets)).toEqual([]);
		// The sweep itself finds a planted secret.
		expect(findSecrets([`x ${secrets[3]} y`], secrets)).toHaveLength(1);
	});
});
