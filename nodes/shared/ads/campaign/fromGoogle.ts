// A campaign as Google Ads returns it (a GAQL row) → the unified shape with ids and micros. Pure: no n8n imports.
import { NETWORK_CHANNELS, fromMicros, isRecord, type CampaignOut, type Channel } from './model';

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
