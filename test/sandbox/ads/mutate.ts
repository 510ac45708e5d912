// The sandbox's googleAds:mutate: budgets and campaigns with temporary resource names, validation
// answered as GoogleAdsFailure with field paths, atomicity and partial failure.
import { randomBytes } from 'node:crypto';
import { adsSchemas, unknownFields } from '../adsSchemas';
import { type AdsCampaign, adsFailure, type AdsFailureError, err, getPath, NO_END, type Path, type Row, setPath, unknownNameError, validDateTime } from './model';
import type { AdsState } from './index';
import { STRUCTURE_OPERATIONS, type StructureContext } from './structureMutate';
import { applyStructureOperation, finishStructure } from './structureAds';

function validateBudget(state: AdsState, b: Row, path: Path, errors: AdsFailureError[], forCreate: boolean, customerId: string, pendingNames: Set<string>, selfResource?: string) {
	if (forCreate || b.name !== undefined) {
		const name = typeof b.name === 'string' ? b.name.trim() : '';
		if (!name) errors.push(err('fieldError', 'REQUIRED', 'The required field was not present.', [...path, 'name']));
		else if (state.budgetsOf(customerId).some((x) => x.status !== 'REMOVED' && x.name === name && x.resourceName !== selfResource) || pendingNames.has(name))
			errors.push(err('campaignBudgetError', 'DUPLICATE_NAME', 'Budget name already exists.', [...path, 'name'], name));
		else pendingNames.add(name);
	}
	if (forCreate || b.amountMicros !== undefined) {
		const raw = b.amountMicros;
		const micros = typeof raw === 'string' && /^-?\d+$/.test(raw) ? Number(raw) : typeof raw === 'number' ? raw : NaN;
		if (raw === undefined) errors.push(err('fieldError', 'REQUIRED', 'The required field was not present.', [...path, 'amount_micros']));
		else if (!Number.isInteger(micros)) errors.push(err('fieldError', 'INVALID_VALUE', 'The field is not valid.', [...path, 'amountMicros'], String(raw)));
		else if (micros < 0) errors.push(err('campaignBudgetError', 'NEGATIVE_MONEY_AMOUNT', 'Money amount is negative.', [...path, 'amountMicros'], String(raw)));
		else if (micros === 0) errors.push(err('campaignBudgetError', 'MONEY_AMOUNT_LESS_THAN_CURRENCY_MINIMUM_CPC', 'Money amount is less than the minimum CPC for currency.', [...path, 'amountMicros'], String(raw)));
		else if (micros % 10_000 !== 0) errors.push(err('campaignBudgetError', 'NON_MULTIPLE_OF_MINIMUM_CURRENCY_UNIT', 'Money amount is not a multiple of the minimum unit of the currency.', [...path, 'amountMicros'], String(raw)));
	}
	if (b.period !== undefined && b.period !== 'DAILY') errors.push(err('campaignBudgetError', 'INVALID_PERIOD', 'Invalid budget period.', [...path, 'period'], String(b.period)));
	if (b.deliveryMethod !== undefined && !['STANDARD', 'ACCELERATED'].includes(String(b.deliveryMethod)))
		errors.push(err('fieldError', 'INVALID_VALUE', 'The field is not valid.', [...path, 'deliveryMethod'], String(b.deliveryMethod)));
}

const BIDDING_KEYS: Record<string, string> = { manualCpc: 'MANUAL_CPC', targetSpend: 'TARGET_SPEND', maximizeConversions: 'MAXIMIZE_CONVERSIONS', targetCpa: 'TARGET_CPA' };

function validateCampaignFields(state: AdsState, c: Row, path: Path, errors: AdsFailureError[], forCreate: boolean) {
	if (forCreate || c.name !== undefined) {
		if (typeof c.name !== 'string' || !c.name.trim()) errors.push(err('fieldError', 'REQUIRED', 'The required field was not present.', [...path, 'name']));
	}
	if (c.status !== undefined && !['ENABLED', 'PAUSED'].includes(String(c.status)))
		errors.push(err('fieldError', 'INVALID_VALUE', 'The field is not valid.', [...path, 'status'], String(c.status)));
	if (forCreate) {
		if (c.advertisingChannelType === undefined) errors.push(err('fieldError', 'REQUIRED', 'The required field was not present.', [...path, 'advertisingChannelType']));
		else if (!['SEARCH', 'DISPLAY', 'PERFORMANCE_MAX', 'SHOPPING', 'DEMAND_GEN', 'VIDEO'].includes(String(c.advertisingChannelType)))
			errors.push(err('fieldError', 'INVALID_VALUE', 'The field is not valid.', [...path, 'advertisingChannelType'], String(c.advertisingChannelType)));
		if (c.containsEuPoliticalAdvertising === undefined)
			errors.push(err('mutateError', 'EU_POLITICAL_ADVERTISING_DECLARATION_REQUIRED', 'The field contains_eu_political_advertising must be set when creating a campaign.', [...path, 'containsEuPoliticalAdvertising']));
		const schemes = Object.keys(BIDDING_KEYS).filter((k) => c[k] !== undefined);
		if (schemes.length === 0) errors.push(err('fieldError', 'REQUIRED', 'A bidding strategy is required.', [...path, 'campaignBiddingStrategy']));
		if (c.advertisingChannelType === 'PERFORMANCE_MAX' && (c.manualCpc !== undefined || c.targetSpend !== undefined))
			errors.push(err('biddingError', 'INVALID_BIDDING_STRATEGY_TYPE', 'Bidding strategy type is incompatible with the campaign type.', [...path, c.manualCpc !== undefined ? 'manualCpc' : 'targetSpend']));
		if (c.networkSettings !== undefined && !['SEARCH', 'DISPLAY'].includes(String(c.advertisingChannelType)))
			errors.push(err('fieldError', 'VALUE_MUST_BE_UNSET', 'The field must not be set for this campaign type.', [...path, 'networkSettings']));
	}
	const schemes = Object.keys(BIDDING_KEYS).filter((k) => c[k] !== undefined);
	if (schemes.length > 1) errors.push(err('fieldError', 'INVALID_VALUE', 'Only one bidding scheme may be set.', [...path, schemes[1]]));
	for (const k of ['targetCpa', 'maximizeConversions']) {
		const micros = (c[k] as Row | undefined)?.targetCpaMicros;
		if (micros !== undefined && !(Number(micros) > 0)) errors.push(err('rangeError', 'TOO_LOW', 'Too low.', [...path, k, 'targetCpaMicros'], String(micros)));
		else if (k === 'targetCpa' && c[k] !== undefined && micros === undefined) errors.push(err('fieldError', 'REQUIRED', 'The required field was not present.', [...path, k, 'targetCpaMicros']));
	}
	for (const k of ['startDateTime', 'endDateTime']) {
		if (c[k] === undefined) continue;
		const v = String(c[k]);
		if (!validDateTime(v)) errors.push(err('dateError', 'INVALID_STRING_DATE_TIME_SECONDS', 'The string date time is not valid (yyyy-MM-dd HH:mm:ss).', [...path, k], v));
		else if (k === 'startDateTime' && !v.endsWith('00:00:00'))
			errors.push(err('dateError', 'DATE_RANGE_ERROR_START_TIME_MUST_BE_THE_START_OF_A_DAY', 'Start time must be the start of a day.', [...path, k], v));
		else if (k === 'endDateTime' && !v.endsWith('23:59:59'))
			errors.push(err('dateError', 'DATE_RANGE_ERROR_END_TIME_MUST_BE_THE_END_OF_A_DAY', 'End time must be the end of a day.', [...path, k], v));
		else if (k === 'startDateTime' && forCreate && v.slice(0, 10) < state.todayDate())
			errors.push(err('campaignError', 'CANNOT_SET_DATE_TO_PAST', 'Cannot set a date in the past.', [...path, k], v));
	}
	const ns = c.networkSettings as Row | undefined;
	if (ns?.targetSearchNetwork === true && ns.targetGoogleSearch === false)
		errors.push(err('campaignError', 'CANNOT_TARGET_SEARCH_NETWORK_WITHOUT_GOOGLE_SEARCH', 'Cannot target search network without Google search.', [...path, 'networkSettings', 'targetSearchNetwork']));
	if (ns?.targetPartnerSearchNetwork === true)
		errors.push(err('campaignError', 'CANNOT_TARGET_PARTNER_SEARCH_NETWORK', 'Cannot target partner search network.', [...path, 'networkSettings', 'targetPartnerSearchNetwork']));
	if (c.containsEuPoliticalAdvertising !== undefined && !['CONTAINS_EU_POLITICAL_ADVERTISING', 'DOES_NOT_CONTAIN_EU_POLITICAL_ADVERTISING'].includes(String(c.containsEuPoliticalAdvertising)))
		errors.push(err('fieldError', 'INVALID_VALUE', 'The field is not valid.', [...path, 'containsEuPoliticalAdvertising'], String(c.containsEuPoliticalAdvertising)));
}

/** Applies the operations of one googleAds:mutate; atomic unless partialFailure. */
export function mutate(state: AdsState, customerId: string, body: Row, version: string): { status: number; body: unknown } {
	const unknown = unknownFields(adsSchemas(), 'MutateGoogleAdsRequest', body);
	if (unknown.length) throw unknownNameError(unknown);
	const ops = Array.isArray(body.mutateOperations) ? (body.mutateOperations as Row[]) : [];
	if (ops.length === 0) throw adsFailure(400, [err('mutateError', 'MUTATE_NOT_ALLOWED', 'At least one operation is required.', ['mutateOperations'])], version);
	const partial = body.partialFailure === true;
	const validateOnly = body.validateOnly === true;
	// Work on copies; commit at the end (atomic) or per successful operation (partial failure).
	const budgets = new Map([...state.budgets].map(([k, v]) => [k, { ...v }]));
	const campaigns = new Map([...state.campaigns].map(([k, v]) => [k, structuredClone(v)]));
	const temp = new Map<string, string>();
	const allErrors: AdsFailureError[] = [];
	const responses: Row[] = [];
	const pendingBudgetNames = new Set<string>();
	const pendingCampaignNames = new Set<string>();
	const resolve = (name: unknown) => (typeof name === 'string' ? (temp.get(name) ?? name) : name);
	const ctx: StructureContext = { state, customerId, work: state.structure.clone(), campaigns, temp, newAssetGroups: [] };

	ops.forEach((op, i) => {
		const errors: AdsFailureError[] = [];
		const kinds = Object.keys(op);
		const base: Path = ['mutateOperations', i];
		const budgetsBefore = new Map([...budgets].map(([k, v]) => [k, { ...v }]));
		const campaignsBefore = new Map([...campaigns].map(([k, v]) => [k, structuredClone(v)]));
		const structureBefore = partial ? ctx.work.clone() : undefined; // an atomic failure discards the whole copy
		if (kinds.length !== 1) {
			errors.push(err('mutateError', 'MUTATE_NOT_ALLOWED', 'Exactly one operation must be set.', base));
		} else if (kinds[0] === 'campaignBudgetOperation') {
			const o = op.campaignBudgetOperation as Row;
			const path: Path = [...base, 'campaignBudgetOperation'];
			if (o.create) {
				const c = o.create as Row;
				validateBudget(state, c, [...path, 'create'], errors, true, customerId, pendingBudgetNames);
				const rn = typeof c.resourceName === 'string' ? c.resourceName : undefined;
				if (rn !== undefined && !new RegExp(`^customers/${customerId}/campaignBudgets/-\\d+$`).test(rn))
					errors.push(err('requestError', 'RESOURCE_NAME_MALFORMED', 'Resource name is malformed.', [...path, 'create', 'resourceName'], rn));
				if (!errors.length) {
					const id = state.newId();
					const resourceName = `customers/${customerId}/campaignBudgets/${id}`;
					if (rn) temp.set(rn, resourceName);
					budgets.set(resourceName, {
						id,
						customerId,
						resourceName,
						name: String(c.name).trim(),
						amountMicros: String(c.amountMicros),
						period: String(c.period ?? 'DAILY'),
						deliveryMethod: String(c.deliveryMethod ?? 'STANDARD'),
						explicitlyShared: c.explicitlyShared === true,
						status: 'ENABLED',
					});
					responses[i] = { campaignBudgetResult: { resourceName } };
				}
			} else if (o.update) {
				const u = o.update as Row;
				const rn = resolve(u.resourceName) as string;
				const existing = budgets.get(rn);
				if (!existing || existing.customerId !== customerId) errors.push(err('mutateError', 'RESOURCE_NOT_FOUND', 'The requested resource was not found.', [...path, 'update', 'resourceName'], String(u.resourceName)));
				else if (typeof o.updateMask !== 'string' || !o.updateMask) errors.push(err('fieldMaskError', 'FIELD_MASK_MISSING', 'The field mask must be specified for an update operation.', [...path, 'updateMask']));
				else {
					const mask = o.updateMask.split(',').map((s) => s.trim());
					for (const f of mask) if (!['name', 'amountMicros', 'deliveryMethod', 'period'].includes(f)) errors.push(err('fieldMaskError', 'FIELD_NOT_FOUND', 'The field mask contained an invalid field.', [...path, 'updateMask'], f));
					const fields: Row = Object.fromEntries(mask.map((f) => [f, u[f]]));
					validateBudget(state, fields, [...path, 'update'], errors, false, customerId, pendingBudgetNames, rn);
					if (!errors.length) {
						Object.assign(existing, Object.fromEntries(mask.map((f) => [f, f === 'amountMicros' ? String(u[f]) : u[f]])));
						responses[i] = { campaignBudgetResult: { resourceName: rn } };
					}
				}
			} else if (o.remove) {
				const rn = resolve(o.remove) as string;
				const existing = budgets.get(rn);
				if (!existing) errors.push(err('mutateError', 'RESOURCE_NOT_FOUND', 'The requested resource was not found.', [...path, 'remove'], String(o.remove)));
				else if ([...campaigns.values()].some((c) => c.campaignBudget === rn && c.status !== 'REMOVED'))
					errors.push(err('campaignBudgetError', 'CAMPAIGN_BUDGET_IN_USE', 'The campaign budget is in use.', [...path, 'remove'], rn));
				else {
					existing.status = 'REMOVED';
					responses[i] = { campaignBudgetResult: { resourceName: rn } };
				}
			} else errors.push(err('mutateError', 'MUTATE_NOT_ALLOWED', 'An operation (create, update or remove) is required.', path));
		} else if (kinds[0] === 'campaignOperation') {
			const o = op.campaignOperation as Row;
			const path: Path = [...base, 'campaignOperation'];
			if (o.create) {
				const c = o.create as Row;
				validateCampaignFields(state, c, [...path, 'create'], errors, true);
				const name = typeof c.name === 'string' ? c.name.trim() : '';
				if (name && ([...campaigns.values()].some((x) => x.customerId === customerId && x.status !== 'REMOVED' && x.name === name) || pendingCampaignNames.has(name)))
					errors.push(err('campaignError', 'DUPLICATE_CAMPAIGN_NAME', 'A campaign with this name already exists.', [...path, 'create', 'name'], name));
				const budgetName = resolve(c.campaignBudget);
				if (c.campaignBudget === undefined) errors.push(err('fieldError', 'REQUIRED', 'The required field was not present.', [...path, 'create', 'campaignBudget']));
				else if (!budgets.has(String(budgetName)) || budgets.get(String(budgetName))!.customerId !== customerId)
					errors.push(err('mutateError', 'RESOURCE_NOT_FOUND', 'The requested resource was not found.', [...path, 'create', 'campaignBudget'], String(c.campaignBudget)));
				else if (budgets.get(String(budgetName))!.status === 'REMOVED')
					errors.push(err('campaignBudgetError', 'CAMPAIGN_BUDGET_REMOVED', 'The campaign budget was removed.', [...path, 'create', 'campaignBudget'], String(c.campaignBudget)));
				if (!errors.length) {
					pendingCampaignNames.add(name);
					const id = state.newId();
					const resourceName = `customers/${customerId}/campaigns/${id}`;
					if (typeof c.resourceName === 'string' && new RegExp(`^customers/${customerId}/campaigns/-\\d+$`).test(c.resourceName)) temp.set(c.resourceName, resourceName);
					const scheme = Object.keys(BIDDING_KEYS).find((k) => c[k] !== undefined)!;
					const campaign: AdsCampaign = {
						id,
						customerId,
						resourceName,
						name,
						status: String(c.status ?? 'ENABLED'),
						advertisingChannelType: String(c.advertisingChannelType),
						campaignBudget: String(budgetName),
						biddingStrategyType: BIDDING_KEYS[scheme],
						[scheme]: structuredClone(c[scheme]),
						startDateTime: String(c.startDateTime ?? `${state.todayDate()} 00:00:00`),
						endDateTime: String(c.endDateTime ?? NO_END),
						containsEuPoliticalAdvertising: String(c.containsEuPoliticalAdvertising),
					};
					if (c.networkSettings) campaign.networkSettings = { ...(c.networkSettings as Record<string, boolean>) };
					campaigns.set(resourceName, campaign);
					responses[i] = { campaignResult: { resourceName } };
				}
			} else if (o.update) {
				const u = o.update as Row;
				const rn = resolve(u.resourceName) as string;
				const existing = campaigns.get(rn);
				if (!existing || existing.customerId !== customerId) errors.push(err('mutateError', 'RESOURCE_NOT_FOUND', 'The requested resource was not found.', [...path, 'update', 'resourceName'], String(u.resourceName)));
				else if (existing.status === 'REMOVED') errors.push(err('campaignError', 'INVALID_STATUS_CHANGE', 'A removed campaign cannot be changed.', [...path, 'update', 'status'], existing.status));
				else if (typeof o.updateMask !== 'string' || !o.updateMask) errors.push(err('fieldMaskError', 'FIELD_MASK_MISSING', 'The field mask must be specified for an update operation.', [...path, 'updateMask']));
				else {
					const mask = o.updateMask.split(',').map((s) => s.trim());
					const schema = adsSchemas();
					for (const f of mask) {
						const [head, sub] = f.split('.');
						const top = schema.get('Campaign')!.fields.get(head);
						if (top === undefined) errors.push(err('fieldMaskError', 'FIELD_NOT_FOUND', 'The field mask contained an invalid field.', [...path, 'updateMask'], f));
						else if (head === 'advertisingChannelType') errors.push(err('fieldError', 'IMMUTABLE_FIELD', 'The field cannot be modified after creation.', [...path, 'update', 'advertisingChannelType']));
						else if (sub === undefined && ['networkSettings'].includes(head) && u[head] && Object.keys(u[head] as Row).length)
							errors.push(err('fieldMaskError', 'FIELD_HAS_SUBFIELDS', 'The field mask contained a field with subfields (name the subfields).', [...path, 'updateMask'], f));
					}
					const fields: Row = {};
					for (const f of mask) {
						const p = f.split('.');
						const v = getPath(u, p);
						setPath(fields, p, v === undefined && p.length === 1 && Object.keys(BIDDING_KEYS).includes(p[0]) ? {} : v);
					}
					validateCampaignFields(state, fields, [...path, 'update'], errors, false);
					if (fields.name !== undefined) {
						const name = String(fields.name).trim();
						if ([...campaigns.values()].some((x) => x.customerId === customerId && x.status !== 'REMOVED' && x.name === name && x.resourceName !== rn))
							errors.push(err('campaignError', 'DUPLICATE_CAMPAIGN_NAME', 'A campaign with this name already exists.', [...path, 'update', 'name'], name));
					}
					const start = String(fields.startDateTime ?? existing.startDateTime);
					const end = String(fields.endDateTime ?? existing.endDateTime);
					if (!errors.length && end < start)
						errors.push(err('dateError', 'DATE_RANGE_MINIMUM_DATE_LATER_THAN_MAXIMUM_DATE', 'The start date is after the end date.', [...path, 'update', fields.endDateTime !== undefined ? 'endDateTime' : 'startDateTime']));
					if (!errors.length) {
						const scheme = Object.keys(BIDDING_KEYS).find((k) => fields[k] !== undefined);
						if (scheme) {
							for (const k of Object.keys(BIDDING_KEYS)) if (k !== scheme) delete (existing as unknown as Row)[k];
							existing.biddingStrategyType = BIDDING_KEYS[scheme];
						}
						for (const f of mask) {
							const p = f.split('.');
							setPath(existing as unknown as Row, p, getPath(fields, p));
						}
						if (fields.name !== undefined) existing.name = String(fields.name).trim();
						responses[i] = { campaignResult: { resourceName: rn } };
					}
				}
			} else if (o.remove) {
				const rn = resolve(o.remove) as string;
				const existing = campaigns.get(rn);
				if (!existing || existing.customerId !== customerId) errors.push(err('mutateError', 'RESOURCE_NOT_FOUND', 'The requested resource was not found.', [...path, 'remove'], String(o.remove)));
				else {
					existing.status = 'REMOVED';
					responses[i] = { campaignResult: { resourceName: rn } };
				}
			} else errors.push(err('mutateError', 'MUTATE_NOT_ALLOWED', 'An operation (create, update or remove) is required.', path));
		} else if (STRUCTURE_OPERATIONS.includes(kinds[0])) {
			const answer = applyStructureOperation(ctx, kinds[0], op[kinds[0]] as Row, [...base, kinds[0]], errors);
			if (answer) responses[i] = answer;
		} else {
			errors.push(err('mutateError', 'MUTATE_NOT_ALLOWED', `The sandbox does not serve ${kinds[0]}.`, [...base, kinds[0]]));
		}
		if (errors.length) {
			allErrors.push(...errors);
			responses[i] = {};
			// undo what this operation did (partial failure keeps the others)
			budgets.clear();
			for (const [k, v] of budgetsBefore) budgets.set(k, v);
			campaigns.clear();
			for (const [k, v] of campaignsBefore) campaigns.set(k, v);
			if (structureBefore) ctx.work = structureBefore;
		}
	});
	allErrors.push(...finishStructure(ctx));

	if (allErrors.length && !partial) throw adsFailure(400, allErrors, version);
	if (!validateOnly) {
		state.budgets.clear();
		for (const [k, v] of budgets) state.budgets.set(k, v);
		state.campaigns.clear();
		for (const [k, v] of campaigns) state.campaigns.set(k, v);
		state.structure.adopt(ctx.work);
	}
	const out: Row = { mutateOperationResponses: validateOnly ? [] : responses };
	if (allErrors.length) out.partialFailureError = partialFailureError(state, allErrors, version);
	return { status: 200, body: out };
}

export function partialFailureError(state: AdsState, errors: AdsFailureError[], version: string): Row {
	return {
		code: 3,
		message: `Multiple errors in 'details'. First error: ${errors[0].message}, at ${errors[0].location?.fieldPathElements.map((p) => (p.index !== undefined ? `${p.fieldName}[${p.index}]` : p.fieldName)).join('.') ?? ''}`,
		details: [{ '@type': `type.googleapis.com/google.ads.googleads.${version}.errors.GoogleAdsFailure`, errors, requestId: randomBytes(11).toString('base64url') }],
	};
}
