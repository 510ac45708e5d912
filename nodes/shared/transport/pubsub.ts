// The Cloud Pub/Sub client (topics, their IAM policy, subscriptions, publish), each call through
// googleApiRequest under the `pubsub` surface, so a missing scope names "Cloud Pub/Sub (Gmail push set-up)".
import type { IamPolicy, PolicyChange } from '../pubsub/iamPolicy';
import { NodeOperationError, type IDataObject as Json } from 'n8n-workflow';
import { GoogleApiError, googleApiRequest, type GoogleContext } from './index';

export const PUBSUB_API = 'https://pubsub.googleapis.com/v1';
const SERVICE = 'Cloud Pub/Sub';
/** Tries of a read-merge-write of an IAM policy that someone else changed in between (etag mismatch). */
const POLICY_ATTEMPTS = 4;

export interface PubsubPushConfig {
	pushEndpoint?: string;
	oidcToken?: { serviceAccountEmail?: string; audience?: string };
	attributes?: Record<string, string>;
}

export interface PubsubSubscription {
	name?: string;
	topic?: string;
	pushConfig?: PubsubPushConfig;
	ackDeadlineSeconds?: number;
	labels?: Record<string, string>;
	[key: string]: unknown;
}

export interface PubsubTopic {
	name?: string;
	labels?: Record<string, string>;
	[key: string]: unknown;
}

export interface PubsubOutgoingMessage {
	/** The payload as text (UTF-8); sent base64-encoded as Pub/Sub wants. */
	data: string;
	attributes?: Record<string, string>;
}

async function call<T>(ctx: GoogleContext, method: 'GET' | 'PUT' | 'PATCH' | 'POST' | 'DELETE', path: string, opts: { body?: unknown; qs?: Json; idempotent?: boolean } = {}): Promise<T> {
	return await (googleApiRequest<T>).call(ctx, { method, url: `${PUBSUB_API}/${path}`, surface: 'pubsub', service: SERVICE, ...opts });
}

const pathOf = (name: string) => name.split('/').map(encodeURIComponent).join('/');

/** `fn`'s result, or `fallback` when it fails with an error `expected` recognises; any other error is thrown. */
async function unless<T>(fn: () => Promise<T>, expected: (error: unknown) => boolean, fallback: T): Promise<T> {
	let failure: unknown;
	try {
		return await fn();
	} catch (error) {
		if (expected(error)) return fallback;
		failure = error;
	}
	throw failure;
}

function status(error: unknown): number | undefined {
	return error instanceof GoogleApiError ? error.google.httpCode : undefined;
}

/** 404 from Google: the resource does not exist. */
export function isPubsubNotFound(error: unknown): boolean {
	return error instanceof GoogleApiError && error.google.kind === 'notFound';
}

/** 409 ALREADY_EXISTS (create) or ABORTED (stale etag). */
export function isPubsubConflict(error: unknown): boolean {
	return status(error) === 409;
}

/** Creates the topic; `created: false` when it already existed (409), which the caller then reuses. */
export async function pubsubCreateTopic(ctx: GoogleContext, topicName: string, labels?: Record<string, string>): Promise<{ created: boolean }> {
	const created = await unless(async () => (await call(ctx, 'PUT', pathOf(topicName), { body: labels ? { labels } : {} }), true), isPubsubConflict, false);
	return { created };
}

export async function pubsubGetTopic(ctx: GoogleContext, topicName: string): Promise<PubsubTopic | undefined> {
	return await unless(async () => await call<PubsubTopic>(ctx, 'GET', pathOf(topicName)), isPubsubNotFound, undefined);
}

/** Deletes the topic; false when it was already gone. */
export async function pubsubDeleteTopic(ctx: GoogleContext, topicName: string): Promise<boolean> {
	return await unless(async () => (await call(ctx, 'DELETE', pathOf(topicName)), true), isPubsubNotFound, false);
}

export async function pubsubGetIamPolicy(ctx: GoogleContext, topicName: string): Promise<IamPolicy> {
	return (await call<IamPolicy | undefined>(ctx, 'GET', `${pathOf(topicName)}:getIamPolicy`)) ?? {};
}

/** Writes the whole policy; with the etag read before, Google refuses (409) when it changed meanwhile. */
export async function pubsubSetIamPolicy(ctx: GoogleContext, topicName: string, policy: IamPolicy): Promise<IamPolicy> {
	return await call<IamPolicy>(ctx, 'POST', `${pathOf(topicName)}:setIamPolicy`, { body: { policy } });
}

/**
 * Reads the topic's policy, applies `change` and writes it back with the etag read, again from the
 * read when someone changed the policy in between. Nothing is written when `change` changes nothing.
 */
export async function pubsubUpdateTopicPolicy(ctx: GoogleContext, topicName: string, change: (policy: IamPolicy) => PolicyChange): Promise<PolicyChange> {
	for (let attempt = 1; ; attempt++) {
		const next = change(await pubsubGetIamPolicy(ctx, topicName));
		if (!next.changed) return next;
		const written = await unless(async () => ({ policy: (await pubsubSetIamPolicy(ctx, topicName, next.policy)) ?? next.policy }), (e) => isPubsubConflict(e) && attempt < POLICY_ATTEMPTS, undefined);
		if (written) return { ...written, changed: true };
	}
}

/** Creates the subscription; `created: false` (and Google's copy) when one of that name exists. */
export async function pubsubCreateSubscription(
	ctx: GoogleContext,
	subscriptionName: string,
	body: PubsubSubscription,
): Promise<{ created: boolean; subscription: PubsubSubscription }> {
	const made = await unless(async () => ({ subscription: (await call<PubsubSubscription>(ctx, 'PUT', pathOf(subscriptionName), { body })) ?? body }), isPubsubConflict, undefined);
	if (made) return { created: true, ...made };
	const existing = await pubsubGetSubscription(ctx, subscriptionName);
	if (!existing) throw new NodeOperationError(ctx.getNode(), `${SERVICE} said subscription ${subscriptionName} exists, then that it does not; try again`);
	return { created: false, subscription: existing };
}

export async function pubsubGetSubscription(ctx: GoogleContext, subscriptionName: string): Promise<PubsubSubscription | undefined> {
	return await unless(async () => await call<PubsubSubscription>(ctx, 'GET', pathOf(subscriptionName)), isPubsubNotFound, undefined);
}

/** Updates the fields named in `updateMask` (e.g. ["labels"]) and returns the subscription as Google now has it. */
export async function pubsubPatchSubscription(ctx: GoogleContext, subscriptionName: string, fields: PubsubSubscription, updateMask: string[]): Promise<PubsubSubscription> {
	return await call<PubsubSubscription>(ctx, 'PATCH', pathOf(subscriptionName), {
		body: { subscription: { ...fields, name: subscriptionName }, updateMask: updateMask.join(',') },
		// Setting the same fields twice leaves the same subscription.
		idempotent: true,
	});
}

/** Deletes the subscription; false when it was already gone. */
export async function pubsubDeleteSubscription(ctx: GoogleContext, subscriptionName: string): Promise<boolean> {
	return await unless(async () => (await call(ctx, 'DELETE', pathOf(subscriptionName)), true), isPubsubNotFound, false);
}

/** Every subscription of the project (all pages). */
export async function pubsubListSubscriptions(ctx: GoogleContext, project: string): Promise<PubsubSubscription[]> {
	const out: PubsubSubscription[] = [];
	let pageToken: string | undefined;
	do {
		const page = await call<{ subscriptions?: PubsubSubscription[]; nextPageToken?: string }>(ctx, 'GET', `projects/${encodeURIComponent(project)}/subscriptions`, {
			qs: { pageSize: 500, ...(pageToken ? { pageToken } : {}) },
		});
		out.push(...(page.subscriptions ?? []));
		pageToken = page.nextPageToken || undefined;
	} while (pageToken);
	return out;
}

/**
 * Publishes messages to the topic and returns their ids. Not resent after an unknown outcome (a POST):
 * a lost answer could mean the message went out, and a caller that must not send twice decides.
 */
export async function pubsubPublish(ctx: GoogleContext, topicName: string, messages: PubsubOutgoingMessage[], opts: { idempotent?: boolean } = {}): Promise<string[]> {
	const body = {
		messages: messages.map((m) => ({ data: Buffer.from(m.data, 'utf8').toString('base64'), ...(m.attributes ? { attributes: m.attributes } : {}) })),
	};
	const answer = await call<{ messageIds?: string[] }>(ctx, 'POST', `${pathOf(topicName)}:publish`, { body, idempotent: opts.idempotent });
	return answer.messageIds ?? [];
}
