import {
	AdsValidationError,
	dataManagerIngestBody,
	legacyUploadBody,
	normalizeEmail,
	normalizePhone,
	parseConversion,
	parseConversionDateTime,
	sha256Hex,
} from '../../../nodes/shared/ads';
import { errorOf } from './errorOf';

describe('user identifiers (Data Manager formatting guide)', () => {
	it.each([
		['Cloudy.SanFrancisco+shopping@gmail.com', 'cloudysanfrancisco@gmail.com'],
		[' j.o.h.n@GoogleMail.com ', 'john@googlemail.com'],
		['User.Name+NYC@Example.com', 'user.name+nyc@example.com'],
		['jane doe@example.com', 'janedoe@example.com'],
	])('email %p → %p', (input, out) => expect(normalizeEmail(input)).toBe(out));

	it.each([
		['+1 (800) 555-0100', undefined, '+18005550100'],
		['0049 30 1234567', undefined, '+49301234567'],
		['030 1234567', '49', '+49301234567'],
	])('phone %p → %p', (input, cc, out) => expect(normalizePhone(input, cc)).toBe(out));

	it('refuses what cannot be normalised, naming the field', () => {
		expect(errorOf(() => normalizeEmail('not-an-address')).field).toBe('email');
		expect(errorOf(() => normalizePhone('555-0100')).field).toBe('phone');
		expect(errorOf(() => normalizePhone('+12')).field).toBe('phone');
	});

	it('hashes with SHA-256 as lowercase hex (FIPS 180-2 test vector)', () => {
		expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
	});
});

describe('conversion time', () => {
	it('keeps the zone and gives the instant', () => {
		expect(parseConversionDateTime('2026-11-20 14:05:00+01:00')).toEqual({ at: '2026-11-20T13:05:00Z', offset: '+01:00', localDateTime: '2026-11-20 14:05:00' });
		expect(parseConversionDateTime('2026-11-20T13:05:00.000Z')).toEqual({ at: '2026-11-20T13:05:00Z', offset: '+00:00', localDateTime: '2026-11-20 13:05:00' });
		expect(parseConversionDateTime('2026-11-20T09:05-0530').at).toBe('2026-11-20T14:35:00Z');
	});

	it('requires a zone and a real date', () => {
		const e = errorOf(() => parseConversionDateTime('2026-11-20 14:05:00'));
		expect(e.field).toBe('conversionDateTime');
		expect(e.message).toMatch(/needs a time zone/);
		expect(errorOf(() => parseConversionDateTime('2026-02-30 10:00:00Z')).message).toMatch(/not a real date/);
		expect(errorOf(() => parseConversionDateTime('yesterday')).field).toBe('conversionDateTime');
	});
});

describe('parseConversion', () => {
	const base = { gclid: 'EAIaIQobChMI-sandbox1', conversionAction: '7001', conversionDateTime: '2026-11-20 14:05:00+01:00', value: '1200.5', currency: 'eur', orderId: 'deal-42', email: 'Pat.Lee+crm@gmail.com', phone: '+49 30 1234567' };

	it('normalises a conversion', () => {
		expect(parseConversion(base)).toEqual({
			clickId: { kind: 'gclid', value: 'EAIaIQobChMI-sandbox1' },
			conversionActionId: '7001',
			at: '2026-11-20T13:05:00Z',
			offset: '+01:00',
			localDateTime: '2026-11-20 14:05:00',
			value: 1200.5,
			currency: 'EUR',
			orderId: 'deal-42',
			emails: ['patlee@gmail.com'],
			phones: ['+49301234567'],
		});
	});

	it.each([
		[{ ...base, gclid: '' }, 'gclid', /a click ID is required/],
		[{ ...base, gbraid: 'abc' }, 'gbraid', /only one click ID/],
		[{ ...base, conversionAction: '' }, 'conversionAction', /required/],
		[{ ...base, conversionAction: 'deal won' }, 'conversionAction', /conversion action ID/],
		[{ ...base, conversionDateTime: '2026-11-20 14:05:00' }, 'conversionDateTime', /time zone/],
		[{ ...base, value: -1 }, 'value', /at least 0/],
		[{ ...base, currency: 'euro' }, 'currency', /3-letter/],
		[{ ...base, currency: undefined }, 'currency', /required when a value is given/],
		[{ ...base, email: 'nobody' }, 'email', /not an email/],
	])('%#: names %s', (input, field, message) => {
		const e = errorOf(() => parseConversion(input));
		expect(e.field).toBe(field);
		expect(e.message).toMatch(message);
	});

	it('takes the conversion action from the default when the item has none', () => {
		expect(parseConversion({ ...base, conversionAction: undefined }, { defaultConversionAction: 'customers/1234567890/conversionActions/7002' }).conversionActionId).toBe('7002');
	});
});

describe('request bodies', () => {
	const a = parseConversion({ gclid: 'gclid-A', conversionAction: '7001', conversionDateTime: '2026-11-20T13:05:00Z', value: 10, currency: 'EUR', orderId: 'o1', email: 'a@example.com' });
	const b = parseConversion({ wbraid: 'wbraid-B', conversionAction: '7002', conversionDateTime: '2026-11-21 08:00:00-05:00' });

	it('builds the Data Manager ingest body with hashed identifiers', () => {
		expect(dataManagerIngestBody([a, b], { customerId: '123-456-7890', loginCustomerId: '111-222-3333' })).toEqual({
			destinations: [
				{ reference: 'ca-7001', operatingAccount: { accountType: 'GOOGLE_ADS', accountId: '1234567890' }, productDestinationId: '7001', loginAccount: { accountType: 'GOOGLE_ADS', accountId: '1112223333' } },
				{ reference: 'ca-7002', operatingAccount: { accountType: 'GOOGLE_ADS', accountId: '1234567890' }, productDestinationId: '7002', loginAccount: { accountType: 'GOOGLE_ADS', accountId: '1112223333' } },
			],
			events: [
				{
					adIdentifiers: { gclid: 'gclid-A' },
					eventTimestamp: '2026-11-20T13:05:00Z',
					destinationReferences: ['ca-7001'],
					transactionId: 'o1',
					conversionValue: 10,
					currency: 'EUR',
					userData: { userIdentifiers: [{ emailAddress: sha256Hex('a@example.com') }] },
				},
				{ adIdentifiers: { wbraid: 'wbraid-B' }, eventTimestamp: '2026-11-21T13:00:00Z', destinationReferences: ['ca-7002'] },
			],
			encoding: 'HEX',
		});
	});

	it('builds the legacy uploadClickConversions body with the zone in the time', () => {
		expect(legacyUploadBody([a, b], { customerId: '1234567890', validateOnly: true })).toEqual({
			conversions: [
				{
					gclid: 'gclid-A',
					conversionAction: 'customers/1234567890/conversionActions/7001',
					conversionDateTime: '2026-11-20 13:05:00+00:00',
					conversionValue: 10,
					currencyCode: 'EUR',
					orderId: 'o1',
					userIdentifiers: [{ hashedEmail: sha256Hex('a@example.com') }],
				},
				{ wbraid: 'wbraid-B', conversionAction: 'customers/1234567890/conversionActions/7002', conversionDateTime: '2026-11-21 08:00:00-05:00' },
			],
			partialFailure: true,
			validateOnly: true,
		});
	});
});
