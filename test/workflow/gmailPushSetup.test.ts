// Ring 2: the Gmail push set-up, teardown, renewal and health (nodes/GmailPushTrigger/lifecycle.ts,
// maintain.ts) through n8n-core's HookContext and PollContext against the sandbox's Pub/Sub and Gmail
// watch. Every test asserts what the sandbox holds or saw: topics, policies, subscriptions, watches.
// The trigger here is a minimal node with the real set-up properties and webhook methods; its poll is
// maintainPush with a test clock (the sandbox clock moves watch expiry, this clock moves our renewals).
import type { IDataObject, INodeType, INodeTypeDescription, IPollFunctions } from 'n8n-workflow';
import { GoogleConnectorOAuth2Api } from '../../credentials/GoogleConnectorOAuth2Api.credentials';
import { maintainPush, pushWebhookMethods } from '../../nodes/GmailPushTrigger/lifecycle';
import { pushSetupProperties } from '../../nodes/GmailPushTrigger/setupProperties';
import { authenticationProperty, pollingTriggerBase } from '../../nodes/shared/descriptions';
import { syncFilterProperties } from '../../nodes/shared/gmail/sync';
import { GMAIL_PUSH_MEMBER, PUBLISHER_ROLE } from '../../nodes/shared/pubsub/names';
import { startSandbox, DEFAULT_PUSH_SERVICE_ACCOUNT, type Sandbox } from '../sandbox';
import { oauthCredentials } from '../helpers/google';
import { clients } from '../helpers/sandboxCall';
import { Poller, activateWebhook, chain, deactivateWebhook, runWorkflow, startNode, type CredentialsMap } from '../helpers/workflow';
import { GoogleConnector } from '../../nodes/GoogleConnector/GoogleConnector.node';
import { GmailPushTrigger } from '../../nodes/GmailPushTrigger/GmailPushTrigger.node';
import { seedDemo } from '../sandbox/demo';
import { demoCredentials, demoWorkflows } from '../sandbox/demoImport';

const clock = { offsetMs: 0 };
const DAY = 86_400_000;

class PushSetupHarness implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Gmail Push Set-Up Harness',
		name: 'gmailPushSetupHarness',
		description: 'The set-up methods of the Gmail Push Trigger, without its push handling',
		defaults: { name: 'Gmail Push Trigger' },
		...pollingTriggerBase,
		webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'gmail-push' }],
		properties: [authenticationProperty, ...syncFilterProperties(), ...pushSetupProperties],
	};

	webhookMethods = { default: pushWebhookMethods };

	async poll(this: IPollFunctions) {
		await maintainPush(this, { now: Date.now() + clock.offsetMs });
		return null;
	}
}

let sandbox: Sandbox;
const PROJECT = 'acme-crm-prod';
const TOPIC = `projects/${PROJECT}/topics/n8n-gmail-push`;
const OWNER = 'rep@acme-crm.test';
const FOREIGN = { role: 'roles/pubsub.subscriber', members: ['user:ops@acme-crm.test'] };

beforeEach(async () => {
	sandbox = await startSandbox();
	sandbox.server.useInThisProcess();
	// The harness's webhook URL is http://localhost:5678/…; Google takes only https (the sandbox's one leniency).
	sandbox.pubsub.allowHttpEndpoints = true;
	clock.offsetMs = 0;
});
afterEach(async () => sandbox?.close());

function credentials(surfaces: { pubsub?: boolean } = { pubsub: true }): CredentialsMap {
	return oauthCredentials(sandbox, { gmailRead: true, ...surfaces }, { email: OWNER }).credentials;
}

const createParams = (over: IDataObject = {}) => ({ setupMode: 'create', projectId: PROJECT, pushServiceAccount: DEFAULT_PUSH_SERVICE_ACCOUNT, ...over });

function trigger(parameters: IDataObject, staticData: IDataObject = {}, creds = credentials()) {
	const opts = { parameters: parameters as never, credentials: creds, credentialTypes: [new GoogleConnectorOAuth2Api()], staticData };
	return {
		staticData,
		activate: async () => await activateWebhook(new PushSetupHarness(), opts),
		deactivate: async () => await deactivateWebhook(new PushSetupHarness(), opts),
		poller: () => new Poller(new PushSetupHarness(), { ...opts, staticData }),
	};
}

/** A topic made by someone else, with their binding (and optionally Gmail's). */
async function handMadeTopic(name: string, withGmail: boolean) {
	sandbox.oauth.addUser({ email: 'ops@acme-crm.test', name: 'Ops' });
	const { access_token } = sandbox.oauth.issueGrant({ scopes: ['https://www.googleapis.com/auth/pubsub'], email: 'ops@acme-crm.test' });
	const { pubsub } = clients(sandbox, access_token);
	expect((await pubsub('PUT', name, {})).status).toBe(200);
	const policy = (await pubsub('GET', `${name}:getIamPolicy`)).body as IDataObject;
	const bindings = withGmail ? [FOREIGN, { role: PUBLISHER_ROLE, members: [GMAIL_PUSH_MEMBER] }] : [FOREIGN];
	expect((await pubsub('POST', `${name}:setIamPolicy`, { policy: { ...policy, bindings } })).status).toBe(200);
	return pubsub;
}

const bindingsOf = (topic: string) => sandbox.pubsub.topics.get(topic)?.policy.bindings ?? [];
const ourCalls = () => sandbox.pubsub.calls.filter((c) => c.caller === OWNER).map((c) => `${c.op} ${c.status}`);

describe('activation (create mode)', () => {
	test('creates the topic, grants Gmail publish, creates the OIDC push subscription, starts the watch, records it all', async () => {
		const t = trigger(createParams({ labelIds: ['INBOX'] }));
		const r = await t.activate();
		expect(r).toMatchObject({ existed: false, created: true });
		expect(ourCalls()).toEqual([
			'topics.create 200',
			'topics.getIamPolicy 200',
			'topics.setIamPolicy 200',
			'subscriptions.create 200',
			'subscriptions.patch 200',
		]);
		expect(bindingsOf(TOPIC)).toEqual([{ role: PUBLISHER_ROLE, members: [GMAIL_PUSH_MEMBER] }]);
		const push = r.staticData.push as IDataObject;
		const sub = sandbox.pubsub.subscriptions.get(push.subscription as string);
		expect(sub).toMatchObject({
			topic: TOPIC,
			ackDeadlineSeconds: 60,
			pushConfig: { pushEndpoint: r.webhookUrl, oidcToken: { serviceAccountEmail: DEFAULT_PUSH_SERVICE_ACCOUNT, audience: r.webhookUrl } },
		});
		const watch = sandbox.pubsub.watch.watches.get(OWNER);
		expect(watch).toMatchObject({ topicName: TOPIC, labelIds: ['INBOX'], labelFilterBehavior: 'include' });
		expect(sub?.labels).toEqual({ 'managed-by': 'n8n-gmail-push-trigger', 'gmail-watch-expires': String(Math.floor(watch!.expiration / 1000)) });
		expect(push).toMatchObject({ mode: 'create', topic: TOPIC, createdTopic: true, createdSubscription: true, grantedPublisher: false, endpoint: r.webhookUrl });
		// The baseline cursor sits at the watch's history id, so mail before the first push is kept.
		expect(r.staticData.gmailPush).toMatchObject({ v: 1, account: OWNER, historyId: String(watch!.historyId) });
		// Published again after a restart: the set-up is found, nothing is made twice.
		const again = await trigger(createParams({ labelIds: ['INBOX'] }), r.staticData).activate();
		expect(again).toMatchObject({ existed: true, created: false });
		expect(sandbox.pubsub.subscriptions.size).toBe(1);
	});

	test('a topic that exists is reused: Gmail\'s binding is merged, the foreign binding survives; unpublish keeps the topic and removes only ours', async () => {
		await handMadeTopic(TOPIC, false);
		const t = trigger(createParams());
		const r = await t.activate();
		expect(r.created).toBe(true);
		expect(bindingsOf(TOPIC)).toEqual([FOREIGN, { role: PUBLISHER_ROLE, members: [GMAIL_PUSH_MEMBER] }]);
		expect(r.staticData.push).toMatchObject({ createdTopic: false, grantedPublisher: true });
		await t.deactivate();
		expect(sandbox.pubsub.topics.has(TOPIC)).toBe(true);
		expect(bindingsOf(TOPIC)).toEqual([FOREIGN]);
		expect(sandbox.pubsub.subscriptions.size).toBe(0);
		expect(sandbox.pubsub.watch.calls.map((c) => `${c.op} ${c.status}`)).toEqual(['watch 200', 'stop 204']);
	});

	test('unpublish: users.stop, then the subscription and the topic it created are deleted', async () => {
		const t = trigger(createParams());
		await t.activate();
		expect(sandbox.pubsub.watch.watches.has(OWNER)).toBe(true);
		const r = await t.deactivate();
		expect(r.deleted).toBe(true);
		expect(sandbox.pubsub.watch.watches.has(OWNER)).toBe(false);
		expect(sandbox.pubsub.subscriptions.size).toBe(0);
		expect(sandbox.pubsub.topics.size).toBe(0);
		expect(r.staticData.push).toBeUndefined();
	});

	test('unpublish keeps a topic it created while another subscription still reads from it (another team, or a second trigger)', async () => {
		const t = trigger(createParams());
		await t.activate();
		const ops = await handMadeTopic(`projects/${PROJECT}/topics/unrelated`, false);
		expect((await ops('PUT', `projects/${PROJECT}/subscriptions/audit-copy`, { topic: TOPIC })).status).toBe(200);
		const r = await t.deactivate();
		expect(sandbox.pubsub.topics.has(TOPIC)).toBe(true);
		expect(bindingsOf(TOPIC)).toEqual([{ role: PUBLISHER_ROLE, members: [GMAIL_PUSH_MEMBER] }]);
		expect([...sandbox.pubsub.subscriptions.keys()]).toEqual([`projects/${PROJECT}/subscriptions/audit-copy`]);
		expect(r.log.join('\n')).toContain(`kept the topic ${TOPIC}, which projects/${PROJECT}/subscriptions/audit-copy still read from`);
	});

	test('publishing again with another Token Audience updates the same subscription instead of failing or making a second', async () => {
		const first = await trigger(createParams()).activate();
		const again = await trigger(createParams({ audience: 'https://aud.acme-crm.test/gmail' }), first.staticData).activate();
		expect(again).toMatchObject({ existed: false, created: true });
		expect(sandbox.pubsub.subscriptions.size).toBe(1);
		const [sub] = [...sandbox.pubsub.subscriptions.values()];
		expect(sub.pushConfig?.oidcToken).toEqual({ serviceAccountEmail: DEFAULT_PUSH_SERVICE_ACCOUNT, audience: 'https://aud.acme-crm.test/gmail' });
		expect(again.staticData.push).toMatchObject({ audience: 'https://aud.acme-crm.test/gmail', createdTopic: true, createdSubscription: true });
		// Still ours to remove.
		await trigger(createParams({ audience: 'https://aud.acme-crm.test/gmail' }), again.staticData).deactivate();
		expect(sandbox.pubsub.subscriptions.size).toBe(0);
		expect(sandbox.pubsub.topics.size).toBe(0);
	});

	test('a topic create whose answer was lost (503 after Google made it) still counts as made by the trigger, so unpublish removes it', async () => {
		sandbox.server.faults.push({ host: 'pubsub.googleapis.com', method: 'PUT', pathIncludes: '/topics/', count: 1, status: 503, when: 'after' });
		const t = trigger(createParams());
		const r = await t.activate();
		expect(ourCalls().slice(0, 3)).toEqual(['topics.create 200', 'topics.create 409', 'topics.get 200']);
		expect(r.staticData.push).toMatchObject({ createdTopic: true });
		await t.deactivate();
		expect(sandbox.pubsub.topics.size).toBe(0);
	});

	test('two triggers on one project share the default topic: the first to unpublish keeps it, the last removes it', async () => {
		const a = trigger(createParams(), {}, credentials());
		await a.activate();
		sandbox.oauth.addUser({ email: 'sam@acme-crm.test', name: 'Sam' });
		const samCreds = oauthCredentials(sandbox, { gmailRead: true, pubsub: true }, { email: 'sam@acme-crm.test' }).credentials;
		// Another workflow (its own webhook id, so its own URL and subscription), another mailbox.
		const optsB = { parameters: createParams() as never, credentials: samCreds, credentialTypes: [new GoogleConnectorOAuth2Api()], staticData: {} as IDataObject, webhookId: 'second-trigger' };
		await activateWebhook(new PushSetupHarness(), optsB);
		expect(sandbox.pubsub.subscriptions.size).toBe(2);
		expect(optsB.staticData.push).toMatchObject({ createdTopic: true });
		await a.deactivate();
		expect(sandbox.pubsub.topics.has(TOPIC)).toBe(true);
		expect(sandbox.pubsub.subscriptions.size).toBe(1);
		await deactivateWebhook(new PushSetupHarness(), optsB);
		expect(sandbox.pubsub.topics.size).toBe(0);
		expect(sandbox.pubsub.subscriptions.size).toBe(0);
	});

	test('publishing again while Pub/Sub answers 503 keeps the saved set-up (no activation error, nothing rebuilt); a permission refusal is not hidden', async () => {
		const first = await trigger(createParams()).activate();
		const creates = ourCalls().filter((c) => c.includes('.create')).length;
		sandbox.server.faults.push({ host: 'pubsub.googleapis.com', method: 'GET', pathIncludes: '/subscriptions/', count: 20, status: 503 });
		const again = await trigger(createParams(), first.staticData).activate();
		expect(again).toMatchObject({ existed: true, created: false });
		expect(again.log.join('\n')).toMatch(/could not check the subscription .*keeping the saved set-up/);
		expect(ourCalls().filter((c) => c.includes('.create')).length).toBe(creates);
		sandbox.server.faults.length = 0;
		sandbox.pubsub.deny(OWNER, ['subscriptions.get']);
		const denied = await trigger(createParams(), first.staticData).activate().catch((e: Error) => e);
		expect((denied as Error).message).toBe('Cloud Pub/Sub denied the request: User not authorized to perform this action.');
	});

	test('settings are checked before any call: an error naming the field, nothing sent', async () => {
		const error = await trigger(createParams({ projectId: 'Acme CRM' })).activate().catch((e: Error) => e);
		expect(error).toBeInstanceOf(Error);
		expect((error as Error).message).toContain('Project ID "Acme CRM" is not a Google Cloud project id');
		expect((error as { description?: string }).description).toContain('Fix "Project ID"');
		const noAccount = await trigger(createParams({ pushServiceAccount: '' })).activate().catch((e: Error) => e);
		expect((noAccount as Error).message).toMatch(/^Push Service Account is empty/);
		expect(sandbox.pubsub.calls).toHaveLength(0);
		expect(sandbox.pubsub.watch.calls).toHaveLength(0);
	});
});

describe('a failing step leaves nothing behind', () => {
	test('subscription refused (no actAs on the push service account): the topic made is deleted, the error names the step', async () => {
		const error = (await trigger(createParams({ pushServiceAccount: 'other@acme-crm-prod.iam.gserviceaccount.com' })).activate().catch((e: Error) => e)) as Error & { description?: string };
		expect(error.message).toMatch(/^Gmail push set-up failed while creating the push subscription projects\/acme-crm-prod\/subscriptions\/n8n-gmail-push-[0-9a-f]{20}: /);
		expect(error.description).toContain(`Undone: deleted the topic ${TOPIC}.`);
		expect(sandbox.pubsub.topics.size).toBe(0);
		expect(sandbox.pubsub.subscriptions.size).toBe(0);
		expect(sandbox.pubsub.watch.calls).toHaveLength(0);
	});

	test('watch refused (unknown label) on a reused topic: subscription deleted, our binding removed, the topic and its foreign binding kept', async () => {
		await handMadeTopic(TOPIC, false);
		const t = trigger(createParams({ labelIds: ['Label_does_not_exist'] }));
		const error = (await t.activate().catch((e: Error) => e)) as Error & { description?: string };
		expect(error.message).toMatch(new RegExp(`^Gmail push set-up failed while starting the Gmail watch on ${TOPIC}: Gmail`));
		expect(error.description).toMatch(/Undone: deleted the subscription .*; removed the publisher binding from /);
		expect(sandbox.pubsub.subscriptions.size).toBe(0);
		expect(bindingsOf(TOPIC)).toEqual([FOREIGN]);
		expect(t.staticData.push).toBeUndefined();
	});

	test('Pub/Sub scope not granted: the error names the Cloud Pub/Sub surface, nothing is made', async () => {
		const error = (await trigger(createParams(), {}, credentials({ pubsub: false })).activate().catch((e: Error) => e)) as Error;
		expect(error.message).toBe(`Gmail push set-up failed while creating the topic ${TOPIC}: The Google connection lacks the Cloud Pub/Sub (Gmail push set-up) scope`);
		expect(sandbox.pubsub.topics.size).toBe(0);
	});
});

describe('existing mode (a topic made by hand)', () => {
	test('only the watch: no Pub/Sub call by the connection; unpublish stops the watch and leaves the topic alone', async () => {
		await handMadeTopic(TOPIC, true);
		const t = trigger({ setupMode: 'existing', topicName: TOPIC, pushServiceAccount: DEFAULT_PUSH_SERVICE_ACCOUNT }, {}, credentials({ pubsub: false }));
		const r = await t.activate();
		expect(r.created).toBe(true);
		expect(ourCalls()).toEqual([]);
		expect(sandbox.pubsub.watch.watches.get(OWNER)?.topicName).toBe(TOPIC);
		expect(r.staticData.push).toMatchObject({ mode: 'existing', createdTopic: false, createdSubscription: false });
		await t.deactivate();
		expect(sandbox.pubsub.watch.watches.has(OWNER)).toBe(false);
		expect(ourCalls()).toEqual([]);
		expect(bindingsOf(TOPIC)).toEqual([FOREIGN, { role: PUBLISHER_ROLE, members: [GMAIL_PUSH_MEMBER] }]);
	});

	test('Gmail may not publish on the hand-made topic: the set-up fails naming the watch, in Gmail\'s words', async () => {
		await handMadeTopic(TOPIC, false);
		const error = (await trigger({ setupMode: 'existing', topicName: TOPIC, pushServiceAccount: DEFAULT_PUSH_SERVICE_ACCOUNT }).activate().catch((e: Error) => e)) as Error;
		expect(error.message).toMatch(new RegExp(`^Gmail push set-up failed while starting the Gmail watch on ${TOPIC}: .*not authorized`, 'i'));
	});
});

describe('renewal and health (the tick)', () => {
	async function activated(over: IDataObject = {}) {
		const t = trigger(createParams(over));
		await t.activate();
		return { ...t, p: t.poller() };
	}

	test('renewed daily past the 7-day lifetime (sandbox clock): the watch stays alive and the expiry label follows', async () => {
		const { p, staticData } = await activated();
		const first = sandbox.pubsub.watch.watches.get(OWNER)!.expiration;
		// Right after publishing: nothing to renew.
		expect((await p.poll()).error).toBeUndefined();
		expect(sandbox.pubsub.watch.calls.filter((c) => c.op === 'watch')).toHaveLength(1);
		for (let day = 1; day <= 9; day++) {
			sandbox.pubsub.advanceClock(DAY);
			clock.offsetMs += DAY;
			const r = await p.poll();
			expect(r.error).toBeUndefined();
		}
		const watch = sandbox.pubsub.watch.watches.get(OWNER)!;
		expect(sandbox.pubsub.now()).toBeGreaterThan(first);
		expect(watch.expiration).toBeGreaterThan(sandbox.pubsub.now() + 5 * DAY);
		expect(sandbox.pubsub.watch.calls.filter((c) => c.op === 'watch' && c.status === 200)).toHaveLength(10);
		const sub = sandbox.pubsub.subscriptions.get((staticData.push as IDataObject).subscription as string)!;
		expect(sub.labels?.['gmail-watch-expires']).toBe(String(Math.floor(watch.expiration / 1000)));
		// The poll never wrote static data: the set-up's record is as create left it.
		expect((staticData.push as { watch: { expiration: string } }).watch.expiration).toBe(String(first));
	});

	test('a passing fault (Pub/Sub and Gmail answering 503) is a warning while the watch has time left, and a stop once it has not', async () => {
		const { p } = await activated();
		sandbox.server.faults.push({ host: 'pubsub.googleapis.com', method: 'GET', pathIncludes: '/subscriptions/', count: 20, status: 503 });
		sandbox.server.faults.push({ host: 'gmail.googleapis.com', pathIncludes: '/watch', count: 40, status: 503 });
		// A day on: renewal due, Gmail failing, the watch still has 6 days: warnings only.
		sandbox.pubsub.advanceClock(DAY);
		clock.offsetMs += DAY;
		const soft = await p.poll();
		expect(soft.error).toBeUndefined();
		expect(soft.log.join('\n')).toMatch(/renewing the watch failed for now .*the next tick tries again/);
		expect(soft.log.join('\n')).toMatch(/could not check the subscription .*the next tick tries again/);
		// Still failing with under two hours left: the user is told.
		clock.offsetMs += 7 * DAY - 90 * 60_000 - DAY;
		const hard = await p.poll();
		expect(hard.error?.message).toMatch(new RegExp(`^Gmail push stopped: the Gmail watch on ${TOPIC} ends 20\\d\\d-.*Z and renewing it keeps failing: Gmail had a temporary problem \\(HTTP 503\\)`));
	});

	test('subscription deleted → "Gmail push stopped" naming it', async () => {
		const { p, staticData } = await activated();
		const name = (staticData.push as IDataObject).subscription as string;
		sandbox.pubsub.subscriptions.delete(name);
		const r = await p.poll();
		expect(r.error?.message).toBe(`Gmail push stopped: the Pub/Sub subscription ${name} was deleted, so nothing reaches this trigger`);
	});

	test('subscription changed to push elsewhere → "Gmail push stopped … was changed"', async () => {
		const { p, staticData } = await activated();
		const name = (staticData.push as IDataObject).subscription as string;
		sandbox.pubsub.subscriptions.get(name)!.pushConfig!.pushEndpoint = 'https://elsewhere.acme-crm.test/hook';
		const r = await p.poll();
		expect(r.error?.message).toBe(`Gmail push stopped: the Pub/Sub subscription ${name} was changed: it now pushes to https://elsewhere.acme-crm.test/hook instead of this trigger (${(staticData.push as IDataObject).endpoint})`);
	});

	test('watch refused at renewal (Gmail lost publish rights) → "Gmail refused to renew the watch"', async () => {
		const { p } = await activated();
		sandbox.pubsub.topics.get(TOPIC)!.policy.bindings = [];
		sandbox.pubsub.advanceClock(DAY);
		clock.offsetMs += DAY;
		const r = await p.poll();
		expect(r.error?.message).toMatch(new RegExp(`^Gmail push stopped: Gmail refused to renew the Gmail watch on ${TOPIC}: `));
		expect((r.error as { description?: string }).description).toContain('gmail-api-push@system.gserviceaccount.com has the Pub/Sub Publisher role');
	});

	test('connection revoked → the reconnect message, as an error the Error Workflow gets', async () => {
		const { p } = await activated();
		sandbox.oauth.revokeUser(OWNER);
		clock.offsetMs += DAY;
		const r = await p.poll();
		expect(r.error?.message).toBe('Gmail push stopped: The Google connection has expired or was revoked; reconnect the credential');
	});

	test('Pub/Sub permission lost → "permission lost" naming what it could not do', async () => {
		const { p, staticData } = await activated();
		sandbox.pubsub.deny(OWNER);
		const r = await p.poll();
		expect(r.error?.message).toBe(`Gmail push stopped: permission lost to read the subscription ${(staticData.push as IDataObject).subscription}: Cloud Pub/Sub denied the request: User not authorized to perform this action.`);
	});
});

describe('Connection → Check lists the Gmail watches of a project', () => {
	async function check(parameters: IDataObject, creds = credentials()) {
		return await runWorkflow({
			nodes: [startNode(), { name: 'Google', type: 'googleConnector', parameters: { resource: 'connection', operation: 'check', ...parameters } as never }],
			connections: chain('Start', 'Google'),
			credentials: creds,
			credentialTypes: [new GoogleConnectorOAuth2Api()],
			nodeTypes: [new GoogleConnector()],
		});
	}

	test('each watch with its endpoint and expiry from the subscription label; an expired one says so; others are left out', async () => {
		const r = await trigger(createParams()).activate();
		const name = (r.staticData.push as IDataObject).subscription as string;
		// A second watch whose label says it expired an hour ago, and a subscription that is not Gmail's.
		const other = trigger(createParams({ topicName: 'crm-other' }), {});
		const second = await other.activate();
		const secondName = (second.staticData.push as IDataObject).subscription as string;
		sandbox.pubsub.subscriptions.get(secondName)!.labels!['gmail-watch-expires'] = String(Math.floor((Date.now() - 3_600_000) / 1000));
		const ops = await handMadeTopic(`projects/${PROJECT}/topics/orders`, false);
		expect((await ops('PUT', `projects/${PROJECT}/subscriptions/orders-pull`, { topic: `projects/${PROJECT}/topics/orders` })).status).toBe(200);
		const result = await check({ pubsubProject: PROJECT });
		expect(result.error).toBeUndefined();
		const out = result.json.Google[0];
		expect(out.status).toBe('active');
		const watches = out.gmailWatches as IDataObject[];
		expect(watches).toHaveLength(2);
		const expiry = Number(sandbox.pubsub.subscriptions.get(name)!.labels!['gmail-watch-expires']) * 1000;
		expect(watches.find((w) => w.subscription === name)).toEqual({
			subscription: name,
			topic: TOPIC,
			endpoint: r.webhookUrl,
			watchExpiresAt: new Date(expiry).toISOString(),
			expired: false,
			managedByTrigger: true,
		});
		expect(watches.find((w) => w.subscription === secondName)).toMatchObject({ topic: `projects/${PROJECT}/topics/crm-other`, expired: true });
	});

	test('without the Pub/Sub surface: the check still answers, saying why no watch is listed; a bad project id names the field', async () => {
		const r = await check({ pubsubProject: PROJECT }, credentials({ pubsub: false }));
		expect(r.error).toBeUndefined();
		expect(r.json.Google[0]).toMatchObject({ status: 'active', gmailWatches: [], gmailWatchesError: expect.stringContaining('lacks the Cloud Pub/Sub (Gmail push set-up) surface') });
		const bad = await check({ pubsubProject: 'Acme CRM' });
		expect(bad.error?.message).toContain('Pub/Sub Project ID "Acme CRM" is not a Google Cloud project id');
		expect(ourCalls()).toEqual([]);
	});
});

describe('the example, wired as the sandbox demo imports it, with the real Gmail Push Trigger', () => {
	test('publish creates the topic, subscription and watch in the demo project for the "Clients" label; unpublish removes them', async () => {
		const demo = seedDemo(sandbox);
		const workflow = demoWorkflows(demo, { crmUrl: 'http://127.0.0.1:4999', baseUrl: 'http://localhost:5678/' }).find((w) => String(w.name).includes('pushed'))!;
		const node = (workflow.nodes as IDataObject[]).find((n) => n.type === 'n8n-nodes-google-connector.gmailPushTrigger')!;
		const [cred] = demoCredentials(sandbox, demo);
		const opts = {
			parameters: node.parameters as never,
			credentials: { googleConnectorOAuth2Api: { id: cred.id, name: cred.name, data: cred.data } },
			credentialTypes: [new GoogleConnectorOAuth2Api()],
			webhookId: node.webhookId as string,
			staticData: {} as IDataObject,
		};
		const r = await activateWebhook(new GmailPushTrigger(), opts);
		expect(r.created).toBe(true);
		expect(r.webhookUrl).toBe(`http://localhost:5678/webhook/${node.webhookId}/gmail-push`);
		const topic = 'projects/sandbox-project/topics/n8n-gmail-push';
		expect(sandbox.pubsub.topics.has(topic)).toBe(true);
		const [sub] = [...sandbox.pubsub.subscriptions.values()];
		expect(sub).toMatchObject({ topic, pushConfig: { pushEndpoint: r.webhookUrl, oidcToken: { serviceAccountEmail: DEFAULT_PUSH_SERVICE_ACCOUNT } } });
		expect(sandbox.pubsub.watch.watches.get(demo.email)).toMatchObject({ topicName: topic, labelIds: [demo.clientsLabelId] });
		await deactivateWebhook(new GmailPushTrigger(), opts);
		expect(sandbox.pubsub.topics.size).toBe(0);
		expect(sandbox.pubsub.subscriptions.size).toBe(0);
		expect(sandbox.pubsub.watch.watches.size).toBe(0);
	});
});
