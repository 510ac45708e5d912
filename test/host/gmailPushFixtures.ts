// Ring-3 fixtures for the Gmail Push Trigger (and the Gmail Sync Trigger beside it in the benchmark):
// the OAuth credential with Gmail read + Pub/Sub, the workflows, and each execution's emitted items
// read back from n8n's database (run data is stored "flatted").
import { join } from 'node:path';
import { DEFAULT_PUSH_SERVICE_ACCOUNT, type Sandbox } from '../sandbox';
import type { N8nHost } from './n8nHost';

export const PUSH_TRIGGER = 'n8n-nodes-google-connector.gmailPushTrigger';
export const SYNC_TRIGGER = 'n8n-nodes-google-connector.gmailSyncTrigger';
export const CRED_TYPE = 'googleConnectorOAuth2Api';
export const PROJECT = 'acme-crm-prod';
export const TOPIC = `projects/${PROJECT}/topics/n8n-gmail-push`;
export const GMAIL_READ = 'https://www.googleapis.com/auth/gmail.readonly';
export const PUBSUB = 'https://www.googleapis.com/auth/pubsub';

export interface Execution {
	id: number;
	status: string;
	mode: string;
	startedAt: number;
	/** The json of the trigger node's items. */
	items: Record<string, any>[];
}

/** An OAuth2 credential of `email` with the Gmail read and Pub/Sub surfaces, imported into n8n. */
export async function importPushCredential(sandbox: Sandbox, n8n: N8nHost, cred: { id: string; name: string }, email: string): Promise<string> {
	const grant = sandbox.oauth.issueGrant({ email, scopes: [GMAIL_READ, PUBSUB] });
	await n8n.importCredential([
		{
			...cred,
			type: CRED_TYPE,
			data: { clientId: 'sandbox-client.apps.googleusercontent.com', clientSecret: 'GOCSPX-sandbox-client-secret', gmailRead: true, pubsub: true, oauthTokenData: grant },
		},
	]);
	return grant.access_token;
}

/** One trigger → NoOp workflow. `parameters` are the trigger's; `webhookId` only for the push trigger. */
export function triggerWorkflow(opts: { id: string; name: string; trigger: string; nodeName: string; cred: { id: string; name: string }; parameters: Record<string, unknown>; webhookId?: string }) {
	return {
		id: opts.id,
		name: opts.name,
		active: false,
		settings: { executionOrder: 'v1' },
		connections: { [opts.nodeName]: { main: [[{ node: 'Done', type: 'main', index: 0 }]] } },
		nodes: [
			{
				id: `${opts.id.slice(0, 8).padEnd(8, '0')}-0000-4000-8000-000000000001`,
				name: opts.nodeName,
				type: opts.trigger,
				typeVersion: 1,
				position: [0, 0],
				...(opts.webhookId ? { webhookId: opts.webhookId } : {}),
				parameters: { pollTimes: { item: [{ mode: 'everyMinute' }] }, ...opts.parameters },
				credentials: { [CRED_TYPE]: opts.cred },
			},
			{ id: `${opts.id.slice(0, 8).padEnd(8, '0')}-0000-4000-8000-000000000002`, name: 'Done', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [220, 0], parameters: {} },
		],
	};
}

/** The push trigger's parameters for "create topic and subscription for me" on the sandbox project. */
export function pushParameters(extra: Record<string, unknown> = {}): Record<string, unknown> {
	return { authentication: 'oAuth2', setupMode: 'create', projectId: PROJECT, topicName: 'n8n-gmail-push', pushServiceAccount: DEFAULT_PUSH_SERVICE_ACCOUNT, direction: 'both', ...extra };
}

/** n8n's SQLite datetime (UTC, "YYYY-MM-DD HH:MM:SS.SSS") as epoch ms. */
function epochMs(value: unknown): number {
	const s = String(value ?? '');
	return Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(s) ? s : `${s.replace(' ', 'T')}Z`);
}

/** The workflow's executions, oldest first, with the trigger node's emitted items. */
export async function executionsWithItems(n8n: N8nHost, workflowId: string, nodeName: string): Promise<Execution[]> {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const flatted: { parse(s: string): any } = require(join(n8n.host.dir, 'n8n', 'node_modules', 'flatted'));
	const rows = (await n8n.sql(
		'SELECT e.id, e.status, e.mode, e.startedAt, e.createdAt, d.data FROM execution_entity e LEFT JOIN execution_data d ON d.executionId = e.id WHERE e.workflowId = ? ORDER BY e.id',
		[workflowId],
	)) as Array<{ id: number; status: string; mode: string; startedAt: string | null; createdAt: string; data: string | null }>;
	return rows.map((r) => {
		let items: Record<string, any>[] = [];
		try {
			const run = flatted.parse(r.data ?? '[]')?.resultData?.runData?.[nodeName]?.[0];
			items = (run?.data?.main?.[0] ?? []).map((i: { json: Record<string, any> }) => i.json);
		} catch {
			items = [];
		}
		return { id: Number(r.id), status: r.status, mode: r.mode, startedAt: epochMs(r.startedAt ?? r.createdAt), items };
	});
}

/** How many times each Gmail message id was emitted across executions. */
export function emittedCounts(executions: Execution[]): Map<string, number> {
	const counts = new Map<string, number>();
	for (const e of executions) for (const item of e.items) counts.set(String(item.messageId), (counts.get(String(item.messageId)) ?? 0) + 1);
	return counts;
}

export { sleep, waitFor } from '../queue/fixtures';
