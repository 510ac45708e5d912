// What the YouTube Sync Trigger's ring-3 tests share: a YouTube-read credential for a sandbox grant and
// a workflow with the trigger (comments of the connected channel, every minute) → NoOp.
import type { Sandbox } from '../sandbox';
import type { N8nHost } from './n8nHost';

export const YOUTUBE_SYNC_TRIGGER = 'n8n-nodes-google-connector.youTubeSyncTrigger';
export const YOUTUBE_TRIGGER_NAME = 'New YouTube comment';
const CRED_TYPE = 'googleConnectorOAuth2Api';

/** Imports the credential of `email` and the workflow; `nodeIdPrefix` is 8 hex digits. Returns the grant. */
export async function importYouTubeSync(
	n8n: N8nHost,
	sandbox: Sandbox,
	wf: { id: string; name: string; credential: { id: string; name: string }; email: string; nodeIdPrefix: string },
): Promise<{ access_token: string }> {
	const grant = sandbox.oauth.issueGrant({ email: wf.email, scopes: ['https://www.googleapis.com/auth/youtube.readonly'] });
	await n8n.importCredential([
		{
			...wf.credential,
			type: CRED_TYPE,
			data: { clientId: 'sandbox-client.apps.googleusercontent.com', clientSecret: 'GOCSPX-sandbox-client-secret', youtubeRead: true, oauthTokenData: grant },
		},
	]);
	await n8n.importWorkflow([
		{
			id: wf.id,
			name: wf.name,
			active: false,
			settings: { executionOrder: 'v1' },
			connections: { [YOUTUBE_TRIGGER_NAME]: { main: [[{ node: 'Done', type: 'main', index: 0 }]] } },
			nodes: [
				{
					id: `${wf.nodeIdPrefix}-0000-4000-8000-000000000001`,
					name: YOUTUBE_TRIGGER_NAME,
					type: YOUTUBE_SYNC_TRIGGER,
					typeVersion: 1,
					position: [0, 0],
					parameters: { pollTimes: { item: [{ mode: 'everyMinute' }] }, event: 'comments', source: 'mine', dailyBudget: 10000 },
					credentials: { [CRED_TYPE]: wf.credential },
				},
				{ id: `${wf.nodeIdPrefix}-0000-4000-8000-000000000002`, name: 'Done', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [220, 0], parameters: {} },
			],
		},
	]);
	return grant;
}
