// `npm run bench -- gmail`: Gmail sync throughput against the per-user quota ceiling, quota units per
// message and per idle poll, lost / duplicated messages and peak memory, for this package's Gmail Sync
// Trigger and, as the baseline, n8n's built-in Gmail Trigger (n8n-nodes-base 2.41, node version 1.4,
// loaded in-process from the cached n8n host) — both polled by n8n-core's PollTriggerExecutor against
// the same sandbox and the same backlog. Polls run back to back here; the drain time in real n8n is
// modelled with n8n's one-minute poll schedule (poll k starts at the first minute tick after poll k-1 ended).
//
// Settings (environment): GMAIL_BENCH_N (backlog, default 20000), GMAIL_BENCH_UNITS_PER_SECOND (the
// sandbox's per-user ceiling, default 250: Google's long-standing figure), GMAIL_BENCH_BUILTIN_SECONDS (wall
// time the built-in trigger may spend on the big backlog before its remaining polls are extrapolated,
// default 120), GMAIL_BENCH_FAULT_N (messages in the fault run, default 300), GMAIL_BENCH_BUILTIN=0 (ours only).
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { ICredentialType, IDataObject, INodeType } from 'n8n-workflow';

import { GoogleConnectorOAuth2Api } from '../credentials/GoogleConnectorOAuth2Api.credentials';
import { GmailSyncTrigger } from '../nodes/GmailSyncTrigger/GmailSyncTrigger.node';
import { Poller, type CredentialsMap } from '../test/helpers/workflow';
import { startSandbox, type Sandbox } from '../test/sandbox';

const N = Number(process.env.GMAIL_BENCH_N ?? 20_000);
const CEILING = Number(process.env.GMAIL_BENCH_UNITS_PER_SECOND ?? 250);
const BUILTIN_SECONDS = Number(process.env.GMAIL_BENCH_BUILTIN_SECONDS ?? 120);
const FAULT_N = Number(process.env.GMAIL_BENCH_FAULT_N ?? 300);
const POLL_INTERVAL_S = 60;
const HOST_BASE = join(homedir(), '.cache', 'n8n-google-connector', 'n8n-2.41.0', 'n8n', 'node_modules', 'n8n-nodes-base', 'dist');

interface Contender {
	name: string;
	make(email: string): Poller;
	idOf(json: IDataObject): string;
}

interface RunFigures {
	polls: number;
	complete: boolean;
	emitted: number;
	lost: number;
	duplicated: number;
	units: number;
	busyS: number;
	/** Drain time in n8n with its one-minute schedule, from the first poll after arrival. */
	drainS: number;
	peakHeapMB: number;
	peakRssMB: number;
	/** Calls the sandbox refused for the per-user rate (429 rateLimitExceeded). */
	rateRefusals: number;
	extrapolated?: boolean;
}

let sandbox: Sandbox;

function credentialsFor(type: 'ours' | 'builtin', email: string): CredentialsMap {
	sandbox.oauth.addUser({ email, name: email });
	const grant = sandbox.oauth.issueGrant({ email, scopes: ['https://www.googleapis.com/auth/gmail.readonly', 'https://www.googleapis.com/auth/gmail.modify', 'https://mail.google.com/'] });
	const oauthTokenData = { access_token: grant.access_token, refresh_token: grant.refresh_token, expires_in: 3599, scope: grant.scope, token_type: 'Bearer' };
	const common = { clientId: 'sandbox-client.apps.googleusercontent.com', clientSecret: 'GOCSPX-sandbox-client-secret', oauthTokenData };
	if (type === 'builtin') return { gmailOAuth2: { id: `b-${email}`, name: 'Gmail', data: common } };
	return {
		googleConnectorOAuth2Api: {
			id: `o-${email}`,
			name: 'Google',
			data: { ...common, gmailRead: true, retryDelayMs: 50, maxRetries: 8, gmailUnitsPerSecond: CEILING },
		},
	};
}

function loadBuiltin(): { node: INodeType; credentialTypes: ICredentialType[] } | { why: string } {
	const nodeFile = join(HOST_BASE, 'nodes', 'Google', 'Gmail', 'GmailTrigger.node.js');
	if (!existsSync(nodeFile)) return { why: `n8n host not installed (${nodeFile} missing; run the ring-3 host install)` };
	/* eslint-disable @typescript-eslint/no-require-imports */
	const { GmailTrigger } = require(nodeFile) as { GmailTrigger: new () => INodeType };
	const { GoogleOAuth2Api } = require(join(HOST_BASE, 'credentials', 'GoogleOAuth2Api.credentials.js')) as { GoogleOAuth2Api: new () => ICredentialType };
	const { GmailOAuth2Api } = require(join(HOST_BASE, 'credentials', 'GmailOAuth2Api.credentials.js')) as { GmailOAuth2Api: new () => ICredentialType };
	/* eslint-enable @typescript-eslint/no-require-imports */
	return { node: new GmailTrigger(), credentialTypes: [new GoogleOAuth2Api(), new GmailOAuth2Api()] };
}

const ours: Contender = {
	name: 'Gmail Sync Trigger (this package)',
	make: (email) =>
		new Poller(new GmailSyncTrigger(), {
			parameters: { labelIds: ['INBOX'] } as never,
			credentials: credentialsFor('ours', email),
			credentialTypes: [new GoogleConnectorOAuth2Api()],
			staticData: {},
		}),
	idOf: (json) => String(json.messageId),
};

function builtinContender(loaded: { node: INodeType; credentialTypes: ICredentialType[] }): Contender {
	return {
		name: "n8n's Gmail Trigger 1.4 (built in)",
		make: (email) =>
			new Poller(loaded.node, {
				parameters: { authentication: 'oAuth2', event: 'messageReceived', simple: true, maxResults: 50, filters: { labelIds: ['INBOX'] }, options: {} } as never,
				credentials: credentialsFor('builtin', email),
				credentialTypes: loaded.credentialTypes,
				staticData: {},
				typeVersion: 1.4,
			}),
		idOf: (json) => String(json.id),
	};
}

async function drain(c: Contender, email: string, arrive: () => string[], opts: { maxPolls: number; maxSeconds: number; faults?: boolean }): Promise<RunFigures> {
	const poller = c.make(email);
	const base = await poller.poll({ activation: true });
	if (base.error) throw base.error;
	const expected = new Set(arrive());
	const rule = { host: /googleapis\.com$/, pathIncludes: '/gmail/v1/', rate: 0.1, statuses: [429, 503] };
	if (opts.faults) sandbox.server.faults.push(rule);
	sandbox.gmail.quota.reset();
	const rejected0 = sandbox.gmail.quota.rejected;
	global.gc?.();
	const heap0 = process.memoryUsage().heapUsed;
	let peakHeap = heap0;
	let peakRss = process.memoryUsage().rss;
	const sampler = setInterval(() => {
		const m = process.memoryUsage();
		peakHeap = Math.max(peakHeap, m.heapUsed);
		peakRss = Math.max(peakRss, m.rss);
	}, 50);
	const counts = new Map<string, number>();
	let polls = 0;
	let busy = 0;
	let modelled = 0;
	let lastStart = -Infinity;
	let drainedAt = NaN;
	const wallStart = Date.now();
	try {
		while (polls < opts.maxPolls && (Date.now() - wallStart) / 1000 < opts.maxSeconds) {
			// n8n ticks every minute from the first poll; a tick during a running poll is skipped by the
			// node, so the next poll starts at the first tick after the previous one ended.
			const start = Math.max(Math.ceil(modelled / POLL_INTERVAL_S) * POLL_INTERVAL_S, lastStart + POLL_INTERVAL_S);
			const t = Date.now();
			const r = await poller.poll();
			const dt = (Date.now() - t) / 1000;
			polls++;
			busy += dt;
			lastStart = polls === 1 ? 0 : start;
			modelled = lastStart + dt;
			if (r.error) console.log(`  ${c.name}: poll ${polls} failed: ${r.error.message}`);
			for (const item of r.items?.[0] ?? []) {
				const id = c.idOf(item.json);
				counts.set(id, (counts.get(id) ?? 0) + 1);
			}
			if ([...expected].every((id) => counts.has(id))) {
				drainedAt = modelled;
				break;
			}
		}
	} finally {
		clearInterval(sampler);
		if (opts.faults) sandbox.server.faults.splice(sandbox.server.faults.indexOf(rule), 1);
	}
	const emitted = [...counts.keys()].filter((id) => expected.has(id)).length;
	const complete = emitted === expected.size;
	const figures: RunFigures = {
		polls,
		complete,
		emitted,
		lost: expected.size - emitted,
		duplicated: [...counts.values()].reduce((s, n) => s + (n - 1), 0),
		units: sandbox.gmail.quota.total(email),
		busyS: busy,
		drainS: drainedAt,
		peakHeapMB: (peakHeap - heap0) / 1048576,
		peakRssMB: peakRss / 1048576,
		rateRefusals: sandbox.gmail.quota.rejected - rejected0,
	};
	if (!complete && emitted > 0) {
		// Extrapolate the remaining polls at the per-poll rate seen so far (clearly marked).
		const perPoll = emitted / polls;
		const pollsNeeded = Math.ceil(expected.size / perPoll);
		const perPollS = busy / polls;
		figures.drainS = (pollsNeeded - 1) * Math.max(POLL_INTERVAL_S, perPollS) + perPollS;
		figures.extrapolated = true;
		figures.polls = pollsNeeded;
	}
	return figures;
}

async function idleUnits(c: Contender, email: string): Promise<number> {
	const poller = c.make(email);
	await poller.poll({ activation: true });
	sandbox.gmail.insertMessage({ account: email, subject: 'one', from: 'a@client.test' });
	await poller.poll();
	sandbox.gmail.quota.reset();
	const r = await poller.poll();
	if (r.items) throw new Error(`${c.name}: the idle poll emitted ${r.items[0].length} item(s)`);
	return sandbox.gmail.quota.total(email);
}

const fmt = (n: number, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : 'n/a');

function table(rows: Array<[string, string, string, string]>) {
	const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => r[i].length)));
	for (const r of rows) console.log('  ' + r.map((c, i) => c.padEnd(widths[i])).join('  '));
}

async function main() {
	sandbox = await startSandbox({ seed: 11 });
	sandbox.server.useInThisProcess();
	sandbox.server.recordRequests = false;
	sandbox.gmail.quota.unitsPerSecond = CEILING;
	const minimumS = (N * 5) / CEILING;
	console.log(`Gmail sync benchmark: backlog ${N} messages, sandbox ceiling ${CEILING} units/user/s, physical minimum ${fmt(minimumS)} s (N × 5 / ceiling)`);

	const loaded = loadBuiltin();
	const contenders: Contender[] = [ours];
	if (process.env.GMAIL_BENCH_BUILTIN === '0') console.log('  built-in Gmail Trigger not run (GMAIL_BENCH_BUILTIN=0)');
	else if ('why' in loaded) console.log(`  built-in Gmail Trigger not run: ${loaded.why}`);
	else contenders.push(builtinContender(loaded));

	const big: RunFigures[] = [];
	const faulty: RunFigures[] = [];
	const idle: number[] = [];
	for (const [i, c] of contenders.entries()) {
		const email = `bench-${i}@acme-crm.test`;
		console.log(`- ${c.name}: ${N}-message backlog…`);
		big.push(
			await drain(c, email, () => sandbox.gmail.bulkInsert(N, { account: email, startDate: Date.now() + 2000, spacingMs: 1 }).map((m) => m.id), {
				maxPolls: 100_000,
				maxSeconds: i === 0 ? 3600 : BUILTIN_SECONDS,
			}),
		);
		console.log(`- ${c.name}: ${FAULT_N} messages with 10% 429/503…`);
		const femail = `faults-${i}@acme-crm.test`;
		faulty.push(
			await drain(c, femail, () => sandbox.gmail.bulkInsert(FAULT_N, { account: femail, startDate: Date.now() + 2000, spacingMs: 1 }).map((m) => m.id), {
				maxPolls: 200,
				maxSeconds: 600,
				faults: true,
			}),
		);
		idle.push(await idleUnits(c, `idle-${i}@acme-crm.test`));
	}

	const o = big[0];
	const b = big[1];
	const ratio = (x: number, y: number | undefined) => (y === undefined || !Number.isFinite(x) || !Number.isFinite(y) || y === 0 ? 'n/a' : `${fmt(x / y, 2)}×`);
	console.log('');
	const rows: Array<[string, string, string, string]> = [
		['figure', 'this package', 'built-in 1.4', 'built-in / ours'],
		[`drain ${N} (s, n8n schedule)`, fmt(o.drainS), b ? `${fmt(b.drainS)}${b.extrapolated ? ' (extrapolated)' : ''}` : 'n/a', ratio(b?.drainS ?? NaN, o.drainS)],
		['  ÷ physical minimum', fmt(o.drainS / minimumS, 3), b ? fmt(b.drainS / minimumS, 1) : 'n/a', ''],
		['  fraction of ceiling', fmt(minimumS / o.drainS, 3), b ? fmt(minimumS / b.drainS, 4) : 'n/a', ''],
		['polls to drain', String(o.polls), b ? `${b.polls}${b.extrapolated ? ' (extrapolated)' : ''}` : 'n/a', ratio(b?.polls ?? NaN, o.polls)],
		['busy time in polls (s)', fmt(o.busyS), b ? `${fmt(b.busyS)}${b.extrapolated ? ' (partial)' : ''}` : 'n/a', ''],
		['units / message (backlog)', fmt(o.units / Math.max(1, o.emitted), 3), b ? fmt(b.units / Math.max(1, b.emitted), 3) : 'n/a', ratio(b ? b.units / Math.max(1, b.emitted) : NaN, o.units / Math.max(1, o.emitted))],
		['lost / duplicated (backlog)', `${o.lost} / ${o.duplicated}`, b ? `${b.extrapolated ? 'n/a (partial)' : `${b.lost} / ${b.duplicated}`}` : 'n/a', ''],
		['peak heap growth (MB)', fmt(o.peakHeapMB), b ? fmt(b.peakHeapMB) : 'n/a', ''],
		['peak RSS (MB, whole process)', fmt(o.peakRssMB), b ? fmt(b.peakRssMB) : 'n/a', ''],
		[`${FAULT_N} msgs + 10% faults: lost / dup`, `${faulty[0].lost} / ${faulty[0].duplicated}`, faulty[1] ? `${faulty[1].lost} / ${faulty[1].duplicated}` : 'n/a', ''],
		[`  drain (s, n8n schedule)`, fmt(faulty[0].drainS), faulty[1] ? fmt(faulty[1].drainS) : 'n/a', ratio(faulty[1]?.drainS ?? NaN, faulty[0].drainS)],
		['  units / message', fmt(faulty[0].units / Math.max(1, faulty[0].emitted), 3), faulty[1] ? fmt(faulty[1].units / Math.max(1, faulty[1].emitted), 3) : 'n/a', ''],
		['rate refusals (429) in backlog', String(o.rateRefusals), b ? String(b.rateRefusals) : 'n/a', ''],
		['units per idle poll', String(idle[0]), idle[1] !== undefined ? String(idle[1]) : 'n/a', ratio(idle[1] ?? NaN, idle[0])],
	];
	table(rows);
	await sandbox.close();
}

main().catch((error) => {
	console.error(error);
	process.exitCode = 1;
});
