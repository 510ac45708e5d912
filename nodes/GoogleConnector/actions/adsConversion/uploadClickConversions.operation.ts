// Uploads click conversions as one batch per account: through the Data Manager API (the path Google
// requires for new adopters since 2026-06-15) or the legacy uploadClickConversions. Every item gets
// its own result: uploaded, or an error naming the field (continueOnFail), never swallowed.
import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';
import { AdsValidationError, normalizeCustomerId, parseConversion } from '../../../shared/ads';
import { redactSecrets } from '../../../shared/errors/redact';
import { apiVersionProperty, customerIdProperty } from '../ads/common';
import { forOperation } from '../operation';
import { uploadDataManager, uploadLegacy, type Failure, type Group } from './uploads';

const MAX_PER_REQUEST = 2000;

export const description: INodeProperties[] = forOperation('adsConversion', 'uploadClickConversions', [
	customerIdProperty(),
	{
		displayName: 'Upload Through',
		name: 'uploadThrough',
		type: 'options',
		options: [
			{
				name: 'Data Manager API',
				value: 'dataManager',
				description: 'Required by Google for accounts new to offline conversion import since 2026-06-15. Needs the "Ads conversions (Data Manager)" surface.',
			},
			{
				name: 'Legacy UploadClickConversions',
				value: 'legacy',
				description: 'Google Ads API upload, only for accounts Google still allows. Needs the "Google Ads" surface and a developer token.',
			},
		],
		default: 'dataManager',
	},
	{
		displayName: 'Conversion Action Name or ID',
		name: 'conversionAction',
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getAdsConversionActions', loadOptionsDependsOn: ['customerId'] },
		default: '',
		required: true,
		description: 'The conversion action to credit. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
	},
	{
		displayName: 'Click ID Type',
		name: 'clickIdType',
		type: 'options',
		options: [
			{ name: 'GCLID', value: 'gclid' },
			{ name: 'GBRAID (iOS App)', value: 'gbraid' },
			{ name: 'WBRAID (iOS Web)', value: 'wbraid' },
		],
		default: 'gclid',
	},
	{ displayName: 'Click ID', name: 'clickId', type: 'string', default: '', required: true, description: 'The click ID stored with the lead (e.g. from the landing page URL)' },
	{
		displayName: 'Conversion Time',
		name: 'conversionDateTime',
		type: 'string',
		default: '={{ $now.toISO() }}',
		required: true,
		description: 'When the conversion happened, with a time zone: "2026-11-20 14:05:00+01:00" or ISO 8601 such as "2026-11-20T13:05:00Z"',
	},
	{
		displayName: 'Additional Fields',
		name: 'conversionFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: [
			{ displayName: 'Currency', name: 'currency', type: 'string', default: '', placeholder: 'EUR', description: 'ISO 4217 code of the value' },
			{ displayName: 'Default Country Code', name: 'defaultCountryCode', type: 'string', default: '', placeholder: '49', description: 'Put in front of phone numbers written without a country code' },
			{ displayName: 'Email', name: 'email', type: 'string', placeholder: 'name@email.com', default: '', description: 'Customer email(s), separated by commas; normalised and SHA-256 hashed before sending' },
			{ displayName: 'Order ID', name: 'orderId', type: 'string', default: '', description: 'Deduplicates uploads of the same conversion (e.g. the CRM deal ID)' },
			{ displayName: 'Phone', name: 'phone', type: 'string', default: '', description: 'Customer phone(s) in E.164 form (+ and country code), separated by commas; hashed before sending' },
			{ displayName: 'Value', name: 'value', type: 'number', typeOptions: { minValue: 0, numberPrecision: 2 }, default: 0, description: 'Conversion value (e.g. the deal amount)' },
		],
	},
	{
		displayName: 'Options',
		name: 'uploadOptions',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [{ displayName: 'Validate Only', name: 'validateOnly', type: 'boolean', default: false, description: 'Whether Google only checks the conversions and records nothing' }],
	},
	apiVersionProperty,
]);


export async function executeBatch(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
	const results: Array<INodeExecutionData | undefined> = new Array(items.length);
	const failures = new Map<number, Failure>();
	const groups = new Map<string, Group>();

	// 1. Read and check every item before anything is sent.
	for (let i = 0; i < items.length; i++) {
		let failure: Failure | undefined;
		try {
			const customerId = normalizeCustomerId(this.getNodeParameter('customerId', i, ''), 'Customer ID');
			const via = this.getNodeParameter('uploadThrough', i, 'dataManager') as 'dataManager' | 'legacy';
			const fields = this.getNodeParameter('conversionFields', i, {}) as IDataObject;
			const options = this.getNodeParameter('uploadOptions', i, {}) as IDataObject;
			const clickIdType = this.getNodeParameter('clickIdType', i, 'gclid') as string;
			const conversion = parseConversion(
				{
					[clickIdType]: this.getNodeParameter('clickId', i, ''),
					conversionAction: this.getNodeParameter('conversionAction', i, ''),
					conversionDateTime: this.getNodeParameter('conversionDateTime', i, ''),
					value: fields.value === undefined || (fields.value === 0 && !fields.currency) ? undefined : fields.value,
					currency: fields.currency,
					orderId: fields.orderId,
					email: fields.email,
					phone: fields.phone,
				},
				{ defaultCountryCode: fields.defaultCountryCode as string | undefined },
			);
			const validateOnly = options.validateOnly === true;
			const key = `${customerId}|${via}|${validateOnly}`;
			let group = groups.get(key);
			if (!group) groups.set(key, (group = { customerId, via, validateOnly, firstItem: i, entries: [] }));
			group.entries.push({ itemIndex: i, conversion });
		} catch (error) {
			failure =
				error instanceof AdsValidationError
					? { error: error.message, field: error.field, description: 'Nothing was sent to Google for this item.' }
					: { error: redactSecrets(String((error as Error).message ?? error)) };
		}
		if (failure) failures.set(i, failure);
	}
	if (failures.size && !this.continueOnFail()) {
		const [first, f] = [...failures.entries()][0];
		throw new NodeOperationError(this.getNode(), f.error, {
			itemIndex: first,
			description: `${f.field ? `Field: ${f.field}. ` : ''}Nothing was uploaded: fix the item or switch on "Continue On Fail" to upload the valid ones.`,
		});
	}

	// 2. One upload per account and path (chunks of 2,000).
	for (const group of groups.values()) {
		for (let start = 0; start < group.entries.length; start += MAX_PER_REQUEST) {
			const chunk = group.entries.slice(start, start + MAX_PER_REQUEST);
			if (group.via === 'dataManager') await uploadDataManager(this, group, chunk, results, failures, true);
			else await uploadLegacy(this, group, chunk, results, failures);
		}
	}

	// 3. Per-item results; failures are never swallowed.
	if (failures.size && !this.continueOnFail()) {
		const list = [...failures.entries()];
		const uploaded = results.filter((r) => r !== undefined).length;
		throw new NodeOperationError(this.getNode(), `${list.length} of ${items.length} conversions failed: ${list[0][1].error}`, {
			itemIndex: list[0][0],
			description: `${list.map(([i, f]) => `item ${i}: ${f.error}${f.field ? ` (field ${f.field})` : ''}`).join('; ')}. ${uploaded} other conversion(s) were accepted by Google.`,
		});
	}
	return items.map((_, i) => {
		const failure = failures.get(i);
		if (failure) return { json: { uploaded: false, ...failure } as IDataObject, pairedItem: { item: i } };
		return results[i] ?? { json: { uploaded: false, error: 'No result for this item' }, pairedItem: { item: i } };
	});
}
