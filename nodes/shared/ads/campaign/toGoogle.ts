// The unified campaign → Google Ads REST mutate operations. Budget and campaign are created in one
// atomic googleAds:mutate: the budget gets a temporary resource name (negative id) that the campaign
// refers to, so a failure leaves no orphan budget. Pure: no n8n imports.
import { AdsValidationError } from '../errors';
import { normalizeCustomerId } from '../customerId';
import { checkDates, toMicros, type BiddingStrategy, type CampaignOut, type CampaignPatch, type CampaignStatus, type Networks, type UnifiedCampaign } from './model';

export const TEMP_BUDGET_ID = '-1';

export function budgetResourceName(customerId: string, id: string): string {
	return `customers/${customerId}/campaignBudgets/${id}`;
}

export function campaignResourceName(customerId: string, id: string): string {
	return `customers/${customerId}/campaigns/${id}`;
}

/** "2026-12-01" → the v23+ date-time fields: start at midnight, end at the last second of the day. */
export function startDateTime(date: string): string {
	return `${date} 00:00:00`;
}
export function endDateTime(date: string): string {
	return `${date} 23:59:59`;
}

type Json = Record<string, unknown>;

export function biddingFields(bidding: { strategy: BiddingStrategy; targetCpa?: number }): Json {
	switch (bidding.strategy) {
		case 'MANUAL_CPC':
			return { manualCpc: {} };
		case 'MAXIMIZE_CLICKS':
			return { targetSpend: {} };
		case 'MAXIMIZE_CONVERSIONS':
			return { maximizeConversions: bidding.targetCpa !== undefined ? { targetCpaMicros: toMicros(bidding.targetCpa) } : {} };
		case 'TARGET_CPA':
			return { targetCpa: { targetCpaMicros: toMicros(bidding.targetCpa ?? 0) } };
	}
}

export function networkSettings(n: Networks): Json {
	return { targetGoogleSearch: n.googleSearch, targetSearchNetwork: n.searchPartners, targetContentNetwork: n.display, targetPartnerSearchNetwork: false };
}

export function euPoliticalValue(flag: boolean): string {
	return flag ? 'CONTAINS_EU_POLITICAL_ADVERTISING' : 'DOES_NOT_CONTAIN_EU_POLITICAL_ADVERTISING';
}

/** The body of one atomic googleAds:mutate creating the budget and the campaign. */
export function toCampaignMutate(customerIdInput: string, campaign: UnifiedCampaign, opts: { budgetName?: string; validateOnly?: boolean } = {}): Json {
	const customerId = normalizeCustomerId(customerIdInput);
	const budgetName = budgetResourceName(customerId, TEMP_BUDGET_ID);
	const create: Json = {
		name: campaign.name,
		status: campaign.status,
		advertisingChannelType: campaign.channel,
		campaignBudget: budgetName,
		...biddingFields(campaign.bidding),
		containsEuPoliticalAdvertising: euPoliticalValue(campaign.euPoliticalAdvertising),
	};
	if (campaign.networks) create.networkSettings = networkSettings(campaign.networks);
	if (campaign.startDate) create.startDateTime = startDateTime(campaign.startDate);
	if (campaign.endDate) create.endDateTime = endDateTime(campaign.endDate);
	const body: Json = {
		mutateOperations: [
			{
				campaignBudgetOperation: {
					create: {
						resourceName: budgetName,
						name: opts.budgetName ?? `${campaign.name} budget`,
						amountMicros: toMicros(campaign.budget.amount),
						period: campaign.budget.period,
						deliveryMethod: 'STANDARD',
						explicitlyShared: false,
					},
				},
			},
			{ campaignOperation: { create } },
		],
	};
	if (opts.validateOnly) body.validateOnly = true;
	return body;
}

/**
 * The operations that bring `current` to `patch`: only changed fields go in, and in the update mask.
 * The campaign update and the budget update go in one atomic googleAds:mutate.
 */
export function campaignUpdateOperations(current: CampaignOut, patch: CampaignPatch): { mutateOperations: Json[]; changed: string[] } {
	const update: Json = { resourceName: current.resourceName };
	const mask: string[] = [];
	const changed: string[] = [];
	if (patch.channel !== undefined && patch.channel !== current.channel)
		throw new AdsValidationError('channel', `cannot be changed after a campaign is created (it is ${current.channel})`);
	if (patch.name !== undefined && patch.name !== current.name) {
		update.name = patch.name;
		mask.push('name');
		changed.push('name');
	}
	if (patch.status !== undefined && patch.status !== current.status) {
		update.status = patch.status;
		mask.push('status');
		changed.push('status');
	}
	if (patch.bidding) {
		const sameStrategy = patch.bidding.strategy === current.bidding.strategy;
		const sameTarget = (patch.bidding.targetCpa ?? null) === (current.bidding.targetCpa ?? null);
		if (!sameStrategy || !sameTarget) {
			const fields = biddingFields(patch.bidding);
			Object.assign(update, fields);
			for (const [key, value] of Object.entries(fields)) {
				const inner = Object.keys(value as Json);
				if (inner.length) mask.push(...inner.map((k) => `${key}.${k}`));
				else mask.push(key);
			}
			changed.push('bidding');
		}
	}
	const startDate = patch.startDate ?? current.startDate ?? undefined;
	const endDate = patch.endDate ?? current.endDate ?? undefined;
	checkDates(startDate, endDate);
	if (patch.startDate !== undefined && patch.startDate !== current.startDate) {
		update.startDateTime = startDateTime(patch.startDate);
		mask.push('startDateTime');
		changed.push('startDate');
	}
	if (patch.endDate !== undefined && patch.endDate !== current.endDate) {
		update.endDateTime = endDateTime(patch.endDate);
		mask.push('endDateTime');
		changed.push('endDate');
	}
	if (patch.networks) {
		if (!current.networks) throw new AdsValidationError('networks', `only applies to SEARCH and DISPLAY campaigns; this one is ${current.channel}`);
		const ns: Json = {};
		const names: Record<keyof Networks, string> = { googleSearch: 'targetGoogleSearch', searchPartners: 'targetSearchNetwork', display: 'targetContentNetwork' };
		for (const key of Object.keys(names) as Array<keyof Networks>) {
			const want = patch.networks[key];
			if (want !== undefined && want !== current.networks[key]) {
				ns[names[key]] = want;
				mask.push(`networkSettings.${names[key]}`);
			}
		}
		if (Object.keys(ns).length) {
			update.networkSettings = ns;
			changed.push('networks');
		}
	}
	if (patch.euPoliticalAdvertising !== undefined && patch.euPoliticalAdvertising !== current.euPoliticalAdvertising) {
		update.containsEuPoliticalAdvertising = euPoliticalValue(patch.euPoliticalAdvertising);
		mask.push('containsEuPoliticalAdvertising');
		changed.push('euPoliticalAdvertising');
	}
	const mutateOperations: Json[] = [];
	if (patch.budget && toMicros(patch.budget.amount) !== current.budget.amountMicros) {
		if (!current.budget.resourceName) throw new AdsValidationError('budget', 'the campaign has no budget to change');
		mutateOperations.push({
			campaignBudgetOperation: { update: { resourceName: current.budget.resourceName, amountMicros: toMicros(patch.budget.amount) }, updateMask: 'amountMicros' },
		});
		changed.push('budget.amount');
	}
	if (mask.length) mutateOperations.push({ campaignOperation: { update, updateMask: mask.join(',') } });
	return { mutateOperations, changed };
}

/** A status change (pause / enable) as one campaign operation. */
export function statusOperation(customerId: string, campaignId: string, status: CampaignStatus): Json {
	return { campaignOperation: { update: { resourceName: campaignResourceName(customerId, campaignId), status }, updateMask: 'status' } };
}

export function removeOperation(customerId: string, campaignId: string): Json {
	return { campaignOperation: { remove: campaignResourceName(customerId, campaignId) } };
}
