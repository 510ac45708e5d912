// Ring-2 harness: webhook calls (WebhookContext with a fake request and response) and the webhook
// lifecycle methods (checkExists / create / delete through HookContext).
import { HookContext, WebhookContext } from 'n8n-core';
import type {
	IDataObject,
	IHttpRequestMethods,
	INode,
	INodeExecutionData,
	IWebhookData,
	IWebhookDescription,
	IWebhookResponseData,
	IWorkflowExecuteAdditionalData,
	WorkflowActivateMode,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { UnexpectedError, Workflow } from 'n8n-workflow';
import { type AnyNodeType } from '../node-types';
import { ensureContainer, replaceContents, buildAdditionalData, helperFor, type SingleNodeOptions, singleNodeWorkflow, nodeBucket } from './common';

// ---------------------------------------------------------------------------------------------
// Webhooks

export interface HarnessRequest {
	method?: IHttpRequestMethods | string;
	query?: IDataObject;
	headers?: Record<string, string | string[]>;
	body?: unknown;
	rawBody?: Buffer | string;
	params?: Record<string, string>;
	/** Path after the webhook base, for getRequestObject().url. */
	path?: string;
}

/** An express-like response that records what the node wrote. */
export class FakeResponse {
	statusCode = 200;
	headers: Record<string, string | string[]> = {};
	chunks: unknown[] = [];
	ended = false;
	headersSent = false;

	status(code: number) {
		this.statusCode = code;
		return this;
	}
	sendStatus(code: number) {
		this.statusCode = code;
		return this.end();
	}
	setHeader(name: string, value: string | string[]) {
		this.headers[name.toLowerCase()] = value;
		return this;
	}
	header(name: string | Record<string, string>, value?: string) {
		if (typeof name === 'object') for (const [k, v] of Object.entries(name)) this.setHeader(k, v);
		else this.setHeader(name, value ?? '');
		return this;
	}
	set(name: string | Record<string, string>, value?: string) {
		return this.header(name, value);
	}
	getHeader(name: string) {
		return this.headers[name.toLowerCase()];
	}
	type(value: string) {
		return this.setHeader('content-type', value);
	}
	contentType(value: string) {
		return this.type(value);
	}
	writeHead(code: number, headers?: Record<string, string>) {
		this.statusCode = code;
		for (const [k, v] of Object.entries(headers ?? {})) this.setHeader(k, v);
		this.headersSent = true;
		return this;
	}
	write(chunk: unknown) {
		this.chunks.push(chunk);
		this.headersSent = true;
		return true;
	}
	json(body: unknown) {
		if (!this.getHeader('content-type')) this.setHeader('content-type', 'application/json');
		return this.send(JSON.stringify(body));
	}
	send(body?: unknown) {
		if (body !== undefined) this.chunks.push(body);
		return this.end();
	}
	end(chunk?: unknown) {
		if (chunk !== undefined) this.chunks.push(chunk);
		const first = !this.ended;
		this.ended = true;
		this.headersSent = true;
		if (first) for (const f of this.finishListeners.splice(0)) f();
		return this;
	}
	/** Only 'finish' is emitted (once the response ended, as Node's does); other events never fire. */
	private finishListeners: Array<() => void> = [];
	on(event?: string, listener?: () => void) {
		if (event === 'finish' && listener) this.finishListeners.push(listener);
		return this;
	}
	once(event?: string, listener?: () => void) {
		return this.on(event, listener);
	}
	/** The body as a string. */
	get body(): string {
		return this.chunks.map((c) => (Buffer.isBuffer(c) ? c.toString('utf8') : typeof c === 'string' ? c : JSON.stringify(c))).join('');
	}
}

function fakeRequest(r: HarnessRequest, webhookPath: string) {
	const headers: Record<string, string | string[]> = {};
	for (const [k, v] of Object.entries(r.headers ?? {})) headers[k.toLowerCase()] = v;
	const rawBody =
		r.rawBody === undefined
			? r.body === undefined
				? Buffer.alloc(0)
				: Buffer.from(typeof r.body === 'string' ? r.body : JSON.stringify(r.body))
			: Buffer.isBuffer(r.rawBody)
				? r.rawBody
				: Buffer.from(r.rawBody);
	const query = r.query ?? {};
	const pairs: Array<[string, string]> = Object.entries(query).flatMap(([k, v]) =>
		Array.isArray(v) ? v.map((x): [string, string] => [k, String(x)]) : [[k, String(v)] as [string, string]],
	);
	const qs = new URLSearchParams(pairs).toString();
	const path = `/webhook/${r.path ?? webhookPath}`;
	return {
		method: (r.method ?? 'POST').toUpperCase(),
		headers,
		query,
		params: r.params ?? {},
		body: r.body ?? {},
		rawBody,
		url: qs ? `${path}?${qs}` : path,
		originalUrl: qs ? `${path}?${qs}` : path,
		path,
		protocol: 'http',
		hostname: 'localhost',
		ip: '127.0.0.1',
		get(name: string) {
			return headers[name.toLowerCase()];
		},
		header(name: string) {
			return headers[name.toLowerCase()];
		},
		on() {
			return this;
		},
		once() {
			return this;
		},
	};
}

function webhookDataFor(
	workflow: Workflow,
	node: INode,
	description: IWebhookDescription,
	additionalData: IWorkflowExecuteAdditionalData,
	mode: WorkflowExecuteMode,
): IWebhookData {
	const resolve = <T>(v: unknown, fallback: T): T => {
		if (v === undefined) return fallback;
		const r = workflow.expression.getSimpleParameterValue(node, v as string, mode, {}, undefined, fallback as never);
		return (r ?? fallback) as T;
	};
	const path = String(resolve(description.path, ''));
	const isFullPath = resolve(description.isFullPath, false) as boolean;
	return {
		httpMethod: resolve(description.httpMethod, 'POST') as IHttpRequestMethods,
		node: node.name,
		path: isFullPath ? path : `${node.webhookId}/${path}`.replace(/\/$/, ''),
		webhookDescription: description,
		workflowId: workflow.id,
		workflowExecuteAdditionalData: additionalData,
		webhookId: node.webhookId,
	};
}

export interface WebhookCallOptions extends SingleNodeOptions {
	request: HarnessRequest;
	/** Which webhook of the node (its description.webhooks[].name), default 'default'. */
	webhookName?: string;
	/** 'webhook' (production URL; static data persisted after the call) or 'manual' (test URL). */
	mode?: 'webhook' | 'manual';
	/** n8n fails to store the run the node asked for (e.g. its database is busy): it answers 500 and saves no static data. */
	runFails?: boolean;
}

export interface WebhookCallResult {
	workflowData?: INodeExecutionData[][];
	webhookResponse?: unknown;
	noWebhookResponse?: boolean;
	/** What the caller would see: written by the node (noWebhookResponse) or n8n's default for onReceived. */
	responseStatus: number;
	responseBody: unknown;
	responseHeaders: Record<string, string | string[]>;
	response: FakeResponse;
	error?: Error;
	staticData: IDataObject;
	staticDataPersisted: boolean;
	log: string[];
}

/** Calls a trigger's `webhook()` with a real WebhookContext and a fake request/response. */
export async function webhookCall(nodeType: AnyNodeType, opts: WebhookCallOptions): Promise<WebhookCallResult> {
	const logger = ensureContainer();
	const logStart = logger.records.length;
	const mode = opts.mode ?? 'webhook';
	const staticData = opts.staticData ?? {};
	const credentialsHelper = helperFor(opts);
	const { workflow, node, concrete } = singleNodeWorkflow(nodeType, { ...opts, credentialsHelper }, staticData, mode === 'webhook');
	const description = (concrete.description.webhooks ?? []).find((w) => w.name === (opts.webhookName ?? 'default'));
	if (!description || !concrete.webhook) throw new UnexpectedError(`Node type has no webhook "${opts.webhookName ?? 'default'}"`);
	const response = new FakeResponse();
	const additionalData = buildAdditionalData({ credentialsHelper, workflowId: workflow.id });
	// Manual = a call to the test URL: n8n's test registration carries `isTest` (test-webhooks.js).
	const webhookData = { ...webhookDataFor(workflow, node, description, additionalData, mode), ...(mode === 'manual' ? { isTest: true } : {}) };
	const request = fakeRequest(opts.request, webhookData.path);
	additionalData.httpRequest = request as never;
	additionalData.httpResponse = response as never;
	const context = new WebhookContext(workflow, node, additionalData, mode, webhookData, [], null);

	let result: IWebhookResponseData | undefined;
	let error: Error | undefined;
	try {
		result = await concrete.webhook.call(context);
	} catch (e) {
		error = e as Error;
	}
	const runFailed = !error && opts.runFails === true && result?.workflowData !== undefined;
	const staticDataPersisted = mode === 'webhook' && !error && !runFailed && workflow.staticData.__dataChanged === true;
	if (staticDataPersisted) replaceContents(staticData, nodeBucket(workflow, node));

	let responseStatus = response.statusCode;
	let responseBody: unknown = response.body;
	if (error || runFailed) {
		responseStatus = 500;
		responseBody = { code: 0, message: error ? error.message : 'There was a problem executing the workflow' };
	} else if (!result?.noWebhookResponse && !response.ended) {
		// n8n 2.41 for responseMode "onReceived": 200 once the run is stored, with the node's webhookResponse
		// when the description's responseData is '' (as the trigger's), else a message.
		responseStatus = 200;
		responseBody = result?.webhookResponse ?? { message: 'Workflow was started' };
	}
	if (!response.ended) {
		response.statusCode = responseStatus;
		response.end(typeof responseBody === 'string' ? responseBody : JSON.stringify(responseBody));
	}
	return {
		workflowData: result?.workflowData,
		webhookResponse: result?.webhookResponse,
		noWebhookResponse: result?.noWebhookResponse,
		responseStatus,
		responseBody,
		responseHeaders: response.headers,
		response,
		error,
		staticData,
		staticDataPersisted,
		log: logger.linesSince(logStart),
	};
}

export interface WebhookLifecycleOptions extends SingleNodeOptions {
	webhookName?: string;
	/**
	 * The editor's test run (test-webhooks.js in n8n 2.41): the same methods on the test URL
	 * (`isTest`), checkExists/create in mode 'manual', delete in mode 'internal' as on unpublish.
	 */
	testWebhook?: boolean;
}

export interface WebhookLifecycleResult {
	existed?: boolean;
	created?: boolean;
	deleted?: boolean;
	webhookUrl: string;
	staticData: IDataObject;
	log: string[];
}

async function runWebhookMethods(
	nodeType: AnyNodeType,
	opts: WebhookLifecycleOptions,
	activation: WorkflowActivateMode,
	run: (methods: Record<string, (this: unknown) => Promise<boolean>>, ctx: HookContext) => Promise<Partial<WebhookLifecycleResult>>,
): Promise<WebhookLifecycleResult> {
	const logger = ensureContainer();
	const logStart = logger.records.length;
	const staticData = opts.staticData ?? {};
	const credentialsHelper = helperFor(opts);
	const { workflow, node, concrete } = singleNodeWorkflow(nodeType, { ...opts, credentialsHelper }, staticData, true);
	const name = opts.webhookName ?? 'default';
	const description = (concrete.description.webhooks ?? []).find((w) => w.name === name);
	const methods = (concrete.webhookMethods as Record<string, unknown> | undefined)?.[name] as unknown as Record<string, (this: unknown) => Promise<boolean>> | undefined;
	if (!description || !methods) throw new UnexpectedError(`Node type has no webhookMethods.${name}`);
	const additionalData = buildAdditionalData({ credentialsHelper, workflowId: workflow.id });
	const test = opts.testWebhook === true;
	const webhookData = { ...webhookDataFor(workflow, node, description, additionalData, test ? 'manual' : 'trigger'), ...(test ? { isTest: true } : {}) };
	const mode = test ? (activation === 'manual' ? 'manual' : 'internal') : 'trigger';
	const ctx = new HookContext(workflow, node, additionalData, mode, activation, webhookData);
	const partial = await run(methods, ctx);
	// The activator / deactivator saves the workflow's static data afterwards.
	if (workflow.staticData.__dataChanged === true) replaceContents(staticData, nodeBucket(workflow, node));
	return { ...partial, webhookUrl: ctx.getNodeWebhookUrl(name as never) ?? '', staticData, log: logger.linesSince(logStart) };
}

/** As n8n on publish: `checkExists`, then `create` when it does not exist. */
export async function activateWebhook(nodeType: AnyNodeType, opts: WebhookLifecycleOptions = {}): Promise<WebhookLifecycleResult> {
	return await runWebhookMethods(nodeType, opts, opts.testWebhook ? 'manual' : 'activate', async (m, ctx) => {
		const existed = m.checkExists ? await m.checkExists.call(ctx) : false;
		const created = existed ? false : m.create ? await m.create.call(ctx) : false;
		return { existed, created };
	});
}

/** As n8n on unpublish: `delete`. */
export async function deactivateWebhook(nodeType: AnyNodeType, opts: WebhookLifecycleOptions = {}): Promise<WebhookLifecycleResult> {
	return await runWebhookMethods(nodeType, opts, 'update' as WorkflowActivateMode, async (m, ctx) => {
		const deleted = m.delete ? await m.delete.call(ctx) : false;
		return { deleted };
	});
}
