// The unified campaign (design.md, Contracts): its fields, allowed values and the shape the node
// returns. Money is in currency units outside and in micros (1 unit = 1,000,000) inside. Pure: no n8n imports.
import { AdsValidationError } from '../errors';

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

export function toMicros(amount: number): string {
	return String(Math.round(amount * 1_000_000));
}

export function fromMicros(micros: unknown): number | null {
	if (micros === undefined || micros === null || micros === '') return null;
	const n = Number(micros);
	return Number.isFinite(n) ? Math.round(n) / 1_000_000 : null;
}

/** SEARCH and DISPLAY campaigns choose their networks; Google chooses them for the other channels. */
export const NETWORK_CHANNELS: Channel[] = ['SEARCH', 'DISPLAY'];

export function defaultNetworks(channel: Channel): Networks | undefined {
	if (channel === 'SEARCH') return { googleSearch: true, searchPartners: true, display: false };
	if (channel === 'DISPLAY') return { googleSearch: false, searchPartners: false, display: true };
	return undefined;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
	return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** An end date before the start date is refused wherever dates are set. */
export function checkDates(start: string | undefined, end: string | undefined) {
	if (start && end && end < start) throw new AdsValidationError('endDate', `must not be before startDate (${start}); got ${end}`);
}
