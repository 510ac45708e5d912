// Workflows, credentials and Google senders for the queue ring (shared by the test and the benchmark).
import { createHmac } from 'node:crypto';
import { join } from 'node:path';
import { DEFAULT_PUSH_SERVICE_ACCOUNT, uploadAtom, YT_TOPIC } from '../sandbox';
import { http, type HttpResult } from '../host/n8nHost';
import { type QueueCluster } from './queueCluster';

export const PKG = 'n8n-nodes-google-connector';
export const SECRETS = { leadFormKey: 'queue-lead-form-key-5c1e7a', sharedSecret: 'queue-shared-secret-8d3f1b7e2a6c', pushKey: 'queue-push-key-2b7e9f4a1c6d8e3f' };
export const ORG = 'acme-q';
export const CLIENT = { clientId: 'sandbox-client.apps.googleusercontent.com', clientSecret: 'GOCSPX-sandbox-client-secret' };
export const G = 'https://www.googleapis.com/auth/';

let uuidCounter = 0;
/** Deterministic node ids (n8n wants uuids). */
export function uuid(prefix: number): string {
	uuidCounter++;
	return `${prefix.toString(16).padStart(8, '0')}-0000-4000-8000-${uuidCounter.toString(16).padStart(12, '0')}`;
}

type Node = Record<string, unknown> & { name: string };

/** A linear workflow: each node feeds the next. */
export function chainWorkflow(id: string, name: string, nodes: Node[]): object {
	const connections: Record<string, unknown> = {};
	for (let i = 0; i + 1 < nodes.length; i++) connections[nodes[i].name] = { main: [[{ node: nodes[i + 1].name, type: 'main', index: 0 }]] };
	return {
		id,
		name,
		active: false,
		settings: { executionOrder: 'v1' },
		connections,
		nodes: nodes.map((n, i) => ({ id: uuid(0xa0), typeVersion: 1, position: [i * 220, 0], parameters: {}, ...n })),
	};
}

export const noOp = (name: string): Node => ({ name, type: 'n8n-nodes-base.noOp' });

/** n8n's Wait node for a few seconds (under 65 s it waits in the worker's memory). */
export const waitNode = (seconds: number): Node => ({ name: 'Wait', type: 'n8n-nodes-base.wait', typeVersion: 1.1, parameters: { resume: 'timeInterval', amount: seconds, unit: 'seconds' }, webhookId: uuid(0xa1) });

export function gmailTrigger(cred: { id: string; name: string }, labelId: string, extra: Record<string, unknown> = {}): Node {
	return {
		name: 'New mail',
		type: `${PKG}.gmailSyncTrigger`,
		parameters: { pollTimes: { item: [{ mode: 'everyMinute' }] }, labelIds: [labelId], direction: 'both', ...extra },
		credentials: { googleConnectorOAuth2Api: cred },
	};
}

export function youtubeTrigger(cred: { id: string; name: string }): Node {
	return {
		name: 'New comment',
		type: `${PKG}.youTubeSyncTrigger`,
		parameters: { pollTimes: { item: [{ mode: 'everyMinute' }] }, event: 'comments', source: 'mine', dailyBudget: 10000 },
		credentials: { googleConnectorOAuth2Api: cred },
	};
}

/** The Gmail Push Trigger creating its own topic and OIDC push subscription in the sandbox's project. */
export function gmailPushTrigger(name: string, webhookId: string, cred: { id: string; name: string }, topicName: string): Node {
	return {
		name,
		type: `${PKG}.gmailPushTrigger`,
		webhookId,
		parameters: { pollTimes: { item: [{ mode: 'everyMinute' }] }, authentication: 'oAuth2', setupMode: 'create', projectId: 'acme-crm-prod', topicName, pushServiceAccount: DEFAULT_PUSH_SERVICE_ACCOUNT, direction: 'both' },
		credentials: { googleConnectorOAuth2Api: cred },
	};
}

export function connectorTrigger(webhookId: string, channelId: string, cred: { id: string; name: string }): Node {
	return {
		name: 'Google',
		type: `${PKG}.googleConnectorTrigger`,
		webhookId,
		parameters: { actions: ['youtube-webhook', 'ads-webhook', 'ads-conversion-callback'], channelIds: channelId, orgId: ORG },
		credentials: { googleConnectorWebhookApi: cred },
	};
}

/** The event's stable natural key, set by the trigger on every event (`<action>:<key>`). */
export const DEDUPE_KEY = '={{ $json.dedupeKey }}';

/** n8n's Remove Duplicates: "Remove Items Processed in Previous Executions", keyed on the event, scope workflow. */
/** `key`: the event's stable key as an n8n expression (default the Google Connector Trigger's dedupeKey). */
export const removeDuplicates = (key = DEDUPE_KEY): Node => ({
	name: 'Remove Duplicates',
	type: 'n8n-nodes-base.removeDuplicates',
	typeVersion: 2,
	parameters: { operation: 'removeItemsSeenInPreviousExecutions', logic: 'removeItemsWithAlreadySeenKeyValues', dedupeValue: key, options: { scope: 'workflow' } },
});

/** The atomic claim: Redis INCR on the event's key; only the execution that got 1 goes on. */
export const redisClaim = (cred: { id: string; name: string }, key = '$json.dedupeKey'): Node[] => [
	{
		name: 'Claim',
		type: 'n8n-nodes-base.redis',
		parameters: { operation: 'incr', key: `={{ 'dedupe:' + ${key} }}`, expire: true, ttl: 7 * 86400 },
		credentials: { redis: cred },
	},
	{
		name: 'First claim',
		type: 'n8n-nodes-base.filter',
		typeVersion: 2.2,
		parameters: {
			conditions: {
				options: { caseSensitive: true, leftValue: '', typeValidation: 'loose', version: 2 },
				conditions: [{ id: uuid(0xa2), leftValue: '={{ Object.values($json)[0] }}', rightValue: 1, operator: { type: 'number', operation: 'equals' } }],
				combinator: 'and',
			},
			looseTypeValidation: true,
			options: {},
		},
	},
];

export const lead = (id: string, key = SECRETS.leadFormKey): string =>
	JSON.stringify({
		lead_id: id, api_version: '1.0', form_id: 111, campaign_id: 222, adgroup_id: 333, creative_id: 444, gcl_id: `gclid-${id}`, google_key: key, is_test: false,
		user_column_data: [{ column_id: 'FULL_NAME', string_value: 'Ada Lovelace' }, { column_id: 'EMAIL', string_value: `${id.toLowerCase()}@example.test` }],
	});

/** The WebSub secret the trigger derives for a topic (as the trigger's subscribe does). */
export const pushSecret = (channelId: string): string => createHmac('sha256', SECRETS.pushKey).update(`websub-secret|${YT_TOPIC + channelId}`).digest('hex').slice(0, 40);

/** A signed upload notification as the hub sends it: body and headers. */
export function signedPush(channelId: string, videoId: string): { body: string; headers: Record<string, string> } {
	const body = uploadAtom([{ videoId, channelId, title: `Video ${videoId}` }], channelId);
	const signature = createHmac('sha1', pushSecret(channelId)).update(body).digest('hex');
	return { body, headers: { 'content-type': 'application/atom+xml', 'x-hub-signature': `sha1=${signature}` } };
}

export function triggerUrl(base: string, webhookId: string, query: Record<string, string>): string {
	return `${base}/webhook/${webhookId}/google?${new URLSearchParams({ orgid: ORG, ...query })}`;
}

export const postLead = (base: string, webhookId: string, id: string): Promise<HttpResult> =>
	http('POST', triggerUrl(base, webhookId, { action: 'ads-webhook' }), { body: lead(id), headers: { 'content-type': 'application/json' } });

export interface ExecutionRecord {
	id: number;
	status: string;
	mode: string;
	/** Node names that ran, with the json of their first output's items. */
	nodes: Record<string, any[]>;
	text: string;
}

/** Executions of a workflow with their run data, decoded from n8n's flatted format. */
export async function executionsOf(cluster: QueueCluster, workflowId: string): Promise<ExecutionRecord[]> {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const flatted: { parse(s: string): any } = require(join(cluster.host.dir, 'n8n', 'node_modules', 'flatted'));
	const rows = await cluster.sql<{ id: number; status: string; mode: string; data: string | null }>(
		`SELECT e.id, e.status, e.mode, d.data FROM execution_entity e LEFT JOIN execution_data d ON d."executionId" = e.id WHERE e."workflowId" = '${workflowId}' ORDER BY e.id`,
	);
	return rows.map((r) => {
		const nodes: Record<string, any[]> = {};
		try {
			const runData = flatted.parse(r.data ?? '[]')?.resultData?.runData ?? {};
			for (const [name, runs] of Object.entries<any>(runData)) nodes[name] = (runs?.[0]?.data?.main?.[0] ?? []).map((i: any) => i.json);
		} catch {}
		return { id: Number(r.id), status: r.status, mode: r.mode, nodes, text: r.data ?? '' };
	});
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs: number, everyMs = 1000): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const v = await probe();
		if (v !== undefined) return v;
		if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
		await sleep(everyMs);
	}
}
