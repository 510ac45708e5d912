// A minimal, hostile-input-safe XML reader for the Atom documents YouTube's hub delivers.
// No DTDs: a DOCTYPE or ENTITY declaration is refused outright, so nothing is ever expanded
// (no billion laughs, no external entities). Only the five predefined entities and numeric
// character references are decoded; any other `&name;` is an error. Namespaces are resolved
// from xmlns declarations. Limits on depth, element count and attribute count bound the work.
// Pure: no n8n imports (unit-tested against fast-xml-parser).

export class XmlError extends Error {
	constructor(
		readonly reason: 'doctype' | 'malformed' | 'entity' | 'limit',
		message: string,
	) {
		super(message);
	}
}

export interface XmlElement {
	/** The qualified name as written, e.g. `yt:videoId`. */
	name: string;
	/** Local part of the name (`videoId`). */
	local: string;
	/** Namespace URI the prefix (or default namespace) resolves to, '' for none. */
	ns: string;
	attrs: Record<string, string>;
	children: XmlElement[];
	/** The element's own text (text and CDATA directly inside it, concatenated). */
	text: string;
}

export interface XmlLimits {
	maxDepth?: number;
	maxElements?: number;
	maxAttributes?: number;
}

const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const NAME = /^[A-Za-z_][\w.-]*(:[A-Za-z_][\w.-]*)?$/;
// Sticky (matched at lastIndex): no substring is cut per tag or attribute.
const TAG_NAME = /[^\s/>]{1,256}/y;
const ATTRIBUTE = /([^\s=/>]+)\s*=\s*("([^"<]{0,65536})"|'([^'<]{0,65536})')/y;
const isSpace = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
const XML_NS = 'http://www.w3.org/XML/1998/namespace';

function decodeEntities(text: string): string {
	if (!text.includes('&')) return text;
	return text.replace(/&([^;&\s<]{0,32});|&/g, (match, name: string | undefined) => {
		if (name === undefined) throw new XmlError('malformed', 'A bare "&" in text (must be written &amp;)');
		if (name in PREDEFINED) return PREDEFINED[name];
		let code: number | undefined;
		if (/^#x[0-9a-fA-F]{1,6}$/.test(name)) code = parseInt(name.slice(2), 16);
		else if (/^#[0-9]{1,7}$/.test(name)) code = parseInt(name.slice(1), 10);
		if (code === undefined) throw new XmlError('entity', `Undefined entity "&${name};" (entities are not expanded)`);
		const allowed = code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff);
		if (!allowed) throw new XmlError('malformed', `Character reference ${match} is not a legal XML character`);
		return String.fromCodePoint(code);
	});
}

/** Parses a whole document and returns its root element. Throws XmlError. */
export function parseXml(input: string, limits: XmlLimits = {}): XmlElement {
	const maxDepth = limits.maxDepth ?? 64;
	const maxElements = limits.maxElements ?? 10_000;
	const maxAttributes = limits.maxAttributes ?? 64;
	if (typeof input !== 'string') throw new XmlError('malformed', 'The body is not text');
	const xml = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
	if (/<!DOCTYPE/i.test(xml) || /<!ENTITY/i.test(xml)) throw new XmlError('doctype', 'DOCTYPE and ENTITY declarations are refused');

	// Namespace scope: one stack of URIs per prefix ('' = default namespace), pushed by the element that
	// declares it and popped when that element closes. Lookup and declaration cost O(1) each, however
	// many prefixes are in scope (copying the scope per element made a namespace flood quadratic).
	type Frame = { el: XmlElement; declared: string[] };
	const stack: Frame[] = [];
	const bindings = new Map<string, string[]>();
	const bind = (prefix: string, uri: string) => {
		const list = bindings.get(prefix);
		if (list) list.push(uri);
		else bindings.set(prefix, [uri]);
	};
	const unbind = (declared: string[]) => {
		for (const prefix of declared) bindings.get(prefix)!.pop();
	};
	const lookup = (prefix: string): string | undefined => {
		const list = bindings.get(prefix);
		return list && list.length ? list[list.length - 1] : undefined;
	};
	let root: XmlElement | undefined;
	let count = 0;
	let i = 0;
	const n = xml.length;

	const resolve = (qname: string, isAttr: boolean): { ns: string; local: string } => {
		const colon = qname.indexOf(':');
		if (colon < 0) return { ns: isAttr ? '' : (lookup('') ?? ''), local: qname };
		const prefix = qname.slice(0, colon);
		const local = qname.slice(colon + 1);
		if (prefix === 'xml') return { ns: XML_NS, local };
		if (prefix === 'xmlns') return { ns: 'http://www.w3.org/2000/xmlns/', local };
		const ns = lookup(prefix);
		if (ns === undefined) throw new XmlError('malformed', `Undeclared namespace prefix "${prefix}"`);
		return { ns, local };
	};

	const appendText = (text: string) => {
		if (text.length === 0) return;
		const top = stack[stack.length - 1];
		if (!top) {
			if (text.trim() !== '') throw new XmlError('malformed', 'Text outside the root element');
			return;
		}
		top.el.text += text;
	};

	while (i < n) {
		const lt = xml.indexOf('<', i);
		if (lt < 0) {
			appendText(decodeEntities(xml.slice(i)));
			i = n;
			break;
		}
		if (lt > i) appendText(decodeEntities(xml.slice(i, lt)));
		if (xml.startsWith('<!--', lt)) {
			const end = xml.indexOf('-->', lt + 4);
			if (end < 0) throw new XmlError('malformed', 'Unterminated comment');
			i = end + 3;
			continue;
		}
		if (xml.startsWith('<![CDATA[', lt)) {
			const end = xml.indexOf(']]>', lt + 9);
			if (end < 0) throw new XmlError('malformed', 'Unterminated CDATA section');
			if (!stack.length) throw new XmlError('malformed', 'CDATA outside the root element');
			appendText(xml.slice(lt + 9, end));
			i = end + 3;
			continue;
		}
		if (xml.startsWith('<?', lt)) {
			const end = xml.indexOf('?>', lt + 2);
			if (end < 0) throw new XmlError('malformed', 'Unterminated processing instruction');
			i = end + 2;
			continue;
		}
		if (xml.startsWith('<!', lt)) throw new XmlError('doctype', 'Markup declarations are refused');
		if (xml.startsWith('</', lt)) {
			const end = xml.indexOf('>', lt + 2);
			if (end < 0) throw new XmlError('malformed', 'Unterminated end tag');
			const name = xml.slice(lt + 2, end).trim();
			const top = stack.pop();
			if (!top || top.el.name !== name) throw new XmlError('malformed', `End tag </${name}> does not match the open element`);
			unbind(top.declared);
			i = end + 1;
			continue;
		}
		// Start tag: name, attributes, optional "/".
		let j = lt + 1;
		TAG_NAME.lastIndex = j;
		const nameMatch = TAG_NAME.exec(xml);
		if (!nameMatch || !NAME.test(nameMatch[0])) throw new XmlError('malformed', 'Invalid element name');
		const name = nameMatch[0];
		j += name.length;
		const rawAttrs: Array<[string, string]> = [];
		let selfClosing = false;
		for (;;) {
			while (j < n && isSpace(xml.charCodeAt(j))) j++;
			if (j >= n) throw new XmlError('malformed', `Unterminated start tag <${name}>`);
			if (xml[j] === '>') {
				j++;
				break;
			}
			if (xml[j] === '/' && xml[j + 1] === '>') {
				selfClosing = true;
				j += 2;
				break;
			}
			ATTRIBUTE.lastIndex = j;
			const attrMatch = ATTRIBUTE.exec(xml);
			if (!attrMatch || !NAME.test(attrMatch[1])) throw new XmlError('malformed', `Invalid attribute in <${name}>`);
			if (rawAttrs.some(([k]) => k === attrMatch[1])) throw new XmlError('malformed', `Duplicate attribute "${attrMatch[1]}"`);
			rawAttrs.push([attrMatch[1], decodeEntities(attrMatch[3] ?? attrMatch[4] ?? '')]);
			if (rawAttrs.length > maxAttributes) throw new XmlError('limit', 'Too many attributes');
			j += attrMatch[0].length;
		}
		if (++count > maxElements) throw new XmlError('limit', 'Too many elements');
		if (stack.length >= maxDepth) throw new XmlError('limit', 'Elements nested too deeply');
		if (root && stack.length === 0) throw new XmlError('malformed', 'More than one root element');
		const declared: string[] = [];
		for (const [k, v] of rawAttrs) {
			if (k === 'xmlns' || k.startsWith('xmlns:')) {
				const prefix = k === 'xmlns' ? '' : k.slice(6);
				bind(prefix, v);
				declared.push(prefix);
			}
		}
		const { ns, local } = resolve(name, false);
		const attrs: Record<string, string> = {};
		for (const [k, v] of rawAttrs) attrs[k] = v;
		const el: XmlElement = { name, local, ns, attrs, children: [], text: '' };
		if (stack.length) stack[stack.length - 1].el.children.push(el);
		else root = el;
		if (selfClosing) unbind(declared);
		else stack.push({ el, declared });
		i = j;
	}
	if (stack.length) throw new XmlError('malformed', `Element <${stack[stack.length - 1].el.name}> is not closed`);
	if (!root) throw new XmlError('malformed', 'No root element');
	return root;
}

/** First child with this namespace and local name. */
export function child(el: XmlElement | undefined, ns: string, local: string): XmlElement | undefined {
	return el?.children.find((c) => c.ns === ns && c.local === local);
}

export function childrenOf(el: XmlElement | undefined, ns: string, local: string): XmlElement[] {
	return el ? el.children.filter((c) => c.ns === ns && c.local === local) : [];
}
