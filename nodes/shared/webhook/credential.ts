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
