// Ids written back: the answer of the structure's mutate, read through its plan, in the unified
// shape's terms, so a CRM can store campaign, ad group, keyword and ad ids next to its own records. Pure.
import type { CampaignStructure } from './campaignStructure';
import type { PlanEntry } from './structureMutate';
import { idOf } from './tempNames';

type Json = Record<string, unknown>;

export interface CreatedIds {
	campaign: { id: string; resourceName: string };
	budget: { id: string; resourceName: string };
	locations: Array<{ geoTargetId: string; exclude: boolean; criterionId: string }>;
	languages: Array<{ languageId: string; criterionId: string }>;
	negativeKeywords: Array<{ text: string; matchType: string; criterionId: string }>;
	adGroups: Array<{
		name: string;
		id: string;
		resourceName: string;
		keywords: Array<{ text: string; matchType: string; criterionId: string; resourceName: string }>;
		ads: Array<{ type: string; id: string; resourceName: string }>;
	}>;
	assetGroup?: { id: string; resourceName: string; assetCount: number };
	images: Array<{ binary: string; assetId: string; resourceName: string }>;
	operations: number;
}

/** The resource name in one mutateOperationResponse (whichever *Result it holds). */
export function resultName(response: unknown): string {
	const r = (response ?? {}) as Json;
	for (const value of Object.values(r)) {
		const name = (value as Json | undefined)?.resourceName;
		if (typeof name === 'string') return name;
	}
	return '';
}

export function createdIds(s: CampaignStructure, plan: PlanEntry[], responses: unknown[]): CreatedIds {
	const out: CreatedIds = {
		campaign: { id: '', resourceName: '' },
		budget: { id: '', resourceName: '' },
		locations: [],
		languages: [],
		negativeKeywords: [],
		adGroups: s.adGroups.map((g) => ({ name: g.name, id: '', resourceName: '', keywords: [], ads: [] })),
		images: [],
		operations: plan.length,
	};
	let assets = 0;
	plan.forEach((entry, i) => {
		const resourceName = resultName(responses[i]);
		const id = idOf(resourceName);
		switch (entry.kind) {
			case 'budget':
			case 'campaign':
				out[entry.kind] = { id, resourceName };
				break;
			case 'location': {
				const l = s.targeting.locations[entry.index];
				out.locations.push({ geoTargetId: l.id, exclude: l.exclude, criterionId: id });
				break;
			}
			case 'language':
				out.languages.push({ languageId: s.targeting.languages[entry.index], criterionId: id });
				break;
			case 'negativeKeyword': {
				const k = s.targeting.negativeKeywords[entry.index];
				out.negativeKeywords.push({ text: k.text, matchType: k.matchType, criterionId: id });
				break;
			}
			case 'adGroup':
				Object.assign(out.adGroups[entry.adGroup], { id, resourceName });
				break;
			case 'keyword': {
				const k = s.adGroups[entry.adGroup].keywords[entry.index];
				out.adGroups[entry.adGroup].keywords.push({ text: k.text, matchType: k.matchType, criterionId: id, resourceName });
				break;
			}
			case 'ad':
				out.adGroups[entry.adGroup].ads.push({ type: s.adGroups[entry.adGroup].ads[entry.index].type, id, resourceName });
				break;
			case 'image':
				out.images.push({ binary: entry.binary, assetId: id, resourceName });
				break;
			case 'assetGroup':
				out.assetGroup = { id, resourceName, assetCount: 0 };
				break;
			case 'assetLink':
				assets++;
				break;
			default:
				break;
		}
	});
	if (out.assetGroup) out.assetGroup.assetCount = assets;
	return out;
}
