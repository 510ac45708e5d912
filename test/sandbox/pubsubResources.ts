// Cloud Pub/Sub resources as the sandbox keeps them, and the checks Google applies to them:
// resource names, labels, ack deadlines, durations, IAM policies with etags, and Pub/Sub's error body
// (`{error:{code, message, status}}`, no `errors` array). Used by pubsub.ts (REST) and gmailWatch.ts.
import { randomBytes } from 'node:crypto';
import { SandboxError } from './server';

export const GMAIL_PUSH_ACCOUNT = 'gmail-api-push@system.gserviceaccount.com';
/** Roles whose permissions include pubsub.topics.publish. */
export const PUBLISH_ROLES = ['roles/pubsub.publisher', 'roles/pubsub.editor', 'roles/pubsub.admin', 'roles/editor', 'roles/owner'];

export interface IamBinding {
	role: string;
	members: string[];
	condition?: Record<string, unknown>;
}
export interface IamPolicy {
	version: number;
	etag: string;
	bindings: IamBinding[];
}

export interface Topic {
	name: string;
	labels?: Record<string, string>;
	messageRetentionDuration?: string;
	policy: IamPolicy;
}

export interface OidcToken {
	serviceAccountEmail: string;
	audience?: string;
}
export interface PushConfig {
	pushEndpoint: string;
	oidcToken?: OidcToken;
	attributes?: Record<string, string>;
}
export interface Subscription {
	name: string;
	/** `projects/P/topics/T`, or `_deleted-topic_` once the topic is deleted (as Pub/Sub shows it). */
	topic: string;
	pushConfig?: PushConfig;
	ackDeadlineSeconds: number;
	labels?: Record<string, string>;
	messageRetentionDuration: string;
	retryPolicy?: { minimumBackoff?: string; maximumBackoff?: string };
	filter?: string;
	state: 'ACTIVE';
}

const STATUS: Record<number, string> = { 400: 'INVALID_ARGUMENT', 403: 'PERMISSION_DENIED', 404: 'NOT_FOUND', 409: 'ALREADY_EXISTS', 429: 'RESOURCE_EXHAUSTED', 500: 'INTERNAL', 503: 'UNAVAILABLE' };

/** Pub/Sub's JSON error body (it carries no legacy `errors` array). */
export function pubsubError(code: number, message: string, status = STATUS[code] ?? 'UNKNOWN'): SandboxError {
	return new SandboxError(code, { error: { code, message, status } });
}

export const notFound = (id: string) => pubsubError(404, `Resource not found (resource=${id}).`);
export const alreadyExists = (id: string) => pubsubError(409, `Resource already exists in the project (resource=${id}).`);
export const notAuthorized = () => pubsubError(403, 'User not authorized to perform this action.');

const PROJECT = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
// Topic and subscription ids: start with a letter, 3..255 of letters, digits, - _ . ~ + %, not "goog…".
const RESOURCE_ID = /^[A-Za-z][-A-Za-z0-9_.~+%]{2,254}$/;

/** Checks a project id and a topic/subscription id as Pub/Sub does; returns the full name. */
export function resourceName(project: string, kind: 'topics' | 'subscriptions', id: string): string {
	const name = `projects/${project}/${kind}/${id}`;
	if (!PROJECT.test(project) || !RESOURCE_ID.test(id) || /^goog/i.test(id))
		throw pubsubError(400, `Invalid resource name given (name=${name}). Refer to https://cloud.google.com/pubsub/docs/pubsub-basics#resource_names for more information.`);
	return name;
}

/** Splits `projects/P/topics/T`; throws 400 when the string is not a valid topic name. */
export function parseTopicName(full: unknown): { project: string; id: string; name: string } {
	const m = typeof full === 'string' ? /^projects\/([^/]+)\/topics\/([^/]+)$/.exec(full) : null;
	if (!m) throw pubsubError(400, `Invalid [topics] name: (name=${String(full)})`);
	return { project: m[1], id: m[2], name: resourceName(m[1], 'topics', m[2]) };
}

const LABEL_KEY = /^[a-z][a-z0-9_-]{0,62}$/;
const LABEL_VALUE = /^[a-z0-9_-]{0,63}$/;

/** Labels as Google Cloud allows them: ≤ 64, keys start with a lower-case letter, lower-case values. */
export function checkLabels(labels: unknown): Record<string, string> | undefined {
	if (labels === undefined || labels === null) return undefined;
	if (typeof labels !== 'object' || Array.isArray(labels)) throw pubsubError(400, 'Invalid labels: labels must be a map of strings.');
	const entries = Object.entries(labels as Record<string, unknown>);
	if (entries.length > 64) throw pubsubError(400, 'Invalid labels: at most 64 labels are allowed.');
	for (const [k, v] of entries) {
		if (!LABEL_KEY.test(k)) throw pubsubError(400, `Invalid label key "${k}": keys must start with a lower-case letter and hold at most 63 lower-case letters, digits, "_" or "-".`);
		if (typeof v !== 'string' || !LABEL_VALUE.test(v)) throw pubsubError(400, `Invalid label value for "${k}": values hold at most 63 lower-case letters, digits, "_" or "-".`);
	}
	return { ...(labels as Record<string, string>) };
}

/** ackDeadlineSeconds: 10 by default, 10..600 when given (0 means the default, as in the proto). */
export function checkAckDeadline(value: unknown): number {
	if (value === undefined || value === null || value === 0) return 10;
	const n = Number(value);
	if (!Number.isInteger(n) || n < 10 || n > 600) throw pubsubError(400, `Invalid ack deadline given: ${String(value)}. The ack deadline must be between 10 and 600 seconds.`);
	return n;
}

/** A protobuf Duration in JSON ("10s", "1.5s") as milliseconds; throws 400 naming the field. */
export function durationMs(value: unknown, field: string): number {
	const m = typeof value === 'string' ? /^(\d+(?:\.\d{1,9})?)s$/.exec(value) : null;
	if (!m) throw pubsubError(400, `Invalid value at '${field}' (type.googleapis.com/google.protobuf.Duration), "${String(value)}"`);
	return Math.round(Number(m[1]) * 1000);
}

/** A push endpoint must be an absolute https URL (Pub/Sub refuses anything else). */
export function checkPushEndpoint(endpoint: unknown, allowHttp: boolean): string {
	let url: URL | undefined;
	try {
		url = new URL(String(endpoint));
	} catch {
		url = undefined;
	}
	const ok = url !== undefined && (url.protocol === 'https:' || (allowHttp && url.protocol === 'http:'));
	if (!ok) throw pubsubError(400, `Invalid push endpoint given (endpoint=${String(endpoint)}). Refer to https://cloud.google.com/pubsub/docs/create-push-subscription#properties for more information.`);
	return String(endpoint);
}

export function newEtag(): string {
	return randomBytes(8).toString('base64');
}

/** An empty policy reads as `{version: 1, etag: "ACAB"}`, as Google answers for a fresh resource. */
export function emptyPolicy(): IamPolicy {
	return { version: 1, etag: 'ACAB', bindings: [] };
}

export function renderPolicy(policy: IamPolicy): Record<string, unknown> {
	return { version: policy.version, etag: policy.etag, ...(policy.bindings.length ? { bindings: policy.bindings } : {}) };
}

const MEMBER = /^(user|serviceAccount|group|domain|principal|principalSet|deleted:user|deleted:serviceAccount|deleted:group):.+$|^allUsers$|^allAuthenticatedUsers$/;

/**
 * setIamPolicy: the etag, when given, must be the current one (409 ABORTED otherwise: the caller must
 * read, merge and write again); bindings need a role and members. Returns the stored policy.
 */
export function applyPolicy(current: IamPolicy, body: unknown): IamPolicy {
	const policy = (body as { policy?: Partial<IamPolicy> } | null)?.policy;
	if (!policy || typeof policy !== 'object') throw pubsubError(400, 'Invalid JSON payload: "policy" is required.');
	if (policy.etag !== undefined && policy.etag !== current.etag)
		throw pubsubError(409, 'There were concurrent policy changes. Please retry the whole read-modify-write with exponential backoff.', 'ABORTED');
	const bindings = policy.bindings ?? [];
	if (!Array.isArray(bindings)) throw pubsubError(400, 'Invalid value at \'policy.bindings\': a list is expected.');
	for (const b of bindings) {
		if (!b || typeof b.role !== 'string' || !/^(roles\/|projects\/[^/]+\/roles\/|organizations\/[^/]+\/roles\/)[\w.]+$/.test(b.role))
			throw pubsubError(400, `Role ${String(b?.role)} is not supported for this resource.`);
		if (!Array.isArray(b.members) || b.members.length === 0) throw pubsubError(400, `Binding for role ${b.role} has no members.`);
		for (const m of b.members) if (typeof m !== 'string' || !MEMBER.test(m)) throw pubsubError(400, `Invalid principal: ${String(m)}`);
	}
	return { version: policy.version ?? 1, etag: newEtag(), bindings: bindings.map((b) => ({ ...b, members: [...b.members] })) };
}

/** Whether the policy lets `member` (e.g. `serviceAccount:gmail-api-push@…`) publish. */
export function canPublish(policy: IamPolicy, member: string): boolean {
	return policy.bindings.some((b) => PUBLISH_ROLES.includes(b.role) && !b.condition && b.members.includes(member));
}

export function renderSubscription(sub: Subscription): Record<string, unknown> {
	const out: Record<string, unknown> = {
		name: sub.name,
		topic: sub.topic,
		ackDeadlineSeconds: sub.ackDeadlineSeconds,
		messageRetentionDuration: sub.messageRetentionDuration,
		expirationPolicy: { ttl: '2678400s' },
		state: sub.state,
	};
	out.pushConfig = sub.pushConfig ? { ...sub.pushConfig, attributes: { 'x-goog-version': 'v1', ...(sub.pushConfig.attributes ?? {}) } } : {};
	if (sub.labels && Object.keys(sub.labels).length) out.labels = sub.labels;
	if (sub.retryPolicy) out.retryPolicy = sub.retryPolicy;
	if (sub.filter) out.filter = sub.filter;
	return out;
}

/** updateMask paths (camelCase or snake_case) → the Subscription field they change. */
export const SUBSCRIPTION_FIELDS: Record<string, keyof Subscription> = {
	labels: 'labels', ackDeadlineSeconds: 'ackDeadlineSeconds', ack_deadline_seconds: 'ackDeadlineSeconds',
	pushConfig: 'pushConfig', push_config: 'pushConfig', retryPolicy: 'retryPolicy', retry_policy: 'retryPolicy',
	messageRetentionDuration: 'messageRetentionDuration', message_retention_duration: 'messageRetentionDuration',
};

/** messageRetentionDuration (10 min..7 days) and retryPolicy (0..600 s, min ≤ max) onto a subscription. */
export function applyDurations(sub: Subscription, body: Record<string, unknown>): void {
	if (body.messageRetentionDuration !== undefined) {
		const ms = durationMs(body.messageRetentionDuration, 'message_retention_duration');
		if (ms < 600_000 || ms > 604_800_000) throw pubsubError(400, 'Invalid message retention duration: it must be between 10 minutes and 7 days.');
		sub.messageRetentionDuration = String(body.messageRetentionDuration);
	}
	if (body.retryPolicy !== undefined) {
		const rp = (body.retryPolicy ?? {}) as { minimumBackoff?: string; maximumBackoff?: string };
		const min = rp.minimumBackoff === undefined ? 10_000 : durationMs(rp.minimumBackoff, 'retry_policy.minimum_backoff');
		const max = rp.maximumBackoff === undefined ? 600_000 : durationMs(rp.maximumBackoff, 'retry_policy.maximum_backoff');
		if (min < 0 || max > 600_000 || min > max) throw pubsubError(400, 'Invalid retry policy: backoffs must lie within 0..600s and minimum ≤ maximum.');
		sub.retryPolicy = { ...(rp.minimumBackoff ? { minimumBackoff: rp.minimumBackoff } : {}), ...(rp.maximumBackoff ? { maximumBackoff: rp.maximumBackoff } : {}) };
	}
}

/** A push config as Pub/Sub accepts it: an https endpoint; an OIDC service account the caller may act as. */
export function parsePushConfig(raw: unknown, caller: string, rules: { allowHttpEndpoints: boolean; actAs: Map<string, Set<string>> }): PushConfig {
	const c = raw as Partial<PushConfig>;
	const config: PushConfig = { pushEndpoint: checkPushEndpoint(c.pushEndpoint, rules.allowHttpEndpoints) };
	if (c.attributes) config.attributes = { ...c.attributes };
	if (c.oidcToken) {
		const sa = c.oidcToken.serviceAccountEmail;
		if (typeof sa !== 'string' || !sa.includes('@')) throw pubsubError(400, 'Invalid push config: oidcToken.serviceAccountEmail must be a service account email.');
		const allowed = rules.actAs.get(sa);
		if (!allowed || !(allowed.has('*') || allowed.has(caller))) throw notAuthorized();
		config.oidcToken = { serviceAccountEmail: sa, ...(c.oidcToken.audience ? { audience: c.oidcToken.audience } : {}) };
	}
	return config;
}
