// Fetching for the sync: listing ids per label, and fetching messages in order with a small worker
// pool (batch calls, or single calls when the batch endpoint is not available), stopping at the
// deadline or after an error so the caller can keep exactly the finished prefix.
import type { IDataObject } from 'n8n-workflow';
import type { GoogleContext } from '../../transport/types';
import { GoogleApiError } from '../../transport';
import { gmailBatchGetMessages, gmailGetMessage, gmailListMessagesPage, isGmailNotFound, type MessageFormat } from '../../transport/gmail';
import { SYNC_METADATA_HEADERS } from '../activity';
import type { GmailMessage } from '../types';

/** Messages per batch call (Google advises ≤ 50) and batch calls in flight. */
const BATCH_SIZE = 10;
const BATCH_CONCURRENCY = 4;

export interface FetchOptions {
	includeBodies: boolean;
	/** Epoch ms after which no new fetch starts (what was fetched is returned, the rest waits). */
	deadline?: number;
	/** Concurrent single-message fetches (the transport paces them to the quota ceiling). */
	concurrency?: number;
	/** Fetch through Gmail's batch endpoint (default true; falls back to single calls if it fails). */
	useBatch?: boolean;
}

export interface FetchOutcome {
	/** Fetched messages by index (null: gone). */
	results: Array<GmailMessage | null | undefined>;
	/** Index of the first id not finished (all before it are done). */
	firstUnfinished: number;
	stoppedBy?: 'time' | 'error';
	error?: Error;
}

export function asError(error: unknown): Error {
	return error instanceof Error ? error : new Error(String(error));
}

function messageFormat(includeBodies: boolean): MessageFormat {
	return includeBodies ? { format: 'full' } : { format: 'metadata', metadataHeaders: SYNC_METADATA_HEADERS };
}

/** Every id matching `q` in the selected labels (one listing per label; Gmail ANDs repeated labelIds). */
export async function listIds(ctx: GoogleContext, labelIds: string[], q: string, stats: { listPages: number }, limit = Infinity): Promise<string[][]> {
	const listings: string[][] = [];
	for (const label of labelIds.length ? labelIds : [undefined]) {
		const ids: string[] = [];
		let pageToken: string | undefined;
		do {
			const qs: IDataObject = { q, maxResults: Math.min(500, Math.max(1, limit - ids.length)) };
			if (label) qs.labelIds = label;
			if (pageToken) qs.pageToken = pageToken;
			const page = await gmailListMessagesPage(ctx, qs);
			stats.listPages++;
			for (const m of page.messages ?? []) ids.push(m.id ?? '');
			pageToken = page.nextPageToken ?? undefined;
		} while (pageToken && ids.length < limit);
		listings.push(ids);
	}
	return listings;
}

/** One message, or null when it was deleted since it was listed (nothing to emit). */
export async function fetchMessage(ctx: GoogleContext, id: string, includeBodies: boolean): Promise<GmailMessage | null> {
	let failure: unknown;
	try {
		return await gmailGetMessage(ctx, id, messageFormat(includeBodies));
	} catch (error) {
		if (isGmailNotFound(error)) return null;
		failure = error;
	}
	throw asError(failure);
}

/** Fetches ids in order (batches, or single calls with a worker pool); stops taking new ids at the deadline or after an error. */
export async function fetchInOrder(ctx: GoogleContext, ids: string[], opts: FetchOptions): Promise<FetchOutcome> {
	const results: Array<GmailMessage | null | undefined> = new Array(ids.length);
	const useBatch = opts.useBatch !== false;
	const chunk = useBatch ? BATCH_SIZE : 1;
	let next = 0;
	let stoppedBy: FetchOutcome['stoppedBy'];
	let firstError: Error | undefined;
	let batchBroken = false;
	const worker = async () => {
		while (next < ids.length && !firstError) {
			if (opts.deadline !== undefined && Date.now() >= opts.deadline) {
				stoppedBy = stoppedBy ?? 'time';
				return;
			}
			const from = next;
			next = Math.min(ids.length, next + chunk);
			const slice = ids.slice(from, next);
			try {
				if (useBatch && !batchBroken) {
					const got = await gmailBatchGetMessages(ctx, slice, messageFormat(opts.includeBodies));
					got.forEach((m, i) => (results[from + i] = m));
				} else {
					for (let i = 0; i < slice.length; i++) results[from + i] = await fetchMessage(ctx, slice[i], opts.includeBodies);
				}
			} catch (error) {
				if (useBatch && !batchBroken && error instanceof GoogleApiError && ['notFound', 'invalid'].includes(error.google.kind)) {
					// The batch endpoint is not available: fetch this slice (and the rest) one by one.
					batchBroken = true;
					next = Math.min(next, from);
					continue;
				}
				firstError = firstError ?? asError(error);
				stoppedBy = 'error';
			}
		}
	};
	const workers = Math.max(1, Math.min(useBatch ? BATCH_CONCURRENCY : (opts.concurrency ?? 12), Math.ceil(ids.length / chunk)));
	await Promise.all(Array.from({ length: workers }, async () => await worker()));
	let firstUnfinished = 0;
	while (firstUnfinished < ids.length && results[firstUnfinished] !== undefined) firstUnfinished++;
	return { results, firstUnfinished, stoppedBy, error: firstError };
}
