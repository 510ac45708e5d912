// Ring 3: the Gmail Push Trigger's tick in a real n8n 2.41.0. Gmail loses the notification of one mail
// (sandbox `dropNext`); nothing is pushed, and n8n's own scheduled poll (every minute) sees the mailbox
// ahead of the cursor, publishes one catch-up notification to the topic, Pub/Sub pushes it over HTTP and
// the mail is emitted once. The measured delay is the figure behind "worst case: one tick interval + one push".
import type { Sandbox } from '../sandbox';
import { HOST_SETUP_TIMEOUT, startHostWithSandbox, stopHostWithSandbox, type N8nHost } from './n8nHost';
import { PUSH_TRIGGER, TOPIC, emittedCounts, executionsWithItems, importPushCredential, pushParameters, sleep, triggerWorkflow, waitFor } from './gmailPushFixtures';

const WF = 'hostGmailPushTick1';
const WEBHOOK_ID = '6e8d3a2f-0b5c-4d4e-9f3a-2b3c4d5e6f70';
const NODE = 'New mail (push, tick)';
const CRED = { id: 'hostPushTickCred1', name: 'Google (push tick host test)' };
const EMAIL = 'tick@acme-crm.test';

let sandbox: Sandbox;
let n8n: N8nHost;

jest.setTimeout(600_000);

beforeAll(async () => {
	({ sandbox, n8n } = await startHostWithSandbox({ owner: true }));
	sandbox.pubsub.allowHttpEndpoints = true;
	sandbox.oauth.addUser({ email: EMAIL, name: 'Tick Rep' });
	await importPushCredential(sandbox, n8n, CRED, EMAIL);
	await n8n.importWorkflow([triggerWorkflow({ id: WF, name: 'Gmail push tick (host test)', trigger: PUSH_TRIGGER, nodeName: NODE, cred: CRED, webhookId: WEBHOOK_ID, parameters: pushParameters() })]);
}, HOST_SETUP_TIMEOUT);

afterAll(() => stopHostWithSandbox({ sandbox, n8n }));

const catchUps = () => sandbox.pubsub.published.filter((m) => m.topic === TOPIC && m.attributes.origin === 'catch-up');

test("a mail whose notification Gmail lost is emitted once after n8n's next scheduled tick", async () => {
	await n8n.activateWorkflow(WF);
	await waitFor('the watch', () => (sandbox.pubsub.watch.watches.get(EMAIL) ? true : undefined), 60_000, 250);
	// Let the activation tick pass, then lose the next notification.
	await sleep(3_000);
	sandbox.pubsub.watch.dropNext = 1;
	const mailedAt = Date.now();
	const lost = sandbox.gmail.insertMessage({ account: EMAIL, from: 'Ann <ann@client.test>', subject: 'notification lost', labelIds: ['INBOX'] }).id;
	expect(sandbox.pubsub.watch.notifications.filter((n) => n.email === EMAIL).map((n) => n.outcome)).toEqual(['lost']);
	const runs = await waitFor(
		'the catch-up execution',
		async () => {
			const e = await executionsWithItems(n8n, WF, NODE);
			return e.some((x) => x.items.some((i) => i.messageId === lost)) ? e : undefined;
		},
		150_000,
		1_000,
	);
	const delayMs = Date.now() - mailedAt;
	console.log(`dropped notification → emitted after ${delayMs} ms (tick every minute)`);
	expect(catchUps()).toHaveLength(1);
	expect(delayMs).toBeLessThan(60_000 + 15_000);
	// One more tick with nothing new: no second catch-up, no second emission.
	await sleep(65_000);
	expect(catchUps()).toHaveLength(1);
	const counts = emittedCounts(await executionsWithItems(n8n, WF, NODE));
	expect(counts.get(lost)).toBe(1);
	expect(runs.filter((r) => r.status !== 'success')).toEqual([]);
	await n8n.deactivateWorkflow(WF);
});
