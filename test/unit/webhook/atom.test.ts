// The hand-written XML/Atom reader, checked against fast-xml-parser on the same inputs, and on
// hostile inputs (entity bombs, external entities, malformed documents) that it must refuse.
import { XMLParser } from 'fast-xml-parser';
import { parseXml, XmlError, type XmlElement } from '../../../nodes/shared/webhook/xml';
import { parseYouTubeNotification } from '../../../nodes/shared/webhook/atom';
import { uploadAtom, deletedAtom } from '../../sandbox/hub';
import { seededRandom as prng } from '../../sandbox/server';

const fxp = new XMLParser({
	ignoreAttributes: false,
	attributeNamePrefix: '@_',
	parseTagValue: false,
	parseAttributeValue: false,
	trimValues: true,
	ignoreDeclaration: true,
	ignorePiTags: true,
	isArray: (_name: string, _path: unknown, _leaf: boolean, isAttribute: boolean) => !isAttribute,
	processEntities: true,
	htmlEntities: true, // also decodes numeric character references, which XML defines
});

/** Our tree in fast-xml-parser's shape (every element an array, attributes "@_", text "#text"). */
function shape(el: XmlElement): unknown {
	const text = el.text.trim();
	const attrs = Object.entries(el.attrs);
	if (attrs.length === 0 && el.children.length === 0) return text;
	const o: Record<string, unknown[] | string> = {};
	for (const [k, v] of attrs) o[`@_${k}`] = v;
	for (const c of el.children) ((o[c.name] as unknown[]) ??= []).push(shape(c));
	if (text) o['#text'] = text;
	return o;
}

function compare(xml: string) {
	const ours = parseXml(xml);
	const theirs = fxp.parse(xml) as Record<string, unknown>;
	expect({ [ours.name]: [shape(ours)] }).toEqual(theirs);
}

// Seeded generator of well-formed documents with escapes, CDATA, comments and namespaces.
const NAMES = ['entry', 'title', 'yt:videoId', 'link', 'author', 'name', 'a-b', 'c.d', 'x_1'];
const TEXTS = ['hello', 'Tom &amp; Jerry', '&lt;b&gt;bold&lt;/b&gt;', 'snow &#x2603; man', 'quote &quot;q&quot; &apos;a&apos;', 'é ü 日本', '42', '&#65;&#66;'];
function randomDoc(r: () => number): string {
	const el = (depth: number): string => {
		const name = NAMES[Math.floor(r() * NAMES.length)];
		const attrs = r() < 0.5 ? ` href="${TEXTS[Math.floor(r() * TEXTS.length)].replace(/"/g, '')}" rel='alt'` : '';
		if (depth > 3 || r() < 0.3) return r() < 0.3 ? `<${name}${attrs}/>` : `<${name}${attrs}>${TEXTS[Math.floor(r() * TEXTS.length)]}</${name}>`;
		const kids = Array.from({ length: 1 + Math.floor(r() * 3) }, () => el(depth + 1));
		const extra = r() < 0.2 ? '<!-- a comment -->' : r() < 0.2 ? '<![CDATA[raw <text> & stuff]]>' : '';
		return `<${name}${attrs}>\n  ${kids.join('\n  ')}${extra}\n</${name}>`;
	};
	return `<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" xmlns:yt="http://www.youtube.com/xml/schemas/2015">${el(0)}</feed>`;
}

describe('parseXml agrees with fast-xml-parser', () => {
	test('YouTube upload and deletion documents', () => {
		compare(uploadAtom([{ videoId: 'dQw4w9WgXcQ', channelId: 'UC_x5XG1OV2P6uZZ5FSM9Ttw', title: 'Launch & "demo" <2026>' }]));
		compare(uploadAtom([
			{ videoId: 'aaaaaaaaaaa', channelId: 'UC_x5XG1OV2P6uZZ5FSM9Ttw' },
			{ videoId: 'bbbbbbbbbbb', channelId: 'UC_x5XG1OV2P6uZZ5FSM9Ttw', title: 'Ünïcödé ☃' },
		]));
		compare(deletedAtom('dQw4w9WgXcQ', 'UC_x5XG1OV2P6uZZ5FSM9Ttw'));
	});

	test('300 generated documents (escapes, character references, CDATA, comments, namespaces)', () => {
		const r = prng(7);
		for (let i = 0; i < 300; i++) compare(randomDoc(r));
	});
});

describe('parseYouTubeNotification', () => {
	const CH = 'UC_x5XG1OV2P6uZZ5FSM9Ttw';
	test('reads each entry like fast-xml-parser does', () => {
		const xml = uploadAtom([
			{ videoId: 'aaaaaaaaaaa', channelId: CH, title: 'One &amp; two', published: '2026-11-20T10:00:00+00:00', updated: '2026-11-20T10:05:00.123+00:00' },
			{ videoId: 'bbbbbbbbbbb', channelId: CH, title: 'Three' },
		]);
		const entries = parseYouTubeNotification(xml);
		const theirs = (fxp.parse(xml) as any).feed[0].entry as any[];
		expect(entries.map((e) => e.videoId)).toEqual(theirs.map((t) => t['yt:videoId'][0]));
		expect(entries.map((e) => e.title)).toEqual(theirs.map((t) => t.title[0]));
		expect(entries.map((e) => e.link)).toEqual(theirs.map((t) => t.link[0]['@_href']));
		expect(entries.map((e) => e.updatedAt)).toEqual(theirs.map((t) => t.updated[0]));
		expect(entries[0]).toMatchObject({ channelId: CH, deleted: false, publishedAt: '2026-11-20T10:00:00+00:00', author: 'Acme CRM' });
	});

	test('a deleted-entry becomes a deleted event with the channel from at:by', () => {
		const [e] = parseYouTubeNotification(deletedAtom('dQw4w9WgXcQ', CH, '2026-11-21T08:00:00+00:00'));
		expect(e).toMatchObject({ videoId: 'dQw4w9WgXcQ', channelId: CH, deleted: true, updatedAt: '2026-11-21T08:00:00+00:00', link: 'https://www.youtube.com/watch?v=dQw4w9WgXcQ' });
	});

	test('namespace prefixes are resolved, not matched by spelling', () => {
		const xml = `<a:feed xmlns:a="http://www.w3.org/2005/Atom" xmlns:v="http://www.youtube.com/xml/schemas/2015"><a:entry><v:videoId>ccccccccccc</v:videoId><v:channelId>${CH}</v:channelId><a:title>T</a:title></a:entry></a:feed>`;
		expect(parseYouTubeNotification(xml)).toMatchObject([{ videoId: 'ccccccccccc', channelId: CH, title: 'T' }]);
		// A "yt:" prefix bound to another namespace is not YouTube's.
		const fake = `<feed xmlns="http://www.w3.org/2005/Atom" xmlns:yt="urn:other"><entry><yt:videoId>ddddddddddd</yt:videoId></entry></feed>`;
		expect(parseYouTubeNotification(fake)).toEqual([]);
	});

	test('a document that is not an Atom feed is refused', () => {
		expect(() => parseYouTubeNotification('<rss><channel/></rss>')).toThrow(XmlError);
	});
});

describe('hostile XML is refused without expanding anything', () => {
	const lol = `<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">]>
<feed xmlns="http://www.w3.org/2005/Atom"><title>&lol2;</title></feed>`;
	const cases: Array<[string, string, XmlError['reason']]> = [
		['billion laughs', lol, 'doctype'],
		['external entity (XXE)', '<?xml version="1.0"?><!DOCTYPE f [<!ENTITY x SYSTEM "file:///etc/passwd">]><feed>&x;</feed>', 'doctype'],
		['lower-case doctype', '<!doctype feed><feed/>', 'doctype'],
		['parameter entity without doctype keyword case', '<feed><!ENTITY x "y"></feed>', 'doctype'],
		['undefined entity', '<feed xmlns="http://www.w3.org/2005/Atom"><title>&lol;</title></feed>', 'entity'],
		['bare ampersand', '<feed>a & b</feed>', 'malformed'],
		['unclosed element', '<feed><entry></feed>', 'malformed'],
		['not closed at the end', '<feed><entry>', 'malformed'],
		['two roots', '<feed/><feed/>', 'malformed'],
		['text outside the root', 'hello<feed/>', 'malformed'],
		['empty', '', 'malformed'],
		['undeclared prefix', '<yt:feed/>', 'malformed'],
		['duplicate attribute', '<feed a="1" a="2"/>', 'malformed'],
		['illegal character reference', '<feed>&#0;</feed>', 'malformed'],
		['deep nesting', `${'<a>'.repeat(5000)}${'</a>'.repeat(5000)}`, 'limit'],
		['too many elements', `<feed>${'<e/>'.repeat(20_000)}</feed>`, 'limit'],
		['unterminated comment', '<feed><!-- x </feed>', 'malformed'],
		['unterminated CDATA', '<feed><![CDATA[ x </feed>', 'malformed'],
	];
	test.each(cases)('%s', (_name, xml, reason) => {
		let caught: unknown;
		try {
			parseXml(xml);
		} catch (e) {
			caught = e;
		}
		expect(caught).toBeInstanceOf(XmlError);
		expect((caught as XmlError).reason).toBe(reason);
	});

	test('a large flat but legal document is read in linear time', () => {
		const xml = `<feed xmlns="http://www.w3.org/2005/Atom">${'<entry><title>t &amp; t</title></entry>'.repeat(3000)}</feed>`;
		const t0 = Date.now();
		const root = parseXml(xml);
		expect(root.children).toHaveLength(3000);
		expect(Date.now() - t0).toBeLessThan(2000);
	});
});
