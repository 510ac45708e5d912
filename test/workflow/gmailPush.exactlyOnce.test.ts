// Ring 2: exactly once under the delivery Gmail and Pub/Sub really give: bursts of mail, at most one
// notification per second per mailbox (the rest dropped), redelivered messages, pushes delayed,
// reordered and concurrent, a process restart between pushes. Pushes are built here; the sandbox's
// own Pub/Sub delivery drives gmailPush.delivery.test.ts.
import type { IDataObject } from 'n8n-workflow';
import { forgetPushMirrors } from '../../nodes/shared/gmail/push/mirror';
import { startSandbox, type Sandbox } from '../sandbox';
import { PushedTrigger, pushEnvelope, pushParameters } from '../helpers/gmailPush';

let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await startSandbox({ seed: 1313 });
	sandbox.server.useInThisProcess();
	sandbox.server.recordRequests = false;
});
afterAll(async () => sandbox?.close());
beforeEach(() => forgetPushMirrors());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('500 messages in 10 bursts, notifications thinned, duplicated, delayed and reordered: every message exactly once', async () => {
	const email = 'bursts@acme-crm.test';
	const g = sandbox.gmail;
	const clients = g.label('Clients', email);
	const t = new PushedTrigger(sandbox, email, pushParameters([clients.id], { maxPerPush: 120 })).baseline();
	g.quota.reset();
	const random = (() => {
		let s = 42;
		return () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
	})();
	const sent: string[] = [];
	const other: string[] = [];
	let pubsubId = 0;
	for (let burst = 0; burst < 10; burst++) {
		// 50 synced messages (and a few elsewhere), each a history change; Gmail notifies at most once a
		// second: here one notification survives per 10 changes, the rest are dropped.
		const notifications: IDataObject[] = [];
		for (let i = 0; i < 55; i++) {
			const synced = i < 50;
			const m = g.insertMessage({ account: email, from: `c${i}@client.test`, to: email, subject: `burst ${burst} #${i}`, labelIds: synced ? ['INBOX', clients.id] : ['INBOX'] });
			(synced ? sent : other).push(m.id);
			if (i % 10 === 9) notifications.push(t.notification());
		}
		// Each surviving notification is a Pub/Sub message; a third are delivered twice (at least once).
		const deliveries = notifications.map((n) => pushEnvelope(`p${++pubsubId}`, n));
		for (const d of [...deliveries]) if (random() < 0.34) deliveries.push(structuredClone(d));
		// Reordered, in concurrent waves, with delays between the waves.
		deliveries.sort(() => random() - 0.5);
		while (deliveries.length) {
			const wave = deliveries.splice(0, 1 + Math.floor(random() * 4));
			await Promise.all(wave.map((d, i) => sleep(i * Math.floor(random() * 20)).then(() => t.push(d))));
			if (random() < 0.3) await sleep(30);
		}
		// A restart now and then: the next pushes have only the saved static data.
		if (burst % 4 === 3) forgetPushMirrors();
	}
	// The last burst's tail: with 120 per push some mail waits for the next notification (the
	// continuation message goes through Pub/Sub; here it is the next push). Deliver until caught up.
	for (let i = 0; i < 10 && t.emitted().length < sent.length; i++) await t.push(pushEnvelope(`p${++pubsubId}`, t.notification()));

	const emitted = t.emitted();
	expect(emitted.length).toBe(sent.length);
	expect(new Set(emitted).size).toBe(emitted.length);
	expect([...emitted].sort()).toEqual([...sent].sort());
	expect(emitted.some((id) => other.includes(id))).toBe(false);
	// The sandbox fetched each synced message exactly once (5 units a message.get), and no push ever
	// answered an error.
	expect(g.quota.byMethod.get('messages.get')).toBe(5 * sent.length);
	expect(t.calls.filter((r) => r.responseStatus >= 300)).toEqual([]);
	const cursor = t.persisted.gmailPush as IDataObject;
	expect(cursor.historyId).toBe(String(g.mailbox(email).historyId));
	// Pushes that found nothing new answered 204 without a Gmail call.
	expect(t.calls.filter((r) => r.responseStatus === 204).length).toBeGreaterThan(5);
}, 120_000);
