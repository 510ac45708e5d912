// Quota units per day at one-minute polling: a channel with 1,000 videos and 200 new comments a day.
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
import { seededRandom as prng } from '../test/sandbox/server';

const VIDEOS = 1000;
const EXISTING_THREADS = 10_000;
const NEW_PER_DAY = 200;
const REPLY_SHARE = 0.25; // of the new comments, replies to recent threads
const POLLS = 1440;
const BASELINE_SAMPLES = 8;
const GOAL = 1500;


const agent = new Agent({ keepAlive: true, maxSockets: 4 });

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

async function main() {
	harnessLogger();
	const sandbox = await startSandbox({ seed: 5 });
	sandbox.server.useInThisProcess();
	sandbox.server.recordRequests = false;
	const yt = sandbox.youtube;
	yt.dailyQuota = 0; // count, never refuse: the baseline would not fit in a real day
	const rand = prng(99);

	const email = 'bench@acme-crm.test';
	sandbox.oauth.addUser({ email, name: 'Bench Rep' });
	sandbox.oauth.accessTokenLifetime = 7 * 86_400;
	const channel = yt.addChannel({ ownerEmail: email, title: 'Acme', handle: '@acme' });
	const grant = sandbox.oauth.issueGrant({ email, scopes: ['https://www.googleapis.com/auth/youtube.readonly'], expiresIn: 7 * 86_400 });

	// The simulated day starts now; the channel's history is spread over the year before.
	const dayStart = Date.now();
	const yearMs = 365 * 86_400_000;
	const videos = Array.from({ length: VIDEOS }, (_, i) => yt.addVideo(channel.id, { publishedAt: new Date(dayStart - yearMs + (i * yearMs) / VIDEOS).toISOString().replace(/\.\d+Z$/, 'Z') }));
	let existingReplies = 0;
	for (let i = 0; i < EXISTING_THREADS; i++) {
		const at = dayStart - yearMs + (i * yearMs) / EXISTING_THREADS;
		const video = videos[Math.min(VIDEOS - 1, Math.floor((i / EXISTING_THREADS) * VIDEOS + rand() * 3))];
		const t = yt.addComment(video.id, { publishedAt: new Date(at).toISOString().replace(/\.\d+Z$/, 'Z') });
		const replies = i % 20 === 0 ? 12 : i % 4 === 0 ? 2 : 0;
		for (let r = 0; r < replies; r++) yt.addReply(t.id, { publishedAt: new Date(at + (r + 1) * 60_000).toISOString().replace(/\.\d+Z$/, 'Z') });
		existingReplies += replies;
	}

	// When the day's 200 comments arrive (minute of the day), and which are replies.
	const arrivals = Array.from({ length: NEW_PER_DAY }, () => Math.floor(rand() * POLLS)).sort((a, b) => a - b);
	const replyFlags = arrivals.map(() => rand() < REPLY_SHARE);

	const credentials = () => ({
		googleConnectorOAuth2Api: {
			id: 'bench',
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
	// Two configurations of our trigger on the same channel and day: the defaults (the newest page every
	// poll, plus an hourly recheck of the 200 remembered threads), and the newest page only.
	const configs = [
		{ name: 'defaults', options: {} },
		{ name: 'newest page only', options: { recheckEvery: 0 } },
	].map((c) => ({
		...c,
		poller: new Poller(new YouTubeSyncTrigger(), {
			parameters: { dailyBudget: 10_000, options: c.options } as never,
			credentials: credentials(),
			credentialTypes: [new GoogleConnectorOAuth2Api()],
			staticData: {},
			durableCursors: true,
		}),
		units: 0,
		emitted: [] as string[],
		maxUnitsOnePoll: 0,
		idlePolls: 0,
		idleUnits: 0,
	}));

	// Activation (not counted in the day: it happens once).
	yt.clockOffsetMs = 0;
	for (const c of configs) {
		await c.poller.poll({ activation: true });
		await c.poller.poll();
	}

	const created: string[] = [];
	const todaysThreads: string[] = [];
	let next = 0;
	let baselineUnits = 0;
	let baselineSampled = 0;
	const started = Date.now();
	for (let minute = 0; minute < POLLS; minute++) {
		yt.clockOffsetMs = dayStart + minute * 60_000 - Date.now();
		while (next < arrivals.length && arrivals[next] <= minute) {
			const video = videos[VIDEOS - 1 - Math.floor(rand() * rand() * VIDEOS)];
			if (replyFlags[next] && todaysThreads.length) {
				const thread = todaysThreads[Math.floor(rand() * todaysThreads.length)];
				created.push(yt.addReply(thread).id);
			} else {
				const t = yt.addComment(video.id);
				created.push(t.id);
				todaysThreads.push(t.id);
			}
			next++;
		}
		for (const c of configs) {
			const before = yt.totalUnits;
			const r = await c.poller.poll();
			if (r.error) throw r.error;
			const units = yt.totalUnits - before;
			const got = (r.items?.[0] ?? []).map((i) => i.json.commentId as string);
			c.units += units;
			c.emitted.push(...got);
			c.maxUnitsOnePoll = Math.max(c.maxUnitsOnePoll, units);
			if (got.length === 0) {
				c.idlePolls++;
				c.idleUnits += units;
			}
		}
		if (minute % 120 === 0) process.stderr.write(`  minute ${minute}: ${configs.map((c) => `${c.name} ${c.emitted.length} emitted, ${c.units} units`).join('; ')}; ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
		if (minute % (POLLS / BASELINE_SAMPLES) === 0) {
			const b0 = yt.totalUnits;
			await rereadEverything(channel.id, grant.access_token);
			baselineUnits += yt.totalUnits - b0;
			baselineSampled++;
		}
	}
	const elapsed = (Date.now() - started) / 1000;
	const baselinePerPoll = baselineUnits / baselineSampled;
	const baselinePerDay = Math.round(baselinePerPoll * POLLS);
	const figures = configs.map((c) => {
		const unique = new Set(c.emitted);
		return { ...c, unique, lost: created.filter((id) => !unique.has(id)).length, duplicated: c.emitted.length - unique.size };
	});

	const rows: Array<[string, ...string[]]> = [
		['quota units per day', ...figures.map((f) => f.units.toLocaleString('en-US')), baselinePerDay.toLocaleString('en-US')],
		['units per idle poll', ...figures.map((f) => (f.idleUnits / Math.max(1, f.idlePolls)).toFixed(2)), baselinePerPoll.toFixed(0)],
		['max units in one poll', ...figures.map((f) => String(f.maxUnitsOnePoll)), baselinePerPoll.toFixed(0)],
		['share of the default 10,000/day', ...figures.map((f) => `${((f.units / 10_000) * 100).toFixed(1)}%`), `${((baselinePerDay / 10_000) * 100).toFixed(0)}%`],
		['comments emitted / created', ...figures.map((f) => `${f.unique.size} / ${created.length}`), '(re-reads all)'],
		['lost, duplicated', ...figures.map((f) => `${f.lost}, ${f.duplicated}`), '-'],
	];
	console.log(`channel: ${VIDEOS} videos, ${EXISTING_THREADS.toLocaleString('en-US')} threads and ${existingReplies.toLocaleString('en-US')} replies before the day; ${created.length} new comments (${replyFlags.filter(Boolean).length} replies to threads of the day) over ${POLLS} one-minute polls`);
	const head = ['metric', ...figures.map((f) => `ours: ${f.name}`), 're-read every page'];
	const widths = [34, 24, 24, 22];
	const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[0]) : c.padStart(widths[i]))).join('');
	console.log(line(head));
	for (const r of rows) console.log(line(r));
	for (const f of figures) console.log(`ratio re-read / ours (${f.name}): ${(baselinePerDay / f.units).toFixed(0)}×; goal < ${GOAL.toLocaleString('en-US')} units/day: ${f.units < GOAL ? 'met' : 'NOT met'}`);
	console.log(`baseline measured on ${baselineSampled} real polls spread over the day (${baselinePerPoll.toFixed(0)} units each), × ${POLLS}; simulated day ran in ${elapsed.toFixed(0)} s`);
	agent.destroy();
	await sandbox.close();
}

main().catch((error: unknown) => {
	console.error(error);
	process.exitCode = 1;
});
