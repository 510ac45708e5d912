import type { Resource } from '../operation';
import * as create from './create.operation';
import * as pause from './pause.operation';
import * as enable from './enable.operation';
import * as list from './list.operation';

export const adsAd: Resource = {
	option: { name: 'Ads Ad', value: 'adsAd', description: 'Responsive search and display ads of Google Ads ad groups' },
	operations: {
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['adsAd'] } },
		options: [
			{ name: 'Create', value: 'create', action: 'Create an ad', description: 'A responsive search ad, or a responsive display ad with images from binary input' },
			{ name: 'Enable', value: 'enable', action: 'Enable an ad' },
			{ name: 'List', value: 'list', action: 'List ads' },
			{ name: 'Pause', value: 'pause', action: 'Pause an ad' },
		],
		default: 'list',
	},
	byOperation: { create, pause, enable, list },
};
