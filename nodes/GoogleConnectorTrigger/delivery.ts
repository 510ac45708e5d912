// What every action handler of the trigger gets: the request as read once by the router, the
// trigger's state and settings, and how it answers. Nothing here throws for a bad request: a throw
// would make n8n start an (error) execution, so every refusal is written as a response.
import type { IDataObject, IWebhookFunctions } from 'n8n-workflow';
import type { Deduper, DedupeBucket } from '../shared/webhook/dedupe';
import type { WebhookSecrets } from '../shared/webhook/credential';
import type { PushState } from '../shared/webhook/websub';

export const ACTIONS = ['youtube-webhook', 'youtube-verify', 'ads-webhook', 'ads-conversion-callback', 'ads-performance-alert'] as const;
export type Action = (typeof ACTIONS)[number];

/** Everything the trigger remembers, in `getWorkflowStaticData('node')` (persisted by n8n). */
export interface TriggerState extends IDataObject {
	push?: PushState & IDataObject;
	/** Per kind: a DedupeBucket (an object hash → seconds in earlier versions, still read). */
	dedupe?: Record<string, DedupeBucket | IDataObject> & IDataObject;
}

/** The "Options" collection of the trigger. */
export interface TriggerOptions {
	maxBodyKb?: number;
	includeRaw?: boolean;
	headerName?: string;
	requireGoogleOidc?: boolean;
	oidcAudience?: string;
	oidcServiceAccountEmail?: string;
	dedupeSize?: number;
}

export type Headers = Record<string, string | string[] | undefined>;

/**
 * Wraps a normalised payload as the event item (action, org, time, verified, dedupeKey, data, raw).
 * `key` is the event's natural identity within its action (README: Contracts); the item carries
 * `dedupeKey` = `<action>:<key>`, the same for a redelivery and different for another event.
 */
export type EventOf = (action: Action, key: string, data: IDataObject, raw?: unknown) => IDataObject;

/** The `dedupeKey` an event of `action` with natural key `key` carries. */
export function dedupeKeyOf(action: Action, key: string): string {
	return `${action}:${key}`;
}

export interface Delivery {
	method: string;
	query: IDataObject;
	headers: Headers;
	raw: Buffer;
	enabled: string[];
	orgId: string;
	options: TriggerOptions;
	receivedAt: string;
	state: TriggerState;
	secrets: WebhookSecrets;
	dedupe: Deduper;
	event: EventOf;
}

export class Reply {
	constructor(
		readonly status: number,
		readonly body: IDataObject | string,
	) {}
}

export interface Outcome {
	reply: Reply;
	events: IDataObject[];
}

/** An answer that starts nothing. */
export function nothing(status: number, body: IDataObject | string): Outcome {
	return { reply: new Reply(status, body), events: [] };
}

/** Status and headers of `reply`, on the response; the body is sent by `send` or by n8n. */
export function prepareReply(ctx: IWebhookFunctions, reply: Reply): void {
	const res = ctx.getResponseObject();
	res.status(reply.status);
	res.setHeader('cache-control', 'no-store');
	res.setHeader('x-content-type-options', 'nosniff');
	// The rest of an oversized body was never read: close the connection rather than drain it.
	if (reply.status === 413) res.setHeader('connection', 'close');
	res.setHeader('content-type', typeof reply.body === 'string' ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8');
}

/** Answers now, before n8n does anything more (a reply that starts nothing). */
export function send(ctx: IWebhookFunctions, reply: Reply): void {
	prepareReply(ctx, reply);
	ctx.getResponseObject().send(typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body));
}
