// Ring 1: the pure pieces of the Gmail Push Trigger (envelope, notification, history-id order, the
// per-process mirror and the per-node lock, the push token check).
import { createSign, generateKeyPairSync } from 'node:crypto';
import { decodeGmailNotification, notificationText, parsePushEnvelope, sameMailbox } from '../../../nodes/shared/gmail/push/envelope';
import { DROP_WINDOW_MS, MAX_WINDOW_WAIT_MS, publishTimeMs, readAfterWindow, readNotBefore } from '../../../nodes/shared/gmail/push/dropWindow';
import { compareHistoryIds, coveredBy, maxHistoryId } from '../../../nodes/shared/gmail/push/historyOrder';
import {
	HANDLED_MESSAGES_LIMIT,
	continuationHistoryId,
	forgetPushMirrors,
	newestCursor,
	newestReadAt,
	noteReadAfter,
	noteWanted,
	pushMirror,
	recordHandled,
	wasHandled,
} from '../../../nodes/shared/gmail/push/mirror';
import { KeyedMutex } from '../../../nodes/shared/gmail/push/mutex';
import { bearerToken, checkPushToken } from '../../../nodes/shared/gmail/push/pushAuth';
import { newCursor } from '../../../nodes/shared/gmail/sync/cursor';

const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64');

describe('push envelope', () => {
	const body = { message: { data: b64({ emailAddress: 'rep@acme.test', historyId: 1234 }), messageId: '99', publishTime: '2026-12-02T02:00:00Z', attributes: { a: 'b', n: 3 } }, subscription: 'projects/p/subscriptions/s' };

	test('reads a Pub/Sub push (object, string or Buffer)', () => {
		for (const input of [body, JSON.stringify(body), Buffer.from(JSON.stringify(body))]) {
			const r = parsePushEnvelope(input);
			expect(r).toEqual({ ok: true, value: { messageId: '99', publishTime: '2026-12-02T02:00:00Z', subscription: 'projects/p/subscriptions/s', data: body.message.data, attributes: { a: 'b' } } });
		}
	});

	test('takes the older snake_case spelling too', () => {
		const r = parsePushEnvelope({ message: { data: 'e30=', message_id: '7', publish_time: 't' } });
		expect(r.ok && r.value.messageId).toBe('7');
		expect(r.ok && r.value.publishTime).toBe('t');
	});

	test.each([
		['not json', '{', /not JSON/],
		['an array', [], /not a JSON object/],
		['no message', {}, /no "message"/],
		['no message id', { message: { data: 'e30=' } }, /messageId is missing/],
		['empty message id', { message: { data: 'e30=', messageId: ' ' } }, /messageId is missing/],
		['no data', { message: { messageId: '1' } }, /message.data is missing/],
	])('refuses %s, naming the field', (_what, input, error) => {
		const r = parsePushEnvelope(input);
		expect(r.ok).toBe(false);
		expect(!r.ok && r.error).toMatch(error);
	});
});

describe('Gmail notification', () => {
	test('decodes a number or a string history id, base64 or base64url', () => {
		expect(decodeGmailNotification(b64({ emailAddress: 'a@b.test', historyId: 42 }))).toEqual({ ok: true, value: { emailAddress: 'a@b.test', historyId: '42' } });
		const big = Buffer.from(JSON.stringify({ emailAddress: 'a@b.test', historyId: '18446744073709551615' })).toString('base64url');
		expect(decodeGmailNotification(big)).toEqual({ ok: true, value: { emailAddress: 'a@b.test', historyId: '18446744073709551615' } });
	});

	test.each([
		['not base64', '***', /not base64/],
		['not JSON', b64('hello'), /not base64 of JSON/],
		['an array', b64([1]), /not a JSON object/],
		['no address', b64({ historyId: 1 }), /no emailAddress/],
		['no history id', b64({ emailAddress: 'a@b.test' }), /no valid historyId/],
		['a negative history id', b64({ emailAddress: 'a@b.test', historyId: -3 }), /no valid historyId/],
		['a fractional history id', b64({ emailAddress: 'a@b.test', historyId: 1.5 }), /no valid historyId/],
		['an unsafe number', b64({ emailAddress: 'a@b.test', historyId: 2 ** 60 }), /no valid historyId/],
		['a non-numeric string', b64({ emailAddress: 'a@b.test', historyId: '12a' }), /no valid historyId/],
	])('refuses %s', (_what, data, error) => {
		const r = decodeGmailNotification(data);
		expect(!r.ok && r.error).toMatch(error);
	});

	test('the continuation text round-trips through the decoder', () => {
		const text = notificationText({ emailAddress: 'a@b.test', historyId: '77' });
		expect(decodeGmailNotification(Buffer.from(text).toString('base64'))).toEqual({ ok: true, value: { emailAddress: 'a@b.test', historyId: '77' } });
	});

	test('mailboxes compare without case', () => {
		expect(sameMailbox('Rep@Acme.test ', 'rep@acme.test')).toBe(true);
		expect(sameMailbox('rep@acme.test', 'other@acme.test')).toBe(false);
	});
});

describe('history id order', () => {
	test('compares as integers, also above 2^53', () => {
		expect(compareHistoryIds('9', '10')).toBe(-1);
		expect(compareHistoryIds('10', '9')).toBe(1);
		expect(compareHistoryIds('9007199254740993', '9007199254740992')).toBe(1);
		expect(compareHistoryIds('5', '5')).toBe(0);
		expect(compareHistoryIds(undefined, '1')).toBe(-1);
		expect(compareHistoryIds('1', 'x')).toBe(1);
		expect(maxHistoryId('9', '10')).toBe('10');
		expect(maxHistoryId(undefined, '3')).toBe('3');
		expect(maxHistoryId('3', undefined)).toBe('3');
	});

	test('a notification at or below the cursor is covered, unless mail is pending', () => {
		const cursor = newCursor('a@b.test', '100', 0);
		expect(coveredBy('100', cursor)).toBe(true);
		expect(coveredBy('99', cursor)).toBe(true);
		expect(coveredBy('101', cursor)).toBe(false);
		expect(coveredBy('99', { ...cursor, pending: ['m1'] })).toBe(false);
		expect(coveredBy('1', undefined)).toBe(false);
	});
});

describe("Gmail's drop window", () => {
	const at = Date.parse('2026-12-02T05:00:00.000Z');
	const iso = (ms: number) => new Date(ms).toISOString();

	test("publishTime as Pub/Sub writes it (up to nanoseconds), or undefined", () => {
		expect(publishTimeMs('2026-12-02T05:00:00.123456789Z')).toBe(at + 123);
		expect(publishTimeMs('2026-12-02T05:00:00Z')).toBe(at);
		expect(publishTimeMs('2026-12-02T06:00:00.5+01:00')).toBe(at + 500);
		expect(publishTimeMs('yesterday')).toBeUndefined();
		expect(publishTimeMs(undefined)).toBeUndefined();
	});

	test('a fresh Gmail notification is read 1.1 s after it was published; an old one at once', () => {
		expect(DROP_WINDOW_MS).toBe(1100);
		// Arrived 40 ms after publishing: read from publish + 1.1 s (1.06 s from now).
		expect(readNotBefore(iso(at), at + 40, false)).toBe(at + 1100);
		// Redelivered a minute later: the window is long past.
		expect(readNotBefore(iso(at), at + 60_000, false)).toBe(at + 1100);
		expect(readNotBefore(iso(at), at + 60_000, false)).toBeLessThan(at + 60_000);
		// Google's clock ahead of ours by a minute: never more than 1.5 s from the arrival.
		expect(readNotBefore(iso(at + 60_000), at, false)).toBe(at + MAX_WINDOW_WAIT_MS);
		// No usable publishTime: counted from the arrival.
		expect(readNotBefore('not a time', at, false)).toBe(at + 1100);
		expect(readNotBefore(undefined, at, false)).toBe(at + 1100);
	});

	test("the trigger's own messages never wait, but need a read that started after they were published", () => {
		expect(readNotBefore(iso(at), at + 40, true)).toBe(at);
		expect(readNotBefore(iso(at + 5000), at, true)).toBe(at); // Google's clock ahead: still no wait
		expect(readNotBefore(undefined, at, true)).toBe(at);
	});

	test('a read covers a push when it started at or after the window end; an unknown read time leaves it to the id', () => {
		expect(readAfterWindow(at + 1100, at + 1100)).toBe(true);
		expect(readAfterWindow(at + 1099, at + 1100)).toBe(false);
		expect(readAfterWindow(undefined, at + 1100)).toBe(true);
	});
});

describe('push mirror', () => {
	beforeEach(() => forgetPushMirrors());

	test('the newest cursor wins; another mailbox or a non-cursor does not', () => {
		const stored = newCursor('rep@acme.test', '100', 0);
		const ahead = newCursor('rep@acme.test', '120', 0);
		expect(newestCursor(stored, ahead)).toBe(ahead);
		expect(newestCursor(ahead, stored)).toBe(ahead);
		expect(newestCursor(stored, undefined)).toBe(stored);
		expect(newestCursor({ v: 2 }, ahead)).toBe(ahead);
		expect(newestCursor(undefined, undefined)).toBeUndefined();
		expect(newestCursor(stored, newCursor('other@acme.test', '999', 0))).toBe(stored);
	});

	test('handled ids: the mirror catches what a concurrent save dropped, both bounded', () => {
		const m = pushMirror('wf:node');
		expect(pushMirror('wf:node')).toBe(m);
		expect(recordHandled(m, ['a'], 'b')).toEqual(['a', 'b']);
		// A later call loaded static data without 'b' (the other save lost): it is written back.
		expect(recordHandled(m, ['a'], 'c')).toEqual(['a', 'b', 'c']);
		expect(wasHandled(m, [], 'b')).toBe(true);
		expect(wasHandled(pushMirror('other'), ['x'], 'x')).toBe(true);
		expect(wasHandled(pushMirror('other'), ['x'], 'b')).toBe(false);
		let stored: string[] = [];
		for (let i = 0; i < HANDLED_MESSAGES_LIMIT + 10; i++) stored = recordHandled(m, stored, `id${i}`);
		expect(stored).toHaveLength(HANDLED_MESSAGES_LIMIT);
		expect(m.handled).toHaveLength(HANDLED_MESSAGES_LIMIT);
		expect(stored[stored.length - 1]).toBe(`id${HANDLED_MESSAGES_LIMIT + 9}`);
	});

	test('continuation: wanted above the cursor, or one above the cursor when more is waiting', () => {
		const m = pushMirror('k');
		const cursor = newCursor('a@b.test', '100', 0);
		expect(continuationHistoryId(m, cursor, false)).toBeUndefined();
		noteWanted(m, '150');
		noteWanted(m, '120');
		expect(m.wanted).toBe('150');
		expect(continuationHistoryId(m, cursor, false)).toBe('150');
		expect(m.wanted).toBeUndefined();
		noteWanted(m, '90');
		expect(continuationHistoryId(m, cursor, false)).toBeUndefined();
		expect(continuationHistoryId(m, cursor, true)).toBe('101');
		noteWanted(m, '300');
		expect(continuationHistoryId(m, cursor, true)).toBe('300');
		expect(continuationHistoryId(m, newCursor('a@b.test', '18446744073709551614', 0), true)).toBe('18446744073709551615');
	});

	test("continuation for a push that gave up on the lock after this run's read started: the cursor's own id (read once more, no loop)", () => {
		const m = pushMirror('k2');
		const cursor = newCursor('a@b.test', '100', 0);
		noteReadAfter(m, 5_000);
		noteReadAfter(m, 4_000);
		expect(m.wantedReadAfter).toBe(5_000);
		// The run read from 4,000: the push's window ended later, so one more read is needed.
		expect(continuationHistoryId(m, cursor, false, 4_000)).toBe('100');
		expect(m.wantedReadAfter).toBeUndefined();
		// The next run (the continuation) reads after it: nothing further.
		expect(continuationHistoryId(m, cursor, false, 6_000)).toBeUndefined();
		// A run that read after the window: nothing.
		noteReadAfter(m, 5_000);
		expect(continuationHistoryId(m, cursor, false, 5_000)).toBeUndefined();
		// Wanted ids above the cursor and more waiting still win.
		noteReadAfter(m, 5_000);
		noteWanted(m, '130');
		expect(continuationHistoryId(m, cursor, false, 4_000)).toBe('130');
		noteReadAfter(m, 5_000);
		expect(continuationHistoryId(m, cursor, true, 4_000)).toBe('101');
	});

	test('the newest read time: stored or mirrored, whichever is later; none known → undefined', () => {
		const m = pushMirror('k3');
		expect(newestReadAt(undefined, m)).toBeUndefined();
		expect(newestReadAt('soon', m)).toBeUndefined();
		expect(newestReadAt(10, m)).toBe(10);
		m.readAt = 20;
		expect(newestReadAt(10, m)).toBe(20);
		expect(newestReadAt(30, m)).toBe(30);
	});
});

describe('keyed mutex', () => {
	test('one holder per key; waiters in order; other keys free', async () => {
		const mutex = new KeyedMutex();
		const order: string[] = [];
		const first = mutex.tryAcquire('a');
		expect(first).toBeDefined();
		expect(mutex.tryAcquire('a')).toBeUndefined();
		expect(mutex.tryAcquire('b')).toBeDefined();
		const second = mutex.acquire('a').then((r) => {
			order.push('second');
			return r;
		});
		const third = mutex.acquire('a').then((r) => {
			order.push('third');
			return r;
		});
		await Promise.resolve();
		expect(order).toEqual([]);
		first!();
		first!(); // a second release is ignored
		const r2 = await second;
		expect(order).toEqual(['second']);
		expect(mutex.isHeld('a')).toBe(true);
		r2!();
		(await third)!();
		expect(order).toEqual(['second', 'third']);
		expect(mutex.isHeld('a')).toBe(false);
	});

	test('a waiter that gives up is skipped and never granted later', async () => {
		const mutex = new KeyedMutex();
		const holder = mutex.tryAcquire('k')!;
		let giveUp!: () => void;
		const gaveUp = mutex.acquire('k', new Promise<void>((r) => (giveUp = r)));
		const next = mutex.acquire('k');
		giveUp();
		expect(await gaveUp).toBeUndefined();
		holder();
		const release = await next;
		expect(release).toBeDefined();
		release!();
		expect(mutex.isHeld('k')).toBe(false);
	});

	test('giving up after the grant changes nothing', async () => {
		const mutex = new KeyedMutex();
		const holder = mutex.tryAcquire('k')!;
		let giveUp!: () => void;
		const waiting = mutex.acquire('k', new Promise<void>((r) => (giveUp = r)));
		holder();
		const release = await waiting;
		giveUp();
		await Promise.resolve();
		expect(release).toBeDefined();
		expect(mutex.isHeld('k')).toBe(true);
		release!();
		expect(mutex.isHeld('k')).toBe(false);
	});
});

describe('push token check', () => {
	// A key pair standing in for Google's, published as a JWKS.
	const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
	const jwks = { keys: [{ ...(publicKey.export({ format: 'jwk' }) as object), kid: 'k1', alg: 'RS256' }] } as never;
	const now = 1_800_000_000;
	const sign = (claims: Record<string, unknown>, header: Record<string, unknown> = {}) => {
		const h = Buffer.from(JSON.stringify({ alg: 'RS256', kid: 'k1', typ: 'JWT', ...header })).toString('base64url');
		const p = Buffer.from(JSON.stringify(claims)).toString('base64url');
		return `${h}.${p}.${createSign('RSA-SHA256').update(`${h}.${p}`).sign(privateKey).toString('base64url')}`;
	};
	const good = { iss: 'https://accounts.google.com', aud: 'https://n8n.acme.test/webhook/x/gmail-push', email: 'Push@P.iam.gserviceaccount.com', email_verified: true, iat: now, exp: now + 3600, sub: '1' };
	const expect_ = { audience: good.aud, serviceAccountEmail: 'push@p.iam.gserviceaccount.com', nowSeconds: now };

	test('a Google token for this audience and account passes (email compared without case)', () => {
		expect(checkPushToken(sign(good), jwks, expect_)).toEqual({ ok: true });
		expect(checkPushToken(sign({ ...good, iss: 'accounts.google.com', email_verified: 'true' }), jwks, expect_)).toEqual({ ok: true });
	});

	test.each([
		['no token', undefined, 401, /no bearer token/],
		['garbage', 'x.y.z', 401, /malformed/],
		['expired beyond the skew', sign({ ...good, exp: now - 301 }), 401, /expired/],
		['another issuer', sign({ ...good, iss: 'https://evil.test' }), 401, /wrong_issuer/],
		['another key id', sign(good, { kid: 'k2' }), 401, /unknown_key/],
		['another audience', sign({ ...good, aud: 'https://elsewhere.test' }), 403, /another audience/],
		['another account', sign({ ...good, email: 'x@p.iam.gserviceaccount.com' }), 403, /another service account/],
		['no email', sign({ ...good, email: undefined }), 403, /another service account/],
		['an unverified email', sign({ ...good, email_verified: false }), 403, /not verified/],
	])('%s → %i', (_what, token, status, reason) => {
		const r = checkPushToken(token as string | undefined, jwks, expect_);
		expect(r.ok).toBe(false);
		expect(!r.ok && r.status).toBe(status);
		expect(!r.ok && r.reason).toMatch(reason);
	});

	test('bearer header parsing', () => {
		expect(bearerToken('Bearer abc.def.ghi')).toBe('abc.def.ghi');
		expect(bearerToken(['bearer  t1 '])).toBe('t1');
		expect(bearerToken('Basic abc')).toBeUndefined();
		expect(bearerToken('Bearer a b')).toBeUndefined();
		expect(bearerToken(undefined)).toBeUndefined();
	});
});
