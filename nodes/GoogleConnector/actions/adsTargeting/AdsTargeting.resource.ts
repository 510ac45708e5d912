import type { Resource } from '../operation';
import * as searchLocations from './searchLocations.operation';
import * as listLanguages from './listLanguages.operation';

export const adsTargeting: Resource = {
	option: { name: 'Ads Targeting', value: 'adsTargeting', description: 'Google Ads location and language IDs for campaign targeting' },
	operations: {
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['adsTargeting'] } },
		options: [
			{ name: 'List Languages', value: 'listLanguages', action: 'List targetable languages', description: 'Language constants a campaign can target' },
			{ name: 'Search Locations', value: 'searchLocations', action: 'Search locations by name', description: 'Geo target constants Google suggests for a place name' },
		],
		default: 'searchLocations',
	},
	byOperation: { searchLocations, listLanguages },
};
