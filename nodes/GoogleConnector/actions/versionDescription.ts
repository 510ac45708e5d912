import { NodeConnectionTypes, type INodeProperties, type INodeTypeDescription } from 'n8n-workflow';
import { resources } from './resources';
import { authenticationProperty, connectorCredentials } from '../../shared/descriptions';

const resourceProperty: INodeProperties = {
	displayName: 'Resource',
	name: 'resource',
	type: 'options',
	noDataExpression: true,
	options: Object.values(resources).map((r) => r.option),
	default: 'connection',
};

export const versionDescription: INodeTypeDescription = {
	displayName: 'Google Connector',
	name: 'googleConnector',
	icon: 'file:google.svg',
	group: ['transform'],
	version: 1,
	subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
	description: 'Gmail, Google Ads, YouTube and Sign in with Google for CRM workflows, over one Google connection',
	defaults: { name: 'Google Connector' },
	usableAsTool: true,
	inputs: [NodeConnectionTypes.Main],
	outputs: [NodeConnectionTypes.Main],
	credentials: connectorCredentials,
	properties: [
		authenticationProperty,
		resourceProperty,
		...Object.values(resources).flatMap((r) => [r.operations, ...Object.values(r.byOperation).flatMap((op) => op.description)]),
	],
};
