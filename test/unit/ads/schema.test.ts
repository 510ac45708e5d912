// Request bodies against Google's own schemas: the protos google-ads-node ships (google-ads-api's
// dependency) and googleapis' Data Manager types. A misspelt or invented field fails here.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
	BIDDING_STRATEGIES,
	BUDGET_PERIODS,
	CAMPAIGN_STATUSES,
	CHANNELS,
	campaignUpdateOperations,
	dataManagerIngestBody,
	fromCampaignRow,
	legacyUploadBody,
	parseCampaignPatch,
	parseConversion,
	parseUnifiedCampaign,
	removeOperation,
	statusOperation,
	toCampaignMutate,
	CAMPAIGN_FIELDS,
	METRIC_FIELDS,
	CONVERSION_ACTION_FIELDS,
} from '../../../nodes/shared/ads';
import { adsSchemas, camel, dataManagerSchemas, protoEnumValues, unknownFields } from '../../sandbox/adsSchemas';

const ads = adsSchemas();
const dm = dataManagerSchemas();

const campaign = parseUnifiedCampaign({
	name: 'Schema check',
	status: 'ENABLED',
	channel: 'SEARCH',
	budget: { amount: 10 },
	bidding: { strategy: 'TARGET_CPA', targetCpa: 5 },
	startDate: '2027-01-01',
	endDate: '2027-01-31',
	networks: { googleSearch: true, searchPartners: true, display: true },
	euPoliticalAdvertising: true,
});

describe('Google Ads bodies against the protos', () => {
	it('finds the messages it checks against', () => {
		for (const m of ['MutateGoogleAdsRequest', 'MutateOperation', 'CampaignOperation', 'CampaignBudgetOperation', 'Campaign', 'CampaignBudget', 'Campaign.NetworkSettings', 'UploadClickConversionsRequest', 'ClickConversion', 'UserIdentifier', 'SearchGoogleAdsRequest'])
			expect(ads.get(m)?.fields.size).toBeGreaterThan(0);
	});

	it('catches a misspelt field (the check itself works)', () => {
		const body = toCampaignMutate('1234567890', campaign) as { mutateOperations: Array<Record<string, Record<string, Record<string, unknown>>>> };
		body.mutateOperations[1].campaignOperation.create.advertisingChanelType = 'SEARCH';
		(body.mutateOperations[0].campaignBudgetOperation.create as Record<string, unknown>).amount_micros = '1';
		expect(unknownFields(ads, 'MutateGoogleAdsRequest', body).map((u) => u.path)).toEqual([
			'mutateOperations[0].campaignBudgetOperation.create.amount_micros',
			'mutateOperations[1].campaignOperation.create.advertisingChanelType',
		]);
	});

	it.each(BIDDING_STRATEGIES.map((s) => [s]))('create body with %s has only known fields', (strategy) => {
		const c = parseUnifiedCampaign({ ...campaign, bidding: { strategy, targetCpa: strategy === 'TARGET_CPA' || strategy === 'MAXIMIZE_CONVERSIONS' ? 4 : undefined } });
		const body = toCampaignMutate('1234567890', c, { validateOnly: true });
		expect(unknownFields(ads, 'MutateGoogleAdsRequest', body)).toEqual([]);
	});

	it('update, pause and remove bodies have only known fields, and every mask path exists', () => {
		const current = fromCampaignRow({
			campaign: { resourceName: 'customers/1234567890/campaigns/5', id: '5', name: 'A', status: 'PAUSED', advertisingChannelType: 'SEARCH', biddingStrategyType: 'MANUAL_CPC', networkSettings: { targetGoogleSearch: true }, containsEuPoliticalAdvertising: 'DOES_NOT_CONTAIN_EU_POLITICAL_ADVERTISING' },
			campaignBudget: { resourceName: 'customers/1234567890/campaignBudgets/4', amountMicros: '1000000' },
		});
		const patch = parseCampaignPatch({ name: 'B', status: 'ENABLED', budget: { amount: 2 }, bidding: { strategy: 'MAXIMIZE_CONVERSIONS', targetCpa: 3 }, startDate: '2027-01-01', endDate: '2027-02-01', networks: { googleSearch: false, searchPartners: true, display: true }, euPoliticalAdvertising: true }, 'SEARCH');
		const { mutateOperations } = campaignUpdateOperations(current, patch);
		const body = { mutateOperations: [...mutateOperations, statusOperation('1234567890', '5', 'PAUSED'), removeOperation('1234567890', '5')] };
		expect(unknownFields(ads, 'MutateGoogleAdsRequest', body)).toEqual([]);
		for (const op of mutateOperations) {
			const [kind, inner] = Object.entries(op)[0] as [string, { updateMask: string }];
			const resource = kind === 'campaignOperation' ? 'Campaign' : 'CampaignBudget';
			for (const path of inner.updateMask.split(',')) {
				const [head, sub] = path.split('.');
				expect(ads.get(resource)!.fields.has(head)).toBe(true);
				if (sub) {
					const type = ads.get(resource)!.fields.get(head)!.split('.').pop()!;
					const schema = ads.get(`${resource}.${type}`) ?? ads.get(type);
					expect(schema?.fields.has(sub)).toBe(true);
				}
			}
		}
	});

	it('legacy upload body has only known fields', () => {
		const c = parseConversion({ gclid: 'g1', conversionAction: '7', conversionDateTime: '2026-11-20T10:00:00Z', value: 1, currency: 'EUR', orderId: 'o', email: 'a@b.test', phone: '+18005550100' });
		expect(unknownFields(ads, 'UploadClickConversionsRequest', legacyUploadBody([c], { customerId: '1234567890', validateOnly: true }))).toEqual([]);
	});

	it('enum values the node sends exist in Google\'s enums', () => {
		const channel = protoEnumValues('enums/advertising_channel_type.proto');
		for (const c of CHANNELS) expect(channel).toContain(c);
		const status = protoEnumValues('enums/campaign_status.proto');
		for (const s of CAMPAIGN_STATUSES) expect(status).toContain(s);
		for (const p of BUDGET_PERIODS) expect(protoEnumValues('enums/budget_period.proto')).toContain(p);
		expect(protoEnumValues('enums/budget_delivery_method.proto')).toContain('STANDARD');
		const eu = protoEnumValues('enums/eu_political_advertising_status.proto');
		expect(eu).toEqual(expect.arrayContaining(['CONTAINS_EU_POLITICAL_ADVERTISING', 'DOES_NOT_CONTAIN_EU_POLITICAL_ADVERTISING']));
		expect(protoEnumValues('enums/bidding_strategy_type.proto')).toEqual(expect.arrayContaining(['MANUAL_CPC', 'TARGET_SPEND', 'MAXIMIZE_CONVERSIONS', 'TARGET_CPA']));
	});

	it('every GAQL field the node selects is a field of its resource', () => {
		const resources: Record<string, string> = { campaign: 'Campaign', campaign_budget: 'CampaignBudget' };
		for (const f of [...CAMPAIGN_FIELDS, ...METRIC_FIELDS, 'segments.date']) {
			const [res, ...rest] = f.split('.');
			if (res === 'metrics' || res === 'segments') {
				const msg = res === 'metrics' ? 'Metrics' : 'Segments';
				const set = new Map(ads);
				// metrics.proto / segments.proto are read on demand
				const { parseProto } = jest.requireActual<typeof import('../../sandbox/adsSchemas')>('../../sandbox/adsSchemas');
				const { adsProtoDir } = jest.requireActual<typeof import('../../sandbox/adsSchemas')>('../../sandbox/adsSchemas');
				parseProto(readFileSync(join(adsProtoDir(), `common/${res}.proto`), 'utf8'), set);
				expect(set.get(msg)?.fields.has(camel(rest[0]))).toBe(true);
				continue;
			}
			let schema = ads.get(resources[res]);
			for (const [i, part] of rest.entries()) {
				expect(schema?.fields.has(camel(part))).toBe(true);
				if (i < rest.length - 1) {
					const type = schema!.fields.get(camel(part))!.split('.').pop()!;
					schema = ads.get(`${schema!.name}.${type}`) ?? ads.get(type);
				}
			}
		}
		// conversion_action fields
		const set = new Map(ads);
		const { parseProto, adsProtoDir } = jest.requireActual<typeof import('../../sandbox/adsSchemas')>('../../sandbox/adsSchemas');
		parseProto(readFileSync(join(adsProtoDir(), 'resources/conversion_action.proto'), 'utf8'), set);
		for (const f of CONVERSION_ACTION_FIELDS) expect(set.get('ConversionAction')?.fields.has(camel(f.split('.')[1]))).toBe(true);
	});
});

describe('Data Manager body against googleapis datamanager_v1 types', () => {
	it('has only known fields, and the check catches a wrong one', () => {
		const c = parseConversion({ gbraid: 'gb', conversionAction: '7', conversionDateTime: '2026-11-20T10:00:00Z', value: 1, currency: 'EUR', orderId: 'o', email: 'a@b.test', phone: '+18005550100' });
		const c2 = parseConversion({ gclid: 'g', conversionAction: '8', conversionDateTime: '2026-11-20T10:00:00Z' });
		const body = dataManagerIngestBody([c, c2], { customerId: '1234567890', loginCustomerId: '1112223333', validateOnly: true });
		expect(unknownFields(dm, 'IngestEventsRequest', body)).toEqual([]);
		const wrong = { ...body, events: [{ ...(body.events as object[])[0], conversion_value: 1 }] };
		expect(unknownFields(dm, 'IngestEventsRequest', wrong).map((u) => u.path)).toEqual(['events[0].conversion_value']);
	});
});

describe('the sandbox speaks only real error codes', () => {
	it('every errorCode family.CODE in test/sandbox/ads/ exists in the protos', () => {
		const dir = join(__dirname, '..', '..', 'sandbox', 'ads');
		const src = readdirSync(dir)
			.filter((f) => f.endsWith('.ts'))
			.map((f) => readFileSync(join(dir, f), 'utf8'))
			.join('\n');
		const used = [...src.matchAll(/err\('([a-zA-Z]+)', '([A-Z_]+)'/g)].map((m) => [m[1], m[2]] as const);
		expect(used.length).toBeGreaterThan(30);
		for (const [family, code] of used) {
			const file = `errors/${family.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}.proto`;
			expect({ family, code, known: protoEnumValues(file).includes(code) }).toEqual({ family, code, known: true });
		}
	});
});

describe('the node advises only on real error codes', () => {
	it('every family.CODE in nodes/shared/ads/errorHints.ts exists in the protos', () => {
		const src = readFileSync(join(__dirname, '..', '..', '..', 'nodes', 'shared', 'ads', 'errorHints.ts'), 'utf8');
		const used = [...src.matchAll(/case '([a-zA-Z]+)\.([A-Z_]+)'/g)].map((m) => [m[1], m[2]] as const);
		expect(used.length).toBeGreaterThan(5);
		for (const [family, code] of used) {
			const file = `errors/${family.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}.proto`;
			expect({ family, code, known: protoEnumValues(file).includes(code) }).toEqual({ family, code, known: true });
		}
	});
});
