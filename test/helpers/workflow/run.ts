// Ring-2 harness: running a whole workflow with WorkflowExecute.
import { randomUUID } from 'node:crypto';
import { ExecutionLifecycleHooks, WorkflowExecute } from 'n8n-core';
import type {
	ExecutionBaseError,
	IDataObject,
	INode,
	INodeExecutionData,
	INodeParameters,
	IPinData,
	IRun,
	IRunData,
	IConnections,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';
import { TestCredentialsHelper, type CredentialsMap } from '../credentials';
import { HARNESS_START, TestNodeTypes, defaultVersionOf, type NodeTypesInput } from '../node-types';
import { buildAdditionalData, clone, ensureContainer, helperFor, nextExecutionId, nodeCredentialsFor, plain, replaceContents, type Common } from './common';

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
	const executionId = nextExecutionId();
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
		log: logger.linesSince(logStart),
		credentialsHelper,
	};
}
