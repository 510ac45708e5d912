// What `npm start -- --sandbox` imports into n8n for the demo account (demo.ts): the connected
// credentials and every example in examples/, wired to them (credential ids, the "Clients" label id,
// the channel, the trigger's URL) and to a small local stand-in for the CRM the examples call, so each
// one runs as imported. Nodes that need a service the demo does not have (Google Sheets, SMTP) are
// imported disabled, with a note saying so.
import { readFileSync, readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { DEMO_DEVELOPER_TOKEN, type DemoAccount } from './demo';
import type { Sandbox } from './index';

export const EXAMPLES_DIR = join(__dirname, '..', '..', 'examples');
export const DEMO_OAUTH_CREDENTIAL = { id: 'googleSandboxCred01', name: 'Google (sandbox)' };
export const DEMO_WEBHOOK_CREDENTIAL = { id: 'googleSandboxHook01', name: 'Google webhook secrets (sandbox)' };
export const DEMO_TRIGGER_WORKFLOW_ID = 'demoGoogleTrigger1';
export const DEMO_TRIGGER_WEBHOOK_ID = '5b0a6c1e-demo-4f00-8a00-google-trigger';
/** The sandbox project whose default push service account (gmail-push@…) every caller may act as. */
export const DEMO_PUBSUB_PROJECT = 'sandbox-project';
export const DEMO_PUSH_KEY = 'demo-push-key-4b7f0c2e9a1d4e6f8b3c5a7d9e1f2a4c';

const G = 'https://www.googleapis.com/auth/';
export const ALL_SCOPES = ['openid', `${G}userinfo.email`, `${G}userinfo.profile`, `${G}gmail.send`, `${G}gmail.readonly`, `${G}adwords`, `${G}datamanager`, `${G}youtube.readonly`, `${G}youtube.force-ssl`, `${G}pubsub`];

type Json = Record<string, any>;

/** The ready credentials: OAuth2 with every surface connected, and the trigger's webhook secrets. */
export function demoCredentials(sandbox: Sandbox, demo: DemoAccount): Json[] {
	const grant = sandbox.oauth.issueGrant({ scopes: ALL_SCOPES, email: demo.email });
	return [
		{
			...DEMO_OAUTH_CREDENTIAL,
			type: 'googleConnectorOAuth2Api',
			data: {
				clientId: 'sandbox-client.apps.googleusercontent.com',
				clientSecret: 'GOCSPX-sandbox-client-secret',
				identity: true,
				gmailSend: true,
				gmailRead: true,
				ads: true,
				adsConversions: true,
				youtubeRead: true,
				youtubeManage: true,
				pubsub: true,
				developerToken: DEMO_DEVELOPER_TOKEN,
				loginCustomerId: demo.managerId,
				oauthTokenData: grant,
			},
		},
		{
			...DEMO_WEBHOOK_CREDENTIAL,
			type: 'googleConnectorWebhookApi',
			data: { leadFormKey: 'demo-lead-form-key', sharedSecret: 'demo-shared-secret-2c4e6a8b0d1f3a5c7e9b', pushKey: DEMO_PUSH_KEY },
		},
	];
}

/** Node types the demo cannot run (no Google Sheets, no SMTP server): imported disabled. */
const NOT_IN_DEMO: Record<string, string> = {
	'n8n-nodes-base.googleSheets': 'Disabled in the sandbox demo: the sandbox has no Google Sheets. Enable it with your own Sheets credential.',
	'n8n-nodes-base.emailSend': 'Disabled in the sandbox demo: there is no mail server. Enable it with your SMTP credential.',
};

function replaceStrings(value: unknown, replace: (s: string) => string): unknown {
	if (typeof value === 'string') return replace(value);
	if (Array.isArray(value)) return value.map((v) => replaceStrings(v, replace));
	if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceStrings(v, replace)]));
	return value;
}

/** Test data a webhook-started example runs with when executed from the editor. */
function pinnedInput(file: string, demo: DemoAccount, now: number): Json | undefined {
	if (file === 'ads-deal-won-conversion.json')
		return {
			'CRM deal won': [
				{ json: { body: { dealId: 'D-1001', amount: 4200, currency: 'EUR', gclid: 'EAIaIQobChMI-demo-deal-1001', closedAt: new Date(now - 86_400_000).toISOString(), contact: { email: 'dana@northwind.test' } } } },
			],
		};
	if (file === 'youtube-comment-to-crm.json')
		return { 'CRM reply (webhook)': [{ json: { body: { threadId: demo.threadIds[3], text: 'Yes: Reports → Schedule → Weekly.', inboxMessageId: 'IM-2001' } } }] };
	return undefined;
}

/** Every example, wired to the demo. `crmUrl` is the stand-in CRM, `baseUrl` n8n's own URL. */
export function demoWorkflows(demo: DemoAccount, opts: { crmUrl: string; baseUrl: string; now?: number }): Json[] {
	const now = opts.now ?? Date.now();
	const base = opts.baseUrl.replace(/\/$/, '');
	const replace = (s: string) =>
		s
			.replace(/REPLACE_WITH_CLIENTS_LABEL_ID/g, demo.clientsLabelId)
			.replace(/https:\/\/crm\.example\.com/g, opts.crmUrl.replace(/\/$/, ''))
			.replace(/https:\/\/n8n\.example\.com\/webhook\/REPLACE-WITH-THE-TRIGGER-WEBHOOK-ID/g, `${base}/webhook/${DEMO_TRIGGER_WEBHOOK_ID}`)
			.replace(/UCx{22}/g, demo.channelId)
			// The Gmail push example's project (and so its push service account) → the sandbox's.
			.replace(/\bmy-crm-project\b/g, DEMO_PUBSUB_PROJECT);
	const files = readdirSync(EXAMPLES_DIR).filter((f) => f.endsWith('.json')).sort();
	const workflows: Json[] = files.map((file, i) => {
		const example = JSON.parse(readFileSync(join(EXAMPLES_DIR, file), 'utf8')) as Json;
		const nodes = (example.nodes as Json[]).map((node) => {
			const out: Json = { ...node, parameters: replaceStrings(node.parameters, replace) };
			if (node.credentials?.googleConnectorOAuth2Api) out.credentials = { ...node.credentials, googleConnectorOAuth2Api: DEMO_OAUTH_CREDENTIAL };
			if (node.credentials?.googleConnectorWebhookApi) out.credentials = { ...out.credentials, googleConnectorWebhookApi: DEMO_WEBHOOK_CREDENTIAL };
			if (NOT_IN_DEMO[node.type]) Object.assign(out, { disabled: true, notes: NOT_IN_DEMO[node.type], notesInFlow: true });
			return out;
		});
		const pinData = pinnedInput(file, demo, now) ?? example.pinData ?? {};
		return { ...example, id: `demoExample${String(i + 1).padStart(5, '0')}`, name: `Demo: ${example.name}`, nodes, pinData, active: false };
	});
	workflows.push(demoTriggerWorkflow(demo));
	return workflows;
}

/** The Google Connector Trigger the push example renews: published at start, subscribed to the channel. */
function demoTriggerWorkflow(demo: DemoAccount): Json {
	return {
		id: DEMO_TRIGGER_WORKFLOW_ID,
		name: 'Demo: Google Connector Trigger (YouTube push, lead forms, conversion callbacks)',
		active: false,
		settings: { executionOrder: 'v1' },
		connections: {},
		pinData: {},
		nodes: [
			{
				id: '5b0a6c1e-0000-4000-8000-000000000001',
				name: 'Google Connector Trigger',
				type: 'n8n-nodes-google-connector.googleConnectorTrigger',
				typeVersion: 1,
				position: [0, 0],
				webhookId: DEMO_TRIGGER_WEBHOOK_ID,
				parameters: { actions: ['ads-webhook', 'ads-conversion-callback', 'ads-performance-alert', 'youtube-webhook'], channelIds: demo.channelId, orgId: 'acme' },
				credentials: { googleConnectorWebhookApi: DEMO_WEBHOOK_CREDENTIAL },
			},
		],
	};
}

export interface DemoCrm {
	url: string;
	/** What the examples sent the CRM: method, path and parsed body. */
	requests: Array<{ method: string; path: string; query: Record<string, string>; body: unknown }>;
	close(): Promise<void>;
}

const KNOWN_CONTACTS: Record<string, string> = { 'northwind.test': 'C-1001', 'contoso.test': 'C-1002', 'fabrikam.test': 'C-1003', 'tailspin.test': 'C-1004' };

/** A stand-in for the CRM the examples call (contacts, activities, deals, inbox): records and answers. */
export async function startDemoCrm(port = 0): Promise<DemoCrm> {
	const requests: DemoCrm['requests'] = [];
	let next = 1;
	const server: Server = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			const url = new URL(req.url ?? '/', 'http://crm');
			const text = Buffer.concat(chunks).toString('utf8');
			let body: unknown = text;
			try {
				body = text ? JSON.parse(text) : undefined;
			} catch {
				/* keep the text */
			}
			requests.push({ method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), body });
			let answer: Json = { ok: true, id: `CRM-${next++}` };
			if (url.pathname === '/api/contacts/lookup') {
				const emails = (url.searchParams.get('emails') ?? '').split(',').filter(Boolean);
				const hit = emails.map((e) => KNOWN_CONTACTS[e.split('@')[1] ?? '']).find(Boolean);
				answer = hit ? { contactId: hit, emails } : { contactId: '', emails };
			}
			res.writeHead(req.method === 'POST' ? 201 : 200, { 'content-type': 'application/json' });
			res.end(JSON.stringify(answer));
		});
	});
	await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
	const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	return { url, requests, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
