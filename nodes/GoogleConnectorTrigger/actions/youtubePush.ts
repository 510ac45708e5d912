// POST from YouTube's hub: signature first (bad or missing → 2xx ack, no run), then one event per
// new, changed or deleted video in the Atom feed.
import type { IDataObject, IWebhookFunctions } from 'n8n-workflow';
import { channelIdFromTopic, parseYouTubeNotification } from '../../shared/webhook/atom';
import { hubSignatureValid } from '../../shared/webhook/signature';
import { XmlError } from '../../shared/webhook/xml';
import { secretFor, type PushState } from '../../shared/webhook/websub';
import { Reply, dedupeKeyOf, type Delivery, type Outcome } from '../delivery';
import { bodyText } from '../request';
import { configuredTopics, randomSecret, renewIfDue } from '../renewal';

export async function youtubePush(this: IWebhookFunctions, delivery: Delivery): Promise<Outcome> {
	const { raw, headers, state, secrets, dedupe, event } = delivery;
	const ack = (why: string): Outcome => {
		this.logger.debug(`Google Connector Trigger ignored a push delivery: ${why}`);
		return { reply: new Reply(202, 'ignored'), events: [] };
	};
	const signature = headers['x-hub-signature'];
	if (!signature) return ack('no X-Hub-Signature');
	const push = (state.push ?? {}) as PushState;
	const topics = new Set([...Object.keys(push), ...configuredTopics(this)]);
	let matched: string | undefined;
	for (const topic of topics) {
		const secret = push[topic]?.secret || (secrets.pushKey ? secretFor(secrets.pushKey, topic, randomSecret) : '');
		if (secret && hubSignatureValid(raw, secret, signature)) {
			matched = topic;
			break;
		}
	}
	if (!matched) return ack('signature does not verify');
	const channelId = channelIdFromTopic(matched);
	let entries: ReturnType<typeof parseYouTubeNotification> = [];
	let unreadable: string | undefined;
	try {
		entries = parseYouTubeNotification(bodyText(raw), { fallbackChannelId: channelId });
	} catch (error) {
		unreadable = error instanceof XmlError ? error.message : 'the reader failed';
	}
	// Signed but unreadable: a 4xx would make the hub redeliver it forever; acknowledge, start nothing.
	if (unreadable !== undefined) return ack(`signed, but not a readable Atom feed (${unreadable})`);
	const events: IDataObject[] = [];
	for (const e of entries) {
		if (e.channelId && e.channelId !== channelId) continue; // signed for another channel's topic
		const key = `${e.videoId}:${e.updatedAt ?? ''}${e.deleted ? ':deleted' : ''}`;
		if (dedupe.seen('youtube', dedupeKeyOf('youtube-webhook', key))) continue;
		const firstTime = !dedupe.seen('videos', e.videoId);
		const kind = e.deleted ? 'deleted' : firstTime ? 'upload' : 'update';
		const data: IDataObject = { videoId: e.videoId, channelId: e.channelId || channelId, title: e.title, link: e.link, publishedAt: e.publishedAt, updatedAt: e.updatedAt, deleted: e.deleted, kind };
		if (e.author) data.author = e.author;
		events.push(event('youtube-webhook', key, data, bodyText(raw)));
	}
	await renewIfDue.call(this, state, secrets);
	return { reply: new Reply(events.length ? 200 : 202, events.length ? 'ok' : 'ignored'), events };
}
