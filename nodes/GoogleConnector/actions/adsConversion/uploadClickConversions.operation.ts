// Uploads click conversions as one batch per account: through the Data Manager API (the path Google
// requires for new adopters since 2026-06-15) or the legacy uploadClickConversions. Every item gets
// its own result: uploaded, or an error naming the field (continueOnFail), never swallowed.
import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';
import {
	AdsValidationError,
	dataManagerIngestBody,
	legacyUploadBody,
	normalizeCustomerId,
	parseConversion,
	type Conversion,
} from '../../../shared/ads';
import { adsFieldErrors, type GoogleFieldError } from '../../../shared/errors/googleErrors';
import { redactSecrets } from '../../../shared/errors/redact';
import { GoogleApiError } from '../../../shared/transport';
import { adsLoginCustomerId, adsSettings, adsUploadClickConversions, type AdsSettings } from '../../../shared/transport/ads';
import { dataManagerIngest } from '../../../shared/transport/datamanager';
import { apiVersionProperty, customerIdProperty } from '../ads/common';
import { forOperation } from '../operation';

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

interface Entry {
	itemIndex: number;
	conversion: Conversion;
}

interface Group {
	customerId: string;
	via: 'dataManager' | 'legacy';
	validateOnly: boolean;
	settings?: AdsSettings;
	firstItem: number;
	entries: Entry[];
}

interface Failure {
	error: string;
	field?: string;
	code?: string;
	description?: string;
}

function fieldErrorFailure(e: GoogleFieldError, service: string): Failure {
	return { error: `${service} refused this conversion: ${e.code}: ${e.message}`, code: e.code, field: e.fieldPath };
}

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

function success(group: Group, entry: Entry, extra: IDataObject): INodeExecutionData {
	const c = entry.conversion;
	return {
		json: {
			uploaded: !group.validateOnly,
			validateOnly: group.validateOnly,
			via: group.via,
			customerId: group.customerId,
			conversionAction: `customers/${group.customerId}/conversionActions/${c.conversionActionId}`,
			[c.clickId.kind]: c.clickId.value,
			conversionDateTime: c.at,
			...(c.value !== undefined ? { value: c.value, currency: c.currency } : {}),
			...(c.orderId ? { orderId: c.orderId } : {}),
			hashedIdentifiers: c.emails.length + c.phones.length,
			...extra,
		},
		pairedItem: { item: entry.itemIndex },
	};
}

function groupFailure(error: unknown): Failure {
	if (error instanceof GoogleApiError) return { error: error.message, description: error.description ?? undefined, code: error.google.reason };
	if (error instanceof AdsValidationError) return { error: error.message, field: error.field };
	return { error: redactSecrets(String((error as Error)?.message ?? error)) };
}

async function uploadDataManager(
	ctx: IExecuteFunctions,
	group: Group,
	chunk: Entry[],
	results: Array<INodeExecutionData | undefined>,
	failures: Map<number, Failure>,
	mayRetry: boolean,
): Promise<void> {
	let caught: unknown;
	let response: IDataObject | undefined;
	try {
		const body = dataManagerIngestBody(
			chunk.map((e) => e.conversion),
			{ customerId: group.customerId, loginCustomerId: await adsLoginCustomerId(ctx), validateOnly: group.validateOnly },
		);
		response = await dataManagerIngest(ctx, body as IDataObject);
	} catch (error) {
		caught = error;
	}
	if (response) {
		for (const entry of chunk) results[entry.itemIndex] = success(group, entry, { requestId: response.requestId ?? null });
		return;
	}
	// Data Manager refuses the whole request when an event is invalid; its field violations say which.
	const fieldErrors = caught instanceof GoogleApiError ? (caught.google.fieldErrors ?? []) : [];
	const perEvent = fieldErrors.map((e) => ({ e, index: /^events\[(\d+)\]/.exec(e.fieldPath ?? '')?.[1] })).filter((x) => x.index !== undefined);
	if (!mayRetry || perEvent.length === 0 || perEvent.length !== fieldErrors.length) {
		const f = groupFailure(caught);
		for (const entry of chunk) failures.set(entry.itemIndex, f);
		return;
	}
	const bad = new Set<number>();
	for (const { e, index } of perEvent) {
		const entry = chunk[Number(index)];
		if (!entry) continue;
		bad.add(Number(index));
		if (!failures.has(entry.itemIndex)) failures.set(entry.itemIndex, fieldErrorFailure(e, 'Google Data Manager'));
	}
	const rest = chunk.filter((_, i) => !bad.has(i));
	// Google performed nothing, so sending the valid events again is safe.
	if (rest.length) await uploadDataManager(ctx, group, rest, results, failures, false);
}

async function uploadLegacy(ctx: IExecuteFunctions, group: Group, chunk: Entry[], results: Array<INodeExecutionData | undefined>, failures: Map<number, Failure>): Promise<void> {
	let caught: unknown;
	let response: IDataObject | undefined;
	try {
		group.settings ??= await adsSettings(ctx, group.firstItem);
		const body = legacyUploadBody(
			chunk.map((e) => e.conversion),
			{ customerId: group.customerId, validateOnly: group.validateOnly },
		);
		response = await adsUploadClickConversions(ctx, group.settings, group.customerId, body as IDataObject);
	} catch (error) {
		caught = error;
	}
	if (!response) {
		const f = groupFailure(caught);
		for (const entry of chunk) failures.set(entry.itemIndex, f);
		return;
	}
	const partial = response.partialFailureError as IDataObject | undefined;
	const { errors } = adsFieldErrors(partial?.details);
	const unplaced = errors.filter((e) => e.index === undefined || !chunk[e.index]);
	const failed = new Set<number>();
	for (const e of errors) {
		if (e.index === undefined || !chunk[e.index]) continue;
		failed.add(e.index);
		const itemIndex = chunk[e.index].itemIndex;
		const prior = failures.get(itemIndex);
		const next = fieldErrorFailure(e, 'Google Ads');
		failures.set(itemIndex, prior ? { ...prior, error: `${prior.error}; ${next.error}` } : next);
	}
	const resultRows = (response.results as IDataObject[] | undefined) ?? [];
	chunk.forEach((entry, i) => {
		if (failed.has(i)) return;
		// A partial failure Google could not place on one conversion: say so on every item rather than hide it.
		if (partial && unplaced.length) {
			failures.set(entry.itemIndex, { error: `Google Ads reported a partial failure: ${String(partial.message ?? '')}`, code: unplaced[0].code });
			return;
		}
		const row = resultRows[i];
		results[entry.itemIndex] = success(group, entry, row && Object.keys(row).length === 0 ? { note: 'empty result' } : {});
	});
}
