// Reading a Gmail API message (format=full or metadata): headers by name and bodies decoded to
// text and html: the one header lookup and body walker of the package. Pure: no n8n imports.
import type { GmailHeader, GmailMessagePart } from './types';

export interface GmailAttachmentInfo {
	partId: string | null;
	filename: string;
	mimeType: string;
	size: number;
	attachmentId: string | null;
}

export interface DecodedBodies {
	text?: string;
	html?: string;
	attachments: GmailAttachmentInfo[];
}

/** The value of the first header called `name` (case-insensitive), or undefined. */
export function headerValue(headers: GmailHeader[] | null | undefined, name: string): string | undefined {
	const lower = name.toLowerCase();
	const found = (headers ?? []).find((h) => (h.name ?? '').toLowerCase() === lower);
	return found?.value ?? undefined;
}

/** All headers as an object, lower-cased names; repeated headers keep the first value. */
export function headersObject(headers: GmailHeader[] | null | undefined): Record<string, string> {
	const out: Record<string, string> = {};
	for (const h of headers ?? []) {
		const name = (h.name ?? '').toLowerCase();
		if (name && out[name] === undefined) out[name] = h.value ?? '';
	}
	return out;
}

function decodeData(data: string): string {
	return Buffer.from(data, 'base64url').toString('utf8');
}

function isAttachment(part: GmailMessagePart): boolean {
	if (part.filename) return true;
	const disposition = headerValue(part.headers, 'content-disposition') ?? '';
	return /^\s*attachment/i.test(disposition);
}

/** Walks the MIME tree: the first text/plain and text/html bodies that are not attachments, and the attachments. */
export function decodeBodies(payload: GmailMessagePart | null | undefined): DecodedBodies {
	const result: DecodedBodies = { attachments: [] };
	const walk = (part: GmailMessagePart) => {
		const type = (part.mimeType ?? '').toLowerCase();
		if (isAttachment(part)) {
			result.attachments.push({
				partId: part.partId ?? null,
				filename: part.filename ?? '',
				mimeType: part.mimeType ?? 'application/octet-stream',
				size: part.body?.size ?? 0,
				attachmentId: part.body?.attachmentId ?? null,
			});
			return;
		}
		if (type === 'text/plain' && result.text === undefined && part.body?.data) result.text = decodeData(part.body.data);
		else if (type === 'text/html' && result.html === undefined && part.body?.data) result.html = decodeData(part.body.data);
		for (const child of part.parts ?? []) walk(child);
	};
	if (payload) walk(payload);
	return result;
}
