// Builds the n8n errors the transport raises, with Google's verdict attached and no secrets.
import { NodeApiError, NodeOperationError, type INode, type JsonObject } from 'n8n-workflow';
import { RECONNECT_MESSAGE, describeGoogleError, type DescribedGoogleError } from '../errors/googleErrors';
import { redactSecrets } from '../errors/redact';
import type { Surface } from '../auth/scopes';

/** Raised with Google's answer still attached, so callers can branch (e.g. Gmail history 404). */
export class GoogleApiError extends NodeApiError {
	google!: DescribedGoogleError;
}

const NEVER_OPENED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

type Loose = Record<string, unknown> | undefined;

export function errorCode(error: unknown): string | undefined {
	const e = error as Loose;
	const cause = e?.cause as Loose;
	const code = e?.code ?? cause?.code;
	return typeof code === 'string' ? code : undefined;
}

function isReconnectSignal(error: unknown): boolean {
	const e = error as Loose;
	const failure = (e?.failure ?? (e?.extra as Loose)?.failure) as Loose;
	const text = String(e?.message ?? '');
	return failure?.cause === 'credential-invalid' || /needs to be reconnected|OAuth credentials not connected/i.test(text);
}

export function googleApiError(node: INode, described: DescribedGoogleError, secrets: Array<string | undefined>): GoogleApiError {
	const message = redactSecrets(described.message, secrets);
	const description = described.description ? redactSecrets(described.description, secrets) : undefined;
	const payload: JsonObject = { message, httpCode: String(described.httpCode), kind: described.kind };
	if (described.reason) payload.reason = described.reason;
	if (description) payload.description = description;
	if (described.fieldErrors) payload.fieldErrors = described.fieldErrors as unknown as JsonObject[];
	const error = new GoogleApiError(node, payload, { message, description, httpCode: String(described.httpCode) });
	error.google = { ...described, message, description };
	return error;
}

/** Converts anything a request can throw into a GoogleApiError that keeps Google's words. */
export function fromThrown(
	node: INode,
	error: unknown,
	context: { surface?: Surface; service?: string },
	secrets: Array<string | undefined>,
): GoogleApiError {
	if (error instanceof GoogleApiError) return error;
	if (isReconnectSignal(error))
		return googleApiError(
			node,
			{
				kind: 'reconnect',
				httpCode: 401,
				message: RECONNECT_MESSAGE,
				description: 'Open the Google Connector credential and reconnect it (sign in again and accept the consent screen).',
				retryable: false,
				notPerformed: true,
			},
			secrets,
		);
	const e = error as Loose;
	const response = (e?.response ?? (e?.cause as Loose)?.response) as Loose;
	if (response && typeof response.status === 'number') {
		return googleApiError(node, describeGoogleError(response.status, response.data ?? response.body, context), secrets);
	}
	const code = errorCode(error);
	return googleApiError(
		node,
		{
			kind: 'other',
			httpCode: 0,
			message: `Could not reach ${context.service ?? 'Google'}${code ? ` (${code})` : ''}`,
			description: redactSecrets(String(e?.message ?? error), secrets),
			retryable: code !== undefined,
			notPerformed: code !== undefined && NEVER_OPENED.has(code),
		},
		secrets,
	);
}

/** The error itself when it is already an n8n error, else wrapped so the editor shows it properly. */
export function asNodeError(node: INode, error: unknown): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	return new NodeOperationError(node, redactSecrets(String((error as Loose)?.message ?? error)));
}
