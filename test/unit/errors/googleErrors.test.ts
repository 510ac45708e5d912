import { RECONNECT_MESSAGE, backoffDelay, describeGoogleError, parseRetryAfter, surfaceFromAuthenticateHeader } from '../../../nodes/shared/errors/googleErrors';
import { redactSecrets } from '../../../nodes/shared/errors/redact';

describe('Google errors in plain words', () => {
	it('invalid_grant says the connection expired or was revoked', () => {
		const d = describeGoogleError(400, { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' });
		expect(d).toMatchObject({ kind: 'reconnect', message: RECONNECT_MESSAGE, retryable: false });
	});

	it('401 on an API call asks to reconnect', () => {
		expect(describeGoogleError(401, { error: { code: 401, status: 'UNAUTHENTICATED', message: 'Request had invalid authentication credentials.' } }).kind).toBe('reconnect');
	});

	it('a missing scope names the surface and says to reconnect with consent', () => {
		const body = { error: { code: 403, status: 'PERMISSION_DENIED', message: 'Request had insufficient authentication scopes.', errors: [{ reason: 'insufficientPermissions' }] } };
		const d = describeGoogleError(403, body, { surface: 'gmailSend' });
		expect(d.kind).toBe('scope');
		expect(d.message).toBe('The Google connection lacks the Gmail send scope');
		expect(d.description).toMatch(/reconnect it: Google shows the consent screen again and grants https:\/\/www.googleapis.com\/auth\/gmail.send/);
		expect(surfaceFromAuthenticateHeader('Bearer realm="x", error="insufficient_scope", scope="https://www.googleapis.com/auth/adwords"')).toBe('ads');
	});

	it('rate limits are retryable and not performed; 5xx are retryable but may have been performed', () => {
		const rate = describeGoogleError(403, { error: { code: 403, message: 'User Rate Limit Exceeded', errors: [{ reason: 'userRateLimitExceeded', domain: 'usageLimits' }] } });
		expect(rate).toMatchObject({ kind: 'rate', retryable: true, notPerformed: true });
		expect(describeGoogleError(429, {})).toMatchObject({ kind: 'rate', retryable: true, notPerformed: true });
		expect(describeGoogleError(503, { error: { code: 503, message: 'unavailable' } })).toMatchObject({ kind: 'server', retryable: true, notPerformed: false });
		expect(describeGoogleError(403, { error: { code: 403, errors: [{ reason: 'quotaExceeded', domain: 'youtube.quota' }] } })).toMatchObject({ kind: 'quota', retryable: false });
	});

	it('GoogleAdsFailure lists each code, message and field path', () => {
		const body = {
			error: {
				code: 400,
				status: 'INVALID_ARGUMENT',
				message: 'Request contains an invalid argument.',
				details: [
					{
						'@type': 'type.googleapis.com/google.ads.googleads.v26.errors.GoogleAdsFailure',
						requestId: 'req-1',
						errors: [
							{ errorCode: { fieldError: 'REQUIRED' }, message: 'The required field was not present.', location: { fieldPathElements: [{ fieldName: 'mutate_operations', index: 1 }, { fieldName: 'campaign_operation' }, { fieldName: 'create' }, { fieldName: 'name' }] } },
						],
					},
				],
			},
		};
		const d = describeGoogleError(400, body);
		expect(d.kind).toBe('invalid');
		expect(d.fieldErrors).toEqual([{ code: 'fieldError.REQUIRED', message: 'The required field was not present.', fieldPath: 'mutate_operations[1].campaign_operation.create.name', index: 1 }]);
		expect(d.message).toContain('fieldError.REQUIRED: The required field was not present. (field mutate_operations[1].campaign_operation.create.name)');
		expect(d.requestId).toBe('req-1');
	});

	it('Retry-After and backoff', () => {
		expect(parseRetryAfter('2')).toBe(2000);
		expect(parseRetryAfter(new Date(Date.now() + 5000).toUTCString())).toBeGreaterThan(3000);
		expect(parseRetryAfter('soon')).toBeUndefined();
		const delays = [0, 1, 2, 3, 10].map((a) => backoffDelay(a, 100, 1000, () => 0.999));
		expect(delays).toEqual([100, 200, 400, 800, 1000]);
		expect(backoffDelay(2, 100, 1000, () => 0)).toBe(200);
	});
});

describe('redaction', () => {
	it('removes tokens, keys and secrets', () => {
		const text =
			'Bearer ya29.a0AfH6SMBx access_token=ya29.abc refresh_token: "1//0gLongRefreshToken123" GOCSPX-abcdef -----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY----- dev-token-XYZ123';
		const out = redactSecrets(text, ['dev-token-XYZ123']);
		for (const secret of ['ya29.', '1//0gLong', 'GOCSPX-abcdef', 'MIIE', 'dev-token-XYZ123']) expect(out).not.toContain(secret);
	});
});
