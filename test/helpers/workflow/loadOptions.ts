// A dropdown loader called as n8n's editor calls it (POST /rest/dynamic-node-parameters/options):
// a LoadOptionsContext on one node whose current parameters are what the panel holds.
import { LoadOptionsContext } from 'n8n-core';
import type { INode, INodeParameters } from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';
import { TestNodeTypes, defaultVersionOf, typeNameOf, type AnyNodeType } from '../node-types';
import { buildAdditionalData, helperFor, nodeCredentialsFor, type Common } from './common';

export interface LoadOptionsCall extends Common {
	nodeType: AnyNodeType;
	parameters: INodeParameters;
	/** The parameter whose options are loaded, as n8n names it: `parameters.customerId`. */
	path: string;
}

export function loadOptionsContext(opts: LoadOptionsCall): LoadOptionsContext {
	const nodeTypes = new TestNodeTypes([opts.nodeType]);
	const concrete = nodeTypes.getByNameAndVersion(typeNameOf(opts.nodeType), defaultVersionOf(opts.nodeType));
	const node: INode = {
		id: 'n1',
		name: opts.nodeType.description.displayName,
		type: typeNameOf(opts.nodeType),
		typeVersion: defaultVersionOf(opts.nodeType),
		position: [0, 0],
		parameters: opts.parameters,
		credentials: nodeCredentialsFor(concrete, opts.credentials),
	};
	const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes });
	const additionalData = buildAdditionalData({ credentialsHelper: helperFor(opts) });
	// What the editor sends: the panel's parameters with defaults filled in (as the Workflow did).
	const current = workflow.getNode(node.name)!;
	additionalData.currentNodeParameters = current.parameters;
	return new LoadOptionsContext(workflow, current, additionalData, opts.path);
}
