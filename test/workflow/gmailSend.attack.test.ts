// Ring 2, Gmail → Send / Reply with hostile or mistaken input: each error names the field and the
// problem precisely, never echoes a raw line break back, and nothing reaches Gmail's send endpoint.
import type { IDataObject, INodeParameters } from 'n8n-workflow';
import { GoogleConnector } from '../../nodes/GoogleConnector/GoogleConnector.node';
import { startSandbox, type Sandbox } from '../sandbox';
import { chain, harnessLogger, runWorkflow, startNode } from '../helpers/workflow';
import { credentialTypes, oauthCredentials } from '../helpers/google';

const REP = 'rep@acme-crm.test';
let sandbox: Sandbox;

beforeAll(async () => {
	harnessLogger();
	sandbox = await startSandbox();
	sandbox.server.useInThisProcess();
});
afterAll(async () => sandbox.close());
beforeEach(() => sandbox.server.clearRequests());

const sendCalls = () => sandbox.server.requests.filter((r) => r.method === 'POST' && /\/messages\/send$/.test(r.path));
const sentInMailbox = () => [...sandbox.gmail.mailbox(REP).messages.values()].filter((m) => m.labelIds.includes('SENT'));
const errorText = (e: unknown) => `${(e as Error)?.message ?? ''} | ${(e as { description?: string })?.description ?? ''}`;

async function run(parameters: IDataObject) {
	const before = sentInMailbox().length;
	const r = await runWorkflow({
		nodes: [startNode(), { name: 'Gmail', type: 'googleConnector', parameters: { resource: 'gmail', ...parameters } as INodeParameters }],
		connections: chain('Start', 'Gmail'),
		credentials: oauthCredentials(sandbox, { gmailSend: true, gmailRead: true }).credentials,
		credentialTypes,
		nodeTypes: [new GoogleConnector()],
	});
	// Whatever the error, Gmail received no send and the mailbox has no new sent message.
	expect(sendCalls()).toEqual([]);
	expect(sentInMailbox()).toHaveLength(before);
	return r;
}

describe('Gmail send and reply: precise errors, nothing sent', () => {
	test('a NUL byte is named as a NUL byte, not as a line break', async () => {
		const r = await run({ operation: 'send', to: 'ann@client.test', subject: 'Quote\u0000for Q3', text: 'hi' });
		expect(errorText(r.error)).toMatch(/subject contains a NUL byte/i);
		expect(errorText(r.error)).not.toMatch(/line break/);
	});

	test('CR/LF in From is refused as a line break, without echoing the raw input', async () => {
		const r = await run({ operation: 'send', to: 'ann@client.test', from: 'rep@acme-crm.test\r\nBcc: victim@evil.test', subject: 'Hello', text: 'hi' });
		const text = errorText(r.error);
		expect(text).toMatch(/"From".*line break/i);
		expect(text).not.toMatch(/not a send-as alias/);
		expect(text).not.toMatch(/[\r\n]/);
		expect(text).not.toContain('victim@evil.test');
	});

	test('an unknown message id on Reply names the Message ID field', async () => {
		const r = await run({ operation: 'reply', messageId: '18c0ffee00000000', text: 'thanks' });
		const text = errorText(r.error);
		expect(text).toMatch(/"Message ID"/);
		expect(text).toMatch(/18c0ffee00000000/);
		expect(text).toMatch(/no message|not found/i);
		expect(sandbox.server.seen('gmail.googleapis.com', '/messages/18c0ffee00000000')).toHaveLength(1);
	});

	test('CR/LF in Thread ID is refused, naming the field', async () => {
		const r = await run({ operation: 'send', to: 'ann@client.test', subject: 'Hello', text: 'hi', options: { threadId: '18c2a4b000000001\r\nX-Injected: 1' } });
		const text = errorText(r.error);
		expect(text).toMatch(/"Thread ID".*line break/i);
		expect(text).not.toMatch(/[\r\n]/);
	});
});
