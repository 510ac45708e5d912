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
import { listSearch, loadOptions } from '../shared/methods';
import { webhookSecretsTest } from '../shared/webhook/credential';
import { authenticationProperty, connectorCredentials } from '../shared/descriptions';
import { PUSH_AUTHENTICATION } from './actions/youtube/push';

// YouTube push needs only the trigger's webhook secrets, chosen like a third way to authenticate.
// A credential whose displayOptions name resource or operation would make n8n's editor hide the
// Resource field, so every credential here depends on Authentication alone.
const authentication: INodeProperties = {
	...authenticationProperty,
	options: [...(authenticationProperty.options ?? []), { name: 'Webhook Secrets (YouTube Push Only)', value: PUSH_AUTHENTICATION }],
};

const resourceProperty: INodeProperties = {
	displayName: 'Resource',
	name: 'resource',
	type: 'options',
	noDataExpression: true,
	options: Object.values(resources).map((r) => r.option),
	default: 'connection',
};

// The canvas subtitle in words ("Gmail: Send"), not the internal values.
const operationTitles: Record<string, string> = Object.fromEntries(
	Object.values(resources).flatMap((r) =>
		(r.operations.options ?? []).map((o) => [`${String(r.option.value)}:${'value' in o ? String(o.value) : ''}`, `${r.option.name}: ${o.name}`]),
	),
);

export class GoogleConnector implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Google Connector',
		name: 'googleConnector',
		icon: { light: 'file:google.svg', dark: 'file:google.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: `={{ (${JSON.stringify(operationTitles)})[$parameter["resource"] + ":" + $parameter["operation"]] || "" }}`,
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
				displayOptions: { show: { authentication: [PUSH_AUTHENTICATION] } },
			},
		],
		properties: [
			authentication,
			resourceProperty,
			...Object.values(resources).flatMap((r) => [r.operations, ...Object.values(r.byOperation).flatMap((op) => op.description)]),
		],
	};

	methods = { loadOptions, listSearch, credentialTest: { webhookSecretsTest } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
