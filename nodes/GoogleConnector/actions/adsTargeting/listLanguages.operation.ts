import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { targetableLanguages } from '../../../shared/methods/adsTargeting';
import { adsItemContext, apiVersionProperty, customerIdProperty } from '../ads/common';
import { forOperation } from '../operation';

export const description: INodeProperties[] = forOperation('adsTargeting', 'listLanguages', [customerIdProperty(), apiVersionProperty]);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const { customerId } = await adsItemContext(this, itemIndex);
	const languages = await targetableLanguages(this, customerId);
	return languages.map((l) => ({ json: { ...l, resourceName: `languageConstants/${l.id}` }, pairedItem: { item: itemIndex } }));
}
