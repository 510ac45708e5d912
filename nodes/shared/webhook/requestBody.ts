// Reads a webhook request's body with the limit applied while reading. n8n leaves the body of this
// trigger unread (its `options.binaryData` makes n8n skip its body parser) and offers `readRawBody()`,
// which inflates gzip/deflate up to N8N_PAYLOAD_SIZE_MAX (16 MB) before any limit of ours could
// apply. So compressed bodies are refused up front (Google's senders do not compress), and plain or
// chunked ones are read here and abandoned at the first byte past the limit. Pure: no n8n imports.

export type BodyResult = { ok: true; body: Buffer } | { ok: false; status: 400 | 413 | 415; error: string };

export interface ReadableRequest {
	headers: Record<string, string | string[] | undefined>;
	/** Set when something already read the body (n8n, or a test harness). */
	rawBody?: unknown;
	readableEnded?: boolean;
	on?(event: string, listener: (...args: unknown[]) => void): unknown;
	removeListener?(event: string, listener: (...args: unknown[]) => void): unknown;
	pause?(): unknown;
}

function encodingOf(req: ReadableRequest): string {
	const v = req.headers['content-encoding'];
	return (Array.isArray(v) ? v.join(',') : (v ?? '')).trim().toLowerCase();
}

export async function readBody(req: ReadableRequest, maxBytes: number): Promise<BodyResult> {
	const encoding = encodingOf(req);
	if (encoding !== '' && encoding !== 'identity') return { ok: false, status: 415, error: `Content-Encoding "${encoding.slice(0, 32)}" is not accepted; send the body uncompressed` };
	if (Buffer.isBuffer(req.rawBody)) {
		return req.rawBody.length > maxBytes ? { ok: false, status: 413, error: `The body is larger than ${maxBytes} bytes` } : { ok: true, body: req.rawBody };
	}
	if (typeof req.on !== 'function' || req.readableEnded) return { ok: true, body: Buffer.alloc(0) };
	const result = await new Promise<BodyResult>((resolve) => {
		const chunks: Buffer[] = [];
		let size = 0;
		const done = (r: BodyResult) => {
			req.removeListener?.('data', onData);
			req.removeListener?.('end', onEnd);
			req.removeListener?.('error', onError);
			resolve(r);
		};
		const onData = (chunk: unknown) => {
			const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
			size += b.length;
			if (size > maxBytes) {
				// Stop reading: the rest is never buffered; the answer closes the connection.
				req.pause?.();
				done({ ok: false, status: 413, error: `The body is larger than ${maxBytes} bytes` });
				return;
			}
			chunks.push(b);
		};
		const onEnd = () => done({ ok: true, body: Buffer.concat(chunks, size) });
		const onError = () => done({ ok: false, status: 400, error: 'The body could not be read' });
		req.on!('data', onData);
		req.on!('end', onEnd);
		req.on!('error', onError);
	});
	// n8n's readRawBody() must not try to read the stream again.
	if (result.ok) req.rawBody = result.body;
	return result;
}
