import type { Resource } from '../operation';
import * as campaignMetrics from './campaignMetrics.operation';
import * as query from './query.operation';
import * as structureMetrics from './structureMetrics.operation';

export const adsReport: Resource = {
	option: { name: 'Ads Report', value: 'adsReport', description: 'Google Ads metrics per campaign, ad group, keyword or search term, and GAQL queries' },
	operations: {
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['adsReport'] } },
		options: [
			{
				name: 'Campaign Metrics',
				value: 'campaignMetrics',
				action: 'Get campaign metrics',
				description: 'Impressions, clicks, cost, conversions, CTR and average CPC per campaign or per day',
			},
			{
				name: 'Ad Group, Keyword or Search Term Metrics',
				value: 'structureMetrics',
				action: 'Get ad group keyword or search term metrics',
				description: 'The same metrics per ad group, keyword or search term, totals or per day',
			},
			{ name: 'Query', value: 'query', action: 'Run a GAQL query', description: 'Any Google Ads Query Language query' },
		],
		default: 'campaignMetrics',
	},
	byOperation: { campaignMetrics, structureMetrics, query },
};
