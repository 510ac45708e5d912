// Ring-2 fixtures for the YouTube Sync trigger: a rep with a channel and a connected credential, the
// trigger as n8n loads it, a poller, and a simulated clock shared by the trigger and the sandbox.
import { request } from 'node:https';
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import { GoogleConnectorOAuth2Api } from '../../credentials/GoogleConnectorOAuth2Api.credentials';
import { YouTubeSyncTrigger } from '../../nodes/YouTubeSyncTrigger/YouTubeSyncTrigger.node';
import type { Sandbox, SbChannel } from '../sandbox';
import { Poller, type CredentialsMap, type PollResult } from '../helpers/workflow';

const G = 'https://www.googleapis.com/auth/';
export const YOUTUBE_READ = `${G}youtube.readonly`;
export const YOUTUBE_MANAGE = `${G}youtube.force-ssl`;
let reps = 0;

export interface Rep {
	email: string;
	channel: SbChannel;
	credentials: CredentialsMap;
	accessToken: string;
}

/** A rep with a channel of their own and a connected credential. */
export function youtubeRep(sandbox: Sandbox, scopes: string[] = [YOUTUBE_READ]): Rep {
	const n = ++reps;
	const email = `yt-rep${n}-${Math.random().toString(36).slice(2, 8)}@acme-crm.test`;
	sandbox.oauth.addUser({ email, name: `Rep ${n}` });
	const channel = sandbox.youtube.addChannel({ ownerEmail: email, title: `Acme ${n}`, handle: `@acme-${email.slice(0, 14)}` });
	const grant = sandbox.oauth.issueGrant({ email, scopes, expiresIn: 30 * 86_400 });
	return {
		email,
		channel,
		accessToken: grant.access_token,
		credentials: {
			googleConnectorOAuth2Api: {
				id: `cred-yt-${n}`,
				name: 'Google',
				data: {
					clientId: 'sandbox-client.apps.googleusercontent.com',
					clientSecret: 'GOCSPX-sandbox-client-secret',
					youtubeRead: true,
					youtubeManage: scopes.includes(YOUTUBE_MANAGE),
					retryDelayMs: 5,
					maxRetries: 2,
					oauthTokenData: { access_token: grant.access_token, refresh_token: grant.refresh_token, expires_in: 30 * 86_400, scope: grant.scope, token_type: 'Bearer' },
				},
			},
		},
	};
}

/** The trigger as n8n loads it: its DirectoryLoader adds the "Poll Times" parameter to polling nodes. */
export function loadedTrigger(): YouTubeSyncTrigger {
	const node = new YouTubeSyncTrigger();
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { commonPollingParameters } = require('n8n-core/dist/nodes-loader/constants') as { commonPollingParameters: never[] };
	node.description.properties.unshift(...commonPollingParameters);
	return node;
}

export function youtubePoller(credentials: CredentialsMap, parameters: IDataObject, opts: { durableCursors?: boolean; staticData?: IDataObject } = {}): Poller {
	return new Poller(loadedTrigger(), {
		parameters: parameters as never,
		credentials,
		credentialTypes: [new GoogleConnectorOAuth2Api()],
		staticData: opts.staticData ?? {},
		durableCursors: opts.durableCursors,
	});
}

export const ok = (r: PollResult): PollResult => {
	if (r.error) throw r.error;
	return r;
};
export const jsonOf = (items: INodeExecutionData[][] | null): IDataObject[] => (items?.[0] ?? []).map((i) => i.json);
export const idsOf = (items: INodeExecutionData[][] | null): string[] => jsonOf(items).map((j) => j.commentId as string);

/**
 * One simulated clock for the trigger (Date.now) and the sandbox (same process): set() and advance()
 * move it; restore() gives the real clock back. Install once per test.
 */
export class SimulatedClock {
	private offset = 0;
	private readonly real = Date.now.bind(Date);
	private spy?: jest.SpyInstance<number, []>;

	install(): this {
		this.spy = jest.spyOn(Date, 'now').mockImplementation(() => this.real() + this.offset);
		return this;
	}
	now(): number {
		return this.real() + this.offset;
	}
	set(at: number): void {
		this.offset = at - this.real();
	}
	advance(ms: number): void {
		this.offset += ms;
	}
	restore(): void {
		this.spy?.mockRestore();
		this.offset = 0;
	}
}

/** A raw GET on the sandbox's YouTube API (as any client would make it). */
export function youtubeApiGet(path: string, query: Record<string, string>, accessToken: string): Promise<{ status: number; body: IDataObject }> {
	const url = `https://youtube.googleapis.com/youtube/v3/${path}?${new URLSearchParams(query).toString()}`;
	return new Promise((resolve, reject) => {
		const req = request(url, { headers: { authorization: `Bearer ${accessToken}` } }, (res) => {
			const chunks: Buffer[] = [];
			res.on('data', (c: Buffer) => chunks.push(c));
			res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as IDataObject }));
		});
		req.on('error', reject);
		req.end();
	});
}

/** ISO at second precision, as YouTube writes comment times. */
export const ytIso = (ms: number): string => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
