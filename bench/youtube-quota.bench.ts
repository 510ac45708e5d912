// Quota units per day at one-minute polling. A: a channel with 1,000 videos and 200 new comments a
// day. B (issue #10, item 15): 1,000 active threads of the last 30 days, replied to all day: how soon
// those replies arrive, and at what cost.
// Ours: the YouTube Sync trigger polled 1,440 times by n8n-core's PollTriggerExecutor (ring-2
// harness, durable cursors) against the sandbox, one simulated minute per poll.
// Baseline: re-reading every commentThreads page (and every reply page of threads with more replies
// than come with them) each poll. Its cost per poll depends only on the channel's size, so it is
// measured on a sample of real polls spread over the day and multiplied up (printed as such).
// Both figures come from the sandbox's own quota counter. Run: `npm run bench -- youtube`.
import { Agent, request } from 'node:https';
import type { IDataObject } from 'n8n-workflow';
import { GoogleConnectorOAuth2Api } from '../credentials/GoogleConnectorOAuth2Api.credentials';
import { YouTubeSyncTrigger } from '../nodes/YouTubeSyncTrigger/YouTubeSyncTrigger.node';
import { startSandbox } from '../test/sandbox';
import { Poller, harnessLogger } from '../test/helpers/workflow';
import type { RecordingLogger } from '../test/helpers/logger';
import { seededRandom as prng } from '../test/sandbox/server';

const VIDEOS = 1000;
const EXISTING_THREADS = 10_000;
const NEW_PER_DAY = 200;
const REPLY_SHARE = 0.25; // of the new comments, replies to recent threads
const POLLS = Number(process.env.YT_BENCH_POLLS ?? 1440); // one simulated day of one-minute polls (fewer only to profile)
const BASELINE_SAMPLES = 8;
const PROGRESS_EVERY = Number(process.env.YT_BENCH_PROGRESS ?? 120); // simulated minutes between progress lines
const ACTIVE_THREADS = 1000;
const WINDOW_DAYS = 30;
const B_REPLIES = 300;
const B_THREADS = 100;
const GOAL_B = 3000;


const agent = new Agent({ keepAlive: true, maxSockets: 4 });

// One simulated clock for the trigger, n8n and the sandbox (all in this process): the day's minutes.
const realNow = Date.now.bind(Date);
let clockOffset = 0;
Date.now = () => realNow() + clockOffset;
function setClock(at: number): void {
	clockOffset = at - realNow();
}

function getJson(url: string, token: string): Promise<IDataObject> {
	return new Promise((resolve, reject) => {
		const req = request(url, { agent, headers: { authorization: `Bearer ${token}` } }, (res) => {
			const chunks: Buffer[] = [];
			res.on('data', (c: Buffer) => chunks.push(c));
			res.on('end', () => {
				const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as IDataObject;
				if ((res.statusCode ?? 500) >= 400) reject(new Error(JSON.stringify(body)));
				else resolve(body);
			});
		});
		req.on('error', reject);
		req.end();
	});
}

/** The naive poll: every page of threads, and every reply page of threads with more replies than included. */
async function rereadEverything(channelId: string, token: string): Promise<number> {
	const base = 'https://youtube.googleapis.com/youtube/v3';
	let comments = 0;
	let pageToken = '';
	do {
		const page = await getJson(`${base}/commentThreads?part=snippet,replies&allThreadsRelatedToChannelId=${channelId}&order=time&maxResults=100${pageToken ? `&pageToken=${pageToken}` : ''}`, token);
		for (const t of (page.items as IDataObject[]) ?? []) {
			comments++;
			const total = Number((t.snippet as IDataObject).totalReplyCount ?? 0);
			const included = (((t.replies as IDataObject | undefined)?.comments as unknown[]) ?? []).length;
			comments += included;
			if (total > included) {
				let rt = '';
				do {
					const r = await getJson(`${base}/comments?part=snippet&parentId=${t.id as string}&maxResults=100${rt ? `&pageToken=${rt}` : ''}`, token);
					rt = (r.nextPageToken as string) ?? '';
				} while (rt);
			}
		}
		pageToken = (page.nextPageToken as string) ?? '';
	} while (pageToken);
	return comments;
}

interface Config {
	name: string;
	options: IDataObject;
	/** Threads Remembered of this configuration (the promise covers replies on those threads). */
	remembered?: number;
}

interface Figures {
	name: string;
	units: number;
	idleUnits: number;
	idlePolls: number;
	maxUnitsOnePoll: number;
	unique: number;
	lost: number;
	duplicated: number;
	/** Minutes from writing to emission, per watched comment on a thread the trigger promises to follow
	 * (scenario B: of the last 30 days and among its Threads Remembered newest when written). */
	latencies: number[];
	/** The same for watched comments on threads outside that promise (older, or past the newest N). */
	beyond: number[];
	/** Units spent on comments.list (replies beyond those included with a thread). */
	replyUnits: number;
	/** Recheck polls, and the list pages each read beyond the newest page. */
	rechecks: number;
	recheckPages: number;
	/** Size of the node's static data (JSON) at the end of the day, bytes. */
	stateBytes: number;
}

/** The recheck time of the trigger's (single) comment source, from its persisted cursor. */
function sweptAt(staticData: IDataObject): string | undefined {
	const sources = (staticData.comments as { sources?: Record<string, { sweptAt?: string }> } | undefined)?.sources ?? {};
	return Object.values(sources)[0]?.sweptAt;
}

type Sandbox = Awaited<ReturnType<typeof startSandbox>>;
/** A comment written during the day; `thread` (watched replies) says where its thread stood then. */
type Arrival = { id: string; watched?: boolean; thread?: { ageMs: number; rank: number } };

/**
 * One simulated day of one-minute polls: each configuration polls the same channel (its own
 * trigger, durable cursors); `arrive(minute)` adds that minute's comments before the polls.
 */
async function simulateDay(
	logger: RecordingLogger,
	sandbox: Sandbox,
	credentials: () => IDataObject,
	dayStart: number,
	configs: Config[],
	arrive: (minute: number) => Arrival[],
	onMinute?: (minute: number) => Promise<void>,
): Promise<Figures[]> {
	const yt = sandbox.youtube;
	const runs = configs.map((c) => ({
		...c,
		poller: new Poller(new YouTubeSyncTrigger(), {
			parameters: { dailyBudget: 10_000, options: c.options } as never,
			credentials: credentials() as never,
			credentialTypes: [new GoogleConnectorOAuth2Api()],
			staticData: {},
			durableCursors: true,
		}),
		units: 0,
		emittedAt: new Map<string, number>(),
		emitted: 0,
		maxUnitsOnePoll: 0,
		idlePolls: 0,
		idleUnits: 0,
		replyUnits: 0,
		rechecks: 0,
		recheckPages: 0,
	}));
	const stateBytes = (r: (typeof runs)[number]) => JSON.stringify(r.poller.persisted).length;
	// Activation, a minute before the day (not counted: it happens once).
	setClock(dayStart - 60_000);
	for (const r of runs) {
		await r.poller.poll({ activation: true });
		await r.poller.poll();
	}
	const created: Array<Arrival & { minute: number }> = [];
	const started = realNow();
	for (let minute = 0; minute < POLLS; minute++) {
		setClock(dayStart + minute * 60_000);
		for (const c of arrive(minute)) created.push({ ...c, minute });
		for (const r of runs) {
			const before = yt.totalUnits;
			const sweptBefore = sweptAt(r.poller.persisted);
			const repliesBefore = yt.unitsByMethod.get('comments.list') ?? 0;
			const result = await r.poller.poll();
			if (result.error) throw result.error;
			const units = yt.totalUnits - before;
			const threadPages = units - ((yt.unitsByMethod.get('comments.list') ?? 0) - repliesBefore);
			r.replyUnits += units - threadPages;
			// A poll that moved the cursor's recheck time read the pages below the newest again.
			if (sweptAt(r.poller.persisted) !== sweptBefore) {
				r.rechecks++;
				r.recheckPages += threadPages - 1;
			}
			const got = (result.items?.[0] ?? []).map((i) => i.json.commentId as string);
			r.units += units;
			r.emitted += got.length;
			for (const id of got) if (!r.emittedAt.has(id)) r.emittedAt.set(id, minute);
			r.maxUnitsOnePoll = Math.max(r.maxUnitsOnePoll, units);
			if (got.length === 0) {
				r.idlePolls++;
				r.idleUnits += units;
			}
		}
		await onMinute?.(minute);
		// The harness logger records every line; a simulated day would hold millions of them.
		logger.clear();
		if (minute % PROGRESS_EVERY === 0) {
			// With --expose-gc the heap is measured after a full collection (what is kept, not garbage).
			(globalThis as { gc?: () => void }).gc?.();
			process.stderr.write(`  minute ${minute}: ${runs.map((r) => `${r.name} ${r.emitted} emitted, ${r.units} units, state ${(stateBytes(r) / 1024).toFixed(0)} KB`).join('; ')}; ${((realNow() - started) / 1000).toFixed(0)} s, heap ${Math.round(process.memoryUsage().heapUsed / 1048576)} MB\n`);
		}
	}
	const delay = (c: Arrival & { minute: number }, r: { emittedAt: Map<string, number> }) => (r.emittedAt.has(c.id) ? r.emittedAt.get(c.id)! - c.minute + 1 : Infinity);
	// The promise: replies on threads of the last Remember Threads For (30) days, at most Threads Remembered newest.
	const followed = (c: Arrival, r: { remembered?: number }) => !c.thread || (c.thread.ageMs <= WINDOW_DAYS * 86_400_000 && c.thread.rank < (r.remembered ?? 1000));
	if (process.env.YT_BENCH_DEBUG) for (const r of runs) for (const c of created) if (c.watched && followed(c, r) && delay(c, r) > 10) console.log('DEBUG', r.name, c.id, c.minute, JSON.stringify(c.thread), delay(c, r));
	return runs.map((r) => ({
		name: r.name,
		units: r.units,
		idleUnits: r.idleUnits,
		idlePolls: r.idlePolls,
		maxUnitsOnePoll: r.maxUnitsOnePoll,
		unique: r.emittedAt.size,
		lost: created.filter((c) => !r.emittedAt.has(c.id)).length,
		duplicated: r.emitted - r.emittedAt.size,
		// Written just before poll `minute`; out at poll `minute + k` is (k + 1) minutes later (as if
		// written right after the previous poll: the worst case).
		latencies: created.filter((c) => c.watched && followed(c, r)).map((c) => delay(c, r)),
		beyond: created.filter((c) => c.watched && !followed(c, r)).map((c) => delay(c, r)),
		replyUnits: r.replyUnits,
		rechecks: r.rechecks,
		recheckPages: r.recheckPages,
		stateBytes: stateBytes(r),
	}));
}

function table(head: string[], rows: string[][]): void {
	const widths = [44, ...head.slice(1).map((h, i) => Math.max(20, h.length + 2, ...rows.map((r) => r[i + 1].length + 2)))];
	const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[0]) : c.padStart(widths[i]))).join('');
	console.log(line(head));
	for (const r of rows) console.log(line(r));
}

const fmt = (n: number) => n.toLocaleString('en-US');
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

/** A rep with a channel and a credential connected to the sandbox. */
function connect(sandbox: Sandbox, email: string) {
	sandbox.oauth.addUser({ email, name: 'Bench Rep' });
	const channel = sandbox.youtube.addChannel({ ownerEmail: email, title: email, handle: `@${email.split('@')[0]}` });
	const grant = sandbox.oauth.issueGrant({ email, scopes: ['https://www.googleapis.com/auth/youtube.readonly'], expiresIn: 7 * 86_400 });
	const credentials = () => ({
		googleConnectorOAuth2Api: {
			id: email,
			name: 'Google',
			data: {
				clientId: 'sandbox-client.apps.googleusercontent.com',
				clientSecret: 'GOCSPX-sandbox-client-secret',
				youtubeRead: true,
				retryDelayMs: 5,
				oauthTokenData: { access_token: grant.access_token, refresh_token: grant.refresh_token, expires_in: 7 * 86_400, scope: grant.scope, token_type: 'Bearer' },
			},
		},
	});
	return { channel, grant, credentials };
}

/** A: a large channel (1,000 videos, 10,000 threads over a year), 200 new comments a day. */
async function scenarioA(logger: RecordingLogger, sandbox: Sandbox, dayStart: number, rand: () => number): Promise<void> {
	const yt = sandbox.youtube;
	const yearMs = 365 * 86_400_000;
	const a = connect(sandbox, 'bench-a@acme-crm.test');
	const videos = Array.from({ length: VIDEOS }, (_, i) => yt.addVideo(a.channel.id, { publishedAt: iso(dayStart - yearMs + (i * yearMs) / VIDEOS) }));
	let existingReplies = 0;
	for (let i = 0; i < EXISTING_THREADS; i++) {
		const at = dayStart - yearMs + (i * yearMs) / EXISTING_THREADS;
		const video = videos[Math.min(VIDEOS - 1, Math.floor((i / EXISTING_THREADS) * VIDEOS + rand() * 3))];
		const t = yt.addComment(video.id, { publishedAt: iso(at) });
		const replies = i % 20 === 0 ? 12 : i % 4 === 0 ? 2 : 0;
		for (let r = 0; r < replies; r++) yt.addReply(t.id, { publishedAt: iso(at + (r + 1) * 60_000) });
		existingReplies += replies;
	}
	// When the day's 200 comments arrive (minute of the day), and which are replies.
	const arrivals = Array.from({ length: NEW_PER_DAY }, () => Math.floor(rand() * POLLS)).sort((x, y) => x - y);
	const replyFlags = arrivals.map(() => rand() < REPLY_SHARE);
	const todaysThreads: string[] = [];
	let next = 0;
	let baselineUnits = 0;
	let baselineSampled = 0;
	const started = realNow();
	const figures = await simulateDay(
		logger,
		sandbox,
		a.credentials,
		dayStart,
		[
			{ name: 'defaults', options: {} },
			{ name: 'newest page only', options: { recheckEvery: 0 } },
		],
		(minute) => {
			const out: Arrival[] = [];
			for (; next < arrivals.length && arrivals[next] <= minute; next++) {
				const video = videos[VIDEOS - 1 - Math.floor(rand() * rand() * VIDEOS)];
				if (replyFlags[next] && todaysThreads.length) out.push({ id: yt.addReply(todaysThreads[Math.floor(rand() * todaysThreads.length)]).id });
				else {
					const t = yt.addComment(video.id);
					out.push({ id: t.id });
					todaysThreads.push(t.id);
				}
			}
			return out;
		},
		async (minute) => {
			if (minute % (POLLS / BASELINE_SAMPLES) !== 0) return;
			const b0 = yt.totalUnits;
			await rereadEverything(a.channel.id, a.grant.access_token);
			baselineUnits += yt.totalUnits - b0;
			baselineSampled++;
		},
	);
	const baselinePerPoll = baselineUnits / baselineSampled;
	const baselinePerDay = Math.round(baselinePerPoll * POLLS);
	console.log(`A. channel: ${VIDEOS} videos, ${fmt(EXISTING_THREADS)} threads and ${fmt(existingReplies)} replies before the day; ${NEW_PER_DAY} new comments (${replyFlags.filter(Boolean).length} replies to threads of the day) over ${POLLS} one-minute polls`);
	table(
		['metric', ...figures.map((f) => `ours: ${f.name}`), 're-read every page'],
		[
			['quota units per day', ...figures.map((f) => fmt(f.units)), fmt(baselinePerDay)],
			['units per idle poll', ...figures.map((f) => (f.idleUnits / Math.max(1, f.idlePolls)).toFixed(2)), baselinePerPoll.toFixed(0)],
			['max units in one poll', ...figures.map((f) => String(f.maxUnitsOnePoll)), baselinePerPoll.toFixed(0)],
			['share of the default 10,000/day', ...figures.map((f) => `${((f.units / 10_000) * 100).toFixed(1)}%`), `${((baselinePerDay / 10_000) * 100).toFixed(0)}%`],
			['comments emitted / created', ...figures.map((f) => `${f.unique} / ${NEW_PER_DAY}`), '(re-reads all)'],
			['lost, duplicated', ...figures.map((f) => `${f.lost}, ${f.duplicated}`), '-'],
		],
	);
	for (const f of figures) console.log(`ratio re-read / ours (${f.name}): ${(baselinePerDay / f.units).toFixed(0)}×`);
	console.log(`baseline measured on ${baselineSampled} real polls spread over the day (${baselinePerPoll.toFixed(0)} units each), × ${POLLS}; simulated day ran in ${((realNow() - started) / 1000).toFixed(0)} s`);
}

/**
 * B (issue #10, item 15): 1,000 active threads of the last 30 days on 20 videos; over the day 100
 * new threads and 300 replies to the threads written before it. Goal: those replies arrive within
 * 10 minutes, at ≤ 3,000 units a day.
 */
async function scenarioB(logger: RecordingLogger, sandbox: Sandbox, dayStart: number, rand: () => number): Promise<void> {
	const yt = sandbox.youtube;
	const b = connect(sandbox, 'bench-b@acme-crm.test');
	const videos = Array.from({ length: 20 }, () => yt.addVideo(b.channel.id, { publishedAt: iso(dayStart - 40 * 86_400_000) }));
	// Oldest first: thread i was published at active[i].at.
	const active: Array<{ id: string; at: number }> = [];
	for (let i = 0; i < ACTIVE_THREADS; i++) {
		const at = dayStart - WINDOW_DAYS * 86_400_000 + ((i + 1) * (WINDOW_DAYS * 86_400_000 - 3_600_000)) / ACTIVE_THREADS;
		const t = yt.addComment(videos[i % 20].id, { publishedAt: iso(at) });
		for (let r = 0; r < i % 7; r++) yt.addReply(t.id, { publishedAt: iso(at + (r + 1) * 60_000) });
		active.push({ id: t.id, at });
	}
	let newThreads = 0;
	const replyMinutes = Array.from({ length: B_REPLIES }, () => Math.floor(rand() * (POLLS - 15))).sort((x, y) => x - y);
	const threadMinutes = Array.from({ length: B_THREADS }, () => Math.floor(rand() * POLLS)).sort((x, y) => x - y);
	let ri = 0;
	let ti = 0;
	const started = realNow();
	const figures = await simulateDay(
		logger,
		sandbox,
		b.credentials,
		dayStart,
		[
			{ name: 'defaults', options: {} },
			{ name: 'hourly, 200 remembered', options: { recheckEvery: 60, maxThreadsTracked: 200 }, remembered: 200 },
			{ name: 'newest page only', options: { recheckEvery: 0 } },
		],
		(minute) => {
			const out: Arrival[] = [];
			const now = dayStart + minute * 60_000;
			for (; ri < replyMinutes.length && replyMinutes[ri] <= minute; ri++) {
				const i = Math.floor(rand() * active.length);
				// Where the thread stands now: its age, and how many threads of the channel are newer.
				const thread = { ageMs: now - active[i].at, rank: newThreads + (active.length - 1 - i) };
				out.push({ id: yt.addReply(active[i].id).id, watched: true, thread });
			}
			for (; ti < threadMinutes.length && threadMinutes[ti] <= minute; ti++, newThreads++) out.push({ id: yt.addComment(videos[Math.floor(rand() * 20)].id).id });
			return out;
		},
	);
	console.log(`B. channel: ${fmt(ACTIVE_THREADS)} threads of the last ${WINDOW_DAYS} days on 20 videos; over the day ${B_THREADS} new threads and ${B_REPLIES} replies to those older threads, ${POLLS} one-minute polls`);
	const dist = (xs: number[]) => (xs.length ? `${quantile(xs, 0.5)}, ${quantile(xs, 0.95)}, ${Math.max(...xs)}` : '-');
	const perDay = (units: number) => Math.round((units * 1440) / POLLS);
	table(
		['metric', ...figures.map((f) => `ours: ${f.name}`)],
		[
			['quota units per day', ...figures.map((f) => fmt(perDay(f.units)))],
			['  of which replies (comments.list)', ...figures.map((f) => fmt(perDay(f.replyUnits)))],
			['  rechecks; pages below the newest: each, all', ...figures.map((f) => (f.rechecks ? `${f.rechecks}; ${(f.recheckPages / f.rechecks).toFixed(1)}, ${fmt(perDay(f.recheckPages))}` : '0'))],
			['replies on followed threads ≤ 10 min', ...figures.map((f) => `${f.latencies.filter((l) => l <= 10).length} / ${f.latencies.length} (${((100 * f.latencies.filter((l) => l <= 10).length) / Math.max(1, f.latencies.length)).toFixed(1)}%)`)],
			['  minutes: p50, p95, max (never: Infinity)', ...figures.map((f) => dist(f.latencies))],
			['replies on threads beyond (arrived)', ...figures.map((f) => `${f.beyond.length} (${f.beyond.filter((l) => l < Infinity).length})`)],
			['comments emitted / created', ...figures.map((f) => `${f.unique} / ${B_REPLIES + B_THREADS}`)],
			['lost (all comments), duplicated', ...figures.map((f) => `${f.lost}, ${f.duplicated}`)],
			['state at the end of the day', ...figures.map((f) => `${(f.stateBytes / 1024).toFixed(0)} KB`)],
		],
	);
	console.log('followed: a thread of the last 30 days among the newest Threads Remembered (1,000; 200 in the hourly column) when the reply was written; beyond: older or further down');
	const d = figures[0];
	const met = perDay(d.units) <= GOAL_B && d.latencies.every((l) => l <= 10);
	console.log(`goal (replies on remembered threads of the last 30 days within 10 min, ≤ ${fmt(GOAL_B)} units/day), defaults: ${met ? 'met' : 'NOT met'}; simulated day ran in ${((realNow() - started) / 1000).toFixed(0)} s`);
	if (POLLS !== 1440) console.log(`(${POLLS} polls, not a day: units scaled to a day, ${B_REPLIES} replies squeezed into ${POLLS - 15} minutes)`);
}

async function main() {
	const logger = harnessLogger();
	const sandbox = await startSandbox({ seed: 5 });
	sandbox.server.useInThisProcess();
	sandbox.server.recordRequests = false;
	sandbox.youtube.dailyQuota = 0; // count, never refuse: the baseline would not fit in a real day
	sandbox.oauth.accessTokenLifetime = 7 * 86_400;
	const rand = prng(99);
	// The simulated day starts now; the channels' history lies before it.
	const dayStart = Date.now();
	// YT_BENCH=A or B runs one scenario (B on an older commit gives its figures side by side).
	const only = process.env.YT_BENCH;
	if (only !== 'B') await scenarioA(logger, sandbox, dayStart, rand);
	if (only !== 'A') await scenarioB(logger, sandbox, dayStart, prng(99));
	agent.destroy();
	await sandbox.close();
}

main().catch((error: unknown) => {
	console.error(error);
	process.exitCode = 1;
});
