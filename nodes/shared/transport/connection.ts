// Which credential a node uses, and the connection settings stored on it.
import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';
import { togglesFrom, scopesForSurfaces } from '../auth/scopes';
import type { GoogleContext } from './types';

// The OAuth2 (user consent) credential type.
export const CONSENT_CREDENTIAL = 'googleConnectorOAuth2Api';
export const SERVICE_ACCOUNT_CREDENTIAL = 'googleConnectorServiceAccountApi';

export type AuthMethod = 'oAuth2' | 'serviceAccount';

export interface ConnectionSettings {
	maxRetries: number;
	retryDelayMs: number;
	gmailUnitsPerSecond: number;
}

/** Reads a node parameter from any context kind (execute, poll, webhook, hook, load options). */
export function nodeParameter<T>(ctx: GoogleContext, name: string, fallback: T, itemIndex = 0): T {
	try {
		const fn = ctx.getNodeParameter as (...args: unknown[]) => unknown;
		const value = 'getInputData' in ctx ? fn.call(ctx, name, itemIndex, fallback) : fn.call(ctx, name, fallback);
		return (value ?? fallback) as T;
	} catch {
		return fallback;
	}
}

export function authMethod(ctx: GoogleContext): AuthMethod {
	return nodeParameter<AuthMethod>(ctx, 'authentication', 'oAuth2');
}

export function credentialType(ctx: GoogleContext): string {
	return authMethod(ctx) === 'serviceAccount' ? SERVICE_ACCOUNT_CREDENTIAL : CONSENT_CREDENTIAL;
}

export async function connectionCredentials(ctx: GoogleContext): Promise<ICredentialDataDecryptedObject> {
	return await ctx.getCredentials(credentialType(ctx));
}

function numberOr(value: unknown, fallback: number, min: number): number {
	const n = typeof value === 'number' ? value : Number(value);
	return Number.isFinite(n) && n >= min ? n : fallback;
}

export function connectionSettings(credentials: IDataObject): ConnectionSettings {
	return {
		maxRetries: Math.floor(numberOr(credentials.maxRetries, 5, 0)),
		retryDelayMs: numberOr(credentials.retryDelayMs, 1000, 0),
		gmailUnitsPerSecond: numberOr(credentials.gmailUnitsPerSecond, 250, 0),
	};
}

/** The scopes a service account asks for: those of its switched-on surfaces. */
export function serviceAccountScopes(credentials: IDataObject): string[] {
	return scopesForSurfaces(togglesFrom(credentials), credentials.extraScopes);
}
