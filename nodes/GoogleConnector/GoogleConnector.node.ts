import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';
import { router } from './actions/router';
import { resources } from './actions/resources';
import { loadOptions } from '../shared/methods';
import { webhookSecretsTest } from '../shared/webhook/credential';
import { authenticationProperty, connectorCredentials } from '../shared/descriptions';

const resourceProperty: INodeProperties = {
	displayName: 'Resource',
	name: 'resource',
	type: 'options',
	noDataExpression: true,
	options: Object.values(resources).map((r) => r.option),
	default: 'connection',
};

export class GoogleConnector implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Google Connector',
		name: 'googleConnector',
		icon: { light: 'file:google.svg', dark: 'file:google.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Gmail, Google Ads, YouTube and Sign in with Google for CRM workflows, over one Google connection',
		defaults: { name: 'Google Connector' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			...connectorCredentials,
			{
				name: 'googleConnectorWebhookApi',
				required: true,
				testedBy: 'webhookSecretsTest',
				displayOptions: { show: { resource: ['youtube'], operation: ['subscribePush', 'unsubscribePush', 'renewPush'] } },
			},
		],
		properties: [
			authenticationProperty,
			resourceProperty,
			...Object.values(resources).flatMap((r) => [r.operations, ...Object.values(r.byOperation).flatMap((op) => op.description)]),
		],
	};

	methods = { loadOptions, credentialTest: { webhookSecretsTest } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
