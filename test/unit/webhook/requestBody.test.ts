// The trigger's body reader: the limit applies while reading (a chunked body is abandoned at the
// first chunk past it, nothing more is buffered), and compressed bodies are refused before any
// inflation (n8n's own readRawBody would inflate gzip up to N8N_PAYLOAD_SIZE_MAX first).
import { PassThrough } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { readBody, type ReadableRequest } from '../../../nodes/shared/webhook/requestBody';

function streamingRequest(headers: Record<string, string> = {}) {
	const stream = new PassThrough();
	const req = Object.assign(stream, { headers }) as unknown as PassThrough & ReadableRequest;
	return { req, stream };
}

describe('readBody', () => {
	test('a chunked body past the limit: 413 after reading at most one chunk beyond it, while the sender still has megabytes to send', async () => {
		const { req, stream } = streamingRequest({ 'transfer-encoding': 'chunked' });
		let written = 0;
		const chunk = Buffer.alloc(16 * 1024, 0x61);
		const pending = readBody(req, 256 * 1024);
		// The sender offers 10 MB; the reader must stop long before.
		while (written < 10 * 1024 * 1024) {
			if (!stream.write(chunk)) await new Promise((r) => setImmediate(r));
			written += chunk.length;
			if (stream.isPaused()) break;
		}
		const result = await pending;
		expect(result).toEqual({ ok: false, status: 413, error: 'The body is larger than 262144 bytes' });
		expect(written).toBeLessThan(512 * 1024);
		expect(req.rawBody).toBeUndefined();
	});

	test('a body within the limit is read whole and kept as rawBody (so n8n does not read it again)', async () => {
		const { req, stream } = streamingRequest();
		const pending = readBody(req, 1024);
		stream.write('{"lead_id":');
		stream.end('"L-1"}');
		const result = await pending;
		expect(result).toEqual({ ok: true, body: Buffer.from('{"lead_id":"L-1"}') });
		expect(req.rawBody).toEqual(Buffer.from('{"lead_id":"L-1"}'));
	});

	test('gzip, deflate and br bodies are refused with 415 without reading a byte', async () => {
		for (const encoding of ['gzip', 'deflate', 'br', 'GZIP', 'identity, gzip']) {
			const { req, stream } = streamingRequest({ 'content-encoding': encoding });
			stream.write(gzipSync(Buffer.alloc(1024 * 1024)));
			const result = await readBody(req, 256 * 1024);
			expect({ encoding, status: result.ok ? 200 : result.status }).toEqual({ encoding, status: 415 });
			expect(stream.readableLength).toBeGreaterThan(0); // nothing was consumed
		}
	});

	test('an already read body (n8n or a harness set rawBody) is checked against the limit', async () => {
		expect(await readBody({ headers: {}, rawBody: Buffer.alloc(10) }, 10)).toEqual({ ok: true, body: Buffer.alloc(10) });
		expect(await readBody({ headers: {}, rawBody: Buffer.alloc(11) }, 10)).toMatchObject({ ok: false, status: 413 });
	});
});
