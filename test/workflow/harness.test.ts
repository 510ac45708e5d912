// Self-test of the ring-2 harness: n8n-core runs real workflows in-process against the Google sandbox.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import type {
	ICredentialType,
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IPollFunctions,
	IWebhookFunctions,
	IWebhookResponseData,
	IHookFunctions,
} from 'n8n-workflow';

import { startSandbox, type Sandbox } from '../sandbox';
import {
	Poller,
	activateWebhook,
	chain,
	deactivateWebhook,
	harnessLogger,
	pollOnce,
	pollOnceDetailed,
	runWorkflow,
	startNode,
	webhookCall,
	type CredentialsMap,
} from '../helpers/workflow';

const CRED = 'googleConnectorOAuth2Api';
const CLIENT_ID = 'sandbox-client.apps.googleusercontent.com';
const CLIENT_SECRET = 'GOCSPX-sandbox-client-secret';
const GMAIL_READONLY = 'https://www.googleapis.com/auth/gmail.readonly';

/** The package's credential class when the lead has written it, else an equivalent defined here. */
function oauthCredentialType(): ICredentialType {
	const file = join(__dirname, '..', '..', 'credentials', 'GoogleConnectorOAuth2Api.credentials.ts');
	if (existsSync(file)) {
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const mod = require(file) as { GoogleConnectorOAuth2Api: new () => ICredentialType };
		return new mod.GoogleConnectorOAuth2Api();
	}
	return {
		name: CRED,
		extends: ['oAuth2Api'],
		displayName: 'Google Connector OAuth2 API (test)',
		properties: [
			{ displayName: 'Grant Type', name: 'grantType', type: 'hidden', default: 'authorizationCode' },
			{ displayName: 'Authorization URL', name: 'authUrl', type: 'hidden', default: 'https://accounts.google.com/o/oauth2/v2/auth' },
			{ displayName: 'Access Token URL', name: 'accessTokenUrl', type: 'hidden', default: 'https://oauth2.googleapis.com/token' },
			{ displayName: 'Auth URI Query Parameters', name: 'authQueryParameters', type: 'hidden', default: 'access_type=offline&prompt=consent' },
			{ displayName: 'Authentication', name: 'authentication', type: 'hidden', default: 'body' },
			{ displayName: 'Gmail Read', name: 'gmailRead', type: 'boolean', default: true },
			{ displayName: 'Scope', name: 'scope', type: 'hidden', default: `={{ $self["gmailRead"] ? "${GMAIL_READONLY}" : "" }}` },
		],
	};
}

const description = (name: string, extra: Partial<INodeTypeDescription> = {}): INodeTypeDescription => ({
	displayName: name,
	name,
	group: ['transform'],
	version: 1,
	description: 'test-only node',
	defaults: { name },
	inputs: ['main'] as INodeTypeDescription['inputs'],
	outputs: ['main'] as INodeTypeDescription['outputs'],
	credentials: [{ name: CRED, required: true }],
	properties: [],
	...extra,
});

/** Calls Gmail's profile through n8n's OAuth2 helper once per input item. */
class ProfileNode implements INodeType {
	description = description('harnessProfile');

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const out: INodeExecutionData[] = [];
		for (const [i, item] of this.getInputData().entries()) {
			this.logger.info('fetching profile', { item: i });
			const profile = (await this.helpers.httpRequestWithAuthentication.call(this, CRED, {
				url: 'https://gmail.googleapis.com/gmail/v1/users/me/profile',
				json: true,
			})) as IDataObject;
			out.push({ json: { ...item.json, emailAddress: profile.emailAddress }, pairedItem: { item: i } });
		}
		return [out];
	}
}

/** A poll node that counts its polls in node static data and emits on every second poll. */
class CounterPollNode implements INodeType {
	description = description('harnessCounterPoll', {
		group: ['trigger'],
		inputs: [],
		polling: true,
		credentials: [],
		properties: [{ displayName: 'Fail', name: 'fail', type: 'boolean', default: false }],
	});

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const data = this.getWorkflowStaticData('node');
		data.counter = ((data.counter as number) ?? 0) + 1;
		if (this.getNodeParameter('fail') as boolean) throw new Error('poll failed');
		const budget = this.getPollBudgetMs();
		if ((data.counter as number) % 2 === 0) return [[{ json: { counter: data.counter, budget } }]];
		return null;
	}
}

/** A webhook node that remembers a subscription id in static data. */
class HookNode implements INodeType {
	description = description('harnessHook', {
		group: ['trigger'],
		inputs: [],
		credentials: [],
		webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'google' }],
		properties: [],
	});

	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return this.getWorkflowStaticData('node').subscriptionId !== undefined;
			},
			async create(this: IHookFunctions): Promise<boolean> {
				const data = this.getWorkflowStaticData('node');
				data.subscriptionId = 'sub-1';
				data.callbackUrl = this.getNodeWebhookUrl('default');
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				delete this.getWorkflowStaticData('node').subscriptionId;
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const query = this.getQueryData() as IDataObject;
		if (query.action === 'verify') {
			const res = this.getResponseObject();
			res.status(200).send(String(query['hub.challenge']));
			return { noWebhookResponse: true };
		}
		const data = this.getWorkflowStaticData('node');
		data.received = ((data.received as number) ?? 0) + 1;
		const raw = (this.getRequestObject() as unknown as { rawBody: Buffer }).rawBody.toString('utf8');
		return { workflowData: [[{ json: { body: this.getBodyData(), raw, header: this.getHeaderData()['x-test'] } }]] };
	}
}

let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await startSandbox();
	sandbox.server.useInThisProcess();
});

afterAll(async () => {
	await sandbox?.close();
});

function connectedCredential(): CredentialsMap {
	const grant = sandbox.oauth.issueGrant({ scopes: [GMAIL_READONLY] });
	return {
		[CRED]: {
			id: 'cred-1',
			name: 'Google (rep)',
			data: {
				clientId: CLIENT_ID,
				clientSecret: CLIENT_SECRET,
				gmailRead: true,
				oauthTokenData: {
					access_token: grant.access_token,
					refresh_token: grant.refresh_token,
					expires_in: 3599,
					scope: grant.scope,
					token_type: 'Bearer',
				},
			},
		},
	};
}

describe('ring-2 harness', () => {
	test('a workflow calls Gmail through n8n OAuth2, refreshes an expired token and persists it', async () => {
		const credentials = connectedCredential();
		const oldAccessToken = (credentials[CRED].data.oauthTokenData as IDataObject).access_token as string;
		const refreshToken = (credentials[CRED].data.oauthTokenData as IDataObject).refresh_token as string;
		sandbox.oauth.expireAccessTokens();
		sandbox.server.clearRequests();

		const result = await runWorkflow({
			nodes: [startNode([{ contact: 'a' }, { contact: 'b' }]), { name: 'Profile', type: 'harnessProfile' }],
			connections: chain('Start', 'Profile'),
			credentials,
			credentialTypes: [oauthCredentialType()],
			nodeTypes: [new ProfileNode()],
		});

		expect(result.error).toBeUndefined();
		expect(result.json.Profile).toEqual([
			{ contact: 'a', emailAddress: 'rep@acme-crm.test' },
			{ contact: 'b', emailAddress: 'rep@acme-crm.test' },
		]);

		// The sandbox saw: 401 with the expired token, one refresh, then successful calls.
		const profileCalls = sandbox.server.seen('gmail.googleapis.com', '/profile');
		expect(profileCalls.map((r) => r.status)).toEqual([401, 200, 200]);
		const refreshes = sandbox.server.seen('oauth2.googleapis.com', '/token', 'POST');
		expect(refreshes).toHaveLength(1);
		const form = new URLSearchParams(refreshes[0].body);
		expect(form.get('grant_type')).toBe('refresh_token');
		expect(form.get('refresh_token')).toBe(refreshToken);

		// The refreshed token was written back through the credentials helper, and used.
		const updates = result.credentialsHelper.updates.filter((u) => u.kind === 'oauthTokenData');
		expect(updates).toHaveLength(1);
		const stored = credentials[CRED].data.oauthTokenData as IDataObject;
		expect(stored.access_token).not.toBe(oldAccessToken);
		expect(stored.refresh_token).toBe(refreshToken);
		expect(stored.n8n_expires_at).toBeDefined();
		expect(profileCalls[2].headers.authorization).toBe(`Bearer ${stored.access_token}`);

		// No token or secret reached the logs (the node's own line did).
		expect(result.log.some((l) => l.includes('fetching profile'))).toBe(true);
		const secrets = [oldAccessToken, stored.access_token as string, refreshToken, CLIENT_SECRET];
		expect(harnessLogger().linesContaining(...secrets)).toEqual([]);
	});

	test('credential defaults and $self expressions resolve the way n8n does', async () => {
		const credentials = connectedCredential();
		const result = await runWorkflow({
			nodes: [startNode(), { name: 'Profile', type: 'harnessProfile' }],
			connections: chain('Start', 'Profile'),
			credentials,
			credentialTypes: [oauthCredentialType()],
			nodeTypes: [new ProfileNode()],
		});
		expect(result.error).toBeUndefined();
		const decrypted = await result.credentialsHelper.getDecrypted(
			{} as never,
			{ id: 'cred-1', name: 'Google (rep)' },
			CRED,
			'manual',
		);
		expect(decrypted.accessTokenUrl).toBe('https://oauth2.googleapis.com/token');
		expect(decrypted.authUrl).toBe('https://accounts.google.com/o/oauth2/v2/auth');
		expect(String(decrypted.scope).split(' ')).toContain(GMAIL_READONLY);
		expect(result.credentialsHelper.getParentTypes(CRED)).toEqual(['oAuth2Api']);
	});

	test('a node error fails the workflow with the error surfaced', async () => {
		const credentials = connectedCredential();
		sandbox.oauth.revokeUser();
		const result = await runWorkflow({
			nodes: [startNode(), { name: 'Profile', type: 'harnessProfile' }],
			connections: chain('Start', 'Profile'),
			credentials,
			credentialTypes: [oauthCredentialType()],
			nodeTypes: [new ProfileNode()],
		});
		expect(result.error).toBeDefined();
		expect(result.nodeErrors.Profile).toBeDefined();
		sandbox.oauth.refreshTokens.forEach((r) => (r.revoked = false));
		sandbox.oauth.accessTokens.forEach((t) => (t.revoked = false));
	});

	test('pollOnce keeps node static data between polls (legacy: persisted when the poll emits)', async () => {
		const staticData: IDataObject = {};
		expect(await pollOnce(new CounterPollNode(), { staticData })).toBeNull();
		// A poll that returns null is not persisted in legacy mode (only the in-memory workflow had it).
		expect(staticData).toEqual({});

		const poller = new Poller(new CounterPollNode(), { staticData });
		expect((await poller.poll()).items).toBeNull();
		expect(poller.inMemoryStaticData).toEqual({ counter: 1 });
		const second = await poller.poll();
		expect(second.items?.[0][0].json).toEqual({ counter: 2, budget: 5 * 60 * 1000 });
		expect(second.committed).toBe(true);
		expect(staticData).toEqual({ counter: 2 });

		// After a restart the process starts from what was persisted.
		poller.restart();
		expect((await poller.poll()).items).toBeNull();
		expect(poller.inMemoryStaticData).toEqual({ counter: 3 });
	});

	test('pollOnce with durable cursors commits on null and on emit, never on error', async () => {
		const staticData: IDataObject = {};
		const node = new CounterPollNode();
		expect(await pollOnce(node, { staticData, durableCursors: true })).toBeNull();
		expect(staticData).toEqual({ counter: 1 });
		const items = await pollOnce(node, { staticData, durableCursors: true });
		expect(items?.[0][0].json.counter).toBe(2);
		expect(items?.[0][0].json.budget).toBe(36_000);
		expect(staticData).toEqual({ counter: 2 });

		const failed = await pollOnceDetailed(node, { staticData, durableCursors: true, parameters: { fail: true } });
		expect(failed.error?.message).toBe('poll failed');
		expect(failed.committed).toBe(false);
		expect(staticData).toEqual({ counter: 2 });
		await expect(pollOnce(node, { staticData, parameters: { fail: true } })).rejects.toThrow('poll failed');
	});

	test('pollOnce in manual mode persists nothing', async () => {
		const staticData: IDataObject = { counter: 1 };
		const items = await pollOnce(new CounterPollNode(), { staticData, mode: 'manual', pollBudgetMs: 1234 });
		expect(items?.[0][0].json).toEqual({ counter: 2, budget: 1234 });
		expect(staticData).toEqual({ counter: 1 });
	});

	test('webhook lifecycle and calls run with real Hook and Webhook contexts', async () => {
		const staticData: IDataObject = {};
		const activated = await activateWebhook(new HookNode(), { staticData });
		expect(activated).toMatchObject({ existed: false, created: true });
		expect(staticData.subscriptionId).toBe('sub-1');
		expect(staticData.callbackUrl).toBe('http://localhost:5678/webhook/harness-webhook-id/google');
		expect((await activateWebhook(new HookNode(), { staticData })).existed).toBe(true);

		const verify = await webhookCall(new HookNode(), {
			staticData,
			request: { method: 'GET', query: { action: 'verify', 'hub.challenge': 'abc123' } },
		});
		expect(verify.responseStatus).toBe(200);
		expect(verify.responseBody).toBe('abc123');
		expect(verify.workflowData).toBeUndefined();

		const call = await webhookCall(new HookNode(), {
			staticData,
			request: { method: 'POST', headers: { 'X-Test': 'yes' }, body: { a: 1 }, rawBody: '{"a":1}' },
		});
		expect(call.workflowData?.[0][0].json).toEqual({ body: { a: 1 }, raw: '{"a":1}', header: 'yes' });
		expect(call.responseStatus).toBe(200);
		expect(call.staticDataPersisted).toBe(true);
		expect(staticData.received).toBe(1);

		const deactivated = await deactivateWebhook(new HookNode(), { staticData });
		expect(deactivated.deleted).toBe(true);
		expect(staticData.subscriptionId).toBeUndefined();
	});
});
