// Namespace scoping of the Atom reader (per-prefix binding stacks): a redeclared prefix applies to
// the declaring element and its descendants only, also when that element is self-closing; siblings
// and the parent see the outer binding again; an undeclared prefix after its scope ends is refused.
import { parseXml, XmlError } from '../../../nodes/shared/webhook/xml';
import { namespaceFloodAtom } from '../../sandbox/hub';

describe('parseXml namespaces', () => {
	test('redeclared prefixes and default namespaces are scoped to the declaring element', () => {
		const root = parseXml('<r xmlns="urn:d" xmlns:p="urn:1"><p:a xmlns:p="urn:2"><p:in/></p:a><p:b xmlns:p="urn:3"/><p:c/><x xmlns=""><y/></x><z/></r>');
		const [a, b, c, x, z] = root.children;
		expect([root.ns, a.ns, a.children[0].ns, b.ns, c.ns, x.ns, x.children[0].ns, z.ns]).toEqual(['urn:d', 'urn:2', 'urn:2', 'urn:3', 'urn:1', '', '', 'urn:d']);
	});

	test('a prefix declared on a closed element is out of scope afterwards', () => {
		expect(() => parseXml('<r><a xmlns:q="urn:q"/><q:b/></r>')).toThrow(XmlError);
		expect(() => parseXml('<r><a xmlns:q="urn:q"><q:in/></a><q:b/></r>')).toThrow(/Undeclared namespace prefix "q"/);
	});

	test('the namespace flood used by the benchmark parses, with the chain resolved and every leaf in the Atom default namespace', () => {
		const xml = namespaceFloodAtom(256 * 1024);
		expect(Buffer.byteLength(xml)).toBeLessThanOrEqual(256 * 1024);
		const root = parseXml(xml);
		let el = root.children[0];
		let depth = 0;
		while (el.children.length === 1 && el.local === 'e') {
			expect(el.ns).toBe('u');
			el = el.children[0];
			depth++;
		}
		expect(depth).toBeGreaterThan(50);
		expect(el.children.length).toBeGreaterThan(5000);
		expect(el.children.every((leaf) => leaf.ns === 'http://www.w3.org/2005/Atom')).toBe(true);
	});
});
