// The Google sandbox: one local HTTPS server that answers for Google's host names.
// Tests reach it at the real URLs through redirect-preload.js; every request is recorded so a
// test can assert what "Google" saw, and faults and latency can be injected per host or path.
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo, Socket } from 'node:net';

export const CERT_DIR = join(__dirname, 'certs');
export const CA_FILE = join(CERT_DIR, 'ca.pem');
export const PRELOAD_FILE = join(__dirname, 'redirect-preload.js');

export interface SandboxRequest {
	method: string;
	host: string;
	path: string;
	query: URLSearchParams;
	headers: Record<string, string | string[] | undefined>;
	rawBody: Buffer;
	/** Route parameters captured by the route pattern's named groups. */
	params: Record<string, string>;
	/** Extra values a route handler stores for the request log (e.g. parsed MIME). */
	annotations: Record<string, unknown>;
	text(): string;
	json<T = any>(): T;
	form(): URLSearchParams;
	bearer(): string | undefined;
}

export interface SandboxResponse {
	status: number;
	headers?: Record<string, string>;
	body?: unknown;
}

export type Handler = (req: SandboxRequest) => SandboxResponse | Promise<SandboxResponse>;

export interface Route {
	method: string | string[];
	host: string | RegExp;
	path: RegExp;
	handler: Handler;
}

export interface RecordedRequest {
	method: string;
	host: string;
	path: string;
	query: Record<string, string | string[]>;
	headers: Record<string, string | string[] | undefined>;
	body: string;
	status: number;
	responseBody: string;
	annotations: Record<string, unknown>;
	at: number;
}

/** A fault rule. `when: 'before'` refuses the call unperformed; `when: 'after'` performs it, then fails
 * (the case where a non-idempotent call reached Google but the client saw an error). */
export interface FaultRule {
	host?: string | RegExp;
	pathIncludes?: string;
	method?: string;
	/** Probability per matching request, 0..1 (deterministic PRNG). */
	rate?: number;
	/** How many matching requests to fail, then the rule is spent. */
	count?: number;
	status?: number;
	/** Pick statuses round-robin (e.g. [429, 503]). */
	statuses?: number[];
	body?: unknown;
	retryAfterSeconds?: number;
	when?: 'before' | 'after';
	/** Drop the connection instead of answering. */
	reset?: boolean;
	latencyMs?: number;
}

export class SandboxError extends Error {
	constructor(
		readonly status: number,
		readonly body: unknown,
		readonly headers: Record<string, string> = {},
	) {
		super(typeof body === 'string' ? body : JSON.stringify(body));
	}
}

/** Google's common JSON error body for the API surfaces (Gmail, YouTube, userinfo…). */
export function googleError(
	status: number,
	message: string,
	reason: string,
	extra: { statusText?: string; domain?: string; details?: unknown[]; headers?: Record<string, string> } = {},
): SandboxError {
	const statusText =
		extra.statusText ??
		({ 400: 'INVALID_ARGUMENT', 401: 'UNAUTHENTICATED', 403: 'PERMISSION_DENIED', 404: 'NOT_FOUND', 429: 'RESOURCE_EXHAUSTED', 500: 'INTERNAL', 503: 'UNAVAILABLE' } as Record<number, string>)[status] ??
		'UNKNOWN';
	return new SandboxError(
		status,
		{
			error: {
				code: status,
				message,
				errors: [{ message, domain: extra.domain ?? 'global', reason }],
				status: statusText,
				...(extra.details ? { details: extra.details } : {}),
			},
		},
		extra.headers,
	);
}

/** A small seeded PRNG (mulberry32): repeatable fault injection and test data. */
export function seededRandom(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

function matchesHost(pattern: string | RegExp | undefined, host: string) {
	if (pattern === undefined) return true;
	return typeof pattern === 'string' ? pattern === host : pattern.test(host);
}

export class GoogleSandbox {
	readonly routes: Route[] = [];
	readonly requests: RecordedRequest[] = [];
	faults: FaultRule[] = [];
	/** Set false to stop recording (large benchmarks). */
	recordRequests = true;
	/** Called once a response has been handed to the socket (e.g. to crash the caller right after it). */
	onServed?: (req: SandboxRequest, status: number) => void;
	/** Max request body accepted (Gmail's 35 MB raw limit needs more than the default). */
	maxBodyBytes = 60 * 1024 * 1024;
	/** Uniform latency added to every request. */
	latencyMs = 0;
	random: () => number;
	private server?: Server;
	private sockets = new Set<Socket>();
	private roundRobin = 0;
	port = 0;

	constructor(seed = 42) {
		this.random = seededRandom(seed);
	}

	route(method: string | string[], host: string | RegExp, path: RegExp, handler: Handler): void {
		this.routes.push({ method, host, path, handler });
	}

	/** Requests whose host matches and whose path contains `pathIncludes`. */
	seen(host: string | RegExp, pathIncludes = '', method?: string): RecordedRequest[] {
		return this.requests.filter(
			(r) => matchesHost(host, r.host) && r.path.includes(pathIncludes) && (!method || r.method === method),
		);
	}

	clearRequests(): void {
		this.requests.length = 0;
	}

	async start(port = 0): Promise<this> {
		this.server = createServer(
			{ key: readFileSync(join(CERT_DIR, 'server-key.pem')), cert: readFileSync(join(CERT_DIR, 'server.pem')) },
			(req, res) => void this.dispatch(req, res),
		);
		this.server.on('connection', (socket: Socket) => {
			this.sockets.add(socket);
			socket.on('close', () => this.sockets.delete(socket));
		});
		this.server.keepAliveTimeout = 1000;
		await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
		this.port = (this.server.address() as AddressInfo).port;
		return this;
	}

	/** Points this process's Google connections at the sandbox (the preload reads the variable). */
	useInThisProcess(): this {
		process.env.GOOGLE_SANDBOX_PORT = String(this.port);
		(require(PRELOAD_FILE) as { useSandboxPort(port: number): void }).useSandboxPort(this.port);
		return this;
	}

	/** Environment for a child process (a real n8n) that must talk to this sandbox. */
	childEnv(): Record<string, string> {
		const existing = process.env.NODE_OPTIONS ? `${process.env.NODE_OPTIONS} ` : '';
		return {
			GOOGLE_SANDBOX_PORT: String(this.port),
			NODE_EXTRA_CA_CERTS: CA_FILE,
			NODE_OPTIONS: `${existing}--require ${PRELOAD_FILE}`,
		};
	}

	async close(): Promise<void> {
		if (!this.server) return;
		(require(PRELOAD_FILE) as { releaseSandboxPort(port: number): void }).releaseSandboxPort(this.port);
		for (const socket of this.sockets) socket.destroy();
		await new Promise<void>((resolve) => this.server!.close(() => resolve()));
		this.server = undefined;
	}

	/** The fault rule that applies to this request, if any (also used for the parts of a batch). */
	pickFault(req: Pick<SandboxRequest, 'host' | 'path' | 'method'>): FaultRule | undefined {
		for (const rule of this.faults) {
			if (!matchesHost(rule.host, req.host)) continue;
			if (rule.pathIncludes && !req.path.includes(rule.pathIncludes)) continue;
			if (rule.method && rule.method !== req.method) continue;
			if (rule.count !== undefined) {
				if (rule.count <= 0) continue;
				rule.count--;
				return rule;
			}
			if (rule.rate !== undefined && this.random() < rule.rate) return rule;
		}
		return undefined;
	}

	/** The answer an injected fault gives (Google's error shape for the status, Retry-After if set). */
	faultResponse(rule: FaultRule): SandboxResponse {
		const status = rule.statuses ? rule.statuses[this.roundRobin++ % rule.statuses.length] : (rule.status ?? 503);
		const headers: Record<string, string> = {};
		if (rule.retryAfterSeconds !== undefined) headers['retry-after'] = String(rule.retryAfterSeconds);
		if (rule.body !== undefined) return { status, headers, body: rule.body };
		const err =
			status === 429
				? googleError(429, 'Too many concurrent requests for user.', 'rateLimitExceeded', { domain: 'usageLimits' })
				: status === 403
					? googleError(403, 'User Rate Limit Exceeded', 'userRateLimitExceeded', { domain: 'usageLimits' })
					: status === 404
						? googleError(404, 'Requested entity was not found.', 'notFound')
						: status === 400
							? googleError(400, 'Invalid request.', 'invalidArgument')
							: googleError(status, 'The service is currently unavailable.', 'backendError');
		return { status, headers, body: err.body };
	}

	private async dispatch(req: IncomingMessage, res: ServerResponse) {
		const chunks: Buffer[] = [];
		let size = 0;
		let tooLarge = false;
		req.on('data', (c: Buffer) => {
			size += c.length;
			if (size > this.maxBodyBytes) tooLarge = true;
			else chunks.push(c);
		});
		await new Promise((resolve) => req.on('end', resolve));
		const url = new URL(req.url ?? '/', 'https://sandbox');
		const host = String(req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
		const rawBody = Buffer.concat(chunks);
		const sreq: SandboxRequest = {
			method: req.method ?? 'GET',
			host,
			path: url.pathname,
			query: url.searchParams,
			headers: req.headers,
			rawBody,
			params: {},
			annotations: {},
			text: () => rawBody.toString('utf8'),
			json: () => JSON.parse(rawBody.toString('utf8') || 'null'),
			form: () => new URLSearchParams(rawBody.toString('utf8')),
			bearer: () => {
				const h = req.headers.authorization;
				return typeof h === 'string' && /^bearer /i.test(h) ? h.slice(7).trim() : undefined;
			},
		};

		let response: SandboxResponse;
		const fault = this.pickFault(sreq);
		const delay = this.latencyMs + (fault?.latencyMs ?? 0);
		if (delay > 0) await new Promise((r) => setTimeout(r, delay));
		if (fault?.reset && fault.when !== 'after') {
			this.record(sreq, 0, '');
			req.socket.destroy();
			return;
		}
		if (tooLarge) {
			response = { status: 413, body: googleError(413, 'Request Entity Too Large', 'uploadTooLarge').body };
		} else if (fault && fault.when !== 'after') {
			response = this.faultResponse(fault);
		} else {
			response = await this.handle(sreq);
			if (fault) {
				if (fault.reset) {
					this.record(sreq, 0, '');
					req.socket.destroy();
					return;
				}
				response = this.faultResponse(fault);
			}
		}
		const isBuffer = Buffer.isBuffer(response.body);
		const payload = isBuffer
			? (response.body as Buffer)
			: typeof response.body === 'string'
				? response.body
				: response.body === undefined
					? ''
					: JSON.stringify(response.body);
		const headers: Record<string, string> = { ...(response.headers ?? {}) };
		if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type') && payload !== '') {
			headers['content-type'] =
				typeof response.body === 'string' || isBuffer ? 'text/plain; charset=utf-8' : 'application/json; charset=UTF-8';
		}
		this.record(sreq, response.status, isBuffer ? '<binary>' : (payload as string));
		res.writeHead(response.status, headers);
		res.end(payload);
		this.onServed?.(sreq, response.status);
	}

	private async handle(sreq: SandboxRequest): Promise<SandboxResponse> {
		for (const route of this.routes) {
			const methods = Array.isArray(route.method) ? route.method : [route.method];
			if (!methods.includes(sreq.method) && !methods.includes('*')) continue;
			if (!matchesHost(route.host, sreq.host)) continue;
			const m = route.path.exec(sreq.path);
			if (!m) continue;
			sreq.params = { ...(m.groups ?? {}) };
			try {
				return await route.handler(sreq);
			} catch (error) {
				if (error instanceof SandboxError) return { status: error.status, headers: error.headers, body: error.body };
				return {
					status: 500,
					body: googleError(500, `sandbox handler failed: ${(error as Error).message}`, 'backendError').body,
				};
			}
		}
		return {
			status: 404,
			body: googleError(404, `The sandbox has no route for ${sreq.method} ${sreq.host}${sreq.path}`, 'notFound').body,
		};
	}

	private record(sreq: SandboxRequest, status: number, responseBody: string) {
		if (!this.recordRequests) return;
		const query: Record<string, string | string[]> = {};
		for (const key of new Set(sreq.query.keys())) {
			const all = sreq.query.getAll(key);
			query[key] = all.length > 1 ? all : all[0];
		}
		this.requests.push({
			method: sreq.method,
			host: sreq.host,
			path: sreq.path,
			query,
			headers: sreq.headers,
			body: sreq.rawBody.length > 2_000_000 ? `<${sreq.rawBody.length} bytes>` : sreq.text(),
			status,
			responseBody: responseBody.length > 200_000 ? responseBody.slice(0, 200_000) : responseBody,
			annotations: sreq.annotations,
			at: Date.now(),
		});
	}
}
