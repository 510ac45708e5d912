// What the editor shows about the credentials and the action node: links that land on a README
// heading, the surface switches under a heading that lists their scopes, and wording in words.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { INodeProperties } from 'n8n-workflow';
import { GoogleConnectorOAuth2Api } from '../../../credentials/GoogleConnectorOAuth2Api.credentials';
import { GoogleConnectorServiceAccountApi } from '../../../credentials/GoogleConnectorServiceAccountApi.credentials';
import { GoogleConnectorWebhookApi } from '../../../credentials/GoogleConnectorWebhookApi.credentials';
import { GoogleConnector } from '../../../nodes/GoogleConnector/GoogleConnector.node';

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
function readmeAnchors(): Set<string> {
	const readme = readFileSync(join(__dirname, '..', '..', '..', 'README.md'), 'utf8');
	const headings = readme.split('\n').filter((l) => /^#{1,6} /.test(l)).map((l) => l.replace(/^#+ /, ''));
	return new Set(headings.map((h) => h.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-')));
}

const credentials = [new GoogleConnectorOAuth2Api(), new GoogleConnectorServiceAccountApi(), new GoogleConnectorWebhookApi()];

test.each(credentials.map((c) => [c.displayName, c.documentationUrl]))('%s links to a README heading that exists (%s)', (_name, url) => {
	const anchor = String(url).split('#')[1];
	expect(anchor).toBeTruthy();
	expect([...readmeAnchors()]).toContain(anchor);
});

test('the surface switches have a heading listing each one\'s scopes; a service account has no "Sign in with Google"', () => {
	const notice = (props: INodeProperties[]) => props.find((p) => p.name === 'surfacesNotice');
	const oauth = new GoogleConnectorOAuth2Api().properties;
	const sa = new GoogleConnectorServiceAccountApi().properties;
	expect(notice(oauth)?.type).toBe('notice');
	expect(notice(oauth)?.displayName).toContain('<b>Gmail send</b>: gmail.send');
	expect(notice(oauth)?.displayName).toContain('<b>YouTube manage</b>: youtube.force-ssl');
	expect(notice(oauth)?.displayName).toContain('<b>Cloud Pub/Sub (Gmail push set-up)</b>: pubsub');
	for (const props of [oauth, sa]) expect(props.find((p) => p.name === 'pubsub')).toMatchObject({ type: 'boolean', default: false });
	expect(oauth.findIndex((p) => p.name === 'surfacesNotice')).toBe(oauth.findIndex((p) => p.name === 'identity') - 1);
	expect(oauth.find((p) => p.name === 'identity')?.displayName).toBe('Identity (Sign in with Google)');
	expect(sa.find((p) => p.name === 'identity')?.displayName).toBe('Identity (Profile of the Impersonated User)');
	expect(JSON.stringify(sa)).not.toContain('Sign in with Google');
	expect(oauth.find((p) => p.name === 'redirectNotice')?.displayName).toContain('Google Cloud console');
});

test('the canvas subtitle names resource and operation in words; actions say "Google"', () => {
	const { subtitle, properties } = new GoogleConnector().description;
	const evaluate = (resource: string, operation: string) =>
		// The editor evaluates the expression with $parameter; the same body, run here on plain values.
		new Function('$parameter', `return ${String(subtitle).replace(/^=\{\{/, '').replace(/\}\}$/, '')}`)({ resource, operation }) as string;
	expect(evaluate('adsConversion', 'uploadClickConversions')).toBe('Ads Conversion: Upload Click Conversions');
	expect(evaluate('connection', 'check')).toBe('Connection: Check');
	expect(evaluate('gmail', 'send')).toBe('Gmail: Send');
	const actions = properties.filter((p) => p.name === 'operation').flatMap((p) => (p.options ?? []).map((o) => ('action' in o ? String(o.action) : '')));
	expect(actions).toEqual(expect.arrayContaining(['Check the connection', 'Verify an ID token']));
	expect(actions.join(' ')).not.toMatch(/\bgoogle\b/);
});
