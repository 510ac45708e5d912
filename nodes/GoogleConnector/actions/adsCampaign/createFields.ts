// Create in the editor, field by field: the campaign fields plus targeting (locations from a searchable
// dropdown, languages from the account), and the create options. JSON mode takes the whole structure.
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { channelOptions, optionalCampaignFields, parseJsonParameter, shapeFromFields, statusOptions } from './shared';

const fieldsOnly = { show: { campaignInput: ['fields'] } };

const targetingFields: INodeProperties[] = [
	{
		displayName: 'Locations',
		name: 'locations',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		default: {},
		placeholder: 'Add Location',
		description: 'Where the ads show (none: everywhere)',
		options: [
			{
				displayName: 'Location',
				name: 'values',
				values: [
					{
						displayName: 'Location',
						name: 'location',
						type: 'resourceLocator',
						default: { mode: 'list', value: '' },
						modes: [
							{ displayName: 'From List', name: 'list', type: 'list', typeOptions: { searchListMethod: 'searchAdsLocations', searchable: true, searchFilterRequired: true } },
							{ displayName: 'By ID', name: 'id', type: 'string', placeholder: '2276', validation: [{ type: 'regex', properties: { regex: '^\\d+$', errorMessage: 'A geo target ID is digits only' } }] },
						],
					},
					{ displayName: 'Exclude', name: 'exclude', type: 'boolean', default: false, description: 'Whether the ads must not show there' },
				],
			},
		],
	},
	{
		displayName: 'Language Names or IDs',
		name: 'languages',
		type: 'multiOptions',
		typeOptions: { loadOptionsMethod: 'getAdsLanguages', loadOptionsDependsOn: ['customerId'] },
		default: [],
		description: 'Languages of the people who see the ads (none: all). Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
	},
];

export const createFieldProperties: INodeProperties[] = [
	{ displayName: 'Name', name: 'name', type: 'string', default: '', required: true, displayOptions: fieldsOnly, description: 'Campaign name, unique in the account' },
	{ displayName: 'Channel', name: 'channel', type: 'options', options: channelOptions, default: 'SEARCH', displayOptions: fieldsOnly },
	{
		displayName: 'Daily Budget',
		name: 'budgetAmount',
		type: 'number',
		typeOptions: { minValue: 0, numberPrecision: 2 },
		default: 10,
		required: true,
		displayOptions: fieldsOnly,
		description: 'Average daily budget in the account currency (must be greater than 0)',
	},
	{ displayName: 'Status', name: 'status', type: 'options', options: statusOptions, default: 'PAUSED', displayOptions: fieldsOnly, description: 'Start paused to review the campaign before it spends' },
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: fieldsOnly,
		options: [...optionalCampaignFields(false), ...targetingFields],
	},
];

export const createOptionsProperty: INodeProperties = {
	displayName: 'Options',
	name: 'createOptions',
	type: 'collection',
	placeholder: 'Add option',
	default: {},
	options: [
		{ displayName: 'Budget Name', name: 'budgetName', type: 'string', default: '', description: 'Name of the new budget. Default: the campaign name followed by "budget".' },
		{
			displayName: 'Exempt Policy Topics',
			name: 'exemptPolicyTopics',
			type: 'string',
			default: '',
			placeholder: 'ALCOHOL_SALE, TRADEMARKS',
			description: 'Policy topics an earlier attempt reported as exemptible, separated by commas: the ads and keywords are sent again asking Google for an exemption',
		},
		{ displayName: 'Validate Only', name: 'validateOnly', type: 'boolean', default: false, description: 'Whether Google only checks the request and creates nothing' },
	],
};

/** The unified campaign of one item: the JSON object, or the editor's fields (with targeting). */
export function readCreateInput(ctx: IExecuteFunctions, itemIndex: number): unknown {
	if (ctx.getNodeParameter('campaignInput', itemIndex, 'fields') === 'json') return parseJsonParameter(ctx.getNodeParameter('campaignJson', itemIndex, '{}'));
	const { locations, languages, ...additional } = ctx.getNodeParameter('additionalFields', itemIndex, {}) as IDataObject;
	const shape = shapeFromFields({
		name: ctx.getNodeParameter('name', itemIndex, ''),
		channel: ctx.getNodeParameter('channel', itemIndex, 'SEARCH'),
		budgetAmount: ctx.getNodeParameter('budgetAmount', itemIndex, 0),
		status: ctx.getNodeParameter('status', itemIndex, 'PAUSED'),
		...additional,
	});
	const chosen = ((locations as IDataObject | undefined)?.values as IDataObject[] | undefined) ?? [];
	const languageList = Array.isArray(languages) ? languages : [];
	if (chosen.length || languageList.length)
		shape.targeting = { locations: chosen.map((l) => ({ id: (l.location as IDataObject | undefined)?.value ?? l.location, exclude: l.exclude === true })), languages: languageList };
	return shape;
}
