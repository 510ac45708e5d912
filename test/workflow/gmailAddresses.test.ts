// Ring 2: an inbound activity names its sender right when the From header comes as Outlook and Apple
// Mail write it (encoded words in ISO-8859-1 / Windows-1252, a long name folded into two words). The
// headers are served exactly as written (the sandbox's addParsedMessage keeps them as given).
import type { IDataObject } from 'n8n-workflow';
import { GoogleConnectorOAuth2Api } from '../../credentials/GoogleConnectorOAuth2Api.credentials';
import { GmailSyncTrigger } from '../../nodes/GmailSyncTrigger/GmailSyncTrigger.node';
import { startSandbox, type Sandbox } from '../sandbox';
import { oauthCredentials } from '../helpers/google';
import { Poller } from '../helpers/workflow';

const EMAIL = 'names@acme-crm.test';
let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await startSandbox({ seed: 11 });
	sandbox.server.useInThisProcess();
});
afterAll(async () => sandbox?.close());

test('inbound activities: from.name decoded from ISO-8859-1, Windows-1252 and folded UTF-8 encoded words', async () => {
	sandbox.oauth.addUser({ email: EMAIL, name: 'Rep' });
	const { credentials } = oauthCredentials(sandbox, { gmailRead: true }, { email: EMAIL });
	const p = new Poller(new GmailSyncTrigger(), {
		parameters: { labelIds: ['INBOX'], direction: 'inbound' } as never,
		credentials,
		credentialTypes: [new GoogleConnectorOAuth2Api()],
		staticData: {},
	});
	const baseline = await p.poll();
	if (baseline.error) throw baseline.error;

	const add = (from: string, subject: string) =>
		sandbox.gmail.addParsedMessage({
			account: EMAIL,
			labelIds: ['INBOX'],
			headers: [
				{ name: 'From', value: from },
				{ name: 'To', value: EMAIL },
				{ name: 'Subject', value: subject },
			],
			text: 'hello',
		});
	const outlook = add('=?iso-8859-1?Q?Jos=E9_Garc=EDa?= <Jose.Garcia@contoso.com>', 'Outlook, ISO-8859-1');
	const cp1252 = add('=?Windows-1252?Q?=93Caf=E9=94_=96_Vertrieb?= <vertrieb@contoso.de>', 'Outlook, Windows-1252');
	const apple = add('=?utf-8?Q?Directrice_G?=\r\n =?utf-8?Q?=C3=A9n=C3=A9rale?= <direction@exemple.fr>', 'Apple Mail, folded');

	sandbox.server.recordRequests = true;
	const r = await p.poll().finally(() => (sandbox.server.recordRequests = false));
	if (r.error) throw r.error;
	// The node fetched them itself (batch call) and the mailbox holds the headers still encoded: the decoding is the node's.
	expect(sandbox.server.seen(/googleapis\.com$/, '/batch/gmail/v1').length).toBeGreaterThan(0);
	expect(outlook.headers.find((h) => h.name === 'From')?.value).toMatch(/^=\?iso-8859-1\?Q\?/);
	const byId = Object.fromEntries((r.items?.[0] ?? []).map((i) => [i.json.messageId as string, i.json as IDataObject]));
	expect(byId[outlook.id].from).toEqual({ name: 'José García', email: 'jose.garcia@contoso.com' });
	expect(byId[cp1252.id].from).toEqual({ name: '“Café” – Vertrieb', email: 'vertrieb@contoso.de' });
	expect(byId[apple.id].from).toEqual({ name: 'Directrice Générale', email: 'direction@exemple.fr' });
	expect(Object.keys(byId).sort()).toEqual([outlook.id, cp1252.id, apple.id].sort());
});
