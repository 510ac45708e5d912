// YouTube push notifications (WebSub, Atom) → the webhook event's `data`:
// `{videoId, channelId, title, link, publishedAt, updatedAt, deleted}`. Pure: no n8n imports.
import { XmlError, child, childrenOf, parseXml, type XmlElement, type XmlLimits } from './xml';

export const ATOM_NS = 'http://www.w3.org/2005/Atom';
export const YT_NS = 'http://www.youtube.com/xml/schemas/2015';
export const TOMBSTONE_NS = 'http://purl.org/atompub/tombstones/1.0';

export interface YouTubePushEntry {
	videoId: string;
	channelId: string;
	title: string;
	link: string;
	publishedAt: string | null;
	updatedAt: string | null;
	deleted: boolean;
	/** Channel name from the entry's author (`at:by` for deletions). */
	author?: string;
}

const text = (el: XmlElement | undefined) => (el ? el.text.trim() : '');

function channelFromUri(uri: string): string {
	const m = /\/channel\/([A-Za-z0-9_-]+)/.exec(uri) ?? /[?&]channel_id=([A-Za-z0-9_-]+)/.exec(uri);
	return m ? m[1] : '';
}

function alternateLink(el: XmlElement): string {
	const links = childrenOf(el, ATOM_NS, 'link');
	const alt = links.find((l) => (l.attrs.rel ?? 'alternate') === 'alternate') ?? links[0];
	return alt?.attrs.href ?? '';
}

/**
 * Reads a notification body. `fallbackChannelId` (e.g. from the `Link: <topic>; rel=self` header)
 * fills channelId where the document leaves it out (deletions without `at:by`).
 */
export function parseYouTubeNotification(xml: string, opts: { fallbackChannelId?: string; limits?: XmlLimits } = {}): YouTubePushEntry[] {
	const root = parseXml(xml, opts.limits);
	if (root.ns !== ATOM_NS || root.local !== 'feed') throw new XmlError('malformed', 'Not an Atom feed');
	const selfLink = childrenOf(root, ATOM_NS, 'link').find((l) => l.attrs.rel === 'self')?.attrs.href ?? '';
	const feedChannel = channelFromUri(selfLink) || opts.fallbackChannelId || '';
	const out: YouTubePushEntry[] = [];
	for (const node of root.children) {
		if (node.ns === ATOM_NS && node.local === 'entry') {
			const idText = text(child(node, ATOM_NS, 'id'));
			const videoId = text(child(node, YT_NS, 'videoId')) || (idText.startsWith('yt:video:') ? idText.slice(9) : '');
			if (!videoId) continue;
			const author = child(node, ATOM_NS, 'author');
			out.push({
				videoId,
				channelId: text(child(node, YT_NS, 'channelId')) || channelFromUri(text(child(author, ATOM_NS, 'uri'))) || feedChannel,
				title: text(child(node, ATOM_NS, 'title')),
				link: alternateLink(node) || `https://www.youtube.com/watch?v=${videoId}`,
				publishedAt: text(child(node, ATOM_NS, 'published')) || null,
				updatedAt: text(child(node, ATOM_NS, 'updated')) || null,
				deleted: false,
				author: text(child(author, ATOM_NS, 'name')) || undefined,
			});
		} else if (node.ns === TOMBSTONE_NS && node.local === 'deleted-entry') {
			const ref = node.attrs.ref ?? '';
			const videoId = ref.startsWith('yt:video:') ? ref.slice(9) : ref;
			if (!videoId) continue;
			const by = child(node, TOMBSTONE_NS, 'by');
			out.push({
				videoId,
				channelId: channelFromUri(text(child(by, ATOM_NS, 'uri')) || text(child(by, TOMBSTONE_NS, 'uri'))) || feedChannel,
				title: '',
				link: alternateLink(node) || `https://www.youtube.com/watch?v=${videoId}`,
				publishedAt: null,
				updatedAt: node.attrs.when ?? null,
				deleted: true,
				author: text(child(by, ATOM_NS, 'name')) || text(child(by, TOMBSTONE_NS, 'name')) || undefined,
			});
		}
	}
	return out;
}

/** The channel id a hub topic URL names. */
export function channelIdFromTopic(topic: string): string {
	return channelFromUri(topic);
}
