// The Gmail client: every Gmail call of every node (read, sync, send, dropdowns), each through
// googleApiRequest with its quota cost so calls are paced to the per-user ceiling.
import { sleep, type IDataObject } from 'n8n-workflow';
import type { Surface } from '../auth/scopes';
import type { GmailHistoryPage, GmailLabel, GmailListMessagesPage, GmailMessage, GmailSendAs, GmailThread } from '../gmail/types';
import { GoogleApiError, googleApiRequest, googleApiRequestFull, noteGmailRateRefusal } from './index';
import { buildBatchBody, parseBatchResponse } from './gmailBatch';
import type { GoogleContext } from './types';

export const GMAIL_API = 'https://gmail.googleapis.com/gmail/v1/users/me';
export const GMAIL_BATCH_URL = 'https://gmail.googleapis.com/batch/gmail/v1';
const UPLOAD_SEND_URL = 'https://gmail.googleapis.com/upload/gmail/v1/users/me/messages/send';
/** Above this size a message goes through the upload endpoint (multipart/related) instead of JSON. */
export const JSON_SEND_LIMIT = 5 * 1024 * 1024;
/** Tries of a batch part Google refused for rate or a server fault. */
const PART_ATTEMPTS = 6;

/** format=full, or format=metadata with the headers to return. */
export interface MessageFormat {
	format: 'full' | 'metadata';
	metadataHeaders?: string[];
}

/** A GET on the Gmail API with the quota cost of the method; `deadline`: see GoogleApiRequest.deadline. */
export async function gmailGet<T = IDataObject>(ctx: GoogleContext, path: string, units: number, qs?: IDataObject, surface: Surface = 'gmailRead', deadline?: number): Promise<T> {
	return await (googleApiRequest<T>).call(ctx, { method: 'GET', url: `${GMAIL_API}${path}`, qs, surface, gmailUnits: units, service: 'Gmail', deadline });
}

/** Lists every page of a Gmail list call, or stops at `limit` entries. */
export async function gmailListAll(ctx: GoogleContext, path: string, key: string, units: number, qs: IDataObject, limit: number | undefined): Promise<IDataObject[]> {
	const out: IDataObject[] = [];
	let pageToken: string | undefined;
	do {
		const remaining = limit === undefined ? 500 : Math.min(500, limit - out.length);
		const page = await gmailGet(ctx, path, units, { ...qs, maxResults: remaining, ...(pageToken ? { pageToken } : {}) });
		out.push(...((page[key] as IDataObject[] | undefined) ?? []));
		pageToken = page.nextPageToken as string | undefined;
	} while (pageToken && (limit === undefined || out.length < limit));
	return limit === undefined ? out : out.slice(0, limit);
}

export function isGmailNotFound(error: unknown): boolean {
	return error instanceof GoogleApiError ? error.google.kind === 'notFound' : (error as { httpCode?: string })?.httpCode === '404';
}

export async function gmailProfile(ctx: GoogleContext, opts: { maxRetries?: number; deadline?: number } = {}): Promise<{ emailAddress: string; historyId: string }> {
	return await (googleApiRequest<{ emailAddress: string; historyId: string }>).call(ctx, {
		method: 'GET',
		url: `${GMAIL_API}/profile`,
		surface: 'gmailRead',
		gmailUnits: 1,
		service: 'Gmail',
		maxRetries: opts.maxRetries,
		deadline: opts.deadline,
	});
}

export interface GmailWatchResult {
	historyId: string;
	/** Epoch ms (Google sends it as a string) at which Gmail stops publishing unless watch is called again. */
	expiration: string;
}

/**
 * users.watch: Gmail publishes `{emailAddress, historyId}` to the topic on each change of the labels
 * (all mail when `labelIds` is empty). Calling it again replaces the watch, so it may be resent. 100 units.
 */
export async function gmailWatch(ctx: GoogleContext, opts: { topicName: string; labelIds?: string[]; labelFilterBehavior?: 'include' | 'exclude' }): Promise<GmailWatchResult> {
	const labelIds = opts.labelIds?.filter(Boolean) ?? [];
	return await (googleApiRequest<GmailWatchResult>).call(ctx, {
		method: 'POST',
		url: `${GMAIL_API}/watch`,
		body: { topicName: opts.topicName, ...(labelIds.length ? { labelIds, labelFilterBehavior: opts.labelFilterBehavior ?? 'include' } : {}) },
		surface: 'gmailRead',
		gmailUnits: 100,
		idempotent: true,
		service: 'Gmail',
	});
}

/** users.stop: Gmail stops publishing for this mailbox. Harmless to repeat. 50 units. */
export async function gmailStop(ctx: GoogleContext): Promise<void> {
	await googleApiRequest.call(ctx, { method: 'POST', url: `${GMAIL_API}/stop`, surface: 'gmailRead', gmailUnits: 50, idempotent: true, service: 'Gmail' });
}

export async function gmailLabels(ctx: GoogleContext, deadline?: number): Promise<GmailLabel[]> {
	return (await gmailGet<{ labels?: GmailLabel[] }>(ctx, '/labels', 1, undefined, 'gmailRead', deadline)).labels ?? [];
}

/** Label id → name. */
export async function gmailLabelNames(ctx: GoogleContext, deadline?: number): Promise<Record<string, string>> {
	return Object.fromEntries((await gmailLabels(ctx, deadline)).map((l) => [l.id ?? '', l.name ?? l.id ?? '']));
}

export async function gmailSendAs(ctx: GoogleContext): Promise<GmailSendAs[]> {
	return (await gmailGet<{ sendAs?: GmailSendAs[] }>(ctx, '/settings/sendAs', 1)).sendAs ?? [];
}

export async function gmailGetMessage(ctx: GoogleContext, id: string, format: MessageFormat, deadline?: number): Promise<GmailMessage> {
	return await gmailGet<GmailMessage>(ctx, `/messages/${encodeURIComponent(id)}`, 5, { ...format }, 'gmailRead', deadline);
}

export async function gmailGetThread(ctx: GoogleContext, id: string, format: MessageFormat): Promise<GmailThread> {
	return await gmailGet<GmailThread>(ctx, `/threads/${encodeURIComponent(id)}`, 10, { ...format });
}

/** One page of messages.list (`q`, `labelIds`, `maxResults`, `pageToken`). */
export async function gmailListMessagesPage(ctx: GoogleContext, qs: IDataObject, deadline?: number): Promise<GmailListMessagesPage> {
	return await gmailGet<GmailListMessagesPage>(ctx, '/messages', 5, qs, 'gmailRead', deadline);
}

/** One page of history.list; a 404 means Gmail no longer knows `startHistoryId`. */
export async function gmailHistoryPage(ctx: GoogleContext, qs: IDataObject, deadline?: number): Promise<GmailHistoryPage> {
	return await gmailGet<GmailHistoryPage>(ctx, '/history', 2, qs, 'gmailRead', deadline);
}

function messageQuery(format: MessageFormat): string {
	const qs = new URLSearchParams({ format: format.format });
	for (const h of format.metadataHeaders ?? []) qs.append('metadataHeaders', h);
	return qs.toString();
}

/** A message Gmail did not return; `own`: the failure may be the message's (an error answer, not a rate refusal). */
export interface GmailFetchFailure {
	failed: string;
	own: boolean;
}

/**
 * Fetches messages in one batch call (each part still costs 5 units, and is paced as such).
 * Parts refused for rate or a server fault are sent again in a smaller batch, with backoff, while the
 * deadline allows. Returns one entry per id: the message, null when it is gone (404), a failure when
 * Gmail kept refusing it, undefined when the deadline came first.
 */
export async function gmailBatchGetMessages(ctx: GoogleContext, ids: string[], format: MessageFormat, deadline?: number): Promise<Array<GmailMessage | null | GmailFetchFailure | undefined>> {
	const results: Array<GmailMessage | null | GmailFetchFailure | undefined> = new Array(ids.length);
	const why = new Map<number, GmailFetchFailure>();
	let todo = ids.map((_, i) => i);
	const query = messageQuery(format);
	for (let attempt = 0; todo.length > 0; attempt++) {
		if (attempt >= PART_ATTEMPTS) {
			for (const i of todo) results[i] = why.get(i) ?? { failed: 'no answer in the batch response', own: true };
			break;
		}
		if (attempt > 0) {
			const wait = Math.min(250 * 2 ** (attempt - 1), 4_000) + Math.floor(Math.random() * 100);
			if (deadline !== undefined && Date.now() + wait >= deadline) break;
			await sleep(wait);
		}
		const { body, boundary } = buildBatchBody(todo.map((i) => ({ id: String(i), method: 'GET', path: `/gmail/v1/users/me/messages/${encodeURIComponent(ids[i])}?${query}` })));
		const response = await googleApiRequestFull.call(ctx, {
			method: 'POST',
			url: GMAIL_BATCH_URL,
			body,
			headers: { 'content-type': `multipart/mixed; boundary=${boundary}` },
			surface: 'gmailRead',
			service: 'Gmail',
			text: true,
			idempotent: true,
			gmailUnits: 5 * todo.length,
			deadline,
		});
		const parts = parseBatchResponse(String(response.body ?? ''), String(response.headers['content-type'] ?? ''));
		const again: number[] = [];
		let rateRefused = false;
		for (const i of todo) {
			const part = parts.get(String(i));
			const detail = part ? `HTTP ${part.status}: ${JSON.stringify(part.body).slice(0, 200)}` : 'no answer in the batch response';
			const rate = !!part && (part.status === 429 || (part.status === 403 && /rateLimitExceeded|userRateLimitExceeded/.test(JSON.stringify(part.body))));
			if (part && part.status >= 200 && part.status < 300) results[i] = part.body as GmailMessage;
			else if (part && part.status === 404) results[i] = null;
			else if (part && (part.status === 401 || (part.status === 403 && !rate))) throw new Error(`Gmail answered ${part.status} for message ${ids[i]}: ${JSON.stringify(part.body).slice(0, 300)}`);
			else if (!part || rate || part.status >= 500) {
				again.push(i);
				why.set(i, { failed: detail, own: !rate });
				rateRefused ||= rate;
			} else results[i] = { failed: detail, own: true };
		}
		// The transport paced the call and counted it as passed; parts refused for rate slow the lane down.
		if (rateRefused) await noteGmailRateRefusal.call(ctx);
		todo = again;
	}
	return results;
}

export interface GmailSendResult {
	id: string;
	threadId: string;
	labelIds?: string[];
}

/**
 * messages.send: JSON {raw, threadId} up to 5 MB, the upload endpoint (multipart/related) above.
 * A POST, so the transport never resends it once it may have reached Google (timeouts, 5xx); it is
 * resent only when Google said it was not performed (429 / rate limit). Paced at 100 units.
 * `boundarySeed` (e.g. the Message-ID) makes the upload boundary.
 */
export async function gmailSendRaw(ctx: GoogleContext, raw: Buffer, threadId: string | undefined, boundarySeed: string): Promise<GmailSendResult> {
	const common = { method: 'POST' as const, surface: 'gmailSend' as const, gmailUnits: 100, idempotent: false, service: 'Gmail' };
	if (raw.length <= JSON_SEND_LIMIT) {
		return await (googleApiRequest<GmailSendResult>).call(ctx, {
			...common,
			url: `${GMAIL_API}/messages/send`,
			body: { raw: raw.toString('base64url'), ...(threadId ? { threadId } : {}) },
		});
	}
	const boundary = `gc_upload_${boundarySeed.replace(/[^A-Za-z0-9]/g, '').slice(0, 40)}`;
	const body = Buffer.concat([
		Buffer.from(
			`--${boundary}\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n${JSON.stringify(threadId ? { threadId } : {})}\r\n` +
				`--${boundary}\r\nContent-Type: message/rfc822\r\n\r\n`,
			'utf8',
		),
		raw,
		Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8'),
	]);
	return await (googleApiRequest<GmailSendResult>).call(ctx, {
		...common,
		url: UPLOAD_SEND_URL,
		qs: { uploadType: 'multipart' },
		body,
		headers: { 'content-type': `multipart/related; boundary=${boundary}` },
	});
}
