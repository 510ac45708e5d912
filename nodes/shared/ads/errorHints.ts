// Plain-words advice for Google Ads error codes that users can fix themselves. Pure.
import { sunsetMessage, sunsetVersionIn } from './version';

/** Advice for one GoogleAdsFailure error ("family.CODE" as googleErrors formats it), if any. */
export function adsErrorHint(code: string, message: string): string | undefined {
	const version = sunsetVersionIn(message);
	if (version) return sunsetMessage(version);
	switch (code) {
		case 'requestError.DEVELOPER_TOKEN_PARAMETER_MISSING':
			return 'Set "Ads Developer Token" in the Google Connector credential (Google Ads → Tools → API Center of your manager account).';
		case 'authenticationError.DEVELOPER_TOKEN_INVALID':
			return 'The developer token in the credential is not valid: copy it again from the API Center of your Google Ads manager account.';
		case 'authorizationError.DEVELOPER_TOKEN_NOT_APPROVED':
			return 'The developer token has test access only: it works with test accounts; apply for Basic access in the API Center to use production accounts.';
		case 'authorizationError.USER_PERMISSION_DENIED':
			return 'The connected Google user cannot reach this customer directly. If access is through a manager account, set "Ads Manager (Login) Customer ID" in the credential to that manager\'s ID.';
		case 'authorizationError.INVALID_LOGIN_CUSTOMER_ID_SERVING_CUSTOMER_ID_COMBINATION':
			return 'The manager (login) customer ID in the credential does not manage this customer: correct it, or clear it if the user has direct access.';
		case 'headerError.INVALID_LOGIN_CUSTOMER_ID':
			return 'The manager (login) customer ID in the credential is not valid: 10 digits, dashes optional.';
		case 'authorizationError.CUSTOMER_NOT_ENABLED':
			return 'This Google Ads account is not enabled (cancelled or not yet set up).';
		case 'notAllowlistedError.CUSTOMER_NOT_ALLOWLISTED_FOR_THIS_FEATURE':
			return 'Google no longer accepts the legacy upload from this account: switch "Upload Through" to Data Manager API and switch on "Ads conversions (Data Manager)" in the credential.';
		default:
			return undefined;
	}
}

const NOT_TOKEN_PROBLEMS = /DEVELOPER_TOKEN|CUSTOMER|LOGIN_CUSTOMER|NOT_ADS_USER/;

/** Whether a 401 carrying these Ads error codes is about the Ads setup, not an expired connection. */
export function isAdsSetupProblem(codes: string[]): boolean {
	return codes.some((c) => NOT_TOKEN_PROBLEMS.test(c) && !/OAUTH_TOKEN/.test(c));
}
