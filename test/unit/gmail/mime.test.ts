// The hand-written MIME composer, checked against a real parser (mailparser): what it parses out of
// the built message must equal what went in.
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import {
	GMAIL_MAX_RAW_BYTES,
	MimeError,
	buildMimeMessage,
	buildReplyHeaders,
	quotedPrintable,
	replyRecipients,
	replySubject,
	type MimeInput,
	decodeEncodedWords,
	parseAddressList,
} from '../../../nodes/shared/gmail/mime';

const parse = async (input: MimeInput) => {
	const built = buildMimeMessage(input);
	return { built, parsed: await simpleParser(built.raw), raw: built.raw.toString('utf8') };
};

type Entry = AddressObject['value'][number];
const flat = (entries: Entry[]): Entry[] => entries.flatMap((e) => (e.group ? flat(e.group) : [e]));
const addresses = (a: AddressObject | AddressObject[] | undefined) =>
	flat((Array.isArray(a) ? a : a ? [a] : []).flatMap((o) => o.value)).map((v) => ({ name: v.name, email: v.address }));

function headerLines(raw: string): string[] {
	return raw.split('\r\n\r\n')[0].split('\r\n');
}

function everyLine(raw: string): string[] {
	return raw.split('\r\n');
}

describe('buildMimeMessage', () => {
	it('encodes non-ASCII subjects and display names so a parser reads them back exactly', async () => {
		const subject = 'Angebot für Café Müller — 見積もり 🚀 and a long tail that certainly needs folding across lines';
		const { parsed, raw } = await parse({
			from: { name: 'Renée Øster', email: 'rep@acme-crm.test' },
			to: [{ name: 'Jürgen "Jo" Groß', email: 'juergen@kunde.example' }, 'Plain Person <plain@example.com>', 'bare@example.org'],
			cc: [{ name: 'Zoë, the CFO', email: 'zoe@kunde.example' }],
			subject,
			text: 'Hallo Jürgen,\nanbei das Angebot.\n',
		});
		expect(parsed.subject).toBe(subject);
		expect(addresses(parsed.from)).toEqual([{ name: 'Renée Øster', email: 'rep@acme-crm.test' }]);
		expect(addresses(parsed.to)).toEqual([
			{ name: 'Jürgen "Jo" Groß', email: 'juergen@kunde.example' },
			{ name: 'Plain Person', email: 'plain@example.com' },
			{ name: '', email: 'bare@example.org' },
		]);
		expect(addresses(parsed.cc)).toEqual([{ name: 'Zoë, the CFO', email: 'zoe@kunde.example' }]);
		expect(parsed.text).toBe('Hallo Jürgen,\nanbei das Angebot.\n');
		// headers are 7-bit and folded: no header line over 78 characters, no raw non-ASCII
		for (const line of headerLines(raw)) {
			expect(line.length).toBeLessThanOrEqual(78);
			expect(line).toMatch(/^[\x20-\x7e\t]*$/);
		}
		expect(raw).toMatch(/^Subject: =\?UTF-8\?B\?/m);
	});

	it('sends html and text as multipart/alternative (text first), quoted-printable, with long lines folded', async () => {
		const longLine = 'This sentence is deliberately long so that the quoted-printable encoder must insert soft line breaks; '.repeat(5);
		const text = `Hi Sam,\n\n${longLine}\nPrice: 100 € = 117 $\nTrailing space here \n.leading dot\n`;
		const html = `<p>Hi <b>Sam</b>,</p><p>${longLine}</p><p>Price: 100&nbsp;€</p>`;
		const { parsed, raw } = await parse({ from: 'rep@acme-crm.test', to: 'sam@example.com', subject: 'Quote', text, html });
		expect(parsed.text).toBe(text);
		expect(parsed.html).toBe(html);
		const alt = /Content-Type: multipart\/alternative;\r\n boundary="([^"]+)"/.exec(raw);
		expect(alt).not.toBeNull();
		expect(raw.indexOf('text/plain')).toBeLessThan(raw.indexOf('text/html'));
		expect(raw).toContain('Content-Transfer-Encoding: quoted-printable');
		for (const line of everyLine(raw)) expect(line.length).toBeLessThanOrEqual(78);
		expect(parsed.headers.get('mime-version')).toBe('1.0');
	});

	it('uses base64 for mostly non-Latin bodies, and a parser still reads them', async () => {
		const text = 'Здравствуйте! Это коммерческое предложение. '.repeat(20) + '\n' + '您好，这是我们的报价。'.repeat(10);
		const { parsed, raw } = await parse({ from: 'rep@acme-crm.test', to: 'ivan@example.ru', subject: 'Предложение', text });
		expect(raw).toContain('Content-Transfer-Encoding: base64');
		expect(parsed.text).toBe(text);
		expect(parsed.subject).toBe('Предложение');
	});

	it('attaches files as multipart/mixed, base64, with ASCII, non-ASCII and long filenames kept exactly', async () => {
		const pdf = Buffer.from('%PDF-1.4\n' + 'x'.repeat(5000) + '\n%%EOF', 'latin1');
		const bin = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 37) % 256));
		const sheet = Buffer.from('PK\u0003\u0004 sheet');
		const longName = 'Quarterly report for the account with a very long name that needs RFC 2231 continuations 2026-Q4 final v3.xlsx';
		const { parsed, raw } = await parse({
			from: { name: 'Rep', email: 'rep@acme-crm.test' },
			to: 'client@example.com',
			subject: 'Files',
			text: 'See attached.',
			html: '<p>See attached.</p>',
			attachments: [
				{ filename: 'quote.pdf', contentType: 'application/pdf', content: pdf },
				{ filename: 'Übersicht – Prüfung 見積.bin', content: bin },
				{ filename: longName, contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', content: sheet },
			],
		});
		expect(raw).toMatch(/Content-Type: multipart\/mixed;/);
		expect(parsed.text).toBe('See attached.');
		expect(parsed.html).toBe('<p>See attached.</p>');
		expect(parsed.attachments.map((a) => [a.filename, a.contentType, a.content.length])).toEqual([
			['quote.pdf', 'application/pdf', pdf.length],
			['Übersicht – Prüfung 見積.bin', 'application/octet-stream', bin.length],
			[longName, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', sheet.length],
		]);
		expect(parsed.attachments[0].content.equals(pdf)).toBe(true);
		expect(parsed.attachments[1].content.equals(bin)).toBe(true);
		expect(raw).toMatch(/filename\*0\*=UTF-8''/);
		// every line fits in 78 characters, except the xlsx media type, a single 80-character token
		const long = everyLine(raw).filter((line) => line.length > 78);
		expect(long).toEqual(['Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet;']);
	});

	it('sets Date, MIME-Version and a Message-ID at the sender domain; Bcc and Reply-To kept', async () => {
		const date = new Date(Date.UTC(2026, 10, 26, 9, 5, 7));
		const { parsed, built } = await parse({
			from: 'Rep <rep@acme-crm.test>',
			to: 'a@example.com',
			bcc: 'hidden@example.com',
			replyTo: 'Sales Desk <sales@acme-crm.test>',
			subject: 'Hi',
			text: 'x',
			date,
		});
		expect(built.messageId).toMatch(/^<[0-9a-f]+\.[0-9a-z]+@acme-crm\.test>$/);
		expect(parsed.messageId).toBe(built.messageId);
		expect(parsed.date?.toISOString()).toBe(date.toISOString());
		expect(built.raw.toString()).toContain('Date: Thu, 26 Nov 2026 09:05:07 +0000');
		expect(addresses(parsed.bcc)).toEqual([{ name: '', email: 'hidden@example.com' }]);
		expect(addresses(parsed.replyTo)).toEqual([{ name: 'Sales Desk', email: 'sales@acme-crm.test' }]);
	});

	it('writes In-Reply-To and References that a parser reads back', async () => {
		const refs = Array.from({ length: 8 }, (_, i) => `<ref-${i}-${'z'.repeat(20)}@mail.example.com>`);
		const { parsed, raw } = await parse({
			from: 'rep@acme-crm.test',
			to: 'a@example.com',
			subject: 'Re: Hi',
			text: 'x',
			inReplyTo: refs[7],
			references: refs,
		});
		expect(parsed.inReplyTo).toBe(refs[7]);
		expect(parsed.references).toEqual(refs);
		for (const line of headerLines(raw)) expect(line.length).toBeLessThanOrEqual(78);
	});

	describe('refuses header injection (CR or LF in a header value) and names the field', () => {
		const base: MimeInput = { from: 'rep@acme-crm.test', to: 'a@example.com', subject: 'Hi', text: 'x' };
		const cases: Array<[string, Partial<MimeInput>, string]> = [
			['subject LF', { subject: 'Hello\nBcc: victim@example.com' }, 'subject'],
			['subject CR', { subject: 'Hello\rBcc: victim@example.com' }, 'subject'],
			['subject CRLF', { subject: 'Hello\r\nBcc: victim@example.com' }, 'subject'],
			['display name', { to: [{ name: 'Eve\r\nBcc: x@example.com', email: 'eve@example.com' }] }, 'To address name'],
			['address string', { cc: 'a@example.com\nBcc: x@example.com' }, 'Cc address'],
			['reply-to', { replyTo: 'r@example.com\r\nX-Evil: 1' }, 'Reply-To address'],
			['from name', { from: { name: 'Rep\nX: y', email: 'rep@acme-crm.test' } }, 'From address name'],
			['custom header', { headers: { 'X-Campaign': 'a\nBcc: x@example.com' } }, 'header "X-Campaign"'],
			['attachment filename', { attachments: [{ filename: 'a.txt\r\nContent-Type: text/html', content: Buffer.from('a') }] }, 'attachment 1 filename'],
			['in-reply-to', { inReplyTo: '<a@b>\r\nBcc: x@example.com' }, 'In-Reply-To'],
			['references', { references: ['<a@b>', '<c@d>\nBcc: x@example.com'] }, 'References'],
		];
		it.each(cases)('%s', (_label, patch, field) => {
			let error: unknown;
			try {
				buildMimeMessage({ ...base, ...patch });
			} catch (e) {
				error = e;
			}
			expect(error).toBeInstanceOf(MimeError);
			expect((error as MimeError).code).toBe('headerInjection');
			expect((error as MimeError).field).toBe(field);
			expect((error as MimeError).message).toContain(field);
		});
	});

	it('validates addresses and requires a recipient', () => {
		expect(() => buildMimeMessage({ from: 'rep@acme-crm.test', to: 'not an address', text: 'x' })).toThrow(/To address "not an address"/);
		expect(() => buildMimeMessage({ from: 'rep@acme-crm.test', to: 'a@b', text: 'x' })).toThrow(MimeError);
		expect(() => buildMimeMessage({ from: 'rep@acme-crm.test', to: 'a@example..com', text: 'x' })).toThrow(MimeError);
		expect(() => buildMimeMessage({ from: 'rep@acme-crm.test', text: 'x' })).toThrow(/no recipient/);
		expect(() => buildMimeMessage({ from: 'bad', to: 'a@example.com', text: 'x' })).toThrow(/From address/);
	});

	it("refuses a message over Gmail's size limit before sending", () => {
		expect(GMAIL_MAX_RAW_BYTES).toBe(36_700_160);
		const big = Buffer.alloc(27 * 1024 * 1024, 7); // 27 MB → ~36.5 MB + headers in base64 with line breaks
		let error: MimeError | undefined;
		try {
			buildMimeMessage({ from: 'rep@acme-crm.test', to: 'a@example.com', text: 'x', attachments: [{ filename: 'big.bin', content: big }] });
		} catch (e) {
			error = e as MimeError;
		}
		expect(error?.code).toBe('tooLarge');
		expect(error?.message).toMatch(/over Gmail's limit of 35 MB/);
		// a smaller limit is honoured too, and a message under it passes
		expect(() => buildMimeMessage({ from: 'rep@acme-crm.test', to: 'a@example.com', text: 'x'.repeat(2000), maxBytes: 1000 })).toThrow(/limit/);
		expect(buildMimeMessage({ from: 'rep@acme-crm.test', to: 'a@example.com', text: 'x', maxBytes: 2000 }).size).toBeLessThan(2000);
	});

	it('quoted-printable: soft breaks at 76, "=" and trailing whitespace encoded', () => {
		const qp = quotedPrintable('a=b \n' + 'y'.repeat(200));
		expect(qp.split('\r\n')[0]).toBe('a=3Db=20');
		for (const line of qp.split('\r\n')) expect(line.length).toBeLessThanOrEqual(76);
	});
});

describe('replies', () => {
	it('buildReplyHeaders: In-Reply-To = parent id, References = parent References + parent id, "Re: " once', () => {
		const r = buildReplyHeaders({ messageId: '<p3@x.com>', references: '<p1@x.com>\r\n <p2@x.com>', subject: 'Offer' });
		expect(r).toEqual({ inReplyTo: '<p3@x.com>', references: ['<p1@x.com>', '<p2@x.com>', '<p3@x.com>'], subject: 'Re: Offer' });
		expect(buildReplyHeaders({ messageId: '<a@x>', subject: 'RE: Offer' }).subject).toBe('RE: Offer');
		expect(buildReplyHeaders({ messageId: '<a@x>', subject: 're:Offer' }).subject).toBe('re:Offer');
		expect(buildReplyHeaders({ messageId: '<a@x>' }).references).toEqual(['<a@x>']);
		expect(replySubject('Fwd: Offer')).toBe('Re: Fwd: Offer');
		// very long chains keep the root and the latest ids
		const chain = Array.from({ length: 40 }, (_, i) => `<m${i}@x>`).join(' ');
		const long = buildReplyHeaders({ messageId: '<last@x>', references: chain });
		expect(long.references).toHaveLength(20);
		expect(long.references[0]).toBe('<m0@x>');
		expect(long.references[19]).toBe('<last@x>');
	});

	it('reply goes to Reply-To, else From; reply-all adds To and Cc without self and aliases', () => {
		const parent = {
			from: 'Client <client@example.com>',
			to: 'Rep <rep@acme-crm.test>, Boss <boss@example.com>',
			cc: 'sales@acme-crm.test, Other <other@example.com>, CLIENT@example.com',
		};
		const self = ['rep@acme-crm.test', 'sales@acme-crm.test'];
		expect(replyRecipients(parent, self, false)).toEqual({ to: [{ name: 'Client', email: 'client@example.com' }], cc: [] });
		expect(replyRecipients({ ...parent, replyTo: 'desk@example.com' }, self, false).to).toEqual([{ name: '', email: 'desk@example.com' }]);
		expect(replyRecipients(parent, self, true)).toEqual({
			to: [{ name: 'Client', email: 'client@example.com' }],
			cc: [
				{ name: 'Boss', email: 'boss@example.com' },
				{ name: 'Other', email: 'other@example.com' },
			],
		});
	});

	it('a follow-up on mail the rep sent goes to the original recipients', () => {
		const parent = { from: 'Rep <rep@acme-crm.test>', to: 'Client <client@example.com>', cc: 'cfo@example.com' };
		expect(replyRecipients(parent, ['rep@acme-crm.test'], false)).toEqual({ to: [{ name: 'Client', email: 'client@example.com' }], cc: [] });
		expect(replyRecipients(parent, ['rep@acme-crm.test'], true).cc).toEqual([{ name: '', email: 'cfo@example.com' }]);
	});
});

describe('address parsing', () => {
	it('parses display names, quoted strings, encoded-words and groups like mailparser does', async () => {
		const header = '"Doe, Jane" <jane@example.com>, =?UTF-8?B?SsO8cmdlbg==?= <j@example.de>, team: a@example.com, b@example.com;, c@example.com (Cee)';
		const mine = parseAddressList(header);
		const parsed: ParsedMail = await simpleParser(`To: ${header}\r\nSubject: x\r\n\r\nbody`);
		const theirs = addresses(parsed.to).filter((a) => a.email);
		expect(mine.map((a) => a.email)).toEqual(theirs.map((a) => a.email));
		expect(mine.slice(0, 2)).toEqual([
			{ name: 'Doe, Jane', email: 'jane@example.com' },
			{ name: 'Jürgen', email: 'j@example.de' },
		]);
		expect(decodeEncodedWords('=?iso-8859-1?Q?Caf=E9_au_lait?= =?UTF-8?B?IOKCrA==?=')).toBe('Café au lait €');
	});
});
