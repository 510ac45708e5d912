// Google Ads dropdowns: customers (accessible ones and the clients of the credential's manager) and
// conversion actions of the chosen customer. A dropdown with nothing to list says why (n8n shows a
// loader's error on the field) instead of opening empty.
import { NodeOperationError, type ILoadOptionsFunctions, type INodePropertyOptions, type IDataObject } from 'n8n-workflow';
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
	if (!found.size)
		throw new NodeOperationError(this.getNode(), 'The connected Google account can reach no Google Ads account', {
			description: 'Google listed no accessible customer for this login. Sign in with a user that has access to the account, or set the Manager Customer ID on the credential.',
		});
	return [...found.entries()]
		.map(([id, c]) => ({
			name: `${c.name ?? 'Account'} (${formatCustomerId(id)})${c.manager ? ' · manager' : ''}`,
			value: id,
		}))
		.sort((a, b) => a.name.localeCompare(b.name));
}

/** The Customer chosen in the node (a fixed value), for dropdowns that read from that account. */
export function chosenCustomerId(ctx: ILoadOptionsFunctions, listing: string): string {
	const raw = ctx.getCurrentNodeParameter('customerId') ?? ctx.getNodeParameter('customerId', '');
	try {
		return normalizeCustomerId(raw);
	} catch {
		const expression = typeof raw === 'string' && raw.startsWith('=');
		throw new NodeOperationError(ctx.getNode(), `Choose a Customer first: the ${listing} are read from that Google Ads account`, {
			description: expression ? `Customer is an expression, which is only known when the node runs: pick it from the list, or give the ${listing} by ID with an expression too.` : undefined,
		});
	}
}

export async function getAdsConversionActions(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const customerId = chosenCustomerId(this, 'conversion actions');
	const rows = await adsSearch(this, await adsSettings(this), customerId, conversionActionsQuery());
	if (!rows.length)
		throw new NodeOperationError(this.getNode(), `Google Ads account ${formatCustomerId(customerId)} has no enabled conversion action`, {
			description: 'Create one in Google Ads (Goals → Conversions), or enable a paused one; then open this list again.',
		});
	return rows.map((row) => {
		const a = (row.conversionAction ?? {}) as IDataObject;
		return { name: `${String(a.name ?? a.id)}`, value: String(a.id ?? ''), description: `${String(a.type ?? '')} · ${String(a.category ?? '')}` };
	});
}
