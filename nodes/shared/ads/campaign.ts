// The unified campaign (design.md, Contracts) and its mapping to and from Google Ads REST.
// Money is in currency units outside and in micros (1 unit = 1,000,000) inside. Budget and campaign
// are created in one atomic googleAds:mutate: the budget gets a temporary resource name (negative id)
// that the campaign refers to, so a failure leaves no orphan budget. Pure: no n8n imports.
import { AdsValidationError, describeValue } from './errors';
import { normalizeCustomerId } from './customerId';

export const CAMPAIGN_STATUSES = ['ENABLED', 'PAUSED'] as const;
export const CHANNELS = ['SEARCH', 'DISPLAY', 'PERFORMANCE_MAX', 'SHOPPING', 'DEMAND_GEN', 'VIDEO'] as const;
export const BIDDING_STRATEGIES = ['MANUAL_CPC', 'MAXIMIZE_CLICKS', 'MAXIMIZE_CONVERSIONS', 'TARGET_CPA'] as const;
export const BUDGET_PERIODS = ['DAILY'] as const;

export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];
export type Channel = (typeof CHANNELS)[number];
export type BiddingStrategy = (typeof BIDDING_STRATEGIES)[number];

export interface Networks {
	googleSearch: boolean;
	searchPartners: boolean;
	display: boolean;
}

export interface UnifiedCampaign {
	name: string;
	status: CampaignStatus;
	channel: Channel;
	budget: { amount: number; period: 'DAILY' };
	bidding: { strategy: BiddingStrategy; targetCpa?: number };
	/** YYYY-MM-DD, in the account's time zone. */
	startDate?: string;
	endDate?: string;
	networks?: Networks;
	euPoliticalAdvertising: boolean;
}

export type CampaignPatch = Partial<Omit<UnifiedCampaign, 'budget' | 'bidding' | 'networks'>> & {
	budget?: { amount: number; period?: 'DAILY' };
	bidding?: { strategy: BiddingStrategy; targetCpa?: number };
	networks?: Partial<Networks>;
};

/** The unified shape as the node returns it: ids, resource names and micros alongside. */
export interface CampaignOut {
	id: string;
	resourceName: string;
	customerId: string;
	name: string;
	status: string;
	channel: string;
	budget: { amount: number | null; amountMicros: string | null; period: string | null; id: string | null; resourceName: string | null };
	bidding: { strategy: string; targetCpa?: number; targetCpaMicros?: string };
	startDate: string | null;
	endDate: string | null;
	networks: Networks | null;
	euPoliticalAdvertising: boolean | null;
}

// ------------------------------------------------------------------------------------------------
// Money

export function toMicros(amount: number): string {
	return String(Math.round(amount * 1_000_000));
}

export function fromMicros(micros: unknown): number | null {
	if (micros === undefined || micros === null || micros === '') return null;
	const n = Number(micros);
	return Number.isFinite(n) ? Math.round(n) / 1_000_000 : null;
}

// ------------------------------------------------------------------------------------------------
// Validation

function positiveAmount(value: unknown, field: string): number {
	const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
	if (typeof n !== 'number' || !Number.isFinite(n)) throw new AdsValidationError(field, `must be a number in currency units; got ${describeValue(value)}`);
	if (n <= 0) throw new AdsValidationError(field, `must be greater than 0; got ${n}`);
	return n;
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], field: string): T {
	const text = typeof value === 'string' ? value.trim().toUpperCase() : value;
	if (typeof text !== 'string' || !(allowed as readonly string[]).includes(text))
		throw new AdsValidationError(field, `must be one of ${allowed.join(', ')}; got ${describeValue(value)}`);
	return text as T;
}

function bool(value: unknown, field: string): boolean {
	if (typeof value === 'boolean') return value;
	if (value === 'true') return true;
	if (value === 'false') return false;
	throw new AdsValidationError(field, `must be true or false; got ${describeValue(value)}`);
}

/** A calendar date YYYY-MM-DD (ISO date-times are cut to their date). */
export function validDate(value: unknown, field: string): string {
	const text = typeof value === 'string' ? value.trim() : '';
	const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?$/.exec(text);
	if (!m) throw new AdsValidationError(field, `must be a date as YYYY-MM-DD; got ${describeValue(value)}`);
	const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
	const date = new Date(Date.UTC(y, mo - 1, d));
	if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d)
		throw new AdsValidationError(field, `is not a real calendar date; got ${describeValue(value)}`);
	return `${m[1]}-${m[2]}-${m[3]}`;
}

function isRecord(v: unknown): v is Record<string, unknown> {
	return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function present(v: unknown): boolean {
	return v !== undefined && v !== null && v !== '';
}

export function defaultNetworks(channel: Channel): Networks | undefined {
	if (channel === 'SEARCH') return { googleSearch: true, searchPartners: true, display: false };
	if (channel === 'DISPLAY') return { googleSearch: false, searchPartners: false, display: true };
	return undefined;
}

const NETWORK_CHANNELS: Channel[] = ['SEARCH', 'DISPLAY'];

function parseBidding(value: unknown, channel: Channel | undefined): { strategy: BiddingStrategy; targetCpa?: number } {
	if (!isRecord(value)) throw new AdsValidationError('bidding', `must be an object {strategy, targetCpa?}; got ${describeValue(value)}`);
	const strategy = oneOf(value.strategy, BIDDING_STRATEGIES, 'bidding.strategy');
	const bidding: { strategy: BiddingStrategy; targetCpa?: number } = { strategy };
	if (strategy === 'TARGET_CPA' && !present(value.targetCpa))
		throw new AdsValidationError('bidding.targetCpa', 'is required when bidding.strategy is TARGET_CPA (the target cost per conversion, in currency units)');
	if (present(value.targetCpa)) {
		if (strategy !== 'TARGET_CPA' && strategy !== 'MAXIMIZE_CONVERSIONS')
			throw new AdsValidationError('bidding.targetCpa', `only applies to TARGET_CPA or MAXIMIZE_CONVERSIONS, not ${strategy}`);
		bidding.targetCpa = positiveAmount(value.targetCpa, 'bidding.targetCpa');
	}
	if (channel === 'PERFORMANCE_MAX' && strategy !== 'MAXIMIZE_CONVERSIONS' && strategy !== 'TARGET_CPA')
		throw new AdsValidationError('bidding.strategy', `PERFORMANCE_MAX campaigns bid with MAXIMIZE_CONVERSIONS (optionally with targetCpa); got ${strategy}`);
	return bidding;
}

function parseNetworks(value: unknown, channel: Channel | undefined): Partial<Networks> {
	if (!isRecord(value)) throw new AdsValidationError('networks', `must be an object {googleSearch, searchPartners, display}; got ${describeValue(value)}`);
	if (channel && !NETWORK_CHANNELS.includes(channel))
		throw new AdsValidationError('networks', `only applies to SEARCH and DISPLAY campaigns; Google chooses the networks of ${channel} campaigns`);
	const out: Partial<Networks> = {};
	for (const key of ['googleSearch', 'searchPartners', 'display'] as const) {
		if (present(value[key])) out[key] = bool(value[key], `networks.${key}`);
	}
	for (const key of Object.keys(value))
		if (!['googleSearch', 'searchPartners', 'display'].includes(key)) throw new AdsValidationError(`networks.${key}`, 'is not a known network (googleSearch, searchPartners, display)');
	return out;
}

const KNOWN_KEYS = ['name', 'status', 'channel', 'budget', 'bidding', 'startDate', 'endDate', 'networks', 'euPoliticalAdvertising'];

function checkDates(start: string | undefined, end: string | undefined) {
	if (start && end && end < start) throw new AdsValidationError('endDate', `must not be before startDate (${start}); got ${end}`);
}

/** Checks a whole unified campaign for create. Every error names the field. */
export function parseUnifiedCampaign(input: unknown): UnifiedCampaign {
	if (!isRecord(input)) throw new AdsValidationError('campaign', `must be an object in the unified campaign shape; got ${describeValue(input)}`);
	for (const key of Object.keys(input))
		if (!KNOWN_KEYS.includes(key) && !['id', 'resourceName', 'customerId'].includes(key))
			throw new AdsValidationError(key, `is not a field of the unified campaign (${KNOWN_KEYS.join(', ')})`);
	const name = typeof input.name === 'string' ? input.name.trim() : '';
	if (!name) throw new AdsValidationError('name', 'is required (the campaign name, unique in the account)');
	if (name.length > 255) throw new AdsValidationError('name', `must be at most 255 characters; got ${name.length}`);
	const status = present(input.status) ? oneOf(input.status, CAMPAIGN_STATUSES, 'status') : 'PAUSED';
	const channel = oneOf(input.channel, CHANNELS, 'channel');
	if (!isRecord(input.budget)) throw new AdsValidationError('budget', `is required: {amount, period: "DAILY"}; got ${describeValue(input.budget)}`);
	const amount = positiveAmount(input.budget.amount, 'budget.amount');
	const period = present(input.budget.period) ? oneOf(input.budget.period, BUDGET_PERIODS, 'budget.period') : 'DAILY';
	const bidding = parseBidding(input.bidding ?? { strategy: channel === 'PERFORMANCE_MAX' ? 'MAXIMIZE_CONVERSIONS' : 'MANUAL_CPC' }, channel);
	const startDate = present(input.startDate) ? validDate(input.startDate, 'startDate') : undefined;
	const endDate = present(input.endDate) ? validDate(input.endDate, 'endDate') : undefined;
	checkDates(startDate, endDate);
	const given = present(input.networks) ? parseNetworks(input.networks, channel) : {};
	const defaults = defaultNetworks(channel);
	const networks = defaults ? { ...defaults, ...given } : undefined;
	const euPoliticalAdvertising = present(input.euPoliticalAdvertising) ? bool(input.euPoliticalAdvertising, 'euPoliticalAdvertising') : false;
	const campaign: UnifiedCampaign = { name, status, channel, budget: { amount, period }, bidding, euPoliticalAdvertising };
	if (startDate) campaign.startDate = startDate;
	if (endDate) campaign.endDate = endDate;
	if (networks) campaign.networks = networks;
	return campaign;
}

/** Checks the fields given for an update (any subset). */
export function parseCampaignPatch(input: unknown, channel?: Channel): CampaignPatch {
	if (!isRecord(input)) throw new AdsValidationError('campaign', `must be an object with the fields to change; got ${describeValue(input)}`);
	const patch: CampaignPatch = {};
	for (const key of Object.keys(input)) {
		if (!KNOWN_KEYS.includes(key) && !['id', 'resourceName', 'customerId'].includes(key))
			throw new AdsValidationError(key, `is not a field of the unified campaign (${KNOWN_KEYS.join(', ')})`);
	}
	if (present(input.name)) {
		const name = String(input.name).trim();
		if (!name) throw new AdsValidationError('name', 'must not be empty');
		if (name.length > 255) throw new AdsValidationError('name', `must be at most 255 characters; got ${name.length}`);
		patch.name = name;
	}
	if (present(input.status)) patch.status = oneOf(input.status, CAMPAIGN_STATUSES, 'status');
	if (present(input.channel)) patch.channel = oneOf(input.channel, CHANNELS, 'channel');
	if (present(input.budget)) {
		if (!isRecord(input.budget)) throw new AdsValidationError('budget', `must be {amount}; got ${describeValue(input.budget)}`);
		patch.budget = { amount: positiveAmount(input.budget.amount, 'budget.amount') };
		if (present(input.budget.period)) patch.budget.period = oneOf(input.budget.period, BUDGET_PERIODS, 'budget.period');
	}
	if (present(input.bidding)) patch.bidding = parseBidding(input.bidding, channel);
	if (present(input.startDate)) patch.startDate = validDate(input.startDate, 'startDate');
	if (present(input.endDate)) patch.endDate = validDate(input.endDate, 'endDate');
	checkDates(patch.startDate, patch.endDate);
	if (present(input.networks)) patch.networks = parseNetworks(input.networks, channel);
	if (present(input.euPoliticalAdvertising)) patch.euPoliticalAdvertising = bool(input.euPoliticalAdvertising, 'euPoliticalAdvertising');
	return patch;
}

// ------------------------------------------------------------------------------------------------
// To Google

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

// ------------------------------------------------------------------------------------------------
// From Google

const STRATEGY_FROM_GOOGLE: Record<string, string> = {
	MANUAL_CPC: 'MANUAL_CPC',
	TARGET_SPEND: 'MAXIMIZE_CLICKS',
	MAXIMIZE_CONVERSIONS: 'MAXIMIZE_CONVERSIONS',
	TARGET_CPA: 'TARGET_CPA',
};

/** Google's "no end date" (v23+ end_date_time default). */
const NO_END = /^2037-12-30/;

function dateOf(value: unknown): string | null {
	if (typeof value !== 'string' || !value) return null;
	if (NO_END.test(value)) return null;
	return value.slice(0, 10);
}

function str(v: unknown): string | null {
	return v === undefined || v === null ? null : String(v);
}

/** A GAQL row (REST JSON, camelCase, int64 as strings) → the unified shape with ids and micros. */
export function fromCampaignRow(row: unknown): CampaignOut {
	const r = isRecord(row) ? row : {};
	const c = isRecord(r.campaign) ? r.campaign : {};
	const b = isRecord(r.campaignBudget) ? r.campaignBudget : {};
	const resourceName = String(c.resourceName ?? '');
	const customerId = /^customers\/(\d+)\//.exec(resourceName)?.[1] ?? '';
	const googleStrategy = String(c.biddingStrategyType ?? '');
	const strategy = STRATEGY_FROM_GOOGLE[googleStrategy] ?? googleStrategy;
	const bidding: CampaignOut['bidding'] = { strategy };
	const cpaMicros =
		(isRecord(c.targetCpa) ? c.targetCpa.targetCpaMicros : undefined) ?? (isRecord(c.maximizeConversions) ? c.maximizeConversions.targetCpaMicros : undefined);
	if (cpaMicros !== undefined && cpaMicros !== null && String(cpaMicros) !== '0') {
		bidding.targetCpaMicros = String(cpaMicros);
		bidding.targetCpa = fromMicros(cpaMicros) ?? undefined;
	}
	const ns = isRecord(c.networkSettings) ? c.networkSettings : undefined;
	const channel = String(c.advertisingChannelType ?? '');
	const eu = c.containsEuPoliticalAdvertising;
	return {
		id: String(c.id ?? /\/campaigns\/(\d+)$/.exec(resourceName)?.[1] ?? ''),
		resourceName,
		customerId,
		name: String(c.name ?? ''),
		status: String(c.status ?? ''),
		channel,
		budget: {
			amount: fromMicros(b.amountMicros),
			amountMicros: str(b.amountMicros),
			period: str(b.period),
			id: str(b.id),
			resourceName: str(b.resourceName ?? c.campaignBudget),
		},
		bidding,
		startDate: dateOf(c.startDateTime ?? c.startDate),
		endDate: dateOf(c.endDateTime ?? c.endDate),
		networks:
			ns && NETWORK_CHANNELS.includes(channel as Channel)
				? { googleSearch: ns.targetGoogleSearch === true, searchPartners: ns.targetSearchNetwork === true, display: ns.targetContentNetwork === true }
				: null,
		euPoliticalAdvertising: eu === undefined || eu === null ? null : eu === 'CONTAINS_EU_POLITICAL_ADVERTISING',
	};
}
