// The "Google Connector Webhook Secrets" credential: reading it (the trigger checks senders with it,
// the action node derives push secrets from it) and its credential test. One place for both nodes.
import type { ICredentialTestFunctions, ICredentialsDecrypted, IDataObject, INodeCredentialTestResult, IWebhookFunctions } from 'n8n-workflow';

export const WEBHOOK_CREDENTIAL = 'googleConnectorWebhookApi';

export interface WebhookSecrets {
	leadFormKey: string;
	sharedSecret: string;
	pushKey: string;
}

/** The secrets, each '' when unset (or when the credential cannot be read: every check then refuses). */
export async function webhookSecrets(ctx: { getCredentials: IWebhookFunctions['getCredentials'] }): Promise<WebhookSecrets> {
	let data: IDataObject = {};
	try {
		data = (await ctx.getCredentials(WEBHOOK_CREDENTIAL)) as IDataObject;
	} catch {
		data = {};
	}
	const s = (v: unknown) => (typeof v === 'string' ? v : '');
	return { leadFormKey: s(data.leadFormKey), sharedSecret: s(data.sharedSecret), pushKey: s(data.pushKey) };
}

/**
 * The trigger reads its secrets on every request; n8n then loads the credential from the database and
 * decrypts it each time, which is what a flood of refused calls mostly costs. So the webhook path keeps
 * them in memory for a few seconds per credential (concurrent reads share one load). A changed secret
 * applies within SECRETS_TTL_MS. Memory only: any process rebuilds it.
 */
export const SECRETS_TTL_MS = 10_000;
const secretsCache = new Map<string, { until: number; secrets: Promise<WebhookSecrets> }>();

export async function cachedWebhookSecrets(ctx: Pick<IWebhookFunctions, 'getCredentials' | 'getNode'>): Promise<WebhookSecrets> {
	const id = ctx.getNode().credentials?.[WEBHOOK_CREDENTIAL]?.id;
	if (!id) return await webhookSecrets(ctx);
	const now = Date.now();
	const hit = secretsCache.get(id);
	if (hit && hit.until > now) return await hit.secrets;
	if (secretsCache.size >= 200) secretsCache.delete(secretsCache.keys().next().value as string);
	const secrets = webhookSecrets(ctx);
	secretsCache.set(id, { until: now + SECRETS_TTL_MS, secrets });
	return await secrets;
}

/** For tests: forget the cached secrets. */
export function forgetCachedWebhookSecrets(): void {
	secretsCache.clear();
}

/** Secrets shorter than this are refused by the credential test. */
export const MIN_SECRET_LENGTH = 16;

export function credentialProblems(data: IDataObject): string[] {
	const problems: string[] = [];
	const set = ['leadFormKey', 'sharedSecret', 'pushKey'].filter((k) => typeof data[k] === 'string' && (data[k] as string).length > 0);
	if (set.length === 0) problems.push('Set at least one secret: every call would be refused');
	if (typeof data.sharedSecret === 'string' && data.sharedSecret.length > 0 && data.sharedSecret.length < MIN_SECRET_LENGTH)
		problems.push(`The shared secret is shorter than ${MIN_SECRET_LENGTH} characters`);
	if (typeof data.pushKey === 'string' && data.pushKey.length > 0 && data.pushKey.length < MIN_SECRET_LENGTH)
		problems.push(`The push key is shorter than ${MIN_SECRET_LENGTH} characters`);
	return problems;
}

/** The webhook secrets are checked by Google's senders, not against an API: the test says which are set and strong enough. */
export async function webhookSecretsTest(this: ICredentialTestFunctions, credential: ICredentialsDecrypted): Promise<INodeCredentialTestResult> {
	const problems = credentialProblems((credential.data ?? {}) as IDataObject);
	return problems.length ? { status: 'Error', message: problems.join('; ') } : { status: 'OK', message: 'The secrets are set' };
}
