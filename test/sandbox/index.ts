// Starts the Google sandbox with every surface registered. Surfaces add their own module here.
import { GoogleSandbox } from './server';
import { OAuthState } from './oauth';
import { GmailState } from './gmail';
import { AdsState } from './ads';
import { YouTubeState } from './youtube';
import { GmailSendState } from './gmailSend';
import { HubState } from './hub';
import { PubSubState } from './pubsub';

export * from './server';
export * from './oauth';
export * from './gmail';
export * from './ads';
export * from './youtube';
export * from './hub';
export * from './pubsub';

export interface Sandbox {
	server: GoogleSandbox;
	oauth: OAuthState;
	gmail: GmailState;
	ads: AdsState;
	youtube: YouTubeState;
	hub: HubState;
	/** Cloud Pub/Sub, Gmail users.watch/stop and push delivery (test/sandbox/pubsub.ts). */
	pubsub: PubSubState;
	port: number;
	close(): Promise<void>;
}

export async function startSandbox(opts: { seed?: number; port?: number } = {}): Promise<Sandbox> {
	const server = new GoogleSandbox(opts.seed);
	const oauth = new OAuthState();
	oauth.register(server);
	const gmail = new GmailState(oauth);
	gmail.register(server);
	const ads = new AdsState(oauth);
	ads.register(server);
	const youtube = new YouTubeState(oauth);
	youtube.register(server);
	new GmailSendState(gmail).register(server);
	const hub = new HubState();
	hub.register(server);
	const pubsub = new PubSubState(oauth, gmail);
	pubsub.register(server);
	await server.start(opts.port);
	const close = async () => {
		pubsub.push.stop();
		await server.close();
	};
	return { server, oauth, gmail, ads, youtube, hub, pubsub, port: server.port, close };
}
