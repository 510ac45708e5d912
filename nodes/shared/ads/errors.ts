// Validation errors of the Google Ads modules: each names the field it is about, so the node can say
// exactly what to fix before anything is sent to Google. Pure: no n8n imports.

export class AdsValidationError extends Error {
	constructor(
		/** The field path in the unified shape or the node's parameters, e.g. "budget.amount". */
		readonly field: string,
		readonly problem: string,
	) {
		super(`Invalid "${field}": ${problem}`);
		this.name = 'AdsValidationError';
	}
}

export function describeValue(value: unknown): string {
	if (value === undefined) return 'nothing';
	if (value === null) return 'null';
	if (typeof value === 'string') return `"${value.length > 60 ? value.slice(0, 57) + '...' : value}"`;
	try {
		const text = JSON.stringify(value);
		return text.length > 60 ? text.slice(0, 57) + '...' : text;
	} catch {
		return String(value);
	}
}
