// The validation error a call throws (fails the test when it throws nothing or something else).
import { AdsValidationError } from '../../../nodes/shared/ads';

export function errorOf(fn: () => unknown): AdsValidationError {
	try {
		fn();
	} catch (e) {
		if (e instanceof AdsValidationError) return e;
		throw e;
	}
	throw new Error('expected a validation error');
}
