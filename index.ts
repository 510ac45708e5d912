// n8n loads the package from the "n8n" section of package.json; this entry re-exports the types for
// programmatic use.
export { GoogleConnector } from './nodes/GoogleConnector/GoogleConnector.node';
export { GmailSyncTrigger } from './nodes/GmailSyncTrigger/GmailSyncTrigger.node';
export { GoogleConnectorOAuth2Api } from './credentials/GoogleConnectorOAuth2Api.credentials';
export { GoogleConnectorServiceAccountApi } from './credentials/GoogleConnectorServiceAccountApi.credentials';
export { GoogleConnectorTrigger } from './nodes/GoogleConnectorTrigger/GoogleConnectorTrigger.node';
export { GoogleConnectorWebhookApi } from './credentials/GoogleConnectorWebhookApi.credentials';
export { YouTubeSyncTrigger } from './nodes/YouTubeSyncTrigger/YouTubeSyncTrigger.node';
