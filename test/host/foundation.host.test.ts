// Ring 3 foundation: the packed tarball installed as a community package in a real n8n 2.41.0
// (Node 24, SQLite), talking to the Google sandbox through the preload in n8n's own process.
//  1. An imported, connected OAuth2 credential + Manual Trigger → Connection → Check, run by `n8n execute`.
//  2. The whole consent flow through n8n's REST API: authorize URL, sandbox consent, n8n's callback.
import { request as httpsRequest } from 'node:https';
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { CA_FILE, type Sandbox } from '../sandbox';
import { HOST_SETUP_TIMEOUT, startHostWithSandbox, stopHostWithSandbox, type HttpResult, type N8nHost } from './n8nHost';

const G = 'https://www.googleapis.com/auth/';
const IDENTITY_SCOPES = ['openid', `${G}userinfo.email`, `${G}userinfo.profile`];
const CLIENT = { clientId: 'sandbox-client.apps.googleusercontent.com', clientSecret: 'GOCSPX-sandbox-client-secret' };
const NODE_TYPE = 'n8n-nodes-google-connector.googleConnector';
const CRED_TYPE = 'googleConnectorOAuth2Api';

let sandbox: Sandbox;
let n8n: N8nHost;

// Each n8n CLI command boots n8n (≈5 s here, more under load); a restart ≈12-20 s.
jest.setTimeout(180_000);

beforeAll(async () => {
	({ sandbox, n8n } = await startHostWithSandbox());
}, HOST_SETUP_TIMEOUT);

afterAll(async () => {
	if (process.env.N8N_HOST_TIMINGS && n8n) process.stderr.write(`${JSON.stringify(n8n.timings)}\n`);
	await stopHostWithSandbox({ sandbox, n8n });
});

function checkWorkflow(id: string, credential: { id: string; name: string }) {
	return {
		id,
		name: `Check ${id}`,
		active: false,
		settings: { executionOrder: 'v1' },
		connections: { 'When clicking Execute': { main: [[{ node: 'Check', type: 'main', index: 0 }]] } },
		nodes: [
			{
				id: 'a0000000-0000-4000-8000-000000000001',
				name: 'When clicking Execute',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				id: 'a0000000-0000-4000-8000-000000000002',
				name: 'Check',
				type: NODE_TYPE,
				typeVersion: 1,
				position: [220, 0],
				parameters: { authentication: 'oAuth2', resource: 'connection', operation: 'check' },
				credentials: { [CRED_TYPE]: credential },
			},
		],
	};
}

test('Connection → Check runs in n8n with an imported connected credential', async () => {
	const grant = sandbox.oauth.issueGrant({ scopes: IDENTITY_SCOPES });
	const credential = { id: 'hostCheckCred0001', name: 'Google (host test)' };
	await n8n.importCredential([
		{ ...credential, type: CRED_TYPE, data: { ...CLIENT, identity: true, oauthTokenData: grant } },
	]);
	await n8n.importWorkflow([checkWorkflow('hostCheckWf000001', credential)]);
	sandbox.server.clearRequests();

	const res = await n8n.executeWorkflow('hostCheckWf000001');
	if (res.code !== 0 || res.error) {
		throw new Error(`execute failed (exit ${res.code}, status ${res.output?.status}): ${JSON.stringify(res.error ?? null).slice(0, 500)}\n${res.stderr.slice(-2000)}\n${res.stdout.slice(-1500)}`);
	}
	const [out] = res.nodeItems('Check');
	expect(out).toMatchObject({ status: 'active', email: 'rep@acme-crm.test' });

	// The node's calls left n8n's process through the preload, with the imported access token.
	const usedToken = (r: { headers: Record<string, unknown>; query: Record<string, unknown>; body: string }) =>
		String(r.headers.authorization ?? '').includes(grant.access_token) ||
		r.query.access_token === grant.access_token ||
		r.body.includes(grant.access_token);
	// (Check reads tokeninfo; it asks userinfo / Gmail only when tokeninfo lacks the email.)
	const tokeninfo = sandbox.server.seen('oauth2.googleapis.com', '/tokeninfo');
	const userinfo = sandbox.server.seen(/googleapis\.com$/, '/userinfo');
	expect(tokeninfo.length).toBeGreaterThan(0);
	expect([...tokeninfo, ...userinfo].every(usedToken)).toBe(true);
	expect(tokeninfo.every((r) => r.status === 200)).toBe(true);

	// Tokens never reach n8n's logs.
	expect(n8n.logText()).not.toContain(grant.access_token);
	expect(n8n.logText()).not.toContain(grant.refresh_token);
});

/** GET an https URL at a Google host name on the sandbox (the jest process has no preload). */
function getFromSandbox(url: string): Promise<HttpResult> {
	const u = new URL(url);
	return new Promise((resolve, reject) => {
		const req = httpsRequest(
			{
				host: '127.0.0.1',
				port: sandbox.port,
				servername: u.hostname,
				path: `${u.pathname}${u.search}`,
				headers: { host: u.hostname },
				ca: readFileSync(CA_FILE),
			},
			(res) => {
				let text = '';
				res.on('data', (c: Buffer) => (text += c.toString('utf8')));
				res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) }));
			},
		);
		req.on('error', reject);
		req.end();
	});
}

test('OAuth consent flow through n8n: authorize URL, consent, callback, connected credential', async () => {
	await n8n.setupOwner();
	const created = await n8n.rest<{ id: string }>('POST', '/credentials', {
		name: 'Google (consent flow)',
		type: CRED_TYPE,
		data: { ...CLIENT, identity: true, gmailSend: true, gmailRead: false },
	});
	const authUrl = await n8n.rest<string>('GET', `/oauth2-credential/auth?id=${created.id}`);
	const url = new URL(authUrl);
	expect(`${url.origin}${url.pathname}`).toBe('https://accounts.google.com/o/oauth2/v2/auth');
	expect(url.searchParams.get('access_type')).toBe('offline');
	expect(url.searchParams.get('prompt')).toBe('consent');
	expect(url.searchParams.get('include_granted_scopes')).toBe('true');
	expect(url.searchParams.get('client_id')).toBe(CLIENT.clientId);
	const scopes = (url.searchParams.get('scope') ?? '').split(' ').sort();
	expect(scopes).toEqual([...IDENTITY_SCOPES, `${G}gmail.send`].sort());
	const redirectUri = url.searchParams.get('redirect_uri')!;
	expect(redirectUri).toBe(`${n8n.baseUrl}/rest/oauth2-credential/callback`);

	// The consent page (approved straight away), then back to n8n's callback.
	sandbox.oauth.autoApprove = true;
	sandbox.server.clearRequests();
	const consent = await getFromSandbox(authUrl);
	expect(consent.status).toBe(302);
	const callback = new URL(String(consent.headers.location));
	expect(`${callback.origin}${callback.pathname}`).toBe(redirectUri);
	const done = await n8n.request('GET', `${callback.pathname}${callback.search}`);
	expect(done.status).toBe(200);
	expect(done.text).not.toMatch(/error/i);

	// n8n exchanged the code at Google's token endpoint (in its own process, through the preload).
	const exchanges = sandbox.server.seen('oauth2.googleapis.com', '/token', 'POST');
	expect(exchanges.map((r) => new URLSearchParams(r.body).get('grant_type'))).toContain('authorization_code');
	expect(exchanges.every((r) => r.status === 200)).toBe(true);

	// The credential is now connected: n8n stored (encrypted) the tokens the sandbox issued.
	const issued = JSON.parse(exchanges.find((r) => new URLSearchParams(r.body).get('grant_type') === 'authorization_code')!.responseBody);
	const stored = await n8n.credentialData(created.id);
	expect(stored.oauthTokenData).toMatchObject({ access_token: issued.access_token, refresh_token: issued.refresh_token });
	expect(n8n.logText()).not.toContain(issued.access_token);
	expect(n8n.logText()).not.toContain(issued.refresh_token);
});

test('harness: webhooks go live through REST activation and publish:workflow, and survive a restart', async () => {
	const hook = (id: string, path: string) => ({
		id,
		name: `Webhook ${id}`,
		active: false,
		settings: { executionOrder: 'v1' },
		connections: {},
		nodes: [
			{
				id: randomUUID(),
				name: 'Webhook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: randomUUID(),
				parameters: { httpMethod: 'POST', path, responseMode: 'onReceived', options: {} },
			},
		],
	});
	await n8n.importWorkflow([hook('hostHookWf0000001', 'host-live'), hook('hostHookWf0000002', 'host-published')]);
	if (!n8n.cookie) await n8n.setupOwner();

	await n8n.activateWorkflow('hostHookWf0000001');
	expect((await n8n.webhook('host-live', { body: { hello: 'world' } })).status).toBe(200);

	// publish:workflow on the running instance: the reconciler picks it up (publishWorkflow waits).
	await n8n.publishWorkflow('hostHookWf0000002');
	expect((await n8n.webhook('host-published', { body: {} })).status).toBe(200);
	// Both stay live across a restart on the same folder.
	await n8n.restart();
	expect((await n8n.webhook('host-published', { body: {} })).status).toBe(200);
	expect((await n8n.webhook('host-live', { body: {} })).status).toBe(200);
});
