// Google's own schemas, read at run time, so the sandbox refuses (and tests catch) any field Google
// does not know: Google Ads messages from the protos google-ads-node ships (google-ads-api's
// dependency), Data Manager types from googleapis' generated datamanager_v1 definitions.
// The protos are v25 (the newest the installed library ships); the node speaks v26, whose messages
// used here are unchanged. Field names are compared in REST JSON form (lowerCamelCase).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface MessageSchema {
	/** Fully qualified short name, e.g. "Campaign" or "Campaign.NetworkSettings". */
	name: string;
	/** lowerCamelCase field name → type name as written in the proto (or the TS type for Data Manager). */
	fields: Map<string, string>;
}

export type SchemaSet = Map<string, MessageSchema>;

export function camel(snake: string): string {
	return snake.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

export function snake(camelName: string): string {
	return camelName.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

function stripComments(text: string): string {
	return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
}

/** Parses the message declarations of a proto file (nested messages as Outer.Inner; oneof members kept). */
export function parseProto(text: string, into: SchemaSet = new Map()): SchemaSet {
	// Field options ([(google.api.resource_reference) = { type: … }]) hold braces: drop them first.
	let src = stripComments(text);
	for (let prev = ''; prev !== src; ) {
		prev = src;
		src = src.replace(/\[[^[\]]*\]/g, '');
	}
	const stack: Array<{ kind: 'message' | 'other'; name?: string; schema?: MessageSchema }> = [];
	const tokenRe = /(message|enum|oneof|service)\s+(\w+)\s*\{|\{|\}|([^;{}]+);/g;
	let m: RegExpExecArray | null;
	while ((m = tokenRe.exec(src))) {
		if (m[1]) {
			if (m[1] === 'message') {
				const outer = [...stack].reverse().find((s) => s.kind === 'message');
				const name = outer?.name ? `${outer.name}.${m[2]}` : m[2];
				const schema: MessageSchema = { name, fields: new Map() };
				into.set(name, schema);
				stack.push({ kind: 'message', name, schema });
			} else if (m[1] === 'oneof') {
				// oneof members belong to the enclosing message
				const outer = [...stack].reverse().find((s) => s.kind === 'message');
				stack.push({ kind: 'message', name: outer?.name, schema: outer?.schema });
			} else stack.push({ kind: 'other' });
		} else if (m[0] === '{') stack.push({ kind: 'other' });
		else if (m[0] === '}') stack.pop();
		else if (m[3]) {
			const top = stack[stack.length - 1];
			if (!top || top.kind !== 'message' || !top.schema) continue;
			const f = /^\s*(?:optional\s+|repeated\s+)?([\w.<>, ]+?)\s+(\w+)\s*=\s*\d+/.exec(m[3].replace(/\s+/g, ' '));
			if (f) top.schema.fields.set(camel(f[2]), f[1].trim());
		}
	}
	return into;
}

const ADS_PROTO_FILES = [
	'resources/campaign.proto',
	'resources/campaign_budget.proto',
	'common/bidding.proto',
	'common/offline_user_data.proto',
	'services/google_ads_service.proto',
	'services/campaign_service.proto',
	'services/campaign_budget_service.proto',
	'services/conversion_upload_service.proto',
	// below the campaign: ad groups, criteria, ads, assets, asset groups, geo suggestions
	...['ad_group', 'ad_group_criterion', 'ad_group_ad', 'campaign_criterion', 'asset', 'asset_group', 'asset_group_asset', 'asset_group_signal', 'geo_target_constant'].map((s) => `services/${s}_service.proto`),
	...['ad_group', 'ad_group_criterion', 'ad_group_ad', 'ad', 'campaign_criterion', 'asset', 'asset_group', 'asset_group_asset', 'asset_group_signal', 'geo_target_constant'].map((r) => `resources/${r}.proto`),
	'common/ad_type_infos.proto',
	'common/ad_asset.proto',
	'common/criteria.proto',
	'common/asset_types.proto',
	'common/policy.proto',
];

export const ADS_PROTO_VERSION = 'v25';

let adsCache: SchemaSet | undefined;

export function adsProtoDir(): string {
	const pkg = require.resolve('google-ads-node/package.json');
	return join(dirname(pkg), 'build', 'protos', 'google', 'ads', 'googleads', ADS_PROTO_VERSION);
}

export function adsSchemas(): SchemaSet {
	if (adsCache) return adsCache;
	const set: SchemaSet = new Map();
	for (const file of ADS_PROTO_FILES) parseProto(readFileSync(join(adsProtoDir(), file), 'utf8'), set);
	adsCache = set;
	return set;
}

/** The enum value names of a proto enum (e.g. errors/field_error.proto) for checking error codes. */
export function protoEnumValues(file: string): string[] {
	const text = stripComments(readFileSync(join(adsProtoDir(), file), 'utf8'));
	return [...text.matchAll(/^\s*([A-Z][A-Z0-9_]*)\s*=\s*\d+\s*;/gm)].map((x) => x[1]);
}

let dmCache: SchemaSet | undefined;

/** Data Manager v1 schemas from googleapis' generated definitions (Schema$X interfaces). */
export function dataManagerSchemas(): SchemaSet {
	if (dmCache) return dmCache;
	const file = join(dirname(require.resolve('googleapis/package.json')), 'build', 'src', 'apis', 'datamanager', 'v1.d.ts');
	const text = stripComments(readFileSync(file, 'utf8'));
	const set: SchemaSet = new Map();
	for (const block of text.matchAll(/export interface Schema\$(\w+) \{([\s\S]*?)\n\s*\}/g)) {
		const fields = new Map<string, string>();
		for (const f of block[2].matchAll(/^\s*(\w+)\?:\s*([^;]+);/gm)) fields.set(f[1], f[2].replace(/Schema\$/g, '').replace(/\s*\|\s*null/g, '').trim());
		set.set(block[1], { name: block[1], fields });
	}
	dmCache = set;
	return set;
}

function resolveType(set: SchemaSet, owner: string, type: string): MessageSchema | undefined {
	const bare = type.replace(/\[\]$/, '');
	const last = bare.split('.').pop()!;
	// Nested first (Campaign.NetworkSettings), then by its last segment (common.ManualCpc → ManualCpc).
	const parts = owner.split('.');
	for (let i = parts.length; i > 0; i--) {
		const nested = set.get(`${parts.slice(0, i).join('.')}.${last}`);
		if (nested) return nested;
	}
	return set.get(bare) ?? set.get(last);
}

export interface UnknownField {
	/** REST-style path of the offending key, e.g. "mutateOperations[1].campaignOperation.create.foo". */
	path: string;
	/** The message it is not part of. */
	message: string;
	key: string;
}

/** Every key of `value` (recursively) that the schema of `message` does not declare. */
export function unknownFields(set: SchemaSet, message: string, value: unknown, path = ''): UnknownField[] {
	const schema = set.get(message);
	if (!schema) throw new Error(`No schema named ${message}`);
	const out: UnknownField[] = [];
	if (value === null || typeof value !== 'object') return out;
	if (Array.isArray(value)) {
		value.forEach((v, i) => out.push(...unknownFields(set, message, v, `${path}[${i}]`)));
		return out;
	}
	for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
		const here = path ? `${path}.${key}` : key;
		const type = schema.fields.get(key);
		if (type === undefined) {
			out.push({ path: here, message: schema.name, key });
			continue;
		}
		const child = resolveType(set, schema.name, type);
		if (child && v !== null && typeof v === 'object') out.push(...unknownFields(set, child.name, v, here));
	}
	return out;
}
