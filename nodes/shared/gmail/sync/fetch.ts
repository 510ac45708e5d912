// Fetching for the sync: listing ids per label, and fetching messages in order with a small worker
// pool (batch calls, or single calls when the batch endpoint is not available), stopping at the
// deadline or after an error so the caller can keep exactly the finished prefix. A message Gmail
// refuses on its own comes back as a failure (see settleFailures), not as an error for the whole run.
import type { IDataObject } from 'n8n-workflow';
import type { GoogleContext } from '../../transport/types';
import { GoogleApiError } from '../../transport';
import { gmailBatchGetMessages, gmailGetMessage, gmailListMessagesPage, isGmailNotFound, type GmailFetchFailure, type MessageFormat } from '../../transport/gmail';
import { SYNC_METADATA_HEADERS } from '../activity';
import { MAX_FETCH_FAILURES } from './cursor';
import type { GmailMessage } from '../types';

/** Messages per batch call (Google advises ≤ 50) and batch calls in flight. */
const BATCH_SIZE = 10;
const BATCH_CONCURRENCY = 4;

export interface FetchOptions {
	includeBodies: boolean;
	/** Epoch ms after which no new fetch starts (what was fetched is returned, the rest waits). */
	deadline?: number;
	/** Epoch ms no call may wait or run past (Retry-After, backoff, pacing): the poll must return by then. */
	hardDeadline?: number;
	/** Concurrent single-message fetches (the transport paces them to the quota ceiling). */
	concurrency?: number;
	/** Fetch through Gmail's batch endpoint (default true; falls back to single calls if it fails). */
	useBatch?: boolean;
}

export type Fetched = GmailMessage | null | GmailFetchFailure | undefined;

export function isFailure(value: Fetched): value is GmailFetchFailure {
	return !!value && typeof value === 'object' && 'failed' in value;
}

export interface FetchOutcome {
	/** By index: the message, null (gone), a failure (Gmail did not return it), undefined (not reached). */
	results: Fetched[];
	/** Index of the first id not finished (all before it are done). */
	firstUnfinished: number;
	stoppedBy?: 'time' | 'error';
	error?: Error;
}

export function asError(error: unknown): Error {
	return error instanceof Error ? error : new Error(String(error));
}

/** The call gave up because the poll's time was up (GoogleApiRequest.deadline). */
export function isOutOfTime(error: unknown): boolean {
	return error instanceof GoogleApiError && error.google.outOfTime === true;
}

/** Errors no retry or skip can help with: the whole run stops and reports them. */
function isConnectionProblem(error: unknown): boolean {
	return error instanceof GoogleApiError && ['reconnect', 'scope', 'permission', 'quota'].includes(error.google.kind);
}

function batchUnavailable(error: unknown): boolean {
	return error instanceof GoogleApiError && ['notFound', 'invalid'].includes(error.google.kind);
}

function messageFormat(includeBodies: boolean): MessageFormat {
	return includeBodies ? { format: 'full' } : { format: 'metadata', metadataHeaders: SYNC_METADATA_HEADERS };
}

/** Every id matching `q` in the selected labels (one listing per label; Gmail ANDs repeated labelIds). */
export async function listIds(ctx: GoogleContext, labelIds: string[], q: string, stats: { listPages: number }, limit = Infinity, deadline?: number): Promise<string[][]> {
	const listings: string[][] = [];
	for (const label of labelIds.length ? labelIds : [undefined]) {
		const ids: string[] = [];
		let pageToken: string | undefined;
		do {
			const qs: IDataObject = { q, maxResults: Math.min(500, Math.max(1, limit - ids.length)) };
			if (label) qs.labelIds = label;
			if (pageToken) qs.pageToken = pageToken;
			const page = await gmailListMessagesPage(ctx, qs, deadline);
			stats.listPages++;
			for (const m of page.messages ?? []) ids.push(m.id ?? '');
			pageToken = page.nextPageToken ?? undefined;
		} while (pageToken && ids.length < limit);
		listings.push(ids);
	}
	return listings;
}

/** One message, or null when it was deleted since it was listed (nothing to emit). */
export async function fetchMessage(ctx: GoogleContext, id: string, includeBodies: boolean, deadline?: number): Promise<GmailMessage | null> {
	let failure: unknown;
	try {
		return await gmailGetMessage(ctx, id, messageFormat(includeBodies), deadline);
	} catch (error) {
		if (isGmailNotFound(error)) return null;
		failure = error;
	}
	throw asError(failure);
}

/** Fetches ids in order (batches, or single calls with a worker pool); stops taking new ids at the deadline or after an error. */
export async function fetchInOrder(ctx: GoogleContext, ids: string[], opts: FetchOptions): Promise<FetchOutcome> {
	const results: Fetched[] = new Array(ids.length);
	const chunk = opts.useBatch !== false ? BATCH_SIZE : 1;
	let next = 0;
	/** Slices to fetch again one by one: the batch endpoint failed while they were in flight. */
	const requeued: number[] = [];
	let stoppedBy: FetchOutcome['stoppedBy'];
	let firstError: Error | undefined;
	let batchBroken = opts.useBatch === false;
	const stop = (error: unknown) => {
		if (isOutOfTime(error)) stoppedBy = stoppedBy ?? 'time';
		else {
			firstError = firstError ?? asError(error);
			stoppedBy = 'error';
		}
	};
	/** One message by a single call; a failure of its own is recorded, anything broader is returned. */
	const single = async (i: number): Promise<unknown> => {
		try {
			results[i] = await fetchMessage(ctx, ids[i], opts.includeBodies, opts.hardDeadline);
		} catch (error) {
			if (isOutOfTime(error) || isConnectionProblem(error)) return error;
			const described = error instanceof GoogleApiError ? error.google : undefined;
			results[i] = { failed: asError(error).message, own: (described?.httpCode ?? 0) >= 400 && described?.kind !== 'rate' };
		}
		return undefined;
	};
	const worker = async () => {
		while ((requeued.length || next < ids.length) && !stoppedBy) {
			if (opts.deadline !== undefined && Date.now() >= opts.deadline) {
				stoppedBy = 'time';
				return;
			}
			const from = requeued.length ? requeued.shift()! : next;
			const to = Math.min(ids.length, from + chunk);
			if (from === next) next = to;
			if (batchBroken) {
				for (let i = from; i < to && !stoppedBy; i++) {
					const broad = await single(i);
					if (broad !== undefined) stop(broad);
				}
				continue;
			}
			try {
				const got = await gmailBatchGetMessages(ctx, ids.slice(from, to), messageFormat(opts.includeBodies), opts.hardDeadline);
				got.forEach((m, i) => (results[from + i] = m));
				if (got.some((m) => m === undefined)) stoppedBy = stoppedBy ?? 'time';
			} catch (error) {
				// The batch endpoint is not available: this slice (and every later one) one by one.
				if (batchUnavailable(error)) {
					batchBroken = true;
					requeued.push(from);
				} else stop(error);
			}
		}
	};
	const workers = Math.max(1, Math.min(chunk > 1 ? BATCH_CONCURRENCY : (opts.concurrency ?? 12), Math.ceil(ids.length / chunk)));
	await Promise.all(Array.from({ length: workers }, async () => await worker()));
	let firstUnfinished = 0;
	while (firstUnfinished < ids.length && results[firstUnfinished] !== undefined && !isFailure(results[firstUnfinished])) firstUnfinished++;
	return { results, firstUnfinished, stoppedBy, error: firstError };
}

/** The part of the run's stats that settling failures reports into. */
export interface FailureStats {
	skipped: { failing: number };
	warnings?: string[];
	error?: string;
}

/**
 * Counts, per message, the polls whose fetch failed on it (only failures that may be the message's
 * own: an error answer, not a rate refusal or the deadline, and not one of many at once in a run where
 * nothing else was fetched). After MAX_FETCH_FAILURES the message is skipped with a warning, so one
 * poison message cannot pin the cursor; below that it stays unfinished. Returns the updated counts.
 */
export function settleFailures(outcome: FetchOutcome, ids: string[], previous: Record<string, number> | undefined, stats: FailureStats): Record<string, number> | undefined {
	const failures = { ...(previous ?? {}) };
	const failed = outcome.results.map((m, i) => (isFailure(m) ? i : -1)).filter((i) => i >= 0);
	const progressed = outcome.results.some((m) => m !== undefined && !isFailure(m));
	outcome.results.forEach((m, i) => {
		if (m !== undefined && !isFailure(m)) delete failures[ids[i]];
	});
	for (const i of failed) {
		const failure = outcome.results[i] as GmailFetchFailure;
		if (!failure.own || !(failed.length === 1 || progressed)) continue;
		const tries = (failures[ids[i]] ?? 0) + 1;
		if (tries < MAX_FETCH_FAILURES) {
			failures[ids[i]] = tries;
			continue;
		}
		delete failures[ids[i]];
		outcome.results[i] = null;
		stats.skipped.failing++;
		(stats.warnings ??= []).push(`Skipped message ${ids[i]}: Gmail failed to return it ${tries} times (${failure.failed})`);
	}
	const stuck = failed.find((i) => isFailure(outcome.results[i]));
	if (stuck !== undefined) stats.error ??= `Gmail did not return message ${ids[stuck]}: ${(outcome.results[stuck] as GmailFetchFailure).failed}`;
	let first = 0;
	while (first < ids.length && outcome.results[first] !== undefined && !isFailure(outcome.results[first])) first++;
	outcome.firstUnfinished = first;
	return Object.keys(failures).length ? failures : undefined;
}
