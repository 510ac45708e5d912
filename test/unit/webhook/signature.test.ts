import { createHmac } from 'node:crypto';
import {
	deriveTopicSecret,
	hubSignature,
	hubSignatureValid,
	makeVerifyToken,
	safeEqual,
	verifyTokenValid,
} from '../../../nodes/shared/webhook/signature';

const body = Buffer.from('<feed xmlns="http://www.w3.org/2005/Atom"><entry/></feed>');
const secret = 'a3f1c2d4e5b6a7980a1b2c3d4e5f60718293a4b5';

describe('X-Hub-Signature', () => {
	test('accepts the HMAC-SHA1 of the raw body (computed independently here)', () => {
		const header = `sha1=${createHmac('sha1', secret).update(body).digest('hex')}`;
		expect(hubSignature(body, secret)).toBe(header);
		expect(hubSignatureValid(body, secret, header)).toBe(true);
		expect(hubSignatureValid(body, secret, header.toUpperCase().replace('SHA1=', 'sha1='))).toBe(true);
		expect(hubSignatureValid(body, secret, [header])).toBe(true);
	});

	test('accepts sha256 too (WebSub allows it)', () => {
		expect(hubSignatureValid(body, secret, hubSignature(body, secret, 'sha256'))).toBe(true);
	});

	test.each([
		['missing header', undefined],
		['empty', ''],
		['no algorithm', createHmac('sha1', secret).update(body).digest('hex')],
		['unknown algorithm', `md5=${createHmac('md5', secret).update(body).digest('hex')}`],
		['other secret', `sha1=${createHmac('sha1', 'other').update(body).digest('hex')}`],
		['truncated', `sha1=${createHmac('sha1', secret).update(body).digest('hex').slice(0, 20)}`],
		['not hex', 'sha1=zzzz'],
		['signature of another body', `sha1=${createHmac('sha1', secret).update('x').digest('hex')}`],
	])('refuses %s', (_n, header) => {
		expect(hubSignatureValid(body, secret, header as string | undefined)).toBe(false);
	});

	test('one changed byte in the body fails', () => {
		const header = hubSignature(body, secret);
		const tampered = Buffer.from(body);
		tampered[10] ^= 1;
		expect(hubSignatureValid(tampered, secret, header)).toBe(false);
	});

	test('an empty secret never verifies', () => {
		expect(hubSignatureValid(body, '', `sha1=${createHmac('sha1', '').update(body).digest('hex')}`)).toBe(false);
	});
});

describe('safeEqual', () => {
	test('equal and unequal strings, including different lengths and prefixes', () => {
		expect(safeEqual('s3cret-value', 's3cret-value')).toBe(true);
		expect(safeEqual('s3cret-value', 's3cret-valuf')).toBe(false);
		expect(safeEqual('s3cret', 's3cret-value')).toBe(false);
		expect(safeEqual('', 'x')).toBe(false);
		expect(safeEqual('', '')).toBe(true);
	});
});

describe('derived secrets and verify tokens', () => {
	const key = 'push-key-0123456789abcdef';
	const topic = 'https://www.youtube.com/xml/feeds/videos.xml?channel_id=UC_x5XG1OV2P6uZZ5FSM9Ttw';
	test('the topic secret is stable per key and topic, different otherwise, and short enough for the hub', () => {
		const s = deriveTopicSecret(key, topic);
		expect(s).toBe(deriveTopicSecret(key, topic));
		expect(s).not.toBe(deriveTopicSecret(key, `${topic}x`));
		expect(s).not.toBe(deriveTopicSecret(`${key}x`, topic));
		expect(Buffer.byteLength(s)).toBeLessThan(200);
	});
	test('a verify token is bound to key, mode, topic and age', () => {
		const now = 1_800_000_000;
		const t = makeVerifyToken(key, 'subscribe', topic, now);
		expect(verifyTokenValid(key, t, 'subscribe', topic, now + 10)).toBe(true);
		expect(verifyTokenValid(key, t, 'unsubscribe', topic, now + 10)).toBe(false);
		expect(verifyTokenValid(key, t, 'subscribe', `${topic}x`, now + 10)).toBe(false);
		expect(verifyTokenValid('other-key-0123456789', t, 'subscribe', topic, now + 10)).toBe(false);
		expect(verifyTokenValid(key, t, 'subscribe', topic, now + 7200)).toBe(false);
		expect(verifyTokenValid(key, t, 'subscribe', topic, now - 3600)).toBe(false);
		expect(verifyTokenValid(key, undefined, 'subscribe', topic, now)).toBe(false);
		expect(verifyTokenValid('', t, 'subscribe', topic, now)).toBe(false);
		expect(verifyTokenValid(key, `${now}.${'A'.repeat(43)}`, 'subscribe', topic, now)).toBe(false);
	});
});
