import {
	AdsValidationError,
	campaignUpdateOperations,
	fromCampaignRow,
	parseCampaignPatch,
	parseUnifiedCampaign,
	removeOperation,
	statusOperation,
	toCampaignMutate,
	type CampaignOut,
} from '../../../nodes/shared/ads';
import { errorOf } from './errorOf';

const valid = {
	name: 'Winter sale',
	status: 'PAUSED',
	channel: 'SEARCH',
	budget: { amount: 25.5, period: 'DAILY' },
	bidding: { strategy: 'MAXIMIZE_CONVERSIONS', targetCpa: 12 },
	startDate: '2027-01-10',
	endDate: '2027-02-10',
	networks: { googleSearch: true, searchPartners: false, display: false },
	euPoliticalAdvertising: false,
};

describe('parseUnifiedCampaign', () => {
	it('accepts the unified shape and fills defaults', () => {
		expect(parseUnifiedCampaign(valid)).toEqual(valid);
		expect(parseUnifiedCampaign({ name: 'x', channel: 'search', budget: { amount: '10' } })).toEqual({
			name: 'x',
			status: 'PAUSED',
			channel: 'SEARCH',
			budget: { amount: 10, period: 'DAILY' },
			bidding: { strategy: 'MANUAL_CPC' },
			networks: { googleSearch: true, searchPartners: true, display: false },
			euPoliticalAdvertising: false,
		});
	});

	it.each([
		[{ ...valid, name: ' ' }, 'name', /required/],
		[{ ...valid, budget: { amount: 0 } }, 'budget.amount', /greater than 0; got 0/],
		[{ ...valid, budget: { amount: -3 } }, 'budget.amount', /greater than 0/],
		[{ ...valid, budget: { amount: 'ten' } }, 'budget.amount', /must be a number/],
		[{ ...valid, budget: undefined }, 'budget', /is required/],
		[{ ...valid, budget: { amount: 5, period: 'MONTHLY' } }, 'budget.period', /DAILY/],
		[{ ...valid, channel: 'RADIO' }, 'channel', /SEARCH, DISPLAY, PERFORMANCE_MAX/],
		[{ ...valid, status: 'REMOVED' }, 'status', /ENABLED, PAUSED/],
		[{ ...valid, bidding: { strategy: 'CHEAPEST' } }, 'bidding.strategy', /MANUAL_CPC/],
		[{ ...valid, bidding: { strategy: 'TARGET_CPA' } }, 'bidding.targetCpa', /required when bidding.strategy is TARGET_CPA/],
		[{ ...valid, bidding: { strategy: 'MANUAL_CPC', targetCpa: 3 } }, 'bidding.targetCpa', /only applies/],
		[{ ...valid, bidding: { strategy: 'TARGET_CPA', targetCpa: 0 } }, 'bidding.targetCpa', /greater than 0/],
		[{ ...valid, startDate: '2027-02-30' }, 'startDate', /real calendar date/],
		[{ ...valid, endDate: '10/02/2027' }, 'endDate', /YYYY-MM-DD/],
		[{ ...valid, startDate: '2027-03-01', endDate: '2027-02-01' }, 'endDate', /must not be before startDate \(2027-03-01\)/],
		[{ ...valid, channel: 'PERFORMANCE_MAX', bidding: { strategy: 'MANUAL_CPC' }, networks: undefined }, 'bidding.strategy', /PERFORMANCE_MAX/],
		[{ ...valid, channel: 'PERFORMANCE_MAX', networks: { display: true } }, 'networks', /only applies to SEARCH and DISPLAY/],
		[{ ...valid, networks: { youtube: true } }, 'networks.youtube', /not a known network/],
		[{ ...valid, networks: { display: 'yes' } }, 'networks.display', /true or false/],
		[{ ...valid, euPoliticalAdvertising: 'no' }, 'euPoliticalAdvertising', /true or false/],
		[{ ...valid, budgetAmount: 5 }, 'budgetAmount', /not a field of the unified campaign/],
	])('%#: names the field %s', (input, field, message) => {
		const e = errorOf(() => parseUnifiedCampaign(input));
		expect(e.field).toBe(field);
		expect(e.message).toMatch(message);
		expect(e.message).toContain(`"${field}"`);
	});
});

describe('toCampaignMutate', () => {
	it('creates budget and campaign in one atomic mutate with a temporary budget name', () => {
		const body = toCampaignMutate('123-456-7890', parseUnifiedCampaign(valid));
		expect(body).toEqual({
			mutateOperations: [
				{
					campaignBudgetOperation: {
						create: {
							resourceName: 'customers/1234567890/campaignBudgets/-1',
							name: 'Winter sale budget',
							amountMicros: '25500000',
							period: 'DAILY',
							deliveryMethod: 'STANDARD',
							explicitlyShared: false,
						},
					},
				},
				{
					campaignOperation: {
						create: {
							name: 'Winter sale',
							status: 'PAUSED',
							advertisingChannelType: 'SEARCH',
							campaignBudget: 'customers/1234567890/campaignBudgets/-1',
							maximizeConversions: { targetCpaMicros: '12000000' },
							containsEuPoliticalAdvertising: 'DOES_NOT_CONTAIN_EU_POLITICAL_ADVERTISING',
							networkSettings: { targetGoogleSearch: true, targetSearchNetwork: false, targetContentNetwork: false, targetPartnerSearchNetwork: false },
							startDateTime: '2027-01-10 00:00:00',
							endDateTime: '2027-02-10 23:59:59',
						},
					},
				},
			],
		});
		expect(body).not.toHaveProperty('partialFailure');
	});

	it.each([
		['MANUAL_CPC', undefined, { manualCpc: {} }],
		['MAXIMIZE_CLICKS', undefined, { targetSpend: {} }],
		['MAXIMIZE_CONVERSIONS', undefined, { maximizeConversions: {} }],
		['TARGET_CPA', 7.25, { targetCpa: { targetCpaMicros: '7250000' } }],
	])('maps bidding %s', (strategy, targetCpa, fields) => {
		const c = parseUnifiedCampaign({ ...valid, bidding: { strategy, targetCpa } });
		const create = ((toCampaignMutate('1234567890', c).mutateOperations as Array<Record<string, Record<string, Record<string, unknown>>>>)[1].campaignOperation.create);
		expect(create).toMatchObject(fields);
		for (const other of ['manualCpc', 'targetSpend', 'maximizeConversions', 'targetCpa'].filter((k) => !(k in fields))) expect(create).not.toHaveProperty(other);
	});

	it('leaves network settings out for Performance Max and rejects a bad customer id', () => {
		const c = parseUnifiedCampaign({ name: 'PMax', channel: 'PERFORMANCE_MAX', budget: { amount: 50 } });
		const create = (toCampaignMutate('1234567890', c).mutateOperations as Array<Record<string, Record<string, Record<string, unknown>>>>)[1].campaignOperation.create;
		expect(create).not.toHaveProperty('networkSettings');
		expect(create.maximizeConversions).toEqual({});
		expect(errorOf(() => toCampaignMutate('12-34', c)).field).toBe('customerId');
	});
});

const current: CampaignOut = fromCampaignRow({
	campaign: {
		resourceName: 'customers/1234567890/campaigns/555',
		id: '555',
		name: 'Winter sale',
		status: 'PAUSED',
		advertisingChannelType: 'SEARCH',
		biddingStrategyType: 'MANUAL_CPC',
		campaignBudget: 'customers/1234567890/campaignBudgets/444',
		startDateTime: '2027-01-10 00:00:00',
		endDateTime: '2037-12-30 23:59:59',
		networkSettings: { targetGoogleSearch: true, targetSearchNetwork: true, targetContentNetwork: false, targetPartnerSearchNetwork: false },
		containsEuPoliticalAdvertising: 'DOES_NOT_CONTAIN_EU_POLITICAL_ADVERTISING',
	},
	campaignBudget: { resourceName: 'customers/1234567890/campaignBudgets/444', id: '444', amountMicros: '25500000', period: 'DAILY' },
});

describe('fromCampaignRow', () => {
	it('gives the unified shape with ids, units and micros', () => {
		expect(current).toEqual({
			id: '555',
			resourceName: 'customers/1234567890/campaigns/555',
			customerId: '1234567890',
			name: 'Winter sale',
			status: 'PAUSED',
			channel: 'SEARCH',
			budget: { amount: 25.5, amountMicros: '25500000', period: 'DAILY', id: '444', resourceName: 'customers/1234567890/campaignBudgets/444' },
			bidding: { strategy: 'MANUAL_CPC' },
			startDate: '2027-01-10',
			endDate: null,
			networks: { googleSearch: true, searchPartners: true, display: false },
			euPoliticalAdvertising: false,
		});
	});

	it('maps maximize clicks and target CPA back', () => {
		expect(fromCampaignRow({ campaign: { biddingStrategyType: 'TARGET_SPEND' } }).bidding).toEqual({ strategy: 'MAXIMIZE_CLICKS' });
		expect(fromCampaignRow({ campaign: { biddingStrategyType: 'MAXIMIZE_CONVERSIONS', maximizeConversions: { targetCpaMicros: '12500000' } } }).bidding).toEqual({
			strategy: 'MAXIMIZE_CONVERSIONS',
			targetCpa: 12.5,
			targetCpaMicros: '12500000',
		});
	});
});

describe('update mask', () => {
	it('puts only changed fields in the update and the mask', () => {
		const patch = parseCampaignPatch({ name: 'Winter sale', status: 'ENABLED', networks: { searchPartners: false, googleSearch: true }, endDate: '2027-03-01' }, 'SEARCH');
		const { mutateOperations, changed } = campaignUpdateOperations(current, patch);
		expect(changed).toEqual(['status', 'endDate', 'networks']);
		expect(mutateOperations).toEqual([
			{
				campaignOperation: {
					update: {
						resourceName: 'customers/1234567890/campaigns/555',
						status: 'ENABLED',
						endDateTime: '2027-03-01 23:59:59',
						networkSettings: { targetSearchNetwork: false },
					},
					updateMask: 'status,endDateTime,networkSettings.targetSearchNetwork',
				},
			},
		]);
	});

	it('changes the budget through its own operation, in the same request', () => {
		const { mutateOperations, changed } = campaignUpdateOperations(current, parseCampaignPatch({ budget: { amount: 40 }, bidding: { strategy: 'TARGET_CPA', targetCpa: 9 } }));
		expect(changed).toEqual(['bidding', 'budget.amount']);
		expect(mutateOperations).toEqual([
			{ campaignBudgetOperation: { update: { resourceName: 'customers/1234567890/campaignBudgets/444', amountMicros: '40000000' }, updateMask: 'amountMicros' } },
			{ campaignOperation: { update: { resourceName: 'customers/1234567890/campaigns/555', targetCpa: { targetCpaMicros: '9000000' } }, updateMask: 'targetCpa.targetCpaMicros' } },
		]);
	});

	it('sends nothing when nothing changed', () => {
		expect(campaignUpdateOperations(current, parseCampaignPatch({ name: 'Winter sale', budget: { amount: 25.5 }, bidding: { strategy: 'MANUAL_CPC' } }))).toEqual({ mutateOperations: [], changed: [] });
	});

	it('refuses a channel change and dates out of order, naming the field', () => {
		expect(errorOf(() => campaignUpdateOperations(current, parseCampaignPatch({ channel: 'DISPLAY' }))).field).toBe('channel');
		expect(errorOf(() => campaignUpdateOperations(current, parseCampaignPatch({ endDate: '2027-01-01' }))).field).toBe('endDate');
		expect(errorOf(() => parseCampaignPatch({ budget: { amount: 0 } })).field).toBe('budget.amount');
	});

	it('builds pause, enable and remove operations', () => {
		expect(statusOperation('1234567890', '555', 'PAUSED')).toEqual({
			campaignOperation: { update: { resourceName: 'customers/1234567890/campaigns/555', status: 'PAUSED' }, updateMask: 'status' },
		});
		expect(removeOperation('1234567890', '555')).toEqual({ campaignOperation: { remove: 'customers/1234567890/campaigns/555' } });
	});
});
