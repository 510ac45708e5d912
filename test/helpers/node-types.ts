// Node types for ring-2 workflows: the nodes under test plus a test-only start node.
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	INodeTypes,
	IVersionedNodeType,
} from 'n8n-workflow';
import { NodeHelpers, UnexpectedError } from 'n8n-workflow';

export const PACKAGE_NAME = 'n8n-nodes-google-connector';

/** Type name of the harness's start node (n8n-nodes-base's Manual Trigger is not installed). */
export const HARNESS_START = 'harness.start';

/**
 * A minimal start node: emits the items in its `items` parameter (an array of JSON objects), or one
 * empty item, so a test can feed input items to the node under test. It is a plain `execute` node,
 * which is what n8n's WorkflowExecute does with any start node that has no trigger function.
 */
export class HarnessStart implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Harness Start',
		name: HARNESS_START,
		group: ['input'],
		version: 1,
		description: 'Test-only start node that emits given items',
		defaults: { name: 'Start' },
		inputs: [],
		outputs: ['main'] as INodeTypeDescription['outputs'],
		properties: [{ displayName: 'Items', name: 'items', type: 'json', default: [] }],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const raw = this.getNodeParameter('items', 0, []) as IDataObject[] | string;
		const items = typeof raw === 'string' ? (JSON.parse(raw || '[]') as IDataObject[]) : raw;
		if (!Array.isArray(items) || items.length === 0) return [[{ json: {} }]];
		return [items.map((json, index) => ({ json, pairedItem: { item: index } }))];
	}
}

export type AnyNodeType = INodeType | IVersionedNodeType;

/**
 * Node types given as `{ typeName: instance }` or as a list of instances. A listed instance is
 * registered under both `n8n-nodes-google-connector.<name>` (the id n8n gives a community node) and
 * its bare `<name>`.
 */
export type NodeTypesInput = Record<string, AnyNodeType> | AnyNodeType[];

export class TestNodeTypes implements INodeTypes {
	readonly types = new Map<string, AnyNodeType>();

	constructor(input: NodeTypesInput = []) {
		this.types.set(HARNESS_START, new HarnessStart());
		this.add(input);
	}

	add(input: NodeTypesInput): this {
		if (Array.isArray(input)) {
			for (const t of input) {
				const name = t.description.name;
				this.types.set(name, t);
				if (!name.includes('.')) this.types.set(`${PACKAGE_NAME}.${name}`, t);
			}
		} else {
			for (const [name, t] of Object.entries(input)) this.types.set(name, t);
		}
		return this;
	}

	getByName(nodeType: string): AnyNodeType {
		const t = this.types.get(nodeType);
		if (!t) throw new UnexpectedError(`Unknown node type "${nodeType}" (pass it in nodeTypes)`);
		return t;
	}

	getByNameAndVersion(nodeType: string, version?: number): INodeType {
		return NodeHelpers.getVersionedNodeType(this.getByName(nodeType), version);
	}

	getKnownTypes() {
		return {};
	}
}

/** The registered type name of a node type instance (community-package id for bare names). */
export function typeNameOf(t: AnyNodeType): string {
	const name = t.description.name;
	return name.includes('.') ? name : `${PACKAGE_NAME}.${name}`;
}

export function defaultVersionOf(t: AnyNodeType): number {
	if ('nodeVersions' in t) return t.currentVersion;
	const v = (t as INodeType).description.version;
	return Array.isArray(v) ? Math.max(...v) : v;
}
