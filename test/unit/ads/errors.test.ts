// Google's error answers for Ads and Data Manager, described in plain words (googleErrors + errorHints).
import { badRequestFieldErrors, describeGoogleError } from '../../../nodes/shared/errors/googleErrors';
import { adsErrorHint, isAdsSetupProblem } from '../../../nodes/shared/ads/errorHints';

const adsFailure = (status: number, errors: unknown[]) => ({
	error: {
		code: status,
		message: 'Request contains an invalid argument.',
		status: status === 401 ? 'UNAUTHENTICATED' : status === 403 ? 'PERMISSION_DENIED' : 'INVALID_ARGUMENT',
		details: [{ '@type': 'type.googleapis.com/google.ads.googleads.v26.errors.GoogleAdsFailure', errors, requestId: 'req-1' }],
	},
});

describe('Ads errors in plain words', () => {
	it('a missing developer token says which credential field to set', () => {
		const d = describeGoogleError(400, adsFailure(400, [{ errorCode: { requestError: 'DEVELOPER_TOKEN_PARAMETER_MISSING' }, message: 'developer-token parameter is missing.' }]), { service: 'Google Ads' });
		expect(d.kind).toBe('invalid');
		expect(d.message).toBe('Google Ads refused the request: requestError.DEVELOPER_TOKEN_PARAMETER_MISSING: developer-token parameter is missing.');
		expect(d.description).toContain('Set "Ads Developer Token" in the Google Connector credential');
		expect(d.description).toContain('Request id req-1');
	});

	it('a 401 about the developer token is a setup problem, not an expired connection', () => {
		const d = describeGoogleError(401, adsFailure(401, [{ errorCode: { authenticationError: 'DEVELOPER_TOKEN_INVALID' }, message: 'The developer token is not valid.' }]), { service: 'Google Ads' });
		expect(d.kind).toBe('permission');
		expect(d.message).not.toMatch(/reconnect/i);
		// an expired OAuth token is still "reconnect"
		const expired = describeGoogleError(401, adsFailure(401, [{ errorCode: { authenticationError: 'OAUTH_TOKEN_EXPIRED' }, message: 'expired' }]), { service: 'Google Ads' });
		expect(expired.kind).toBe('reconnect');
		expect(isAdsSetupProblem(['authenticationError.OAUTH_TOKEN_EXPIRED'])).toBe(false);
	});

	it("turns Google's sunset-version answer into upgrade advice", () => {
		const d = describeGoogleError(400, adsFailure(400, [{ errorCode: { requestError: 'UNKNOWN' }, message: ' Version v22 is deprecated. Requests to this version will be blocked.' }]), { service: 'Google Ads' });
		expect(d.description).toContain('Google Ads API v22 was sunset on 2026-10');
		expect(d.description).toContain('Upgrade: set "API Version" to v26');
		expect(adsErrorHint('authorizationError.USER_PERMISSION_DENIED', '')).toContain('Ads Manager (Login) Customer ID');
		expect(adsErrorHint('fieldError.REQUIRED', '')).toBeUndefined();
	});

	it('reads Data Manager field violations with the event index', () => {
		const details = [
			{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'INVALID_ARGUMENT', domain: 'datamanager.googleapis.com' },
			{ '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: [{ field: 'events[3].ad_identifiers.gclid', description: 'The gclid could not be decoded.', reason: 'INVALID_GCLID' }] },
		];
		expect(badRequestFieldErrors(details)).toEqual([{ code: 'INVALID_GCLID', message: 'The gclid could not be decoded.', fieldPath: 'events[3].ad_identifiers.gclid', index: 3 }]);
		const d = describeGoogleError(400, { error: { code: 400, message: 'There was a problem with the request.', status: 'INVALID_ARGUMENT', details } }, { service: 'Google Data Manager' });
		expect(d.kind).toBe('invalid');
		expect(d.message).toBe('Google Data Manager refused the request: INVALID_GCLID: The gclid could not be decoded. (field events[3].ad_identifiers.gclid)');
		expect(d.fieldErrors?.[0].index).toBe(3);
	});
});
