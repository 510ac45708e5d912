// Ring-2 harness: real workflows and trigger calls run in-process by n8n-core 2.41 (WorkflowExecute,
// PollContext + PollTriggerExecutor, WebhookContext, HookContext) against the Google sandbox.
// n8n-core's HTTP helpers (axios through @n8n/backend-network's OutboundHttp, and @n8n/client-oauth2
// for token refresh) reach the sandbox through test/sandbox/redirect-preload.js; SSRF protection is
// off by default in 2.41 (N8N_SSRF_PROTECTION_ENABLED), which is what lets 127.0.0.1 through.
// (With it on, n8n resolves through dns.promises.lookup, which the preload does not redirect: ENOTFOUND.)
//
// Usage (see test/workflow/harness.test.ts):
//   const sandbox = await startSandbox(); sandbox.server.useInThisProcess();
//   const credentials = { googleConnectorOAuth2Api: { id: 'c1', name: 'Google', data: { clientId, clientSecret, oauthTokenData } } };
//   const r = await runWorkflow({
//     nodes: [startNode([{ to: 'a@b.test' }]), { name: 'Google', type: 'googleConnector', parameters: {...} }],
//     connections: chain('Start', 'Google'), credentials,
//     credentialTypes: [new GoogleConnectorOAuth2Api()], nodeTypes: [new GoogleConnector()],
//   });
//   expect(r.error).toBeUndefined(); expect(r.json.Google[0]).toMatchObject({...});
//   const items = await pollOnce(new GmailSyncTrigger(), { parameters, credentials, credentialTypes, staticData, durableCursors: true });
export { HARNESS_START } from '../node-types';
export type { CredentialsMap, StoredCredential, CredentialUpdate } from '../credentials';
export { OAuth2Api, CredentialTypeRegistry, TestCredentialsHelper } from '../credentials';
export { RecordingLogger } from '../logger';
export { BASE_URL, buildAdditionalData, harnessLogger, type AdditionalDataOptions } from './common';
export * from './run';
export * from './poller';
export * from './webhook';
export * from './loadOptions';
