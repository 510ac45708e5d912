// Google Ads dropdowns: customers (accessible ones and the clients of the credential's manager) and
// conversion actions of the chosen customer.
import type { ILoadOptionsFunctions, INodePropertyOptions, IDataObject } from 'n8n-workflow';
import {
	CUSTOMER_CLIENTS_QUERY,
	CUSTOMER_QUERY,
	conversionActionsQuery,
	customerFromRow,
	formatCustomerId,
	normalizeCustomerId,
} from '../ads';
import { adsListAccessibleCustomerIds, adsSearch, adsSettings } from '../transport/ads';

const MAX_NAMED = 25;

export async function getAdsCustomers(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const settings = await adsSettings(this);
	const accessible = await adsListAccessibleCustomerIds(this, settings);
	const found = new Map<string, { name: string | null; manager: boolean | null }>();
	for (const id of accessible.slice(0, MAX_NAMED)) {
		try {
			const rows = await adsSearch(this, { ...settings, loginCustomerId: undefined }, id, CUSTOMER_QUERY);
			const c = customerFromRow(id, rows[0]);
			found.set(id, { name: c.descriptiveName, manager: c.manager });
		} catch {
			found.set(id, { name: null, manager: null });
		}
	}
	if (settings.loginCustomerId) {
		try {
			const rows = await adsSearch(this, settings, settings.loginCustomerId, CUSTOMER_CLIENTS_QUERY);
			for (const row of rows) {
				const client = (row.customerClient ?? {}) as IDataObject;
				const id = String(client.id ?? '');
				if (/^\d{10}$/.test(id) && !found.has(id)) found.set(id, { name: (client.descriptiveName as string) ?? null, manager: client.manager === true });
			}
		} catch {
			/* the manager's clients are a convenience; the accessible list still shows */
		}
	}
	return [...found.entries()]
		.map(([id, c]) => ({
			name: `${c.name ?? 'Account'} (${formatCustomerId(id)})${c.manager ? ' · manager' : ''}`,
			value: id,
		}))
		.sort((a, b) => a.name.localeCompare(b.name));
}

export async function getAdsConversionActions(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	let customerId: string;
	try {
		customerId = normalizeCustomerId(this.getCurrentNodeParameter('customerId') ?? this.getNodeParameter('customerId', ''));
	} catch {
		return []; // no valid customer chosen yet
	}
	const rows = await adsSearch(this, await adsSettings(this), customerId, conversionActionsQuery());
	return rows.map((row) => {
		const a = (row.conversionAction ?? {}) as IDataObject;
		return { name: `${String(a.name ?? a.id)}`, value: String(a.id ?? ''), description: `${String(a.type ?? '')} · ${String(a.category ?? '')}` };
	});
}
