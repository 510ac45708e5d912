// The two upload paths of Upload Click Conversions and the per-item results they write: Data Manager
// (refuses the whole request when an event is invalid, so the valid ones are sent again once) and the
// legacy uploadClickConversions (partial failure, placed per conversion).
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { AdsValidationError, dataManagerIngestBody, legacyUploadBody, type Conversion } from '../../../shared/ads';
import { adsFieldErrors, type GoogleFieldError } from '../../../shared/errors/googleErrors';
import { redactSecrets } from '../../../shared/errors/redact';
import { GoogleApiError } from '../../../shared/transport';
import { adsLoginCustomerId, adsSettings, adsUploadClickConversions, type AdsSettings } from '../../../shared/transport/ads';
import { dataManagerIngest } from '../../../shared/transport/datamanager';

export interface Entry {
	itemIndex: number;
	conversion: Conversion;
}

export interface Group {
	customerId: string;
	via: 'dataManager' | 'legacy';
	validateOnly: boolean;
	settings?: AdsSettings;
	firstItem: number;
	entries: Entry[];
}

export interface Failure {
	error: string;
	field?: string;
	code?: string;
	description?: string;
}

function fieldErrorFailure(e: GoogleFieldError, service: string): Failure {
	return { error: `${service} refused this conversion: ${e.code}: ${e.message}`, code: e.code, field: e.fieldPath };
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

export async function uploadDataManager(
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

export async function uploadLegacy(ctx: IExecuteFunctions, group: Group, chunk: Entry[], results: Array<INodeExecutionData | undefined>, failures: Map<number, Failure>): Promise<void> {
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
