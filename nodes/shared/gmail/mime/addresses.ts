// RFC 5322 address lists, the one parser of the package: parsing header values (display names,
// quoted strings, comments, groups, RFC 2047 encoded-words), validating addresses given by a user, and
// formatting them for a header. Pure: no n8n imports.
import { MimeError, assertHeaderSafe, decodeEncodedWords, encodedWords, foldTokens, isAscii } from './encoding';

export interface MailAddress {
	name: string;
	email: string;
}

/** addr-spec check: a dot-atom or quoted local part, and a domain of dot-separated labels or a literal. */
const ATEXT = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]";
const LOCAL = `(?:${ATEXT}+(?:\\.${ATEXT}+)*|"(?:[^"\\\\\\r\\n]|\\\\.)*")`;
const DOMAIN = '(?:(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+|\\[[^\\]\\r\\n]+\\])';
const ADDR_SPEC = new RegExp(`^${LOCAL}@${DOMAIN}$`);

export function isValidEmail(email: string): boolean {
	return email.length <= 254 && ADDR_SPEC.test(email);
}

/** Splits at top-level commas (outside quotes, angle brackets and comments). */
function splitTopLevel(value: string, separators: string): string[] {
	const out: string[] = [];
	let current = '';
	let quoted = false;
	let angle = 0;
	let comment = 0;
	for (let i = 0; i < value.length; i++) {
		const c = value[i];
		if (quoted) {
			current += c;
			if (c === '\\' && i + 1 < value.length) current += value[++i];
			else if (c === '"') quoted = false;
			continue;
		}
		if (c === '"' && comment === 0) quoted = true;
		else if (c === '(') comment++;
		else if (c === ')' && comment > 0) comment--;
		else if (c === '<' && comment === 0) angle++;
		else if (c === '>' && comment === 0 && angle > 0) angle--;
		else if (separators.includes(c) && !angle && !comment) {
			out.push(current);
			current = '';
			continue;
		}
		current += c;
	}
	out.push(current);
	return out;
}

function stripComments(value: string): string {
	let out = '';
	let depth = 0;
	let quoted = false;
	for (let i = 0; i < value.length; i++) {
		const c = value[i];
		if (quoted) {
			out += c;
			if (c === '\\' && i + 1 < value.length) out += value[++i];
			else if (c === '"') quoted = false;
		} else if (c === '"' && depth === 0) {
			quoted = true;
			out += c;
		} else if (c === '(') depth++;
		else if (c === ')' && depth > 0) depth--;
		else if (depth === 0) out += c;
	}
	return out;
}

function unquote(name: string): string {
	const t = name.trim();
	if (t.startsWith('"') && t.endsWith('"') && t.length >= 2) return t.slice(1, -1).replace(/\\(.)/g, '$1');
	return t;
}

function parseMailbox(raw: string): MailAddress | undefined {
	const text = raw.trim();
	if (!text) return undefined;
	const angle = /^(.*)<([^<>]*)>\s*$/s.exec(text);
	if (angle) {
		const name = decodeEncodedWords(unquote(stripComments(angle[1]).trim()));
		return { name, email: angle[2].trim() };
	}
	const comment = /\(([^()]*)\)/.exec(text);
	const email = stripComments(text).trim();
	return { name: comment ? decodeEncodedWords(comment[1].trim()) : '', email };
}

/** Parses an address-list header value (To, Cc, From, Reply-To), groups flattened. */
export function parseAddressList(value: string | null | undefined): MailAddress[] {
	if (!value) return [];
	const out: MailAddress[] = [];
	for (const piece of splitTopLevel(value.replace(/\r?\n[ \t]/g, ' '), ',;')) {
		let item = piece;
		// "Group: a@b, c@d;" — drop the group name
		const group = /^\s*[^"<>@,]*:\s*(.*)$/s.exec(item);
		if (group && !item.includes('<') && group[1] !== undefined) item = group[1];
		else if (group && /^[^"<]*:/.test(item)) item = item.slice(item.indexOf(':') + 1);
		const mailbox = parseMailbox(item);
		if (mailbox && mailbox.email) out.push(mailbox);
	}
	return out;
}

/** Addresses a user typed: "a@b.com, Name <c@d.com>" or an array of such strings. */
export function addressesFromInput(value: unknown): MailAddress[] {
	if (value === undefined || value === null || value === '') return [];
	if (Array.isArray(value)) return value.flatMap(addressesFromInput);
	if (typeof value === 'object') {
		const v = value as { email?: unknown; address?: unknown; name?: unknown };
		const email = String(v.email ?? v.address ?? '').trim();
		return email ? [{ name: String(v.name ?? ''), email }] : [];
	}
	return parseAddressList(String(value));
}

export type AddressInput = string | MailAddress | Array<string | MailAddress>;

export function normalizeAddresses(field: string, input: AddressInput | undefined): MailAddress[] {
	if (input === undefined || input === null) return [];
	const list = Array.isArray(input) ? input : [input];
	const out: MailAddress[] = [];
	for (const item of list) {
		if (item === undefined || item === null || item === '') continue;
		if (typeof item === 'string') {
			assertHeaderSafe(field, item);
			const parsed = parseAddressList(item);
			if (parsed.length === 0 && item.trim()) throw new MimeError('invalidAddress', field, `The ${field} "${item}" is not an email address`);
			out.push(...parsed);
		} else {
			assertHeaderSafe(`${field} name`, item.name ?? '');
			assertHeaderSafe(field, item.email ?? '');
			out.push({ name: item.name ?? '', email: (item.email ?? '').trim() });
		}
	}
	for (const a of out) {
		if (!isValidEmail(a.email)) throw new MimeError('invalidAddress', field, `The ${field} "${a.email}" is not a valid email address`);
	}
	return out;
}

const ATOM_PHRASE = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~ ]+$/;

/** A display name as an RFC 5322 phrase: atoms, a quoted string, or encoded-words for non-ASCII. */
function phraseTokens(name: string): string[] {
	const trimmed = name.trim().replace(/\s+/g, ' ');
	if (!trimmed) return [];
	if (!isAscii(trimmed) || /=\?/.test(trimmed)) return encodedWords(trimmed);
	if (ATOM_PHRASE.test(trimmed)) return trimmed.split(' ');
	return [`"${trimmed.replace(/(["\\])/g, '\\$1')}"`];
}

export function formatAddressHeader(name: string, addresses: MailAddress[]): string {
	// Tokens: each address's phrase words then <email>; addresses separated by ",".
	const tokens: string[] = [];
	addresses.forEach((a, i) => {
		const phrase = phraseTokens(a.name);
		const parts = phrase.length ? [...phrase, `<${a.email}>`] : [a.email];
		if (i < addresses.length - 1) parts[parts.length - 1] += ',';
		tokens.push(...parts);
	});
	return foldTokens(name.length + 2, tokens);
}
