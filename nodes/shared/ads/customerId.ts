// Google Ads customer ids: 10 digits, shown as 123-456-7890. Accepted with or without dashes or
// spaces, or as a resource name "customers/1234567890". Pure.
import { AdsValidationError, describeValue } from './errors';

/** The 10-digit form Google's URLs and the login-customer-id header take. */
export function normalizeCustomerId(value: unknown, field = 'customerId'): string {
	const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
	if (!text) throw new AdsValidationError(field, 'a Google Ads customer ID is required (10 digits, e.g. 123-456-7890)');
	const bare = text.replace(/^customers\//, '').replace(/[\s-]/g, '');
	if (!/^\d{10}$/.test(bare))
		throw new AdsValidationError(field, `must be a 10-digit Google Ads customer ID, with or without dashes (e.g. 123-456-7890); got ${describeValue(value)}`);
	return bare;
}

/** An optional id (manager / login customer id): empty stays undefined. */
export function optionalCustomerId(value: unknown, field = 'loginCustomerId'): string | undefined {
	if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) return undefined;
	return normalizeCustomerId(value, field);
}

/** 1234567890 → 123-456-7890. */
export function formatCustomerId(id: string): string {
	const bare = normalizeCustomerId(id);
	return `${bare.slice(0, 3)}-${bare.slice(3, 6)}-${bare.slice(6)}`;
}

/** A numeric id of a campaign, budget or conversion action, given bare or as a resource name. */
export function normalizeNumericId(value: unknown, field: string, kind: string): string {
	const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
	const m = /^(?:customers\/\d+\/[A-Za-z]+\/)?(\d+)$/.exec(text);
	if (!m) throw new AdsValidationError(field, `must be a ${kind} ID (digits) or its resource name; got ${describeValue(value)}`);
	return m[1];
}
