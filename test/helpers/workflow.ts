// Ring-2 harness: real workflows and trigger calls run in-process by n8n-core 2.41 (WorkflowExecute,
// PollContext + PollTriggerExecutor, WebhookContext, HookContext) against the Google sandbox.
// n8n-core's HTTP helpers (axios through @n8n/backend-network's OutboundHttp, and @n8n/client-oauth2
// for token refresh) reach the sandbox through test/sandbox/redirect-preload.js; SSRF protection is
// off by default in 2.41 (N8N_SSRF_PROTECTION_ENABLED), which is what lets 127.0.0.1 through.
// (With it on, n8n resolves through dns.promises.lookup, which the preload does not redirect: ENOTFOUND.)
//
// Usage (see test/workflow/harness.test.ts):
//   const sandbox = await startSandbox(); sandbox.server.useInThisProcess();
//   const credentials = { googleConnectorOAuth2Api: { id: 'c1', name: 'Google', data: { clientId, clientSecret, oauthTokenData } } };
//   const r = await runWorkflow({
//     nodes: [startNode([{ to: 'a@b.test' }]), { name: 'Google', type: 'googleConnector', parameters: {...} }],
//     connections: chain('Start', 'Google'), credentials,
//     credentialTypes: [new GoogleConnectorOAuth2Api()], nodeTypes: [new GoogleConnector()],
//   });
//   expect(r.error).toBeUndefined(); expect(r.json.Google[0]).toMatchObject({...});
//   const items = await pollOnce(new GmailSyncTrigger(), { parameters, credentials, credentialTypes, staticData, durableCursors: true });
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';

import {
	ExecutionLifecycleHooks,
	HookContext,
	PollContext,
	PollTriggerExecutor,
	WebhookContext,
	WorkflowExecute,
} from 'n8n-core';
import type {
	ExecutionBaseError,
	ICredentialType,
	IDataObject,
	IHttpRequestMethods,
	INode,
	INodeCredentials,
	INodeExecutionData,
	INodeParameters,
	INodeType,
	IPinData,
	IPollFunctions,
	IRun,
	IRunData,
	IWebhookData,
	IWebhookDescription,
	IWebhookResponseData,
	IConnections,
	IWorkflowExecuteAdditionalData,
	WorkflowActivateMode,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { UnexpectedError, Workflow } from 'n8n-workflow';

import { CredentialTypeRegistry, TestCredentialsHelper, type CredentialsMap } from './credentials';
import { installRecordingLogger, type RecordingLogger } from './logger';
import { Container, backendCommon } from './n8n-internals';
import {
	HARNESS_START,
	TestNodeTypes,
	defaultVersionOf,
	typeNameOf,
	type AnyNodeType,
	type NodeTypesInput,
} from './node-types';

export { HARNESS_START } from './node-types';
export type { CredentialsMap, StoredCredential, CredentialUpdate } from './credentials';
export { OAuth2Api, CredentialTypeRegistry, TestCredentialsHelper } from './credentials';
export { RecordingLogger } from './logger';

// ---------------------------------------------------------------------------------------------
// Shared setup

/** The recording logger n8n-core and every node log through (one per jest test file). */
export function harnessLogger(): RecordingLogger {
	return installRecordingLogger();
}

function ensureContainer(): RecordingLogger {
	const logger = installRecordingLogger();
	// OAuth2 refresh takes a lease from LockService (in-process provider by default); fail early and
	// clearly if the container cannot build it.
	Container.get(backendCommon.LockService);
	return logger;
}

const clone = <T>(v: T): T => (v === undefined || v === null ? v : structuredClone(v));

/** Replaces the contents of `target` with `source` (keeps the caller's object identity). */
function replaceContents(target: IDataObject, source: IDataObject) {
	for (const k of Object.keys(target)) delete target[k];
	Object.assign(target, clone(source));
}

function plain<T>(v: T): T {
	return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

let executionCounter = 0;

export interface AdditionalDataOptions {
	credentialsHelper: TestCredentialsHelper;
	executionId?: string;
	workflowId?: string;
	hooks?: ExecutionLifecycleHooks;
	httpRequest?: unknown;
	httpResponse?: unknown;
}

export const BASE_URL = 'http://localhost:5678';

/** An IWorkflowExecuteAdditionalData with plain values (no mock proxies: n8n-core checks optional
 * members such as `evalLlmMockHandler` for truthiness, so an auto-mock would reroute every request). */
export function buildAdditionalData(opts: AdditionalDataOptions): IWorkflowExecuteAdditionalData {
	const notAvailable = (what: string) => async () => {
		throw new UnexpectedError(`${what} is not available in the ring-2 harness`);
	};
	return {
		credentialsHelper: opts.credentialsHelper,
		executeWorkflow: notAvailable('executeWorkflow'),
		getRunExecutionData: async () => undefined,
		getRuntimeCredential: async () => undefined,
		executionId: opts.executionId ?? `harness-${++executionCounter}`,
		workflowId: opts.workflowId,
		currentNodeExecutionIndex: 0,
		restApiUrl: `${BASE_URL}/rest`,
		instanceBaseUrl: `${BASE_URL}/`,
		formBaseUrl: `${BASE_URL}/form`,
		formWaitingBaseUrl: `${BASE_URL}/form-waiting`,
		formTestBaseUrl: `${BASE_URL}/form-test`,
		webhookBaseUrl: `${BASE_URL}/webhook`,
		webhookWaitingBaseUrl: `${BASE_URL}/webhook-waiting`,
		webhookTestBaseUrl: `${BASE_URL}/webhook-test`,
		mcpBaseUrl: `${BASE_URL}/mcp`,
		mcpTestBaseUrl: `${BASE_URL}/mcp-test`,
		variables: {},
		logAiEvent: () => {},
		startRunnerTask: notAvailable('startRunnerTask'),
		hooks: opts.hooks,
		httpRequest: opts.httpRequest,
		httpResponse: opts.httpResponse,
	} as unknown as IWorkflowExecuteAdditionalData;
}

interface Common {
	/** `{ [credentialType]: { id, name, data } }`; updated in place when n8n writes refreshed tokens back. */
	credentials?: CredentialsMap;
	/** Credential types the nodes use (oAuth2Api is built in). */
	credentialTypes?: ICredentialType[];
	/** Reuse a helper across calls (e.g. to read `.updates`); built from `credentials` if absent. */
	credentialsHelper?: TestCredentialsHelper;
}

function helperFor(opts: Common): TestCredentialsHelper {
	if (opts.credentialsHelper) {
		for (const t of opts.credentialTypes ?? []) opts.credentialsHelper.credentialTypes.add(t);
		return opts.credentialsHelper;
	}
	return new TestCredentialsHelper(new CredentialTypeRegistry(opts.credentialTypes ?? []), opts.credentials ?? {});
}

/** `node.credentials` referencing every credential in the store that the node type declares. */
function nodeCredentialsFor(concrete: INodeType, credentials: CredentialsMap | undefined): INodeCredentials | undefined {
	const declared = concrete.description.credentials ?? [];
	const result: INodeCredentials = {};
	for (const [type, c] of Object.entries(credentials ?? {})) {
		if (declared.some((d) => d.name === type)) result[type] = { id: c.id, name: c.name };
	}
	return Object.keys(result).length ? result : undefined;
}

// ---------------------------------------------------------------------------------------------
// runWorkflow

export type HarnessNode = Partial<INode> & Pick<INode, 'name' | 'type'>;

export interface RunWorkflowOptions extends Common {
	nodes: HarnessNode[];
	connections: IConnections;
	nodeTypes?: NodeTypesInput;
	/** Whole-workflow static data (`{ 'node:<name>': {...}, global: {...} }`); updated in place only when
	 * n8n would persist it (a non-manual run that changed it). */
	staticData?: IDataObject;
	/** 'manual' (the editor's "Execute workflow"; n8n does not persist static data) or e.g. 'trigger'. */
	mode?: WorkflowExecuteMode;
	/** Name of the node to start from (default: the harness start node, else n8n's own choice). */
	startNode?: string;
	pinData?: IPinData;
}

export interface RunWorkflowResult {
	/** Per node name: the last run's output, per output index (items as n8n returned them). */
	items: Record<string, INodeExecutionData[][]>;
	/** Per node name: the last run's first-output `json` values. */
	json: Record<string, IDataObject[]>;
	/** The execution's error (also set when a node failed without continueOnFail). */
	error?: ExecutionBaseError;
	/** Per node name: that node's error on its last run, if any. */
	nodeErrors: Record<string, ExecutionBaseError>;
	runData: IRunData;
	run: IRun;
	/** Workflow static data after the run (plain copy). */
	staticData: IDataObject;
	/** Whether n8n would have persisted static data after this run. */
	staticDataPersisted: boolean;
	/** Log lines written during this run. */
	log: string[];
	credentialsHelper: TestCredentialsHelper;
}

/** Builds complete INode objects (ids, versions, positions) from the short form tests write. */
export function completeNodes(nodes: HarnessNode[], nodeTypes: TestNodeTypes, credentials?: CredentialsMap): INode[] {
	return nodes.map((n, i) => {
		const t = nodeTypes.getByName(n.type);
		const typeVersion = n.typeVersion ?? defaultVersionOf(t);
		const node = {
			id: n.id ?? randomUUID(),
			typeVersion,
			position: n.position ?? [i * 200, 0],
			parameters: n.parameters ?? {},
			...n,
		} as INode;
		// Unless the test set them, reference every stored credential the node type declares.
		if (n.credentials === undefined) {
			const refs = nodeCredentialsFor(nodeTypes.getByNameAndVersion(n.type, typeVersion), credentials);
			if (refs) node.credentials = refs;
		}
		return node;
	});
}

/** A harness start node that emits `items` (omit for one empty item). */
export function startNode(items?: IDataObject[], name = 'Start'): HarnessNode {
	return { name, type: HARNESS_START, parameters: items ? { items: items as unknown as INodeParameters[] } : {} };
}

/** `a → b → c` main connections. */
export function chain(...names: string[]): IConnections {
	const connections: IConnections = {};
	for (let i = 0; i < names.length - 1; i++) {
		connections[names[i]] = { main: [[{ node: names[i + 1], type: 'main' as never, index: 0 }]] };
	}
	return connections;
}

export async function runWorkflow(opts: RunWorkflowOptions): Promise<RunWorkflowResult> {
	const logger = ensureContainer();
	const logStart = logger.records.length;
	const mode = opts.mode ?? 'manual';
	const nodeTypes = new TestNodeTypes(opts.nodeTypes ?? []);
	const credentialsHelper = helperFor(opts);
	const nodes = completeNodes(opts.nodes, nodeTypes, credentialsHelper.store);
	const workflowId = 'harness-workflow';
	const workflow = new Workflow({
		id: workflowId,
		name: 'Harness workflow',
		nodes,
		connections: opts.connections,
		active: mode !== 'manual',
		nodeTypes,
		staticData: clone(opts.staticData ?? {}),
		settings: { executionOrder: 'v1' },
	});
	const executionId = `harness-${++executionCounter}`;
	const hooks = new ExecutionLifecycleHooks(mode, executionId, {
		id: workflowId,
		name: workflow.name,
		nodes,
		connections: opts.connections,
		active: false,
		activeVersionId: null,
		isArchived: false,
		createdAt: new Date(),
		updatedAt: new Date(),
	} as never);
	const additionalData = buildAdditionalData({ credentialsHelper, executionId, workflowId, hooks });

	const start =
		(opts.startNode ? workflow.getNode(opts.startNode) : nodes.find((n) => n.type === HARNESS_START)) ?? undefined;
	const run = await new WorkflowExecute(additionalData, mode).run({
		workflow,
		startNode: start ?? undefined,
		pinData: opts.pinData,
	});

	const runData = run.data.resultData.runData;
	const items: Record<string, INodeExecutionData[][]> = {};
	const json: Record<string, IDataObject[]> = {};
	const nodeErrors: Record<string, ExecutionBaseError> = {};
	for (const [name, tasks] of Object.entries(runData)) {
		const last = tasks[tasks.length - 1];
		const main = (last?.data?.main ?? []) as Array<INodeExecutionData[] | null>;
		items[name] = main.map((output) => output ?? []);
		json[name] = (main[0] ?? []).map((i) => i.json);
		if (last?.error) nodeErrors[name] = last.error;
	}

	const staticDataPersisted = mode !== 'manual' && workflow.staticData.__dataChanged === true;
	if (staticDataPersisted && opts.staticData) replaceContents(opts.staticData, plain(workflow.staticData));

	return {
		items,
		json,
		error: run.data.resultData.error,
		nodeErrors,
		runData,
		run,
		staticData: plain(workflow.staticData),
		staticDataPersisted,
		log: logger.lines.slice(logStart),
		credentialsHelper,
	};
}

// ---------------------------------------------------------------------------------------------
// Single-node workflows for triggers

interface SingleNodeOptions extends Common {
	parameters?: INodeParameters;
	/** The node's static data bucket (`getWorkflowStaticData('node')`), as n8n has it persisted. */
	staticData?: IDataObject;
	nodeName?: string;
	typeVersion?: number;
	webhookId?: string;
	timezone?: string;
}

function singleNodeWorkflow(nodeType: AnyNodeType, opts: SingleNodeOptions, staticData: IDataObject, active: boolean) {
	const nodeTypes = new TestNodeTypes([nodeType]);
	const typeName = typeNameOf(nodeType);
	const typeVersion = opts.typeVersion ?? defaultVersionOf(nodeType);
	const concrete = nodeTypes.getByNameAndVersion(typeName, typeVersion);
	const name = opts.nodeName ?? concrete.description.defaults?.name ?? 'Trigger';
	const node: INode = {
		id: 'harness-trigger-node',
		name,
		type: typeName,
		typeVersion,
		position: [0, 0],
		parameters: opts.parameters ?? {},
		credentials: nodeCredentialsFor(concrete, opts.credentialsHelper?.store ?? opts.credentials),
		webhookId: opts.webhookId ?? 'harness-webhook-id',
	};
	const workflow = new Workflow({
		id: 'harness-workflow',
		name: 'Harness workflow',
		nodes: [node],
		connections: {},
		active,
		nodeTypes,
		staticData: { [`node:${name}`]: clone(staticData) },
		settings: { executionOrder: 'v1', ...(opts.timezone ? { timezone: opts.timezone } : {}) },
	});
	return { workflow, node: workflow.getNode(name)!, nodeTypes, concrete };
}

function nodeBucket(workflow: Workflow, node: INode): IDataObject {
	return plain(workflow.getStaticData('node', node));
}

// ---------------------------------------------------------------------------------------------
// Polling

export interface PollOptions extends SingleNodeOptions {
	/**
	 * 'trigger': a scheduled poll of an active workflow (n8n's PollTriggerExecutor, testingTrigger=false).
	 * 'manual': the editor's "Fetch test event" (WorkflowExecute.executePollNode; nothing persisted).
	 */
	mode?: 'trigger' | 'manual';
	/**
	 * n8n 2.41 durable poll cursors (N8N_POLLER_DURABLE_CURSORS_ENABLED): the node polls on a staged
	 * snapshot of its static data, committed with the execution when the poll emits, committed alone
	 * when it returns null, dropped when it throws. Off (the default in 2.41): the node mutates the
	 * workflow's static data, which n8n saves when the poll emits.
	 */
	durableCursors?: boolean;
	/** The activation poll (ActiveWorkflowTriggers.activatePollTrigger → executePollTrigger(true)):
	 * errors are thrown to the activator, a null result commits nothing, and the activator saves the
	 * workflow's static data afterwards. */
	activation?: boolean;
	/** What `this.getPollBudgetMs()` returns (default as n8n: 5 min legacy; pollTimeout/lease based durable). */
	pollBudgetMs?: number;
}

export interface PollResult {
	items: INodeExecutionData[][] | null;
	error?: Error;
	/** Whether the staged/static data was persisted by this poll (the caller's object was updated). */
	committed: boolean;
	/** The persisted node static data after the poll (same object the caller passed, if any). */
	staticData: IDataObject;
	/** The node static data the poll left in memory (legacy mode keeps this in the running process). */
	inMemoryStaticData: IDataObject;
	log: string[];
}

function durableBudgetMs(): number {
	let pollTimeout = 45;
	let lease = 60;
	try {
		const cfg = require(require.resolve('@n8n/config', { paths: [require.resolve('n8n-core')] }));
		const scheduler = (Container.get(cfg.GlobalConfig) as { scheduler: { pollTimeoutSeconds?: number; leaseDurationSeconds?: number } }).scheduler;
		pollTimeout = scheduler.pollTimeoutSeconds ?? pollTimeout;
		lease = scheduler.leaseDurationSeconds ?? lease;
	} catch {
		// defaults of n8n 2.41
	}
	const ceilingMs = Math.min(pollTimeout, lease) * 1000;
	const marginMs = Math.min(Math.max(0.2 * ceilingMs, 5_000), ceilingMs / 2);
	return ceilingMs - marginMs;
}

/**
 * One poll of a polling trigger, in a freshly started n8n process (the Workflow is rebuilt from the
 * persisted `staticData`, as after a restart or in a durable poller). Returns what `poll()` returned
 * (emitted items or null) and throws what it threw. See pollOnceDetailed for the full picture.
 */
export async function pollOnce(nodeType: AnyNodeType, opts: PollOptions = {}): Promise<INodeExecutionData[][] | null> {
	const result = await pollOnceDetailed(nodeType, opts);
	if (result.error) throw result.error;
	return result.items;
}

export async function pollOnceDetailed(nodeType: AnyNodeType, opts: PollOptions = {}): Promise<PollResult> {
	const poller = new Poller(nodeType, opts);
	return await poller.poll({ activation: opts.activation, mode: opts.mode });
}

/**
 * A polling trigger kept "active" in one n8n process: in legacy mode the Workflow object (and so the
 * node's in-memory static data) lives across polls, as in n8n's ActiveWorkflowTriggers; `restart()`
 * drops it and reloads the persisted data. In durable mode every poll starts from the persisted cursor.
 */
export class Poller {
	readonly persisted: IDataObject;
	readonly credentialsHelper: TestCredentialsHelper;
	private live?: ReturnType<typeof singleNodeWorkflow>;

	constructor(
		readonly nodeType: AnyNodeType,
		readonly opts: PollOptions = {},
	) {
		this.persisted = opts.staticData ?? {};
		this.credentialsHelper = helperFor(opts);
	}

	/** Forget the in-memory workflow (the next poll starts from the persisted static data). */
	restart(): void {
		this.live = undefined;
	}

	/** The node's in-memory static data in this process (legacy mode). */
	get inMemoryStaticData(): IDataObject {
		return this.live ? nodeBucket(this.live.workflow, this.live.node) : clone(this.persisted);
	}

	async poll(overrides: { activation?: boolean; mode?: 'trigger' | 'manual' } = {}): Promise<PollResult> {
		const logger = ensureContainer();
		const logStart = logger.records.length;
		const mode = overrides.mode ?? this.opts.mode ?? 'trigger';
		const activation = overrides.activation ?? false;
		const durable = this.opts.durableCursors === true;
		const opts = { ...this.opts, credentialsHelper: this.credentialsHelper };
		const additionalData = buildAdditionalData({ credentialsHelper: this.credentialsHelper, workflowId: 'harness-workflow' });

		if (mode === 'manual') {
			// WorkflowExecute.executePollNode: a plain PollContext, static data not persisted after a manual run.
			const { workflow, node, concrete } = singleNodeWorkflow(this.nodeType, opts, this.persisted, false);
			const context = new PollContext(workflow, node, additionalData, 'manual', 'manual', undefined, undefined, undefined, undefined, undefined,
				this.opts.pollBudgetMs !== undefined ? () => this.opts.pollBudgetMs! : undefined);
			let items: INodeExecutionData[][] | null = null;
			let error: Error | undefined;
			try {
				items = await concrete.poll!.call(context);
			} catch (e) {
				error = e as Error;
			}
			return { items, error, committed: false, staticData: this.persisted, inMemoryStaticData: nodeBucket(workflow, node), log: logger.lines.slice(logStart) };
		}

		if (!this.live || durable) this.live = singleNodeWorkflow(this.nodeType, opts, this.persisted, true);
		const { workflow, node } = this.live;
		let items: INodeExecutionData[][] | null = null;
		let error: Error | undefined;
		let committed = false;
		const persist = (data: IDataObject) => {
			replaceContents(this.persisted, data);
			committed = true;
		};

		let hooks: {
			__commitCursor?: IPollFunctions['__commitCursor'];
			__runPoll?: IPollFunctions['__runPoll'];
			resolveNodeStaticData?: () => IDataObject;
			takeStaged?: () => IDataObject | null;
		} = {};
		if (durable) {
			// As packages/cli TriggerExecutionContextFactory.getExecutePollFunctions for a migrated node.
			const store = new AsyncLocalStorage<{ snapshot: IDataObject; seed: IDataObject }>();
			const seed = clone(this.persisted);
			const takeStaged = () => {
				const staged = store.getStore();
				if (!staged || isDeepStrictEqual(plain(staged.snapshot), plain(staged.seed))) return null;
				const cursor = clone(plain(staged.snapshot));
				staged.seed = cursor;
				return cursor;
			};
			hooks = {
				takeStaged,
				__runPoll: async <T>(poll: () => Promise<T>) => await store.run({ snapshot: clone(seed), seed }, poll),
				__commitCursor: async () => {
					const cursor = takeStaged();
					if (cursor) persist(cursor);
				},
				resolveNodeStaticData: () => {
					const staged = store.getStore();
					if (!staged) throw new UnexpectedError('Poll node read its static data outside of a poll; __runPoll was not entered');
					return staged.snapshot;
				},
			};
		}

		const __emit = (data: INodeExecutionData[][]) => {
			items = data;
			if (durable) {
				const cursor = hooks.takeStaged!();
				if (cursor) persist(cursor);
			} else if (workflow.staticData.__dataChanged === true) {
				// WorkflowStaticDataService.saveStaticData(workflow)
				persist(nodeBucket(workflow, node));
				workflow.staticData.__dataChanged = false;
			}
		};
		const __emitError = (e: Error) => {
			error = e;
		};
		const budget = this.opts.pollBudgetMs ?? (durable ? durableBudgetMs() : undefined);
		const activationMode: WorkflowActivateMode = activation ? 'activate' : 'init';
		const pollFunctions = new PollContext(
			workflow,
			node,
			additionalData,
			'trigger',
			activationMode,
			__emit as IPollFunctions['__emit'],
			__emitError as IPollFunctions['__emitError'],
			hooks.__commitCursor,
			hooks.__runPoll,
			hooks.resolveNodeStaticData,
			budget !== undefined ? () => budget : undefined,
		);
		const executor = Container.get(PollTriggerExecutor);
		try {
			await executor.create(workflow, node, pollFunctions, () => true)(activation);
		} catch (e) {
			error = e as Error;
		}
		if (activation && !durable && !error && workflow.staticData.__dataChanged === true) {
			// The activator saves the workflow's static data once the triggers are registered.
			persist(nodeBucket(workflow, node));
			workflow.staticData.__dataChanged = false;
		}
		return {
			items,
			error,
			committed,
			staticData: this.persisted,
			inMemoryStaticData: durable ? clone(this.persisted) : nodeBucket(workflow, node),
			log: logger.lines.slice(logStart),
		};
	}
}

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
		this.ended = true;
		this.headersSent = true;
		return this;
	}
	on() {
		return this;
	}
	once() {
		return this;
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
	const webhookData = webhookDataFor(workflow, node, description, additionalData, mode);
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
	const staticDataPersisted = mode === 'webhook' && !error && workflow.staticData.__dataChanged === true;
	if (staticDataPersisted) replaceContents(staticData, nodeBucket(workflow, node));

	let responseStatus = response.statusCode;
	let responseBody: unknown = response.body;
	if (error) {
		responseStatus = 500;
		responseBody = { code: 0, message: error.message };
	} else if (!result?.noWebhookResponse && !response.ended) {
		// n8n's default for responseMode "onReceived": 200 with the node's webhookResponse or a message.
		responseStatus = 200;
		responseBody = result?.webhookResponse ?? { message: 'Workflow was started' };
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
		log: logger.lines.slice(logStart),
	};
}

export interface WebhookLifecycleOptions extends SingleNodeOptions {
	webhookName?: string;
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
	const webhookData = webhookDataFor(workflow, node, description, additionalData, 'trigger');
	const ctx = new HookContext(workflow, node, additionalData, 'trigger', activation, webhookData);
	const partial = await run(methods, ctx);
	// The activator / deactivator saves the workflow's static data afterwards.
	if (workflow.staticData.__dataChanged === true) replaceContents(staticData, nodeBucket(workflow, node));
	return { ...partial, webhookUrl: ctx.getNodeWebhookUrl(name as never) ?? '', staticData, log: logger.lines.slice(logStart) };
}

/** As n8n on publish: `checkExists`, then `create` when it does not exist. */
export async function activateWebhook(nodeType: AnyNodeType, opts: WebhookLifecycleOptions = {}): Promise<WebhookLifecycleResult> {
	return await runWebhookMethods(nodeType, opts, 'activate', async (m, ctx) => {
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
