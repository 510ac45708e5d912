// Google's policy answers to a mutate, per field: an ad's PolicyFindingError (policy topic entries, which
// can be exempted with ignorablePolicyTopics unless a topic is PROHIBITED) and a keyword's
// PolicyViolationError (isExemptible, a key for exemptPolicyViolationKeys). The field path Google gives
// is also translated back into the unified campaign's terms through the mutate's plan. Pure.
import type { PlanEntry } from './structureMutate';

type Json = Record<string, unknown>;

export interface PolicyTopic {
	topic: string;
	type: string;
}

export interface PolicyFinding {
	kind: 'finding' | 'violation';
	topics: PolicyTopic[];
	/** Whether an exemption can be requested (resend with the topics / keys marked as exempt). */
	exemptible: boolean;
	policyName?: string;
	violatingText?: string;
	description?: string;
}

function rec(v: unknown): Json {
	return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {};
}

/** The policy part of one GoogleAdsError (REST JSON), if it is a policy error. */
export function policyOfAdsError(error: unknown): PolicyFinding | undefined {
	const e = rec(error);
	const code = rec(e.errorCode);
	const details = rec(e.details);
	if (code.policyFindingError !== undefined || details.policyFindingDetails !== undefined) {
		const entries = Array.isArray(rec(details.policyFindingDetails).policyTopicEntries) ? (rec(details.policyFindingDetails).policyTopicEntries as unknown[]) : [];
		const topics = entries.map((t) => ({ topic: String(rec(t).topic ?? ''), type: String(rec(t).type ?? 'UNSPECIFIED') }));
		return { kind: 'finding', topics, exemptible: topics.length > 0 && topics.every((t) => t.type !== 'PROHIBITED') };
	}
	if (code.policyViolationError !== undefined || details.policyViolationDetails !== undefined) {
		const v = rec(details.policyViolationDetails);
		const key = rec(v.key);
		const finding: PolicyFinding = { kind: 'violation', topics: [], exemptible: v.isExemptible === true };
		if (typeof key.policyName === 'string') {
			finding.policyName = key.policyName;
			finding.topics.push({ topic: key.policyName, type: 'VIOLATION' });
		}
		if (typeof key.violatingText === 'string') finding.violatingText = key.violatingText;
		if (typeof v.externalPolicyDescription === 'string') finding.description = v.externalPolicyDescription;
		else if (typeof v.externalPolicyName === 'string') finding.description = v.externalPolicyName;
		return finding;
	}
	return undefined;
}

const AD_TEXT_FIELDS: Record<string, string> = { headlines: 'headlines', descriptions: 'descriptions', long_headline: 'longHeadline', business_name: 'businessName', path1: 'path1', path2: 'path2' };

/**
 * "mutate_operations[7].ad_group_ad_operation.create.ad.responsive_search_ad.headlines[1].text" with
 * the plan → "adGroups[0].ads[0].headlines[1]". Undefined when the operation is not in the plan.
 */
export function unifiedFieldPath(plan: PlanEntry[], googlePath: string | undefined): string | undefined {
	if (!googlePath) return undefined;
	const m = /^(?:mutate_operations|mutateOperations)\[(\d+)\]\.(.*)$/.exec(googlePath);
	if (!m) return undefined;
	const entry = plan[Number(m[1])];
	const rest = m[2];
	if (!entry) return undefined;
	switch (entry.kind) {
		case 'budget':
			return /amount_micros/.test(rest) ? 'budget.amount' : 'budget';
		case 'campaign': {
			const f = /\.(?:create|update)\.([a-z_]+)/.exec(rest);
			return f ? f[1].replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()) : 'campaign';
		}
		case 'location':
			return `targeting.locations[${entry.index}]`;
		case 'language':
			return `targeting.languages[${entry.index}]`;
		case 'negativeKeyword':
			return `targeting.negativeKeywords[${entry.index}]`;
		case 'adGroup':
			return `adGroups[${entry.adGroup}]`;
		case 'keyword':
			return `adGroups[${entry.adGroup}].keywords[${entry.index}]`;
		case 'ad': {
			const at = `adGroups[${entry.adGroup}].ads[${entry.index}]`;
			const f = /\.(headlines|descriptions|long_headline|business_name|path1|path2)(?:\[(\d+)\])?/.exec(rest);
			if (!f) return /final_urls/.test(rest) ? `${at}.finalUrl` : at;
			return `${at}.${AD_TEXT_FIELDS[f[1]]}${f[2] !== undefined ? `[${f[2]}]` : ''}`;
		}
		case 'image':
			return `image "${entry.binary}"`;
		case 'textAsset':
		case 'assetLink': {
			const names: Record<string, string> = { HEADLINE: 'headlines', LONG_HEADLINE: 'longHeadlines', DESCRIPTION: 'descriptions', BUSINESS_NAME: 'businessName' };
			const name = names[entry.fieldType];
			return name ? `assetGroup.${name}${name === 'businessName' ? '' : `[${entry.index}]`}` : `assetGroup.images (${entry.fieldType} ${entry.index})`;
		}
		case 'assetGroup':
			return 'assetGroup';
		case 'audienceSignal':
			return 'assetGroup.audienceSignal';
	}
}

export interface StructureProblem {
	/** Field in the unified campaign, e.g. "adGroups[0].ads[0].headlines[1]". */
	field: string;
	/** Field path as Google gave it. */
	googleField?: string;
	code: string;
	message: string;
	policy?: PolicyFinding;
}

/** Google's per-field errors of the structure's mutate, each named in the unified campaign's terms. */
export function structureProblems(plan: PlanEntry[], errors: Array<{ code: string; message: string; fieldPath?: string; policy?: PolicyFinding }>): StructureProblem[] {
	return errors.map((e) => {
		const p: StructureProblem = { field: unifiedFieldPath(plan, e.fieldPath) ?? e.fieldPath ?? 'request', code: e.code, message: e.message };
		if (e.fieldPath) p.googleField = e.fieldPath;
		if (e.policy) p.policy = e.policy;
		return p;
	});
}

/** One line per problem: field, Google's code and words, policy topics and whether they are exemptible. */
export function formatStructureProblems(problems: StructureProblem[]): string {
	return problems
		.map((p) => {
			const policy = p.policy
				? ` — policy ${p.policy.topics.map((t) => `${t.topic} (${t.type})`).join(', ') || 'finding'}${p.policy.violatingText ? ` on "${p.policy.violatingText}"` : ''}: ${p.policy.exemptible ? 'exemptible (list the topic under Exempt Policy Topics to request an exemption)' : 'not exemptible'}`
				: '';
			return `${p.field}: ${p.code} ${p.message}${p.googleField ? ` (Google field ${p.googleField})` : ''}${policy}`;
		})
		.join('\n');
}
