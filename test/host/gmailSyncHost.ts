// What the Gmail Sync Trigger's ring-3 tests share: the mailbox, the credential and a workflow that
// polls every minute, waiting on n8n, and reading which messages an execution emitted.
import { randomUUID } from 'node:crypto';
import type { IDataObject } from 'n8n-workflow';
import type { Sandbox } from '../sandbox';
import type { N8nHost } from './n8nHost';

export const GMAIL_SYNC_TRIGGER = 'n8n-nodes-google-connector.gmailSyncTrigger';
export const GMAIL_CRED_TYPE = 'googleConnectorOAuth2Api';
export const HOST_MAILBOX = 'rep@acme-crm.test';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Probes once a second until it returns a value, or throws after `timeoutMs` naming `what` (and `progress()`). */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number, progress?: () => string): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const v = await probe();
		if (v !== undefined) return v;
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${progress ? ` (${progress()})` : ''}`);
		await sleep(1000);
	}
}

export interface GmailSyncWorkflow {
	id: string;
	credential: { id: string; name: string };
	/** The trigger node's name and its parameters besides the one-minute schedule. */
	triggerName: string;
	parameters: IDataObject;
	/** What follows the trigger, in a chain (default: one NoOp "Done"). */
	next?: IDataObject[];
}

/**
 * Imports a Gmail-read credential for HOST_MAILBOX (a fresh sandbox grant) and a workflow with the
 * trigger polling every minute, then `next` in a chain. Returns the grant (for "no token in logs").
 */
export async function importGmailSync(n8n: N8nHost, sandbox: Sandbox, wf: GmailSyncWorkflow): Promise<{ access_token: string }> {
	const grant = sandbox.oauth.issueGrant({ email: HOST_MAILBOX, scopes: ['https://www.googleapis.com/auth/gmail.readonly'] });
	await n8n.importCredential([
		{
			...wf.credential,
			type: GMAIL_CRED_TYPE,
			data: { clientId: 'sandbox-client.apps.googleusercontent.com', clientSecret: 'GOCSPX-sandbox-client-secret', gmailRead: true, oauthTokenData: grant },
		},
	]);
	const next = wf.next ?? [{ name: 'Done', type: 'n8n-nodes-base.noOp', typeVersion: 1, parameters: {} }];
	const names = [wf.triggerName, ...next.map((n) => String(n.name))];
	const connections: IDataObject = {};
	for (let i = 0; i + 1 < names.length; i++) connections[names[i]] = { main: [[{ node: names[i + 1], type: 'main', index: 0 }]] };
	await n8n.importWorkflow([
		{
			id: wf.id,
			name: `Gmail sync ${wf.id}`,
			active: false,
			settings: { executionOrder: 'v1' },
			connections,
			nodes: [
				{
					id: randomUUID(),
					name: wf.triggerName,
					type: GMAIL_SYNC_TRIGGER,
					typeVersion: 1,
					position: [0, 0],
					parameters: { pollTimes: { item: [{ mode: 'everyMinute' }] }, ...wf.parameters },
					credentials: { [GMAIL_CRED_TYPE]: wf.credential },
				},
				...next.map((n, i) => ({ id: randomUUID(), position: [220 * (i + 1), 0], ...n })),
			],
		},
	]);
	return grant;
}

/** An execution's stored data (n8n's flatted JSON, as text). */
export async function executionData(n8n: N8nHost, executionId: number): Promise<string> {
	const [row] = (await n8n.sql('SELECT data FROM execution_data WHERE executionId = ?', [executionId])) as Array<{ data: string }>;
	return String(row?.data ?? '');
}

/** The Gmail message ids among `known` that an execution's stored data holds (16-hex-digit strings). */
export async function emittedIds(n8n: N8nHost, executionId: number, known: Set<string>): Promise<Set<string>> {
	return new Set(((await executionData(n8n, executionId)).match(/\b[0-9a-f]{16}\b/g) ?? []).filter((id) => known.has(id)));
}
