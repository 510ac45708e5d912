// Reading accessible customers and their names (Account → List, and the customer dropdown). Pure.
import { formatCustomerId } from './customerId';

export const CUSTOMER_CLIENTS_QUERY =
	'SELECT customer_client.id, customer_client.descriptive_name, customer_client.manager, customer_client.level, customer_client.currency_code, customer_client.time_zone FROM customer_client WHERE customer_client.level <= 1';

export interface CustomerSummary {
	customerId: string;
	customerIdFormatted: string;
	resourceName: string;
	descriptiveName: string | null;
	currencyCode: string | null;
	timeZone: string | null;
	manager: boolean | null;
	testAccount: boolean | null;
}

export function customerFromRow(id: string, row: Record<string, unknown> | undefined): CustomerSummary {
	const c = ((row?.customer ?? row?.customerClient) as Record<string, unknown> | undefined) ?? {};
	const opt = <T>(v: unknown) => (v === undefined || v === null ? null : (v as T));
	return {
		customerId: id,
		customerIdFormatted: formatCustomerId(id),
		resourceName: `customers/${id}`,
		descriptiveName: opt<string>(c.descriptiveName),
		currencyCode: opt<string>(c.currencyCode),
		timeZone: opt<string>(c.timeZone),
		manager: opt<boolean>(c.manager),
		testAccount: opt<boolean>(c.testAccount),
	};
}

/** customers/1234567890 → 1234567890 */
export function idsFromResourceNames(names: unknown): string[] {
	return (Array.isArray(names) ? names : []).map((n) => /^customers\/(\d{10})$/.exec(String(n))?.[1]).filter((v): v is string => v !== undefined);
}
