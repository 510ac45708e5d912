// Reads a service account key as pasted from the Google Cloud console, or as separate fields,
// and says precisely what is missing or wrong.
import { createPrivateKey } from 'node:crypto';

export interface ServiceAccountKey {
	clientEmail: string;
	privateKey: string;
	privateKeyId?: string;
	tokenUri: string;
	projectId?: string;
}

export class ServiceAccountKeyError extends Error {}

export const DEFAULT_TOKEN_URI = 'https://oauth2.googleapis.com/token';

function normalisePem(key: string): string {
	// Keys pasted through forms often carry literal "\n" sequences instead of line breaks.
	return key.replace(/\\n/g, '\n').trim() + '\n';
}

function privateKeyType(pem: string): string | undefined {
	try {
		return createPrivateKey(pem).asymmetricKeyType ?? 'unknown';
	} catch {
		return undefined;
	}
}

function checkPem(key: string, where: string): void {
	if (!/-----BEGIN (RSA )?PRIVATE KEY-----[\s\S]+-----END (RSA )?PRIVATE KEY-----/.test(key))
		throw new ServiceAccountKeyError(`${where} is not a PEM private key: it must start with "-----BEGIN PRIVATE KEY-----" and end with "-----END PRIVATE KEY-----"`);
	// The markers can be right around a body that was cut or altered while copying: read it now, so
	// that is what the user is told (not a failure later, at signing).
	const type = privateKeyType(key);
	if (type === undefined)
		throw new ServiceAccountKeyError(`${where} is damaged: its text between the BEGIN and END lines is not a readable private key. Paste the key again exactly as in the downloaded key file`);
	if (type !== 'rsa') throw new ServiceAccountKeyError(`${where} is not an RSA key (it is ${String(type).toUpperCase()}); Google service account keys are RSA keys`);
}

export function parseServiceAccountKey(json: string): ServiceAccountKey {
	let raw: unknown;
	let parseProblem: string | undefined;
	try {
		raw = JSON.parse(json);
	} catch (error) {
		parseProblem = (error as Error).message.replace(/ in JSON.*$/, '');
	}
	if (parseProblem !== undefined)
		throw new ServiceAccountKeyError(`The service account key is not valid JSON (${parseProblem}); paste the whole key file downloaded from the Google Cloud console`);
	if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
		throw new ServiceAccountKeyError('The service account key must be a JSON object (the whole key file)');
	const key = raw as Record<string, unknown>;
	if (key.type !== undefined && key.type !== 'service_account')
		throw new ServiceAccountKeyError(`The key has "type": "${String(key.type)}"; a service account key has "type": "service_account" (an OAuth client file is not a service account key)`);
	const missing = ['client_email', 'private_key'].filter((f) => typeof key[f] !== 'string' || (key[f] as string).trim() === '');
	if (missing.length) throw new ServiceAccountKeyError(`The service account key is missing ${missing.map((f) => `"${f}"`).join(' and ')}`);
	const clientEmail = (key.client_email as string).trim();
	if (!/^[^@\s]+@[^@\s]+$/.test(clientEmail)) throw new ServiceAccountKeyError(`"client_email" is not an email address`);
	const privateKey = normalisePem(key.private_key as string);
	checkPem(privateKey, '"private_key"');
	const tokenUri = typeof key.token_uri === 'string' && key.token_uri ? key.token_uri : DEFAULT_TOKEN_URI;
	if (!/^https:\/\/[a-z0-9.-]+\.googleapis\.com\//i.test(tokenUri))
		throw new ServiceAccountKeyError(`"token_uri" must be a googleapis.com https URL`);
	return {
		clientEmail,
		privateKey,
		privateKeyId: typeof key.private_key_id === 'string' ? key.private_key_id : undefined,
		tokenUri,
		projectId: typeof key.project_id === 'string' ? key.project_id : undefined,
	};
}

export function serviceAccountKeyFromFields(email: string, privateKey: string): ServiceAccountKey {
	if (!email || !/^[^@\s]+@[^@\s]+$/.test(email.trim())) throw new ServiceAccountKeyError('"Service Account Email" must be the client_email of the key');
	if (!privateKey) throw new ServiceAccountKeyError('"Private Key" is empty');
	const pem = normalisePem(privateKey);
	checkPem(pem, '"Private Key"');
	return { clientEmail: email.trim(), privateKey: pem, tokenUri: DEFAULT_TOKEN_URI };
}
