// The sandbox's Google Ads model: hosts and scopes, the resources it keeps, GoogleAdsFailure errors
// with field paths, and small date and path helpers the handlers share.
import { randomBytes } from 'node:crypto';
import { SandboxError } from '../server';
import { snake } from '../adsSchemas';
import { uploadClickConversions } from './conversions';

export const ADWORDS_SCOPE = 'https://www.googleapis.com/auth/adwords';
export const DATAMANAGER_SCOPE = 'https://www.googleapis.com/auth/datamanager';
export const ADS_HOST = 'googleads.googleapis.com';
export const DATAMANAGER_HOST = 'datamanager.googleapis.com';

export interface AdsCustomer {
	id: string;
	descriptiveName: string;
	currencyCode: string;
	timeZone: string;
	manager: boolean;
	testAccount: boolean;
	/** Manager accounts that manage this one. */
	managers: string[];
	/** Google users with direct access. */
	users: string[];
	/** Whether the legacy uploadClickConversions is still allowed (allow-listed before 2026-06-15). */
	legacyUploadAllowed: boolean;
}

export interface AdsBudget {
	id: string;
	customerId: string;
	resourceName: string;
	name: string;
	amountMicros: string;
	period: string;
	deliveryMethod: string;
	explicitlyShared: boolean;
	status: 'ENABLED' | 'REMOVED';
}

export interface AdsCampaign {
	id: string;
	customerId: string;
	resourceName: string;
	name: string;
	status: string;
	advertisingChannelType: string;
	campaignBudget: string;
	biddingStrategyType: string;
	manualCpc?: Record<string, unknown>;
	targetSpend?: Record<string, unknown>;
	maximizeConversions?: Record<string, unknown>;
	targetCpa?: Record<string, unknown>;
	networkSettings?: Record<string, boolean>;
	startDateTime: string;
	endDateTime: string;
	containsEuPoliticalAdvertising: string;
}

export interface DailyMetrics {
	impressions: number;
	clicks: number;
	costMicros: number;
	conversions: number;
}

export interface AdsConversionAction {
	id: string;
	customerId: string;
	name: string;
	status: 'ENABLED' | 'REMOVED' | 'HIDDEN';
	type: string;
	category: string;
}

export interface AdsFailureError {
	errorCode: Record<string, string>;
	message: string;
	location?: { fieldPathElements: Array<{ fieldName: string; index?: number }> };
	trigger?: { stringValue: string };
	/** ErrorDetails, e.g. policyFindingDetails / policyViolationDetails. */
	details?: Record<string, unknown>;
}

const ERROR_STATUS: Record<number, string> = { 400: 'INVALID_ARGUMENT', 401: 'UNAUTHENTICATED', 403: 'PERMISSION_DENIED', 404: 'NOT_FOUND', 501: 'UNIMPLEMENTED' };

/** Google Ads' error body: GoogleAdsFailure in details, field paths in snake_case. */
export function adsFailure(status: number, errors: AdsFailureError[], version = 'v26', message?: string): SandboxError {
	const text =
		message ??
		(status === 401
			? 'Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential.'
			: status === 403
				? "The caller does not have permission"
				: 'Request contains an invalid argument.');
	return new SandboxError(status, {
		error: {
			code: status,
			message: text,
			status: ERROR_STATUS[status] ?? 'UNKNOWN',
			details: [
				{
					'@type': `type.googleapis.com/google.ads.googleads.${version}.errors.GoogleAdsFailure`,
					errors,
					requestId: randomBytes(11).toString('base64url'),
				},
			],
		},
	});
}

export type Path = Array<string | number>;

/** ['mutateOperations', 1, 'campaignOperation', 'create', 'name'] → fieldPathElements (snake_case). */
export function fieldPath(path: Path): { fieldPathElements: Array<{ fieldName: string; index?: number }> } {
	const out: Array<{ fieldName: string; index?: number }> = [];
	for (const p of path) {
		if (typeof p === 'number') out[out.length - 1].index = p;
		else out.push({ fieldName: snake(p) });
	}
	return { fieldPathElements: out };
}

export function err(family: string, code: string, message: string, path?: Path, trigger?: string): AdsFailureError {
	const e: AdsFailureError = { errorCode: { [family]: code }, message };
	if (path) e.location = fieldPath(path);
	if (trigger !== undefined) e.trigger = { stringValue: trigger };
	return e;
}

/** Google's REST answer to a JSON key it does not know. */
export function unknownNameError(unknown: { path: string; key: string }[]): SandboxError {
	const first = unknown[0];
	const at = first.path.includes('.') ? first.path.slice(0, first.path.lastIndexOf('.')) : '';
	const message = `Invalid JSON payload received. Unknown name "${first.key}"${at ? ` at '${at.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}'` : ''}: Cannot find field.`;
	return new SandboxError(400, {
		error: {
			code: 400,
			message,
			status: 'INVALID_ARGUMENT',
			details: [
				{
					'@type': 'type.googleapis.com/google.rpc.BadRequest',
					fieldViolations: unknown.map((u) => ({ field: u.path, description: `Invalid JSON payload received. Unknown name "${u.key}": Cannot find field.` })),
				},
			],
		},
	});
}

export const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;
export const NO_END = '2037-12-30 23:59:59';

export function validDateTime(text: string): boolean {
	const m = DATE_TIME.exec(text);
	if (!m) return false;
	const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]));
	return d.getUTCFullYear() === +m[1] && d.getUTCMonth() === +m[2] - 1 && d.getUTCDate() === +m[3] && +m[4] < 24 && +m[5] < 60 && +m[6] < 60;
}

export function isoDate(d: Date): string {
	return d.toISOString().slice(0, 10);
}

export function addDays(date: string, n: number): string {
	const d = new Date(`${date}T00:00:00Z`);
	d.setUTCDate(d.getUTCDate() + n);
	return isoDate(d);
}

export type Row = Record<string, unknown>;

export function getPath(obj: unknown, path: string[]): unknown {
	let cur = obj;
	for (const p of path) {
		if (cur === null || typeof cur !== 'object') return undefined;
		cur = (cur as Row)[p];
	}
	return cur;
}

export function setPath(obj: Row, path: string[], value: unknown) {
	let cur = obj;
	for (const p of path.slice(0, -1)) {
		if (cur[p] === null || typeof cur[p] !== 'object') cur[p] = {};
		cur = cur[p] as Row;
	}
	cur[path[path.length - 1]] = value;
}
