// Ring-2 harness, shared setup: the n8n container and logger, additional data, credentials for a
// node, and the single-node workflow a trigger runs in.
import { ExecutionLifecycleHooks } from 'n8n-core';
import type {
	ICredentialType,
	IDataObject,
	INode,
	INodeCredentials,
	INodeParameters,
	INodeType,
	IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';
import { UnexpectedError, Workflow } from 'n8n-workflow';
import { CredentialTypeRegistry, TestCredentialsHelper, type CredentialsMap } from '../credentials';
import { installRecordingLogger, type RecordingLogger } from '../logger';
import { Container, backendCommon } from '../n8n-internals';
import { TestNodeTypes, defaultVersionOf, typeNameOf, type AnyNodeType } from '../node-types';

// ---------------------------------------------------------------------------------------------
// Shared setup

/** The recording logger n8n-core and every node log through (one per jest test file). */
export function harnessLogger(): RecordingLogger {
	return installRecordingLogger();
}

export function ensureContainer(): RecordingLogger {
	const logger = installRecordingLogger();
	// OAuth2 refresh takes a lease from LockService (in-process provider by default); fail early and
	// clearly if the container cannot build it.
	Container.get(backendCommon.LockService);
	return logger;
}

export const clone = <T>(v: T): T => (v === undefined || v === null ? v : structuredClone(v));

/** Replaces the contents of `target` with `source` (keeps the caller's object identity). */
export function replaceContents(target: IDataObject, source: IDataObject) {
	for (const k of Object.keys(target)) delete target[k];
	Object.assign(target, clone(source));
}

export function plain<T>(v: T): T {
	return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

let executionCounter = 0;

/** A fresh execution id, unique in this process. */
export function nextExecutionId(): string {
	return `harness-${++executionCounter}`;
}

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
		executionId: opts.executionId ?? nextExecutionId(),
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

export interface Common {
	/** `{ [credentialType]: { id, name, data } }`; updated in place when n8n writes refreshed tokens back. */
	credentials?: CredentialsMap;
	/** Credential types the nodes use (oAuth2Api is built in). */
	credentialTypes?: ICredentialType[];
	/** Reuse a helper across calls (e.g. to read `.updates`); built from `credentials` if absent. */
	credentialsHelper?: TestCredentialsHelper;
}

export function helperFor(opts: Common): TestCredentialsHelper {
	if (opts.credentialsHelper) {
		for (const t of opts.credentialTypes ?? []) opts.credentialsHelper.credentialTypes.add(t);
		return opts.credentialsHelper;
	}
	return new TestCredentialsHelper(new CredentialTypeRegistry(opts.credentialTypes ?? []), opts.credentials ?? {});
}

/** `node.credentials` referencing every credential in the store that the node type declares. */
export function nodeCredentialsFor(concrete: INodeType, credentials: CredentialsMap | undefined): INodeCredentials | undefined {
	const declared = concrete.description.credentials ?? [];
	const result: INodeCredentials = {};
	for (const [type, c] of Object.entries(credentials ?? {})) {
		if (declared.some((d) => d.name === type)) result[type] = { id: c.id, name: c.name };
	}
	return Object.keys(result).length ? result : undefined;
}

// ---------------------------------------------------------------------------------------------
// Single-node workflows for triggers

export interface SingleNodeOptions extends Common {
	parameters?: INodeParameters;
	/** The node's static data bucket (`getWorkflowStaticData('node')`), as n8n has it persisted. */
	staticData?: IDataObject;
	nodeName?: string;
	typeVersion?: number;
	webhookId?: string;
	timezone?: string;
}

export function singleNodeWorkflow(nodeType: AnyNodeType, opts: SingleNodeOptions, staticData: IDataObject, active: boolean, globalStaticData: IDataObject = {}) {
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
		staticData: { ...clone(globalStaticData), [`node:${name}`]: clone(staticData) },
		settings: { executionOrder: 'v1', ...(opts.timezone ? { timezone: opts.timezone } : {}) },
	});
	return { workflow, node: workflow.getNode(name)!, nodeTypes, concrete };
}

/** The workflow's global static data (every key but the node buckets), as n8n would save it. */
export function globalBucket(workflow: Workflow): IDataObject {
	const all = plain(workflow.staticData) ?? {};
	return Object.fromEntries(Object.entries(all).filter(([k]) => !k.startsWith('node:') && k !== '__dataChanged'));
}

export function nodeBucket(workflow: Workflow, node: INode): IDataObject {
	return plain(workflow.getStaticData('node', node));
}
