// Sender checks for the webhook trigger: WebSub X-Hub-Signature (HMAC of the raw body), shared
// secrets compared in constant time, per-topic WebSub secrets and verify tokens derived from one
// key (so a renew run in another workflow subscribes with the very secret the trigger checks).
// Pure: node:crypto only.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** Constant-time equality of two strings (compares fixed-length digests, so lengths leak nothing). */
export function safeEqual(a: string, b: string): boolean {
	const da = createHash('sha256').update(a, 'utf8').digest();
	const db = createHash('sha256').update(b, 'utf8').digest();
	return timingSafeEqual(da, db) && a.length === b.length;
}

/**
 * Checks `X-Hub-Signature: sha1=<hex>` (also sha256/sha384/sha512, which WebSub allows) against the
 * HMAC of the raw body with the subscription's secret.
 */
export function hubSignatureValid(rawBody: Buffer, secret: string, header: string | string[] | undefined): boolean {
	if (!secret) return false;
	const value = Array.isArray(header) ? header[0] : header;
	if (typeof value !== 'string') return false;
	const m = /^(sha1|sha256|sha384|sha512)=([0-9a-fA-F]+)$/.exec(value.trim());
	if (!m) return false;
	const expected = createHmac(m[1], secret).update(rawBody).digest();
	const given = Buffer.from(m[2], 'hex');
	if (given.length !== expected.length) return false;
	return timingSafeEqual(given, expected);
}

export function hubSignature(rawBody: Buffer | string, secret: string, algorithm: 'sha1' | 'sha256' = 'sha1'): string {
	return `${algorithm}=${createHmac(algorithm, secret).update(rawBody).digest('hex')}`;
}

/** The WebSub secret for one topic, derived from the push key (hex, 40 chars: the hub accepts < 200 bytes). */
export function deriveTopicSecret(pushKey: string, topic: string): string {
	return createHmac('sha256', pushKey).update(`websub-secret|${topic}`).digest('hex').slice(0, 40);
}

/**
 * The proof a push callback URL carries for one topic: stable (the hub knows a subscription by callback
 * and topic, so renewals must send the same URL), and only the holder of the push key can make it.
 */
export function callbackProof(pushKey: string, topic: string): string {
	return createHmac('sha256', pushKey).update(`websub-callback|${topic}`).digest('base64url').slice(0, 32);
}

/** Whether a callback proof received in a verification is this push key's for this topic. */
export function callbackProofValid(pushKey: string, proof: string | undefined, topic: string): boolean {
	if (!pushKey || typeof proof !== 'string' || !/^[A-Za-z0-9_-]{32}$/.test(proof)) return false;
	return safeEqual(callbackProof(pushKey, topic), proof);
}

/** A hub.verify_token proving that the holder of the push key asked for `mode` on `topic` at `issuedAt`. */
export function makeVerifyToken(pushKey: string, mode: string, topic: string, issuedAtSeconds: number): string {
	const mac = createHmac('sha256', pushKey).update(`websub-verify|${mode}|${topic}|${issuedAtSeconds}`).digest('base64url');
	return `${issuedAtSeconds}.${mac}`;
}

/** Whether a verify token echoed by the hub is ours, for this mode and topic, and not older than maxAgeSeconds. */
export function verifyTokenValid(pushKey: string, token: string | undefined, mode: string, topic: string, nowSeconds: number, maxAgeSeconds = 3600): boolean {
	if (!pushKey || typeof token !== 'string') return false;
	const m = /^(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token);
	if (!m) return false;
	const issuedAt = Number(m[1]);
	if (issuedAt > nowSeconds + 300 || nowSeconds - issuedAt > maxAgeSeconds) return false;
	return safeEqual(makeVerifyToken(pushKey, mode, topic, issuedAt), token);
}
