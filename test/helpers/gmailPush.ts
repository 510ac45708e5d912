// Ring-2 wiring for the Gmail Push Trigger: Pub/Sub push envelopes, OIDC tokens signed by the sandbox's
// Google key, one trigger's static data shared by every push (as n8n saves it: whole, when each call
// ends), the tick through the poller, and what was emitted.
import type { IDataObject, INodeParameters } from 'n8n-workflow';
import { GoogleConnectorOAuth2Api } from '../../credentials/GoogleConnectorOAuth2Api.credentials';
import { GmailPushTrigger } from '../../nodes/GmailPushTrigger/GmailPushTrigger.node';
import { newCursor } from '../../nodes/shared/gmail/sync/cursor';
import type { CallbackRequest, Sandbox } from '../sandbox';
import { gmailReadCredential } from './gmailSync';
import { BASE_URL, Poller, activateWebhook, webhookCall, type CredentialsMap, type WebhookCallResult } from './workflow';

export const PUSH_SERVICE_ACCOUNT = 'gmail-push@sandbox-project.iam.gserviceaccount.com';
export const PUSH_TOPIC = 'projects/sandbox-project/topics/n8n-gmail-push';
export const PUSH_WEBHOOK_ID = 'push-webhook-id';
/** The trigger's production URL in the harness: the default token audience. */
export const PUSH_URL = `${BASE_URL}/webhook/${PUSH_WEBHOOK_ID}/gmail-push`;
const PUBSUB_SCOPE = 'https://www.googleapis.com/auth/pubsub';

/** A push token as Pub/Sub signs it (sandbox key); `claims` override or add claims, `opts` forge. */
export function pushToken(sandbox: Sandbox, claims: Record<string, unknown> = {}, opts: Parameters<Sandbox['oauth']['signIdToken']>[1] = {}): string {
	const now = Math.floor(Date.now() / 1000);
	return sandbox.oauth.signIdToken(
		{ iss: 'https://accounts.google.com', aud: PUSH_URL, azp: '111122223333444455556', sub: '111122223333444455556', email: PUSH_SERVICE_ACCOUNT, email_verified: true, iat: now, exp: now + 3600, ...claims },
		opts,
	);
}

/** The body Pub/Sub POSTs for one message, published now (or at `publishedAt`, ms). */
export function pushEnvelope(messageId: string, data: unknown, subscription = 'projects/sandbox-project/subscriptions/n8n-gmail-push-test', publishedAt = Date.now()): IDataObject {
	return {
		message: { data: Buffer.from(typeof data === 'string' ? data : JSON.stringify(data)).toString('base64'), messageId, message_id: messageId, publishTime: new Date(publishedAt).toISOString(), attributes: {} },
		subscription,
	};
}

/** Create mode: the trigger makes topic, binding and subscription itself (the sandbox's default project). */
export function createModeParameters(labelIds: string[], extra: INodeParameters = {}): INodeParameters {
	return pushParameters(labelIds, { setupMode: 'create', projectId: 'sandbox-project', topicName: 'n8n-gmail-push', ...extra });
}

export function pushParameters(labelIds: string[], extra: INodeParameters = {}): INodeParameters {
	return { labelIds, direction: 'both', contacts: '', setupMode: 'existing', topicName: PUSH_TOPIC, pushServiceAccount: PUSH_SERVICE_ACCOUNT, audience: '', maxPerPush: 500, ...extra };
}

/** A credential for a fresh mailbox, with the Pub/Sub scope too (continuations and catch-up publish). */
export function pushCredential(sandbox: Sandbox, email: string, withPubsub = true): { credentials: CredentialsMap; accessToken: string } {
	const credentials = gmailReadCredential(sandbox, email);
	if (!withPubsub) return { credentials, accessToken: String((credentials.googleConnectorOAuth2Api.data.oauthTokenData as IDataObject).access_token) };
	const grant = sandbox.oauth.issueGrant({ email, scopes: ['https://www.googleapis.com/auth/gmail.readonly', PUBSUB_SCOPE] });
	const data = credentials.googleConnectorOAuth2Api.data as IDataObject;
	data.pubsub = true;
	data.oauthTokenData = { access_token: grant.access_token, refresh_token: grant.refresh_token, expires_in: 3599, scope: grant.scope, token_type: 'Bearer' };
	return { credentials, accessToken: grant.access_token };
}

/** One Gmail Push Trigger of one mailbox: its persisted static data and every call made to it. */
export class PushedTrigger {
	readonly persisted: IDataObject = {};
	readonly calls: WebhookCallResult[] = [];
	readonly credentials: CredentialsMap;
	readonly accessToken: string;
	private seq = 0;
	private ticker?: Poller;

	constructor(
		readonly sandbox: Sandbox,
		readonly email: string,
		readonly parameters: INodeParameters,
		opts: { pubsubScope?: boolean } = {},
	) {
		({ credentials: this.credentials, accessToken: this.accessToken } = pushCredential(sandbox, email, opts.pubsubScope ?? true));
	}

	/** What set-up leaves when the watch starts: a cursor at the mailbox's history id now. */
	baseline(): this {
		this.persisted.gmailPush = newCursor(this.email, String(this.sandbox.gmail.mailbox(this.email).historyId), Date.now()) as unknown as IDataObject;
		return this;
	}

	/** A Gmail notification for the mailbox's history id now (or the one given). */
	notification(historyId?: number | string): IDataObject {
		return { emailAddress: this.email, historyId: Number(historyId ?? this.sandbox.gmail.mailbox(this.email).historyId) };
	}

	/**
	 * Publishes the trigger as n8n does (webhookMethods.default checkExists → create: topic, Gmail's
	 * publisher binding, push subscription with OIDC, users.watch, the baseline cursor) against the
	 * sandbox's Pub/Sub, whose deliveries then reach this trigger in-process (ring 2's transport).
	 */
	async connectSandboxPush(): Promise<void> {
		this.sandbox.pubsub.allowHttpEndpoints = true; // the harness URL is http://localhost; Google takes only https
		this.sandbox.pubsub.push.transport = (req) => this.deliver(req);
		const r = await activateWebhook(new GmailPushTrigger(), {
			parameters: this.parameters,
			credentials: this.credentials,
			credentialTypes: [new GoogleConnectorOAuth2Api()],
			staticData: this.persisted,
			webhookId: PUSH_WEBHOOK_ID,
		});
		if (!r.created) throw new Error(`set-up did not run: ${r.log.join('\n')}`);
	}

	/** One sandbox delivery: the webhook call Pub/Sub's POST becomes. */
	async deliver(req: CallbackRequest): Promise<{ status: number; body: string }> {
		const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? null;
		const r = await this.push(JSON.parse(req.body ?? '{}'), { token });
		return { status: r.responseStatus, body: r.response.body };
	}

	/** Pushes a body with a token (a valid one by default) to the trigger's webhook. */
	async push(body: unknown, opts: { token?: string | null; messageId?: string } = {}): Promise<WebhookCallResult> {
		const token = opts.token === undefined ? pushToken(this.sandbox) : opts.token;
		const headers: Record<string, string> = { 'content-type': 'application/json' };
		if (token !== null) headers.authorization = `Bearer ${token}`;
		const r = await webhookCall(new GmailPushTrigger(), {
			parameters: this.parameters,
			credentials: this.credentials,
			credentialTypes: [new GoogleConnectorOAuth2Api()],
			staticData: this.persisted,
			webhookId: PUSH_WEBHOOK_ID,
			request: { method: 'POST', headers, body },
		});
		this.calls.push(r);
		return r;
	}

	/** Pushes Gmail's notification (now, or at `historyId`) as Pub/Sub message `messageId`, published now or at `publishedAt`. */
	async notify(opts: { historyId?: number | string; messageId?: string; token?: string | null; publishedAt?: number } = {}): Promise<WebhookCallResult> {
		const messageId = opts.messageId ?? `${this.email}-m${++this.seq}`;
		return await this.push(pushEnvelope(messageId, this.notification(opts.historyId), undefined, opts.publishedAt), { token: opts.token });
	}

	/** Gmail message ids of every activity emitted so far, in order. */
	emitted(): string[] {
		return this.calls.flatMap((r) => (r.workflowData?.[0] ?? []).map((i) => String(i.json.messageId)));
	}

	/** The tick (n8n's poll of the same node; its workflow object lives on, with the static data of its first poll). */
	async tick(mode: 'trigger' | 'manual' = 'trigger') {
		this.ticker ??= new Poller(new GmailPushTrigger(), {
			parameters: this.parameters,
			credentials: this.credentials,
			credentialTypes: [new GoogleConnectorOAuth2Api()],
			staticData: this.persisted,
			webhookId: PUSH_WEBHOOK_ID,
		});
		return await this.ticker.poll({ mode });
	}
}

export const statusOf = (r: WebhookCallResult) => r.responseStatus;
