// Google Ads targeting look-ups, shared by the dropdowns and the Ads Targeting operations: location
// names → geo target constants (geoTargetConstants:suggest), and the languages a campaign can target.
import type { IDataObject, ILoadOptionsFunctions, INodeListSearchResult, INodePropertyOptions } from 'n8n-workflow';
import { LANGUAGES_QUERY, geoSuggestBody, normalizeCustomerId } from '../ads';
import { adsRequest, adsSearch, adsSettings } from '../transport/ads';
import type { GoogleContext } from '../transport';
import { chosenCustomerId } from './adsLoadOptions';

export interface LocationSuggestion {
	id: string;
	resourceName: string;
	name: string;
	canonicalName: string;
	countryCode: string;
	targetType: string;
	reach: string | null;
}

export async function suggestLocations(ctx: GoogleContext, name: string, opts: { locale?: string; countryCode?: string; apiVersion?: string } = {}): Promise<LocationSuggestion[]> {
	const settings = await adsSettings(ctx);
	const response = await adsRequest<{ geoTargetConstantSuggestions?: IDataObject[] }>(ctx, settings, {
		method: 'POST',
		path: 'geoTargetConstants:suggest',
		body: geoSuggestBody(name, opts),
		idempotent: true,
		withLoginCustomer: false,
	});
	return (response.geoTargetConstantSuggestions ?? []).map((s) => {
		const g = (s.geoTargetConstant ?? {}) as IDataObject;
		return {
			id: String(g.id ?? String(g.resourceName ?? '').split('/').pop()),
			resourceName: String(g.resourceName ?? ''),
			name: String(g.name ?? ''),
			canonicalName: String(g.canonicalName ?? g.name ?? ''),
			countryCode: String(g.countryCode ?? ''),
			targetType: String(g.targetType ?? ''),
			reach: s.reach === undefined ? null : String(s.reach),
		};
	});
}

export interface LanguageOption {
	id: string;
	code: string;
	name: string;
}

export async function targetableLanguages(ctx: GoogleContext, customerId: string): Promise<LanguageOption[]> {
	const rows = await adsSearch(ctx, await adsSettings(ctx), normalizeCustomerId(customerId), LANGUAGES_QUERY);
	return rows.map((row) => {
		const l = (row.languageConstant ?? {}) as IDataObject;
		return { id: String(l.id ?? ''), code: String(l.code ?? ''), name: String(l.name ?? '') };
	});
}

/** Dropdown: the languages the chosen customer's campaigns can target. */
export async function getAdsLanguages(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const customerId = chosenCustomerId(this, 'languages');
	return (await targetableLanguages(this, customerId)).map((l) => ({ name: l.name, value: l.id, description: `${l.code} · languageConstants/${l.id}` }));
}

/** Searchable dropdown: places matching what is typed, as Google suggests them (id = geo target constant). */
export async function searchAdsLocations(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	if (!filter?.trim()) return { results: [] };
	const found = await suggestLocations(this, filter);
	return { results: found.map((l) => ({ name: `${l.canonicalName} (${l.targetType.toLowerCase() || 'location'})`, value: l.id })) };
}
