// Ring 2: a dropdown that has nothing to list says why instead of opening empty. n8n's editor shows a
// loader's error on the field ("There was a problem loading the parameter options from server: …").
import type { INodeParameters } from 'n8n-workflow';
import { GoogleConnector } from '../../nodes/GoogleConnector/GoogleConnector.node';
import { getAdsConversionActions, getAdsCustomers, getYouTubeChannels } from '../../nodes/shared/methods';
import { ADS_HOST, startSandbox, type Sandbox } from '../sandbox';
import { harnessLogger, loadOptionsContext, type CredentialsMap } from '../helpers/workflow';
import { DEVELOPER_TOKEN, credentialTypes, oauthCredentials } from '../helpers/google';

let sandbox: Sandbox;

beforeAll(async () => {
	harnessLogger();
	sandbox = await startSandbox();
	sandbox.server.useInThisProcess();
	sandbox.ads.developerTokens.set(DEVELOPER_TOKEN, 'basic');
});

afterAll(async () => sandbox?.close());

const load = (credentials: CredentialsMap, parameters: INodeParameters, name: string) =>
	loadOptionsContext({ nodeType: new GoogleConnector(), parameters, path: `parameters.${name}`, credentials, credentialTypes });

test('YouTube channels: an account without a channel is told so; with one, its channel is listed', async () => {
	const { credentials } = oauthCredentials(sandbox, { youtubeRead: true });
	const parameters = { resource: 'youtube', operation: 'listCommentThreads', threadsOf: 'channel' };
	await expect(getYouTubeChannels.call(load(credentials, parameters, 'channelId'))).rejects.toThrow('The connected Google account has no YouTube channel');
	const channel = sandbox.youtube.addChannel({ title: 'Rep Channel', handle: '@repchannel', ownerEmail: sandbox.oauth.defaultUser.email });
	expect(await getYouTubeChannels.call(load(credentials, parameters, 'channelId'))).toEqual([{ name: 'Rep Channel (@repchannel)', value: channel.id }]);
	expect(sandbox.server.seen('youtube.googleapis.com', '/channels').map((q) => [q.query.mine, q.status])).toEqual([
		['true', 200],
		['true', 200],
	]);
});

test('Ads customers: a login that reaches no Ads account is told so', async () => {
	sandbox.oauth.addUser({ email: 'nobody@acme-crm.test', name: 'No Ads' });
	const { credentials } = oauthCredentials(sandbox, { ads: true }, { email: 'nobody@acme-crm.test' });
	const customers = getAdsCustomers.call(load(credentials, { resource: 'adsCampaign', operation: 'list' }, 'customerId'));
	await expect(customers).rejects.toThrow('The connected Google account can reach no Google Ads account');
	expect(sandbox.server.seen(ADS_HOST, 'customers:listAccessibleCustomers').map((q) => q.status)).toEqual([200]);
});

test('Ads conversion actions: a customer with none enabled is told where to create one', async () => {
	sandbox.ads.addCustomer({ id: '9998887777', descriptiveName: 'Empty account', users: [sandbox.oauth.defaultUser.email] });
	const { credentials } = oauthCredentials(sandbox, { ads: true });
	const parameters = { resource: 'adsConversion', operation: 'uploadClickConversions', customerId: '9998887777' };
	const actions = getAdsConversionActions.call(load(credentials, parameters, 'conversionAction'));
	await expect(actions).rejects.toMatchObject({ message: 'Google Ads account 999-888-7777 has no enabled conversion action', description: expect.stringContaining('Goals → Conversions') });
	const search = sandbox.server.seen(ADS_HOST, 'customers/9998887777/googleAds:search');
	expect(search.map((q) => q.status)).toEqual([200]);
	expect(JSON.parse(search[0].body).query).toContain('FROM conversion_action');
});
