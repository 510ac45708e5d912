// Ring-2 wiring for the Google Connector Trigger's attack and dedupe tests: one webhook call on a
// workflow's static data, publication that waits for the hub, and the sandbox hub reaching the
// trigger in-process (each GET/POST it makes is one webhook call on the same static data).
import type { IDataObject, INodeParameters, INodeType, ICredentialType } from 'n8n-workflow';
import type { Sandbox, CallbackRequest } from '../sandbox';
import { activateWebhook, webhookCall, type CredentialsMap, type WebhookCallResult } from './workflow';

export type WebhookRequest = Parameters<typeof webhookCall>[1]['request'];

export const runs = (r: WebhookCallResult) => (r.workflowData ? r.workflowData[0].length : 0);

export function triggerHarness(trigger: INodeType, credentials: CredentialsMap, credentialTypes: ICredentialType[], sandbox: () => Sandbox) {
	/** `runFails`: n8n cannot store the run the trigger asks for (it answers 500, saves no static data). */
	async function call(staticData: IDataObject, request: WebhookRequest, parameters: INodeParameters, runFails = false): Promise<WebhookCallResult> {
		return webhookCall(trigger, { parameters, credentials, credentialTypes, staticData, request, runFails });
	}

	function hubToTrigger(staticData: IDataObject, parameters: INodeParameters) {
		const seen: WebhookCallResult[] = [];
		sandbox().hub.transport = async (req: CallbackRequest) => {
			const url = new URL(req.url);
			const query: IDataObject = {};
			for (const [k, v] of url.searchParams) query[k] = v;
			const r = await call(staticData, { method: req.method, query, headers: req.headers, rawBody: req.body ?? '' }, parameters);
			seen.push(r);
			return { status: r.responseStatus, body: r.response.body };
		};
		return seen;
	}

	async function publish(staticData: IDataObject, parameters: INodeParameters) {
		const r = await activateWebhook(trigger, { parameters, credentials, credentialTypes, staticData });
		await sandbox().hub.settled();
		return r;
	}

	return { call, hubToTrigger, publish };
}
