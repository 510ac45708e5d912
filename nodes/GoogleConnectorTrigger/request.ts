// Reading a request: headers, query values and the raw body (parsed here, never n8n's pre-parsed body).
import type { IDataObject } from 'n8n-workflow';
import { PayloadError, parseForm, parseJsonObject } from '../shared/webhook/payloads';
import type { Headers } from './delivery';

export function header(headers: Headers, name: string): string | undefined {
	const v = headers[name.toLowerCase()];
	return Array.isArray(v) ? v[0] : v;
}

export function queryValue(query: IDataObject, name: string): string | undefined {
	const v = query[name];
	if (Array.isArray(v)) return typeof v[0] === 'string' ? v[0] : undefined;
	return typeof v === 'string' ? v : undefined;
}

export function bodyText(raw: Buffer): string {
	const text = raw.toString('utf8');
	return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function contentType(headers: Headers): string {
	return (header(headers, 'content-type') ?? '').split(';')[0].trim().toLowerCase();
}

/** JSON or form body as an object. */
export function objectBody(raw: Buffer, headers: Headers): IDataObject {
	const type = contentType(headers);
	const text = bodyText(raw);
	if (type === 'application/x-www-form-urlencoded') return parseForm(text) as IDataObject;
	if (text.trim() === '') throw new PayloadError('The body is empty');
	return parseJsonObject(text) as IDataObject;
}

/** Pub/Sub push envelope → the message's JSON payload. */
export function unwrapPubSub(body: IDataObject): { payload: IDataObject; messageId?: string } {
	const message = body.message as IDataObject | undefined;
	if (!message || typeof message !== 'object' || typeof body.subscription !== 'string') return { payload: body };
	const data = typeof message.data === 'string' ? Buffer.from(message.data, 'base64').toString('utf8') : '{}';
	const payload = parseJsonObject(data) as IDataObject;
	return { payload, messageId: typeof message.messageId === 'string' ? message.messageId : undefined };
}

export function omit(obj: IDataObject, keys: string[]): IDataObject {
	const out: IDataObject = {};
	for (const [k, v] of Object.entries(obj)) if (!keys.includes(k)) out[k] = v;
	return out;
}
