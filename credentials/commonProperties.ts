// Fields both Google Connector credentials share: the surface toggles, Ads settings and connection tuning.
import type { INodeProperties } from 'n8n-workflow';
import { SURFACES, SURFACE_INFO } from '../nodes/shared/auth/scopes';

const surfaceHints: Record<string, string> = {
	identity: 'Who is connected; verify "Sign in with Google" ID tokens. Scopes: openid, email, profile.',
	gmailSend: 'Send mail as the connected user (lands in their Sent folder). Scope: gmail.send.',
	gmailRead: 'Read mail, threads, labels and aliases; sync inbound mail; replies. Scope: gmail.readonly.',
	ads: 'Google Ads campaigns, reports and legacy conversion upload. Scope: adwords.',
	adsConversions: 'Upload conversions through the Data Manager API. Scope: datamanager.',
	youtubeRead: 'Channel, videos, comments and statistics. Scope: youtube.readonly.',
	youtubeManage: 'Reply to comments. Scope: youtube.force-ssl.',
	pubsub: 'Let the Gmail Push Trigger create its Pub/Sub topic and push subscription, renew them and check them. Scope: pubsub (cloud-platform also counts).',
};

const shortScope = (scope: string) => scope.replace('https://www.googleapis.com/auth/', '');

/**
 * The surface switches under a heading that lists the scopes each asks Google for (a description
 * shows only on hover). A service account has no "Sign in with Google": its Identity is the profile
 * of the user it acts as.
 */
export function surfaceToggleProperties(kind: 'oauth2' | 'serviceAccount'): INodeProperties[] {
	const label = (surface: (typeof SURFACES)[number]) =>
		surface === 'identity' && kind === 'serviceAccount' ? 'Identity (Profile of the Impersonated User)' : SURFACE_INFO[surface].label;
	const list = SURFACES.map((surface) => `<b>${label(surface)}</b>: ${SURFACE_INFO[surface].scopes.map(shortScope).join(', ')}`).join('<br>');
	return [
		{
			displayName: `<b>Surfaces</b>: switch on what this connection may do. Each switch asks Google for these scopes:<br>${list}`,
			name: 'surfacesNotice',
			type: 'notice',
			default: '',
		},
		...SURFACES.map(
			(surface): INodeProperties => ({
				displayName: label(surface),
				name: surface,
				type: 'boolean',
				default: surface === 'identity',
				description: kind === 'serviceAccount' && surface === 'identity' ? 'Who the service account acts as (the impersonated user). Scopes: openid, email, profile.' : surfaceHints[surface],
			}),
		),
	];
}

export const adsAndScopeProperties: INodeProperties[] = [
	{
		displayName: 'Extra Scopes',
		name: 'extraScopes',
		type: 'string',
		default: '',
		placeholder: 'https://www.googleapis.com/auth/calendar.readonly',
		description: 'More scopes to ask for, separated by spaces',
	},
	{
		displayName: 'Ads Developer Token',
		name: 'developerToken',
		type: 'string',
		typeOptions: { password: true },
		default: '',
		description: 'Needed for Google Ads: API Center of your Google Ads manager account',
	},
	{
		displayName: 'Ads Manager (Login) Customer ID',
		name: 'loginCustomerId',
		type: 'string',
		default: '',
		placeholder: '123-456-7890',
		description: 'When you reach client accounts through a manager account, its customer ID (dashes optional)',
	},
];

export const connectionSettingsProperties: INodeProperties[] = [
	{
		displayName: 'Max Retries',
		name: 'maxRetries',
		type: 'number',
		default: 5,
		typeOptions: { minValue: 0, maxValue: 10 },
		description: 'How often a call that Google refused for rate or a temporary fault is tried again',
	},
	{
		displayName: 'Retry Delay (Ms)',
		name: 'retryDelayMs',
		type: 'number',
		default: 1000,
		typeOptions: { minValue: 0 },
		description: 'First backoff delay; it doubles on each retry, with jitter, unless Google says when to retry',
	},
	{
		displayName: 'Gmail Quota Ceiling (Units per Second)',
		name: 'gmailUnitsPerSecond',
		type: 'number',
		default: 250,
		typeOptions: { minValue: 0 },
		description: "Per-user Gmail quota this connection paces itself to (Google's pages say 250 units/user/second; set lower if your project has less). 0 turns pacing off.",
	},
];
