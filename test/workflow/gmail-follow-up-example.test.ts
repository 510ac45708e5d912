// Ring 2: the shipped example examples/gmail-follow-up-reply.json, run as written (its Google Connector
// nodes and its IF expressions) against the sandbox. n8n-nodes-base is not installed in ring 2, so the
// schedule trigger becomes the harness start node, the CRM HTTP call is left out, and the IF node is a
// minimal stand-in that evaluates the example's own conditions (number equals, boolean true).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ParsedMail } from 'mailparser';
import type { IConnections, IDataObject, IExecuteFunctions, INodeExecutionData, INodeParameters, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { GoogleConnector } from '../../nodes/GoogleConnector/GoogleConnector.node';
import { startSandbox, type Sandbox } from '../sandbox';
import { harnessLogger, runWorkflow, startNode } from '../helpers/workflow';
import { credentialTypes, oauthCredentials } from '../helpers/google';

interface Condition {
	leftValue: unknown;
	rightValue: unknown;
	operator: { type: string; operation: string };
}

/** Stand-in for n8n's IF node v2: the two operators the example uses, "and" combinator. */
class IfStandIn implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'If (stand-in)',
		name: 'n8n-nodes-base.if',
		group: ['transform'],
		version: 2,
		description: 'test-only',
		defaults: { name: 'If' },
		inputs: ['main'] as INodeTypeDescription['inputs'],
		outputs: ['main', 'main'] as INodeTypeDescription['outputs'],
		properties: [{ displayName: 'Conditions', name: 'conditions', type: 'json', default: {} }],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const yes: INodeExecutionData[] = [];
		const no: INodeExecutionData[] = [];
		this.getInputData().forEach((item, i) => {
			const { conditions } = this.getNodeParameter('conditions', i) as { conditions: Condition[] };
			const pass = conditions.every((c) => {
				if (c.operator.type === 'number' && c.operator.operation === 'equals') return Number(c.leftValue) === Number(c.rightValue);
				if (c.operator.type === 'boolean' && c.operator.operation === 'true') return c.leftValue === true;
				throw new Error(`stand-in IF does not know ${c.operator.type}/${c.operator.operation}`);
			});
			(pass ? yes : no).push({ json: item.json, pairedItem: { item: i } });
		});
		return [yes, no];
	}
}

const REP = 'rep@acme-crm.test';
const CLIENT = 'casey@client-co.test';
const DAY = 86_400_000;
let sandbox: Sandbox;

beforeAll(async () => {
	harnessLogger();
	sandbox = await startSandbox();
	sandbox.server.useInThisProcess();
	sandbox.oauth.addUser({ email: CLIENT, name: 'Casey Client' });
});

afterAll(async () => {
	await sandbox.close();
});

it('follows up, in the thread, only on threads the rep started 3-14 days ago that got no answer', async () => {
	const now = Date.now();
	const sent = (subject: string, daysAgo: number) =>
		sandbox.gmail.insertMessage({ account: REP, from: `Riley Rep <${REP}>`, to: `Casey Client <${CLIENT}>`, subject, text: `About ${subject}`, labelIds: ['SENT'], internalDate: now - daysAgo * DAY, messageIdHeader: `<${subject.replace(/\W/g, '')}@acme-crm.test>` });
	const unanswered = sent('Proposal A', 5);
	const clientCopy = sandbox.gmail.insertMessage({ account: CLIENT, from: `Riley Rep <${REP}>`, to: CLIENT, subject: 'Proposal A', text: 'About Proposal A', labelIds: ['INBOX'], messageIdHeader: '<ProposalA@acme-crm.test>' });
	const answered = sent('Proposal B', 6);
	sandbox.gmail.insertMessage({ account: REP, from: CLIENT, to: REP, subject: 'Re: Proposal B', text: 'Thanks!', threadId: answered.threadId, inReplyTo: '<ProposalB@acme-crm.test>', references: '<ProposalB@acme-crm.test>', internalDate: now - 4 * DAY });
	sent('Too recent', 1);
	sent('Too old', 20);
	expect(sandbox.gmail.mailbox(REP).threads.get(answered.threadId)).toHaveLength(2);

	const example = JSON.parse(readFileSync(join(__dirname, '..', '..', 'examples', 'gmail-follow-up-reply.json'), 'utf8')) as {
		nodes: Array<{ name: string; type: string; typeVersion: number; parameters: INodeParameters }>;
		connections: IConnections;
	};
	const kept = example.nodes.filter((n) => !['n8n-nodes-base.scheduleTrigger', 'n8n-nodes-base.httpRequest'].includes(n.type));
	const connections: IConnections = { Start: { main: [[{ node: 'Threads the rep started', type: 'main', index: 0 }]] } };
	for (const [from, value] of Object.entries(example.connections)) {
		if (kept.some((n) => n.name === from)) connections[from] = { main: value.main.map((outs) => (outs ?? []).filter((c) => kept.some((n) => n.name === c.node))) };
	}
	const { credentials } = oauthCredentials(sandbox, { gmailSend: true, gmailRead: true });
	const r = await runWorkflow({
		nodes: [startNode(), ...kept.map((n) => ({ name: n.name, type: n.type, typeVersion: n.typeVersion, parameters: n.parameters }))],
		connections,
		credentials,
		credentialTypes,
		nodeTypes: [new GoogleConnector(), new IfStandIn()],
	});
	expect(r.error).toBeUndefined();
	expect(r.json['Threads the rep started'].map((t) => t.id).sort()).toEqual([unanswered.threadId, answered.threadId].sort());

	const sends = sandbox.server.requests.filter((q) => q.path.endsWith('/messages/send'));
	expect(sends).toHaveLength(1);
	const parsed = sends[0].annotations.parsed as ParsedMail;
	expect(parsed.subject).toBe('Re: Proposal A');
	expect(parsed.inReplyTo).toBe('<ProposalA@acme-crm.test>');
	expect(parsed.to && !Array.isArray(parsed.to) ? parsed.to.value.map((v) => v.address) : []).toEqual([CLIENT]);
	expect(parsed.text).toMatch(/^Hi Casey,\n\nJust following up/);
	const out = r.json['Reply in the thread'][0] as IDataObject;
	expect(out.threadId).toBe(unanswered.threadId);
	expect(sandbox.gmail.mailbox(REP).threads.get(unanswered.threadId)).toHaveLength(2);
	// the client receives the follow-up in the thread of the original
	const clientMessages = [...sandbox.gmail.mailbox(CLIENT).messages.values()];
	expect(clientMessages).toHaveLength(2);
	expect(clientMessages.map((m) => m.threadId)).toEqual([clientCopy.threadId, clientCopy.threadId]);
});
