// Editor properties every Google Connector node shares: how it authenticates.
import { NodeConnectionTypes, type INodeCredentialDescription, type INodeProperties, type INodeTypeDescription } from 'n8n-workflow';

export const authenticationProperty: INodeProperties = {
	displayName: 'Authentication',
	name: 'authentication',
	type: 'options',
	options: [
		{ name: 'OAuth2 (Sign in with Google)', value: 'oAuth2' },
		{ name: 'Service Account', value: 'serviceAccount' },
	],
	default: 'oAuth2',
};

export const connectorCredentials: INodeCredentialDescription[] = [
	{ name: 'googleConnectorOAuth2Api', required: true, displayOptions: { show: { authentication: ['oAuth2'] } } },
	{ name: 'googleConnectorServiceAccountApi', required: true, displayOptions: { show: { authentication: ['serviceAccount'] } } },
];

/** What every polling trigger of the package declares alike (its own properties follow authenticationProperty). */
export const pollingTriggerBase: Pick<INodeTypeDescription, 'group' | 'version' | 'polling' | 'inputs' | 'outputs' | 'credentials'> = {
	group: ['trigger'],
	version: 1,
	polling: true,
	inputs: [],
	outputs: [NodeConnectionTypes.Main],
	credentials: connectorCredentials,
};

/** "Return All" and "Limit", for every list operation. */
export const returnAllOrLimit: INodeProperties[] = [
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show: { returnAll: [false] } },
	},
];
