// Google's batch HTTP format (multipart/mixed of application/http parts), as the Gmail batch endpoint
// takes it. Pure: no n8n imports.

export interface BatchPartRequest {
	/** Echoed back in the response part's Content-ID as <response-ID>. */
	id: string;
	method: string;
	/** Path and query, e.g. /gmail/v1/users/me/messages/ID?format=metadata */
	path: string;
}

export interface BatchPartResponse {
	status: number;
	body: unknown;
}

export function buildBatchBody(parts: BatchPartRequest[], boundary = `batch_${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`): { body: string; boundary: string } {
	const lines: string[] = [];
	for (const p of parts) {
		lines.push(`--${boundary}`, 'Content-Type: application/http', `Content-ID: <${p.id}>`, '', `${p.method} ${p.path}`, '');
	}
	lines.push(`--${boundary}--`, '');
	return { body: lines.join('\r\n'), boundary };
}

/** Parts of a batch response by the id given in the request (from Content-ID <response-ID>). */
export function parseBatchResponse(body: string, contentType: string): Map<string, BatchPartResponse> {
	const out = new Map<string, BatchPartResponse>();
	const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
	if (!boundary) return out;
	for (const chunk of body.split(`--${boundary}`)) {
		if (chunk.startsWith('--')) continue;
		const idMatch = /content-id:\s*<response-([^>]+)>/i.exec(chunk);
		const statusMatch = /HTTP\/[\d.]+\s+(\d{3})/.exec(chunk);
		if (!idMatch || !statusMatch) continue;
		const afterStatus = chunk.slice(statusMatch.index);
		const blank = afterStatus.search(/\r?\n\r?\n/);
		const text = blank < 0 ? '' : afterStatus.slice(blank).trim();
		let parsed: unknown = text;
		if (text) {
			try {
				parsed = JSON.parse(text);
			} catch {
				parsed = text;
			}
		}
		out.set(idMatch[1], { status: Number(statusMatch[1]), body: parsed });
	}
	return out;
}
