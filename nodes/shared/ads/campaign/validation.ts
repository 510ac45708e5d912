// Checking a unified campaign given by a user (whole for create, any subset for update). Every
// error names the field and what is wrong. Pure: no n8n imports.
import { AdsValidationError, describeValue } from '../errors';
import {
	BIDDING_STRATEGIES,
	BUDGET_PERIODS,
	CAMPAIGN_STATUSES,
	CHANNELS,
	NETWORK_CHANNELS,
	checkDates,
	defaultNetworks,
	isRecord,
	type BiddingStrategy,
	type CampaignPatch,
	type Channel,
	type Networks,
	type UnifiedCampaign,
} from './model';

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

function present(v: unknown): boolean {
	return v !== undefined && v !== null && v !== '';
}

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
