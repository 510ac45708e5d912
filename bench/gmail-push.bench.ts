// `npm run bench -- gmail-push`: arrival-to-execution-start latency (p50/p95/p99) of the Gmail Push
// Trigger against the Gmail Sync Trigger polling every minute, both active in the same real n8n 2.41.0,
// on the same mailbox, for the same mail, in one run; plus Gmail quota units per message for each.
// The sandbox plays Gmail and Pub/Sub (push delay 0: its push starts as soon as Gmail publishes) and
// pushes over HTTP to n8n's production webhook URL with a Google-signed OIDC token.
// Mail arrives as a Poisson stream (exponential gaps, mean GAP_MS) for MAIL_MINUTES, so some messages
// land within a second of each other and Gmail drops their notification (one per second per user);
// those wait for a continuation or the tick, as they would with Google.
// Arrival = the message's internalDate (the moment it is put in the mailbox); execution start =
// n8n's execution_entity.startedAt of the first execution that emitted it. Units are charged per
// call by the sandbox's quota table and attributed to each trigger by its credential's grant.
// Settings: GMAIL_PUSH_BENCH_MINUTES (default 5), GMAIL_PUSH_BENCH_GAP_MS (default 3000).
// Measures; never fails on speed.
import { DEFAULT_PUSH_SERVICE_ACCOUNT, GMAIL_COST, seededRandom, type Sandbox, type SandboxRequest } from '../test/sandbox';
import { startHostWithSandbox, stopHostWithSandbox, type N8nHost } from '../test/host/n8nHost';
import {
	PUSH_TRIGGER, SYNC_TRIGGER, emittedCounts, executionsWithItems, importPushCredential, pushParameters, sleep, triggerWorkflow, waitFor, type Execution,
} from '../test/host/gmailPushFixtures';

const MAIL_MINUTES = Number(process.env.GMAIL_PUSH_BENCH_MINUTES ?? 5);
const GAP_MS = Number(process.env.GMAIL_PUSH_BENCH_GAP_MS ?? 3000);
const EMAIL = 'rep@acme-crm.test';
const PUSH = { wf: 'benchGmailPush001', node: 'Push', cred: { id: 'benchPushCred0001', name: 'Google (bench push)' }, hook: '9b1c0d2e-3f4a-4b5c-8d6e-7f8091a2b3c4' };
const POLL = { wf: 'benchGmailPoll001', node: 'Poll', cred: { id: 'benchPollCred0001', name: 'Google (bench poll)' } };

function percentile(sorted: number[], p: number): number {
	if (!sorted.length) return NaN;
	return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Gmail units per credential: the sandbox charges each call in GmailState.begin; attribute by grant. */
function meterUnitsByGrant(sandbox: Sandbox): Map<string, number> {
	const units = new Map<string, number>();
	const begin = sandbox.gmail.begin.bind(sandbox.gmail);
	sandbox.gmail.begin = (req: SandboxRequest, method: string, scopes: string[]) => {
		const box = begin(req, method, scopes);
		const grant = sandbox.oauth.accessTokens.get(req.bearer() ?? '')?.refreshToken ?? '?';
		units.set(grant, (units.get(grant) ?? 0) + (GMAIL_COST[method] ?? 1));
		return box;
	};
	return units;
}

interface Figures {
	name: string;
	emitted: number;
	lost: number;
	duplicated: number;
	latenciesS: number[];
	units: number;
	executions: number;
}

function figures(name: string, runs: Execution[], arrivals: Map<string, number>, units: number): Figures {
	const counts = emittedCounts(runs);
	const firstStart = new Map<string, number>();
	for (const r of runs) for (const item of r.items) if (!firstStart.has(String(item.messageId))) firstStart.set(String(item.messageId), r.startedAt);
	const latenciesS = [...arrivals].filter(([id]) => firstStart.has(id)).map(([id, at]) => (firstStart.get(id)! - at) / 1000).sort((a, b) => a - b);
	return {
		name,
		emitted: [...arrivals.keys()].filter((id) => counts.has(id)).length,
		lost: [...arrivals.keys()].filter((id) => !counts.has(id)).length,
		duplicated: [...arrivals.keys()].filter((id) => (counts.get(id) ?? 0) > 1).length,
		latenciesS,
		units,
		executions: runs.filter((r) => r.items.length > 0).length,
	};
}

async function main() {
	let host: { sandbox?: Sandbox; n8n?: N8nHost } = {};
	try {
		host = await startHostWithSandbox({ owner: true });
		const sandbox = host.sandbox!;
		const n8n = host.n8n!;
		sandbox.pubsub.allowHttpEndpoints = true;
		sandbox.server.recordRequests = false;
		const units = meterUnitsByGrant(sandbox);
		const grantOfToken = (token: string) => sandbox.oauth.accessTokens.get(token)?.refreshToken ?? '';
		const pushGrant = grantOfToken(await importPushCredential(sandbox, n8n, PUSH.cred, EMAIL));
		const pollGrant = grantOfToken(await importPushCredential(sandbox, n8n, POLL.cred, EMAIL));
		await n8n.importWorkflow([
			triggerWorkflow({ id: PUSH.wf, name: 'bench push', trigger: PUSH_TRIGGER, nodeName: PUSH.node, cred: PUSH.cred, webhookId: PUSH.hook, parameters: pushParameters() }),
			triggerWorkflow({ id: POLL.wf, name: 'bench poll', trigger: SYNC_TRIGGER, nodeName: POLL.node, cred: POLL.cred, parameters: { authentication: 'oAuth2', direction: 'both' } }),
		]);
		await n8n.activateWorkflow(PUSH.wf);
		await n8n.activateWorkflow(POLL.wf);
		await waitFor('the watch', () => (sandbox.pubsub.watch.watches.get(EMAIL) ? true : undefined), 60_000, 250);
		// Let the poller's activation poll take its baseline before mail arrives.
		await sleep(5000);
		const unitsAtStart = new Map(units);

		const random = seededRandom(2026);
		const arrivals = new Map<string, number>();
		const historyIdOf = new Map<string, number>();
		const end = Date.now() + MAIL_MINUTES * 60_000;
		let n = 0;
		while (Date.now() < end) {
			const m = sandbox.gmail.insertMessage({ account: EMAIL, from: `Client ${n} <client${n}@client.test>`, subject: `Bench message ${n}`, text: `body ${n}` });
			arrivals.set(m.id, m.internalDate);
			historyIdOf.set(m.id, sandbox.gmail.mailbox(EMAIL).historyId);
			n++;
			await sleep(Math.max(1, Math.round(-Math.log(1 - random()) * GAP_MS)));
		}
		console.log(`${arrivals.size} messages over ${MAIL_MINUTES} min; waiting for both triggers to emit them all…`);
		const all = async (wf: string, node: string) => {
			const c = emittedCounts(await executionsWithItems(n8n, wf, node));
			return [...arrivals.keys()].every((id) => c.has(id));
		};
		await waitFor('both triggers', async () => ((await all(PUSH.wf, PUSH.node)) && (await all(POLL.wf, POLL.node)) ? true : undefined), 4 * 60_000, 2000).catch((e: Error) => console.log(e.message));
		await sandbox.pubsub.push.idle();
		const spent = (grant: string) => (units.get(grant) ?? 0) - (unitsAtStart.get(grant) ?? 0);
		const push = figures('Gmail Push Trigger', await executionsWithItems(n8n, PUSH.wf, PUSH.node), arrivals, spent(pushGrant));
		const poll = figures('Gmail Sync Trigger (every minute)', await executionsWithItems(n8n, POLL.wf, POLL.node), arrivals, spent(pollGrant));

		const row = (f: Figures) =>
			[f.name.padEnd(34), String(f.emitted).padStart(7), String(f.lost).padStart(5), String(f.duplicated).padStart(5), ...[50, 95, 99].map((p) => percentile(f.latenciesS, p).toFixed(2).padStart(8)), (f.units / arrivals.size).toFixed(2).padStart(10), String(f.executions).padStart(6)].join(' ');
		console.log(`\n${'trigger'.padEnd(34)} emitted  lost  dupl   p50 s    p95 s    p99 s  units/msg  execs`);
		console.log(row(push));
		console.log(row(poll));
		const notes = sandbox.pubsub.watch.notifications;
		console.log(`\nGmail notifications: ${notes.filter((x) => x.outcome === 'published').length} published, ${sandbox.pubsub.watch.dropped(EMAIL)} dropped (one per second per user)`);
		// The mail whose own notification Gmail dropped: how long it waited for the push that brought it.
		const droppedIds = new Set(notes.filter((x) => x.outcome === 'dropped').map((x) => x.historyId));
		const dropped = figures('dropped', await executionsWithItems(n8n, PUSH.wf, PUSH.node), new Map([...arrivals].filter(([id]) => droppedIds.has(historyIdOf.get(id) ?? -1))), 0);
		console.log(`push latency of mail whose notification was dropped (${dropped.latenciesS.length}): p50 ${percentile(dropped.latenciesS, 50).toFixed(2)} s, max ${(dropped.latenciesS[dropped.latenciesS.length - 1] ?? NaN).toFixed(2)} s`);
		console.log(`Pub/Sub push attempts: ${sandbox.pubsub.push.deliveries.length} (${sandbox.pubsub.push.deliveries.filter((d) => d.outcome === 'acked').length} acked); messages published by n8n (continuation/catch-up): ${sandbox.pubsub.published.filter((p) => p.by !== 'gmail-api-push@system.gserviceaccount.com').length}`);
		console.log(`p50 ratio poll/push: ${(percentile(poll.latenciesS, 50) / percentile(push.latenciesS, 50)).toFixed(1)}×   goal: push p50 ≤ 2 s, p99 ≤ 5 s, ≥ 15× better p50 than polling`);
		console.log(`push service account: ${DEFAULT_PUSH_SERVICE_ACCOUNT}; n8n at ${n8n.baseUrl}`);
		await n8n.deactivateWorkflow(PUSH.wf);
		await n8n.deactivateWorkflow(POLL.wf);
	} finally {
		await stopHostWithSandbox(host);
	}
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
