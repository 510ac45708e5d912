// RFC 2045 / 2047 / 2231 encodings for headers and bodies: encoded-words (both ways), folding,
// quoted-printable, base64 lines, parameters; and the header-injection check. Pure: no n8n imports.
// Lines end in CRLF; header lines are folded to 78 characters where possible.

export const CRLF = '\r\n';
const MAX_LINE = 78;

export type MimeErrorCode = 'headerInjection' | 'invalidAddress' | 'noRecipient' | 'invalidHeader' | 'tooLarge' | 'invalidAttachment';

/** A message that cannot be built; `field` names the input at fault. */
export class MimeError extends Error {
	constructor(
		readonly code: MimeErrorCode,
		readonly field: string,
		message: string,
	) {
		super(message);
		this.name = 'MimeError';
	}
}

/** What is wrong with a header value, said without echoing it: a NUL byte, or a CR/LF (header injection). */
export function headerValueProblem(value: string): string | undefined {
	if (value.includes('\0')) return 'contains a NUL byte (\\0), which mail headers cannot carry; remove it';
	if (/[\r\n]/.test(value)) return 'contains a line break (CR or LF), which could inject mail headers; remove it';
	return undefined;
}

/** Refuses CR, LF and NUL in a header value: they would let input add headers (header injection). */
export function assertHeaderSafe(field: string, value: string): void {
	const problem = headerValueProblem(value);
	if (problem) throw new MimeError('headerInjection', field, `The ${field} ${problem}`);
}

export function isAscii(value: string): boolean {
	return /^[\x20-\x7e\t]*$/.test(value);
}

/** Splits text into chunks of at most `maxBytes` UTF-8 bytes, never inside a character. */
function utf8Chunks(text: string, maxBytes: number): string[] {
	const out: string[] = [];
	let current = '';
	let size = 0;
	for (const ch of text) {
		const n = Buffer.byteLength(ch, 'utf8');
		if (size + n > maxBytes && current) {
			out.push(current);
			current = '';
			size = 0;
		}
		current += ch;
		size += n;
	}
	if (current) out.push(current);
	return out;
}

/** `=?UTF-8?B?…?=` words of at most 75 characters each (RFC 2047 §2). */
export function encodedWords(text: string): string[] {
	// 12 characters of "=?UTF-8?B?" + "?="; 39 bytes → 52 base64 characters → 64 in all, so a word
	// fits on a line after a header name ("Subject: ", "Reply-To: ") within 78 characters.
	return utf8Chunks(text, 39).map((chunk) => `=?UTF-8?B?${Buffer.from(chunk, 'utf8').toString('base64')}?=`);
}

/** Joins tokens with single spaces, breaking lines (CRLF + space) so no line passes 78 characters where avoidable. */
export function foldTokens(prefixLength: number, tokens: string[], separator = ' '): string {
	let out = '';
	let lineLength = prefixLength;
	tokens.forEach((token, i) => {
		const sep = i === 0 ? '' : separator;
		if (i > 0 && token.length > 0 && lineLength + sep.length + token.length > MAX_LINE) {
			out += sep.trimEnd() + CRLF + ' ' + token;
			lineLength = 1 + token.length;
		} else {
			out += sep + token;
			lineLength += sep.length + token.length;
		}
	});
	return out;
}

/** An unstructured header value (Subject, custom headers): folded ASCII, or encoded-words when needed. */
export function unstructured(name: string, value: string): string {
	const prefix = name.length + 2;
	const needsEncoding = !isAscii(value) || /=\?/.test(value) || value.split(/\s+/).some((w) => w.length > 998 - prefix - 2);
	if (needsEncoding) return foldTokens(prefix, encodedWords(value));
	// Fold at whitespace; the whitespace is kept (RFC 5322 §2.2.3: unfolding only removes CRLF).
	const words = value.split(' ');
	return foldTokens(prefix, words);
}

const ENCODED_WORD = /=\?([^?\s]+)\?([BbQq])\?([^?\s]*)\?=/g;

function encodedWordBytes(encoding: string, text: string): Buffer {
	if (encoding.toUpperCase() === 'B') return Buffer.from(text, 'base64');
	// Q: "_" is a space, =XX a byte, anything else itself (RFC 2047 §4.2).
	return Buffer.from(text.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (_m: string, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1');
}

/** Windows-1252 0x80-0x9F (the rest is Latin-1). Node before 23 decodes this label as Latin-1, so it is mapped here. */
const CP1252_HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008DŽ\u008F\u0090‘’“”•–—˜™š›œ\u009DžŸ';

function decoderFor(charset: string) {
	try {
		return new TextDecoder(charset);
	} catch {
		return undefined;
	}
}

/** Text in a charset by its MIME name (WHATWG labels: ISO-8859-1 and US-ASCII read as Windows-1252); undefined when unknown. */
function decodeCharset(charset: string, bytes: Buffer): string | undefined {
	const decoder = decoderFor(charset);
	if (!decoder) return undefined;
	if (decoder.encoding !== 'windows-1252') return decoder.decode(bytes);
	let out = '';
	for (const b of bytes) out += b >= 0x80 && b <= 0x9f ? CP1252_HIGH[b - 0x80] : String.fromCharCode(b);
	return out;
}

/**
 * Decodes RFC 2047 encoded-words (B and Q, any charset TextDecoder knows) in a header value. White
 * space between two encoded-words is dropped (§6.2: folding produces it), and the bytes of adjacent
 * words in one charset are decoded together, so a character split across two words survives. A word
 * in an unknown charset stays as it is.
 */
export function decodeEncodedWords(value: string): string {
	let out = '';
	let last = 0;
	let run: { charset: string; bytes: Buffer[]; text: string } | undefined;
	const flush = () => {
		if (run) out += decodeCharset(run.charset, Buffer.concat(run.bytes)) ?? run.text;
		run = undefined;
	};
	for (const m of value.matchAll(ENCODED_WORD)) {
		const between = value.slice(last, m.index);
		if (!(run && /^\s*$/.test(between))) {
			flush();
			out += between;
		}
		const charset = m[1].split('*')[0].toLowerCase();
		if (run && run.charset !== charset) flush();
		run ??= { charset, bytes: [], text: '' };
		run.bytes.push(encodedWordBytes(m[2], m[3]));
		run.text += m[0];
		last = (m.index ?? 0) + m[0].length;
	}
	flush();
	return out + value.slice(last);
}

/** Quoted-printable (RFC 2045 §6.7) of UTF-8 text, CRLF line breaks, lines of at most 76 characters. */
export function quotedPrintable(text: string): string {
	const lines = text.replace(/\r\n|\r|\n/g, '\n').split('\n');
	return lines
		.map((line) => {
			const bytes = Buffer.from(line, 'utf8');
			const tokens: string[] = [];
			bytes.forEach((b, i) => {
				const last = i === bytes.length - 1;
				const literal = (b >= 33 && b <= 126 && b !== 61) || ((b === 32 || b === 9) && !last);
				tokens.push(literal ? String.fromCharCode(b) : `=${b.toString(16).toUpperCase().padStart(2, '0')}`);
			});
			// A leading "." is encoded so no transport mistakes the line for SMTP's end of data.
			if (tokens[0] === '.') tokens[0] = '=2E';
			let out = '';
			let length = 0;
			for (const t of tokens) {
				if (length + t.length > 75) {
					out += '=' + CRLF;
					length = 0;
				}
				out += t;
				length += t.length;
			}
			return out;
		})
		.join(CRLF);
}

export function base64Lines(data: Buffer): string {
	const b64 = data.toString('base64');
	const lines: string[] = [];
	for (let i = 0; i < b64.length; i += 76) lines.push(b64.slice(i, i + 76));
	return lines.join(CRLF);
}



function rfc2231Encode(value: string): string {
	return Array.from(Buffer.from(value, 'utf8'))
		.map((b) => {
			const c = String.fromCharCode(b);
			return /[A-Za-z0-9!#$&+\-.^_`|~]/.test(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
		})
		.join('');
}

/** `name="value"` or, for non-ASCII or long values, RFC 2231 `name*0*=UTF-8''…` continuations. */
export function parameter(name: string, value: string): string[] {
	if (isAscii(value) && value.length <= 60 && !/["\\]/.test(value)) return [`${name}="${value}"`];
	if (isAscii(value) && value.length <= 60) return [`${name}="${value.replace(/(["\\])/g, '\\$1')}"`];
	const encoded = rfc2231Encode(value);
	if (encoded.length <= 60) return [`${name}*=UTF-8''${encoded}`];
	const pieces: string[] = [];
	let rest = encoded;
	while (rest.length) {
		// " filename*0*=UTF-8''" takes up to 20 characters of the 78
		let cut = Math.min(pieces.length === 0 ? 52 : 58, rest.length);
		// never split a %XX escape
		const pct = rest.lastIndexOf('%', cut - 1);
		if (pct > cut - 3 && pct >= 0 && cut < rest.length) cut = pct;
		pieces.push(rest.slice(0, cut));
		rest = rest.slice(cut);
	}
	return pieces.map((p, i) => `${name}*${i}*=${i === 0 ? "UTF-8''" : ''}${p}`);
}

export function headerWithParams(name: string, value: string, params: string[]): string {
	let out = `${name}: ${value}`;
	for (const p of params) out += `;${CRLF} ${p}`;
	return out;
}
