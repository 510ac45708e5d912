// Turns Google's error answers into plain words, and decides which ones may be retried.
// Pure: no n8n imports. The transport wraps the result in a NodeApiError.
import { SURFACE_INFO, surfaceOfScope, type Surface } from '../auth/scopes';
import { redactSecrets } from './redact';
import { adsErrorHint, isAdsSetupProblem } from '../ads/errorHints';
import { policyOfAdsError, type PolicyFinding } from '../ads/policy';

export const RECONNECT_MESSAGE = 'The Google connection has expired or was revoked; reconnect the credential';

export type GoogleErrorKind =
	| 'reconnect'
	| 'scope'
	| 'rate'
	| 'quota'
	| 'server'
	| 'notFound'
	| 'invalid'
	| 'permission'
	| 'tooLarge'
	| 'other';

export interface GoogleFieldError {
	code: string;
	message: string;
	fieldPath?: string;
	index?: number;
	/** Google Ads policy finding / violation on this field, exemptible or not. */
	policy?: PolicyFinding;
}

export interface DescribedGoogleError {
	kind: GoogleErrorKind;
	httpCode: number;
	message: string;
	description?: string;
	/** Google's machine reason (e.g. userRateLimitExceeded, invalid_grant). */
	reason?: string;
	/** Worth another attempt after a pause. */
	retryable: boolean;
	/** Google refused before performing the call (safe to resend a non-idempotent request). */
	notPerformed: boolean;
	missingSurface?: Surface;
	/** Per-field errors (Google Ads GoogleAdsFailure). */
	fieldErrors?: GoogleFieldError[];
	requestId?: string;
	/** The call gave up because the caller's deadline (a poll's time budget) came first. */
	outOfTime?: boolean;
}

const RATE_REASONS = new Set(['rateLimitExceeded', 'userRateLimitExceeded', 'RATE_LIMIT_EXCEEDED', 'RESOURCE_TEMPORARILY_EXHAUSTED']);
const QUOTA_REASONS = new Set(['quotaExceeded', 'dailyLimitExceeded', 'RESOURCE_EXHAUSTED']);
const SERVER_REASONS = new Set(['backendError', 'internalError']);

type Json = Record<string, unknown>;

function asRecord(v: unknown): Json | undefined {
	return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;
}

function asRecords(v: unknown): Json[] {
	return Array.isArray(v) ? v.map(asRecord).filter((r): r is Json => r !== undefined) : [];
}

/** Google Ads errors: `{errorCode: {fieldError: "REQUIRED"}, message, location: {fieldPathElements: [{fieldName, index?}]}}`. */
export function adsFieldErrors(details: unknown): { errors: GoogleFieldError[]; requestId?: string } {
	const out: GoogleFieldError[] = [];
	let requestId: string | undefined;
	for (const d of Array.isArray(details) ? details : []) {
		const detail = asRecord(d);
		if (!detail || !String(detail['@type'] ?? '').includes('GoogleAdsFailure')) continue;
		requestId = requestId ?? (typeof detail.requestId === 'string' ? detail.requestId : undefined);
		for (const e of asRecords(detail.errors)) {
			const codeObj = asRecord(e.errorCode) ?? {};
			const [family, value] = Object.entries(codeObj)[0] ?? ['error', 'UNKNOWN'];
			const elements = asRecords(asRecord(e.location)?.fieldPathElements);
			const operationIndex = elements.find((p) => ['operations', 'mutate_operations', 'mutateOperations', 'conversions', 'events'].includes(String(p.fieldName)))?.index;
			const policy = policyOfAdsError(e);
			out.push({
				...(policy ? { policy } : {}),
				code: `${family}.${String(value)}`,
				message: String(e.message ?? ''),
				fieldPath: elements.length
					? elements.map((p) => (p.index !== undefined ? `${String(p.fieldName)}[${String(p.index)}]` : String(p.fieldName))).join('.')
					: undefined,
				index: typeof operationIndex === 'number' ? operationIndex : operationIndex !== undefined ? Number(operationIndex) : undefined,
			});
		}
	}
	return { errors: out, requestId };
}

/** google.rpc.BadRequest `fieldViolations: [{field: "events[1].ad_identifiers.gclid", description, reason?}]`
 * (Data Manager and other newer APIs), as field errors; `index` is the first `[n]` of the path. */
export function badRequestFieldErrors(details: unknown): GoogleFieldError[] {
	const out: GoogleFieldError[] = [];
	for (const d of Array.isArray(details) ? details : []) {
		const detail = asRecord(d);
		if (!detail || !String(detail['@type'] ?? '').endsWith('google.rpc.BadRequest')) continue;
		for (const v of asRecords(detail.fieldViolations)) {
			const field = typeof v.field === 'string' ? v.field : undefined;
			const m = field ? /\[(\d+)\]/.exec(field) : null;
			out.push({
				code: typeof v.reason === 'string' && v.reason ? v.reason : 'INVALID_ARGUMENT',
				message: String(v.description ?? ''),
				fieldPath: field,
				index: m ? Number(m[1]) : undefined,
			});
		}
	}
	return out;
}

export function formatFieldErrors(errors: GoogleFieldError[]): string {
	const policy = (p: PolicyFinding) =>
		` [policy ${p.topics.map((t) => `${t.topic} (${t.type})`).join(', ') || p.policyName || 'finding'}${p.violatingText ? ` on "${p.violatingText}"` : ''}; ${p.exemptible ? 'exemptible' : 'not exemptible'}]`;
	return errors.map((e) => `${e.code}: ${e.message}${e.fieldPath ? ` (field ${e.fieldPath})` : ''}${e.policy ? policy(e.policy) : ''}`).join('; ');
}

export function describeGoogleError(status: number, body: unknown, context: { surface?: Surface; service?: string } = {}): DescribedGoogleError {
	let parsed: unknown = body;
	if (typeof body === 'string') {
		try {
			parsed = JSON.parse(body);
		} catch {
			parsed = undefined;
		}
	}
	const root = asRecord(parsed) ?? {};
	const service = context.service ?? 'Google';

	// OAuth endpoint errors: {"error": "invalid_grant", "error_description": "..."}
	if (typeof root.error === 'string') {
		const code = root.error;
		const text = typeof root.error_description === 'string' ? `${code} (${root.error_description})` : code;
		if (code === 'invalid_grant' || code === 'invalid_token')
			return { kind: 'reconnect', httpCode: status, message: RECONNECT_MESSAGE, description: `Google said: ${text}`, reason: code, retryable: false, notPerformed: true };
		if (code === 'unauthorized_client')
			return {
				kind: 'permission',
				httpCode: status,
				message: 'Google refused the service account: domain-wide delegation is not granted for these scopes',
				description: `In the Google Workspace Admin console (Security → API controls → Domain-wide delegation), allow the service account's client id for every scope of the surfaces switched on in the credential. Google said: ${text}`,
				reason: code,
				retryable: false,
				notPerformed: true,
			};
		if (code === 'invalid_client')
			return { kind: 'reconnect', httpCode: status, message: 'Google does not know this OAuth client: check the Client ID and Client Secret in the credential', description: `Google said: ${text}`, reason: code, retryable: false, notPerformed: true };
		return { kind: 'other', httpCode: status, message: `${service} refused the request: ${code}`, description: text, reason: code, retryable: status >= 500, notPerformed: status < 500 };
	}

	const error = asRecord(root.error) ?? {};
	const message = typeof error.message === 'string' ? error.message : `HTTP ${status}`;
	const errors = asRecords(error.errors);
	const details = asRecords(error.details);
	const reasons = [...errors.map((e) => e.reason), ...details.map((d) => d.reason), error.status].filter(
		(r): r is string => typeof r === 'string',
	);
	const reason = reasons[0];
	const ads = adsFieldErrors(error.details);
	if (!ads.errors.length) ads.errors = badRequestFieldErrors(error.details);
	const adsHints = [...new Set(ads.errors.map((e) => adsErrorHint(e.code, e.message)).filter((h): h is string => h !== undefined))];

	if (status === 401 && !(ads.errors.length && isAdsSetupProblem(ads.errors.map((e) => e.code))))
		return { kind: 'reconnect', httpCode: 401, message: RECONNECT_MESSAGE, description: `${service} did not accept the access token (${message}).`, reason, retryable: false, notPerformed: true };

	if (status === 403 && reasons.some((r) => r === 'insufficientPermissions' || r === 'ACCESS_TOKEN_SCOPE_INSUFFICIENT')) {
		const surface = context.surface;
		const label = surface ? SURFACE_INFO[surface].label : 'the needed';
		return {
			kind: 'scope',
			httpCode: 403,
			message: `The Google connection lacks the ${label} scope`,
			description: surface
				? `Switch on "${label}" in the credential and reconnect it: Google shows the consent screen again and grants ${SURFACE_INFO[surface].scopes.join(' ')}.`
				: 'Switch on the surface this operation needs in the credential and reconnect it with consent.',
			reason,
			retryable: false,
			notPerformed: true,
			missingSurface: surface,
		};
	}

	if (reasons.some((r) => RATE_REASONS.has(r)) || status === 429)
		return { kind: 'rate', httpCode: status, message: `${service} rate limit reached: ${message}`, reason, retryable: true, notPerformed: true };

	if (reasons.some((r) => QUOTA_REASONS.has(r)))
		return {
			kind: 'quota',
			httpCode: status,
			message: `${service} quota exhausted: ${message}`,
			description: reason === 'quotaExceeded' ? 'YouTube quotas reset at midnight Pacific time.' : undefined,
			reason,
			retryable: false,
			notPerformed: true,
		};

	if (status >= 500 || reasons.some((r) => SERVER_REASONS.has(r)))
		return { kind: 'server', httpCode: status, message: `${service} had a temporary problem (HTTP ${status}): ${message}`, reason, retryable: true, notPerformed: false };

	if (ads.errors.length)
		return {
			kind: status === 403 || status === 401 ? 'permission' : 'invalid',
			httpCode: status,
			message: `${service === 'Google' ? 'Google Ads' : service} refused the request: ${formatFieldErrors(ads.errors)}`,
			description: [...adsHints, ads.requestId ? `Request id ${ads.requestId}` : ''].filter(Boolean).join(' ') || undefined,
			reason: ads.errors[0].code,
			retryable: false,
			notPerformed: true,
			fieldErrors: ads.errors,
			requestId: ads.requestId,
		};

	if (status === 404) return { kind: 'notFound', httpCode: 404, message: `${service}: not found (${message})`, reason, retryable: false, notPerformed: true };
	if (status === 413) return { kind: 'tooLarge', httpCode: 413, message: `${service}: the request is too large (${message})`, reason, retryable: false, notPerformed: true };
	if (status === 403) return { kind: 'permission', httpCode: 403, message: `${service} denied the request: ${message}`, reason, retryable: false, notPerformed: true };
	if (status === 400) return { kind: 'invalid', httpCode: 400, message: `${service} rejected the request: ${message}`, reason, retryable: false, notPerformed: true };
	return { kind: 'other', httpCode: status, message: `${service} answered HTTP ${status}: ${message}`, reason, retryable: false, notPerformed: status < 500 };
}

/** A scope Google says is required, read from WWW-Authenticate (`scope="..."`), mapped to its surface. */
export function surfaceFromAuthenticateHeader(header: unknown): Surface | undefined {
	if (typeof header !== 'string') return undefined;
	const m = /scope="([^"]+)"/.exec(header);
	if (!m) return undefined;
	for (const scope of m[1].split(' ')) {
		const s = surfaceOfScope(scope);
		if (s) return s;
	}
	return undefined;
}

/** Retry-After as milliseconds (delta-seconds or HTTP date), capped. */
export function parseRetryAfter(value: unknown, now = Date.now(), capMs = 60_000): number | undefined {
	if (typeof value !== 'string' && typeof value !== 'number') return undefined;
	const text = String(value).trim();
	if (/^\d+(\.\d+)?$/.test(text)) return Math.min(capMs, Math.round(Number(text) * 1000));
	const at = Date.parse(text);
	if (Number.isNaN(at)) return undefined;
	return Math.min(capMs, Math.max(0, at - now));
}

/** Exponential backoff with full jitter on the upper half: base·2^attempt·[0.5,1), capped. */
export function backoffDelay(attempt: number, baseMs: number, maxMs = 32_000, random = Math.random): number {
	const ceiling = Math.min(maxMs, baseMs * 2 ** attempt);
	return Math.round(ceiling * (0.5 + random() / 2));
}

export { redactSecrets };
