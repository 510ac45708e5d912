// The webhook path: one Pub/Sub push. Verified first (Google's OIDC token), then decoded; repeats and
// notifications the cursor already covers answer 204 without a Gmail call. One run of the sync engine
// at a time per trigger in this process (the lock), from the newest cursor this process knows (the
// mirror: n8n saves static data only when the call ends), bounded well inside Pub/Sub's ack deadline.
// A Gmail notification is read no earlier than about a second after it was published (dropWindow.ts),
// so mail whose notification Gmail dropped comes with it; that wait is outside the lock.
// A Gmail failure answers 503 so Pub/Sub redelivers, with the cursor unchanged. Refusals are answers,
// never throws (a throw would start an error execution).
import { sleep, type IDataObject, type IWebhookFunctions, type IWebhookResponseData } from 'n8n-workflow';
import { idTokenKeyId } from '../shared/auth/idToken';
import { redactSecrets } from '../shared/errors/redact';
import { runGmailSync, syncOptionsFrom } from '../shared/gmail/sync';
import { decodeGmailNotification, parsePushEnvelope, sameMailbox } from '../shared/gmail/push/envelope';
import { readAfterWindow, readNotBefore } from '../shared/gmail/push/dropWindow';
import { coveredBy } from '../shared/gmail/push/historyOrder';
import {
	continuationHistoryId, newestCursor, newestReadAt, noteReadAfter, noteWanted, pushMirror, recordHandled, wasHandled, type PushMirror,
} from '../shared/gmail/push/mirror';
import { KeyedMutex } from '../shared/gmail/push/mutex';
import { bearerToken, checkPushToken } from '../shared/gmail/push/pushAuth';
import { googleCerts } from '../shared/transport/googleCerts';
import { readPushSettings, type PushSettings } from './setupProperties';
import { publishNotification, warnOnce } from './publish';
import { EDITOR_TEST_ORIGIN, sampleForEditor } from './editorTest';

/** Node static data: the sync cursor (the push path is its only writer) and the Pub/Sub ids handled. */
export const CURSOR_KEY = 'gmailPush';
export const HANDLED_KEY = 'gmailPushMessages';
/** When the history read that gave the stored cursor started (ms since the epoch). */
export const READ_AT_KEY = 'gmailPushReadAt';
export const MAX_PER_PUSH_PARAM = 'maxPerPush';
export const DEFAULT_MAX_PER_PUSH = 500;

/**
 * Pub/Sub's ack deadline is 60 s (the subscription the trigger creates). A push waits for Gmail's drop
 * window at most MAX_WINDOW_WAIT_MS (1.5 s), for the lock at most LOCK_WAIT_MS, starts no fetch after
 * RUN_SOFT_MS and stops every call at RUN_HARD_MS: answered within about 44 s. What is left is
 * published as a continuation.
 */
export const LOCK_WAIT_MS = 10_000;
export const RUN_SOFT_MS = 20_000;
export const RUN_HARD_MS = 30_000;

const locks = new KeyedMutex();

function answer(ctx: IWebhookFunctions, status: number, body?: IDataObject): IWebhookResponseData {
	const res = ctx.getResponseObject();
	res.status(status);
	res.setHeader('cache-control', 'no-store');
	if (body === undefined || status === 204) res.end();
	else {
		res.setHeader('content-type', 'application/json; charset=utf-8');
		res.send(JSON.stringify(body));
	}
	return { noWebhookResponse: true };
}

/** Whether the push may be processed; the answer to send when not. */
async function refusal(ctx: IWebhookFunctions, settings: PushSettings): Promise<IWebhookResponseData | undefined> {
	const token = bearerToken(ctx.getHeaderData().authorization);
	if (!token) return answer(ctx, 401, { error: 'A Google-signed bearer token is required' });
	let jwks;
	try {
		jwks = await googleCerts.call(ctx, idTokenKeyId(token));
	} catch (error) {
		ctx.logger.warn(`Gmail push: Google's signing keys could not be fetched, Pub/Sub will redeliver: ${redactSecrets(String((error as Error)?.message ?? error))}`);
		return answer(ctx, 503, { error: "Google's signing keys are unavailable" });
	}
	// The URL this call came to: getNodeWebhookUrl is always the production one, also on the test URL.
	const audience = settings.audience ?? ctx.getWebhookResourceUrl('default') ?? '';
	const auth = checkPushToken(token, jwks, { audience, serviceAccountEmail: settings.serviceAccountEmail });
	if (auth.ok) return undefined;
	ctx.logger.debug(`Gmail push refused (${auth.status}): ${auth.reason}`);
	return answer(ctx, auth.status, { error: `Refused: ${auth.reason}` });
}

export async function handlePush(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const arrivedAt = Date.now();
	let settings: PushSettings;
	try {
		settings = readPushSettings((name, fallback) => this.getNodeParameter(name, fallback));
	} catch (error) {
		this.logger.warn(`Gmail push: the trigger's settings are invalid: ${(error as Error).message}`);
		return answer(this, 503, { error: 'The trigger is not set up' });
	}
	const refused = await refusal(this, settings);
	if (refused) return refused;
	// A verified push to the test URL (the editor's temporary subscription): show recent mail; the
	// published trigger's mirror, lock and cursor are not touched.
	if (this.getMode() === 'manual') return await editorTestPush(this);

	const key = `${this.getWorkflow().id ?? ''}:${this.getNode().id}`;
	const mirror = pushMirror(key);
	const state = this.getWorkflowStaticData('node');
	// From here the sender is Pub/Sub: a message that can never be processed is acknowledged (204) with
	// a warning, or it would come back for days.
	const envelope = parsePushEnvelope(this.getBodyData());
	if (!envelope.ok) {
		warnOnce(this, mirror, `envelope:${envelope.error}`, `Gmail push: a push was dropped: ${envelope.error}`);
		return answer(this, 204);
	}
	const { messageId } = envelope.value;
	if (wasHandled(mirror, state[HANDLED_KEY], messageId)) return answer(this, 204);
	// Any write makes n8n save this call's whole static data, loaded when the call came in: the newest
	// cursor goes with it, or a push answered 204 would save an older cursor over a newer one.
	const markHandled = () => {
		state[HANDLED_KEY] = recordHandled(mirror, state[HANDLED_KEY], messageId);
		const newest = newestCursor(state[CURSOR_KEY], mirror.cursor);
		if (newest && newest !== state[CURSOR_KEY]) state[CURSOR_KEY] = newest as unknown as IDataObject;
		const readAt = newestReadAt(state[READ_AT_KEY], mirror);
		if (readAt !== undefined) state[READ_AT_KEY] = readAt;
	};
	const notification = decodeGmailNotification(envelope.value.data);
	if (!notification.ok) {
		warnOnce(this, mirror, `data:${notification.error}`, `Gmail push: a push was dropped: ${notification.error}`);
		markHandled();
		return answer(this, 204);
	}
	const { emailAddress, historyId } = notification.value;
	const origin = envelope.value.attributes.origin;
	const notBefore = readNotBefore(envelope.value.publishTime, arrivedAt, origin === 'continuation' || origin === 'catch-up' || origin === EDITOR_TEST_ORIGIN);
	const known = newestCursor(state[CURSOR_KEY], mirror.cursor);
	if (known && !sameMailbox(known.account, emailAddress)) {
		warnOnce(this, mirror, `mailbox:${emailAddress}`, `Gmail push: a notification for ${emailAddress} was dropped: this trigger syncs ${known.account}`);
		markHandled();
		return answer(this, 204);
	}
	const covered = () => coveredBy(historyId, newestCursor(state[CURSOR_KEY], mirror.cursor)) && readAfterWindow(newestReadAt(state[READ_AT_KEY], mirror), notBefore);
	if (covered()) {
		markHandled();
		return answer(this, 204);
	}
	// Outside the lock, so pushes arriving together wait their windows side by side, not in a queue.
	const windowLeft = notBefore - Date.now();
	if (windowLeft > 0) await sleep(windowLeft);

	// Noted before waiting: the run holding the lock reads it as it releases, so nothing is left behind
	// if this push stops waiting; the window's end too, once this push gives up.
	noteWanted(mirror, historyId);
	// The timer only when the lock is taken (it cannot be cancelled and would outlive the call).
	const release = locks.tryAcquire(key) ?? (await locks.acquire(key, sleep(LOCK_WAIT_MS).then(() => noteReadAfter(mirror, notBefore))));
	if (!release) {
		markHandled();
		return answer(this, 204);
	}
	return await runLocked(this, { release, mirror, state, settings, markHandled, covered });
}

async function editorTestPush(ctx: IWebhookFunctions): Promise<IWebhookResponseData> {
	const workflowData = await sampleForEditor(ctx, MAX_PER_PUSH_PARAM);
	answer(ctx, 200, { activities: workflowData[0].length });
	return { noWebhookResponse: true, workflowData };
}

interface LockedRun {
	release: () => void;
	mirror: PushMirror;
	state: IDataObject;
	settings: PushSettings;
	markHandled: () => void;
	/** Whether the newest cursor and its read already cover this push. */
	covered: () => boolean;
}

async function runLocked(ctx: IWebhookFunctions, run: LockedRun): Promise<IWebhookResponseData> {
	const { mirror, state } = run;
	let released = false;
	const release = () => {
		if (!released) run.release();
		released = true;
	};
	try {
		if (run.covered()) {
			run.markHandled();
			return answer(ctx, 204);
		}
		const cursor = newestCursor(state[CURSOR_KEY], mirror.cursor);
		const options = syncOptionsFrom((name, fallback) => ctx.getNodeParameter(name, fallback), MAX_PER_PUSH_PARAM);
		const start = Date.now();
		let result;
		try {
			result = await runGmailSync(ctx, cursor, { ...options, backfillDays: 0, deadline: start + RUN_SOFT_MS, hardDeadline: start + RUN_HARD_MS });
		} catch (error) {
			ctx.logger.warn(`Gmail push: Gmail failed; the cursor is kept and Pub/Sub will redeliver: ${redactSecrets(String((error as Error)?.message ?? error))}`);
			return answer(ctx, 503, { error: 'Gmail could not be read; redeliver later' });
		}
		mirror.cursor = result.cursor;
		mirror.readAt = start;
		state[CURSOR_KEY] = result.cursor as unknown as IDataObject;
		run.markHandled();
		// Read and released in one step: a push that noted a history id before this point is answered.
		const next = continuationHistoryId(mirror, result.cursor, result.hasMore, start);
		release();
		for (const warning of result.stats.warnings ?? []) ctx.logger.warn(`Gmail push: ${warning}`);
		if (result.stats.error) ctx.logger.warn(`Gmail push stopped early; the rest follows: ${result.stats.error}`);
		if (next) await publishNotification(ctx, mirror, run.settings, { emailAddress: result.cursor.account, historyId: next }, 'continuation');
		if (result.activities.length === 0) return answer(ctx, 204);
		answer(ctx, 200, { activities: result.activities.length });
		return { noWebhookResponse: true, workflowData: [result.activities.map((a) => ({ json: a as unknown as IDataObject }))] };
	} finally {
		release();
	}
}
