// Temporary resource names for one googleAds:mutate: a negative id per new resource, unique in the
// request, so later operations can refer to a resource created earlier in the same request. Pure.
import { normalizeCustomerId } from './customerId';

export type Collection = 'campaignBudgets' | 'campaigns' | 'adGroups' | 'assets' | 'assetGroups';

export class TempResourceNames {
	private next = -1;
	readonly customerId: string;

	constructor(customerId: string) {
		this.customerId = normalizeCustomerId(customerId);
	}

	/** customers/<cid>/<collection>/-N, N counting up across every collection. */
	allocate(collection: Collection): string {
		return `customers/${this.customerId}/${collection}/${this.next--}`;
	}

	/** How many names were handed out. */
	get count(): number {
		return -this.next - 1;
	}
}

/** Whether a resource name is temporary (its id is negative). */
export function isTemporary(resourceName: string): boolean {
	return /\/-\d+$/.test(resourceName);
}

/** The numeric id at the end of a resource name (or of a composite id a~b: the last part). */
export function idOf(resourceName: unknown): string {
	const m = /\/([^/]+)$/.exec(String(resourceName ?? ''));
	const last = m ? m[1] : '';
	return last.includes('~') ? last.slice(last.lastIndexOf('~') + 1) : last;
}
