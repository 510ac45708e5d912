// Scope arithmetic for the surfaces. One Google connection grants any subset of them; each
// surface is one toggle on the credentials, and a missing scope is reported by surface name.

export const SURFACES = ['identity', 'gmailSend', 'gmailRead', 'ads', 'adsConversions', 'youtubeRead', 'youtubeManage', 'pubsub'] as const;
export type Surface = (typeof SURFACES)[number];

const G = 'https://www.googleapis.com/auth/';

interface SurfaceInfo {
	label: string;
	/** Scopes requested when the surface is switched on. */
	scopes: string[];
	/** Any one of these granted scopes makes the surface usable (broader scopes included). */
	satisfiedBy: string[][];
}

export const SURFACE_INFO: Record<Surface, SurfaceInfo> = {
	identity: {
		label: 'Identity (Sign in with Google)',
		scopes: ['openid', `${G}userinfo.email`, `${G}userinfo.profile`],
		// Google answers "email"/"profile" with the userinfo.* names; either form counts.
		satisfiedBy: [['openid'], [`${G}userinfo.email`, 'email'], [`${G}userinfo.profile`, 'profile']],
	},
	gmailSend: {
		label: 'Gmail send',
		scopes: [`${G}gmail.send`],
		satisfiedBy: [[`${G}gmail.send`, `${G}gmail.compose`, `${G}gmail.modify`, 'https://mail.google.com/']],
	},
	gmailRead: {
		label: 'Gmail read',
		scopes: [`${G}gmail.readonly`],
		satisfiedBy: [[`${G}gmail.readonly`, `${G}gmail.modify`, 'https://mail.google.com/']],
	},
	ads: {
		label: 'Google Ads',
		scopes: [`${G}adwords`],
		satisfiedBy: [[`${G}adwords`]],
	},
	adsConversions: {
		label: 'Ads conversions (Data Manager)',
		scopes: [`${G}datamanager`],
		satisfiedBy: [[`${G}datamanager`]],
	},
	youtubeRead: {
		label: 'YouTube read',
		scopes: [`${G}youtube.readonly`],
		satisfiedBy: [[`${G}youtube.readonly`, `${G}youtube.force-ssl`, `${G}youtube`]],
	},
	youtubeManage: {
		label: 'YouTube manage',
		scopes: [`${G}youtube.force-ssl`],
		satisfiedBy: [[`${G}youtube.force-ssl`, `${G}youtube`]],
	},
	pubsub: {
		label: 'Cloud Pub/Sub (Gmail push set-up)',
		scopes: [`${G}pubsub`],
		satisfiedBy: [[`${G}pubsub`, `${G}cloud-platform`]],
	},
};

export type SurfaceToggles = Partial<Record<Surface, boolean>>;

export function splitScopes(value: unknown): string[] {
	if (Array.isArray(value)) return value.flatMap(splitScopes);
	if (typeof value !== 'string') return [];
	return value.split(/[\s,]+/).filter(Boolean);
}

/** The scopes to request: those of every switched-on surface plus extra scopes, without duplicates. */
export function scopesForSurfaces(toggles: SurfaceToggles, extraScopes?: unknown): string[] {
	const scopes = SURFACES.filter((s) => toggles[s]).flatMap((s) => SURFACE_INFO[s].scopes);
	return [...new Set([...scopes, ...splitScopes(extraScopes)])];
}

export function surfaceGranted(surface: Surface, granted: string[]): boolean {
	const set = new Set(granted);
	return SURFACE_INFO[surface].satisfiedBy.every((anyOf) => anyOf.some((s) => set.has(s)));
}

export function grantedSurfaces(granted: string[]): Record<Surface, boolean> {
	return Object.fromEntries(SURFACES.map((s) => [s, surfaceGranted(s, granted)])) as Record<Surface, boolean>;
}

/** Scopes of switched-on surfaces that the grant lacks. */
export function missingScopes(toggles: SurfaceToggles, granted: string[]): string[] {
	return SURFACES.filter((s) => toggles[s] && !surfaceGranted(s, granted)).flatMap((s) => {
		const set = new Set(granted);
		return SURFACE_INFO[s].scopes.filter((scope, i) => {
			const anyOf = SURFACE_INFO[s].satisfiedBy[i] ?? [scope];
			return !anyOf.some((x) => set.has(x));
		});
	});
}

/** Which surface a scope belongs to, for naming it in errors. */
export function surfaceOfScope(scope: string): Surface | undefined {
	return SURFACES.find((s) => SURFACE_INFO[s].satisfiedBy.some((anyOf) => anyOf.includes(scope)));
}

export function togglesFrom(data: Record<string, unknown>): SurfaceToggles {
	return Object.fromEntries(SURFACES.map((s) => [s, data[s] === true])) as SurfaceToggles;
}
