import type { Resource } from '../operation';
import * as uploadClickConversions from './uploadClickConversions.operation';
import * as listConversionActions from './listConversionActions.operation';

export const adsConversion: Resource = {
	option: { name: 'Ads Conversion', value: 'adsConversion', description: 'Upload offline click conversions to Google Ads' },
	operations: {
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['adsConversion'] } },
		options: [
			{
				name: 'Upload Click Conversions',
				value: 'uploadClickConversions',
				action: 'Upload click conversions',
				description: 'All input items in one upload, one result per item (Data Manager API or legacy)',
			},
			{ name: 'List Conversion Actions', value: 'listConversionActions', action: 'List conversion actions' },
		],
		default: 'uploadClickConversions',
	},
	byOperation: { uploadClickConversions, listConversionActions },
};
