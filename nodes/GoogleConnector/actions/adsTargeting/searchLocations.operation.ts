import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { suggestLocations } from '../../../shared/methods/adsTargeting';
import { apiVersionProperty, guarded } from '../ads/common';
import { forOperation } from '../operation';

export const description: INodeProperties[] = forOperation('adsTargeting', 'searchLocations', [
	{ displayName: 'Location Name', name: 'locationName', type: 'string', default: '', required: true, placeholder: 'Munich', description: 'A city, region, postal code or country, as a person would type it' },
	{ displayName: 'Country Code', name: 'countryCode', type: 'string', default: '', placeholder: 'DE', description: 'Only places in this country (ISO 3166-1 alpha-2); empty: anywhere' },
	{ displayName: 'Locale', name: 'locale', type: 'string', default: 'en', description: 'Language of the returned names' },
	apiVersionProperty,
]);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const name = String(this.getNodeParameter('locationName', itemIndex, ''));
	const opts = { countryCode: String(this.getNodeParameter('countryCode', itemIndex, '')), locale: String(this.getNodeParameter('locale', itemIndex, 'en')) };
	const found = await guarded(this, itemIndex, async () => await suggestLocations(this, name, opts));
	return found.map((l) => ({ json: { query: name.trim(), ...l }, pairedItem: { item: itemIndex } }));
}
