// The Google Ads API version: one constant, the newest; a node may override it. Google keeps about
// three majors live, each for roughly a year; a sunset version is refused before anything is sent.
import { AdsValidationError, describeValue } from './errors';

export const ADS_API_VERSION = 'v26';

/** Sunset majors and when (google-facts.md: v22 sunset 2026-10; every older one before it). */
export const ADS_SUNSET: Record<number, string> = { 22: '2026-10', 21: '2026-08', 20: '2026-06', 19: '2026-02' };
export const LAST_SUNSET_MAJOR = 22;

export class AdsVersionError extends AdsValidationError {}

export function sunsetMessage(version: string): string {
	const major = Number(version.replace(/^v/, ''));
	const when = ADS_SUNSET[major] ? ` on ${ADS_SUNSET[major]}` : '';
	return `Google Ads API ${version} was sunset${when} and Google refuses it. Upgrade: set "API Version" to ${ADS_API_VERSION} (or leave it empty for the newest version this node knows).`;
}

/** '' → the newest; "25", "V25", "v25" → "v25". A sunset version throws with the upgrade advice. */
export function resolveAdsVersion(value: unknown, field = 'apiVersion'): string {
	const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
	if (!text) return ADS_API_VERSION;
	const m = /^v?(\d{1,3})$/i.exec(text);
	if (!m) throw new AdsValidationError(field, `must look like "${ADS_API_VERSION}"; got ${describeValue(value)}`);
	const version = `v${Number(m[1])}`;
	if (Number(m[1]) <= LAST_SUNSET_MAJOR) throw new AdsVersionError(field, sunsetMessage(version));
	return version;
}

/** Google's words for a sunset version: " Version v22 is deprecated. Requests to this version will be blocked." */
export function sunsetVersionIn(message: string): string | undefined {
	const m = /Version (v\d+) is deprecated/i.exec(message);
	return m ? m[1] : undefined;
}

export const ADS_BASE_URL = 'https://googleads.googleapis.com';

export function adsUrl(version: string, path: string): string {
	return `${ADS_BASE_URL}/${version}/${path.replace(/^\//, '')}`;
}
