// One HTTPS call to the sandbox under a Google host name (no preload needed): for the sandbox's own tests.
import { request } from 'node:https';
import type { Sandbox } from '../sandbox';

export interface CallResult {
	status: number;
	body: any;
}

export function callSandbox(sandbox: Sandbox, token: string, method: string, host: string, path: string, body?: unknown): Promise<CallResult> {
	const payload = body === undefined ? undefined : JSON.stringify(body);
	return new Promise((resolve, reject) => {
		const req = request(
			{
				host: '127.0.0.1',
				port: sandbox.port,
				servername: host,
				method,
				path,
				headers: { host, authorization: `Bearer ${token}`, ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}) },
			},
			(res) => {
				const chunks: Buffer[] = [];
				res.on('data', (c: Buffer) => chunks.push(c));
				res.on('end', () => {
					const text = Buffer.concat(chunks).toString('utf8');
					resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined });
				});
			},
		);
		req.on('error', reject);
		if (payload) req.write(payload);
		req.end();
	});
}

export const PUBSUB_SCOPE = 'https://www.googleapis.com/auth/pubsub';
export const CLOUD_SCOPE = 'https://www.googleapis.com/auth/cloud-platform';
export const GMAIL_READ = 'https://www.googleapis.com/auth/gmail.readonly';

/** Pub/Sub and Gmail calls with one token. */
export function clients(sandbox: Sandbox, token: string) {
	return {
		pubsub: (method: string, path: string, body?: unknown) => callSandbox(sandbox, token, method, 'pubsub.googleapis.com', `/v1/${path}`, body),
		gmail: (method: string, path: string, body?: unknown) => callSandbox(sandbox, token, method, 'gmail.googleapis.com', `/gmail/v1/users/me/${path}`, body),
	};
}
