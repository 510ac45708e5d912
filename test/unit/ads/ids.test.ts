import { AdsValidationError, AdsVersionError, ADS_API_VERSION, formatCustomerId, normalizeCustomerId, optionalCustomerId, resolveAdsVersion, sunsetVersionIn } from '../../../nodes/shared/ads';

function fieldOf(fn: () => unknown): string | undefined {
	try {
		fn();
	} catch (e) {
		if (e instanceof AdsValidationError) return e.field;
		throw e;
	}
	return undefined;
}

describe('customer ids', () => {
	it.each([
		['123-456-7890', '1234567890'],
		['1234567890', '1234567890'],
		[' 123 456 7890 ', '1234567890'],
		['customers/1234567890', '1234567890'],
		[1234567890, '1234567890'],
	])('%p → %p', (input, out) => expect(normalizeCustomerId(input)).toBe(out));

	it.each(['123-456-789', '12345678901', 'abc-def-ghij', '', undefined])('refuses %p naming the field', (input) => {
		expect(fieldOf(() => normalizeCustomerId(input, 'customerId'))).toBe('customerId');
		expect(() => normalizeCustomerId(input)).toThrow(/customerId/);
	});

	it('formats and treats an empty manager id as absent', () => {
		expect(formatCustomerId('1234567890')).toBe('123-456-7890');
		expect(optionalCustomerId('')).toBeUndefined();
		expect(optionalCustomerId('111-222-3333')).toBe('1112223333');
		expect(fieldOf(() => optionalCustomerId('111-222', 'loginCustomerId'))).toBe('loginCustomerId');
	});
});

describe('API version', () => {
	it('defaults to the newest and accepts overrides', () => {
		expect(ADS_API_VERSION).toBe('v26');
		expect(resolveAdsVersion('')).toBe('v26');
		expect(resolveAdsVersion('v25')).toBe('v25');
		expect(resolveAdsVersion('24')).toBe('v24');
		expect(resolveAdsVersion('V23')).toBe('v23');
	});

	it('refuses a sunset version with a message that says to upgrade', () => {
		let error: unknown;
		try {
			resolveAdsVersion('v22', 'apiVersion');
		} catch (e) {
			error = e;
		}
		expect(error).toBeInstanceOf(AdsVersionError);
		expect((error as Error).message).toMatch(/v22 was sunset on 2026-10/);
		expect((error as Error).message).toMatch(/Upgrade: set "API Version" to v26/);
		expect(fieldOf(() => resolveAdsVersion('version26'))).toBe('apiVersion');
	});

	it("reads Google's sunset wording", () => {
		expect(sunsetVersionIn(' Version v19 is deprecated. Requests to this version will be blocked.')).toBe('v19');
		expect(sunsetVersionIn('Request contains an invalid argument.')).toBeUndefined();
	});
});
