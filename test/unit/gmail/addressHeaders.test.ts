// The one address parser against mailparser, on From / To / Cc written the way Outlook, Apple Mail,
// Thunderbird and Gmail write them: folded lines, quoted display names with commas, encoded words in
// UTF-8, ISO-8859-1 and Windows-1252 (Q and B), groups. The activity's from / to / cc must say the same.
import { simpleParser, type AddressObject, type EmailAddress } from 'mailparser';
import { toActivity } from '../../../nodes/shared/gmail/activity';
import { decodeEncodedWords, parseAddressList } from '../../../nodes/shared/gmail/mime';

type Headers = Partial<Record<'From' | 'To' | 'Cc' | 'Reply-To', string>>;

/** Header values as the client wrote them (CRLF + space or tab where it folded the line). */
const CLIENTS: Array<[string, Headers]> = [
	[
		'Outlook: ISO-8859-1 Q words, a quoted name with a comma, Windows-1252 (en dash), tab folding',
		{
			From: '=?iso-8859-1?Q?Jos=E9_Garc=EDa?= <jose.garcia@contoso.com>',
			To: '"Smith, John" <john.smith@contoso.com>,\r\n\t=?Windows-1252?Q?M=FCller=2C_J=FCrgen_=96_Vertrieb?= <j.mueller@contoso.de>',
			Cc: '=?utf-8?B?w4lsb2RpZSBCw6lyYW5nZXI=?= <elodie@contoso.fr>, =?Windows-1252?Q?=93Team=94_Caf=E9?= <cafe@contoso.com>',
		},
	],
	[
		'Apple Mail: a long name folded into two UTF-8 Q words (split inside a word and before a space)',
		{
			From: '=?utf-8?Q?Directrice_G?=\r\n =?utf-8?Q?=C3=A9n=C3=A9rale?= <direction@exemple.fr>',
			To: '=?utf-8?Q?Directrice_G=C3=A9n=C3=A9rale_de_la_Soci=C3=A9t=C3=A9?=\r\n =?utf-8?Q?_Europ=C3=A9enne?= <dg@exemple.fr>, Bob Martin <bob@icloud.com>',
			Cc: '=?utf-8?Q?Ren=C3=A9e_Dupont?= <renee@me.com>',
		},
	],
	[
		'Thunderbird: lower-case Q hex, B words in UTF-8, a group, an empty group',
		{
			From: '=?UTF-8?Q?Ren=c3=a9e_Dupont?= <renee@example.org>',
			To: '=?UTF-8?B?0JzQsNGA0LjRjyDQmNCy0LDQvdC+0LLQsA==?= <maria@example.ru>,\r\n Sales Team: anna@example.org, "O\'Brien, Pat" <pat@example.org>;',
			Cc: 'undisclosed-recipients:;',
		},
	],
	[
		'Gmail: a long name in two folded UTF-8 B words, quoted names, a name with a comment-like part in quotes',
		{
			From: '=?UTF-8?B?RGlyZWN0cmljZSBHw6luw6lyYWxlIGRlIGxhIA==?=\r\n =?UTF-8?B?U29jacOpdMOpIEV1cm9ww6llbm5l?= <dg@gmail.com>',
			'Reply-To': '"Jane Doe" <jane.doe@gmail.com>',
			To: '=?UTF-8?B?Sm9zw6kgR2FyY8OtYQ==?= <jose@gmail.com>, bob@example.com',
			Cc: '"Doe, Jane (Sales)" <jane@example.com>, =?UTF-8?B?5bGx55Sw5aSq6YOO?= <taro@example.jp>',
		},
	],
	[
		'a bulk mailer: one UTF-8 character split across two B words, ISO-8859-1 B word',
		{
			// "José" with the two bytes of "é" in different words (RFC 2047 forbids it; readers cope).
			From: '=?UTF-8?B?Sm9zww==?= =?UTF-8?B?qQ==?= <jose@mailer.example>',
			To: '=?ISO-8859-1?B?Sm9z6SBHYXJj7WE=?= <jose.garcia@mailer.example>',
		},
	],
];

function rawOf(headers: Headers): string {
	const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}`);
	return [...lines, 'Subject: test', 'Message-ID: <t@example.test>', '', 'body', ''].join('\r\n');
}

/** mailparser's addresses with groups flattened, as {name, email}. */
function flatten(field: AddressObject | AddressObject[] | undefined): Array<{ name: string; email: string }> {
	const list = field === undefined ? [] : Array.isArray(field) ? field : [field];
	const out: Array<{ name: string; email: string }> = [];
	const walk = (a: EmailAddress) => {
		if (a.group) a.group.forEach(walk);
		else if (a.address) out.push({ name: a.name, email: a.address });
	};
	for (const f of list) f.value.forEach(walk);
	return out;
}

describe.each(CLIENTS)('%s', (_client, headers) => {
	test('parseAddressList agrees with mailparser on From, To and Cc', async () => {
		const parsed = await simpleParser(rawOf(headers));
		const theirs = { from: flatten(parsed.from), to: flatten(parsed.to), cc: flatten(parsed.cc) };
		const ours = { from: parseAddressList(headers.From), to: parseAddressList(headers.To), cc: parseAddressList(headers.Cc) };
		expect(ours).toEqual(theirs);
		if (headers['Reply-To']) expect(parseAddressList(headers['Reply-To'])).toEqual(flatten(parsed.replyTo));
	});

	test('the activity names the same people (emails lower-cased)', async () => {
		const parsed = await simpleParser(rawOf(headers));
		const lower = (list: Array<{ name: string; email: string }>) => list.map((a) => ({ name: a.name, email: a.email.toLowerCase() }));
		const activity = toActivity(
			{
				id: 'm1',
				threadId: 'm1',
				labelIds: ['INBOX'],
				internalDate: '1764000000000',
				payload: { headers: Object.entries(headers).map(([name, value]) => ({ name, value })) },
			},
			{ account: 'rep@acme-crm.test' },
		);
		expect({ from: activity?.from, to: activity?.to, cc: activity?.cc }).toEqual({
			from: lower(flatten(parsed.from))[0] ?? { name: '', email: '' },
			to: lower(flatten(parsed.to)),
			cc: lower(flatten(parsed.cc)),
		});
	});
});

describe('RFC 2047 encoded words', () => {
	test.each([
		// [header text, decoded]
		['=?utf-8?Q?Directrice_G?= =?utf-8?Q?=C3=A9n=C3=A9rale?=', 'Directrice Générale'],
		['=?utf-8?Q?a?=\r\n\t =?utf-8?Q?b?=', 'ab'],
		['=?iso-8859-1?Q?Jos=E9?=', 'José'],
		['=?windows-1252?Q?=80_=93quoted=94_=96?=', '€ “quoted” –'],
		['=?iso-8859-15?Q?=A4uro?=', '€uro'],
		['=?UTF-8*en?Q?Hello?=', 'Hello'],
		['=?utf-8?Q?Jos=C3=A9?= Garcia', 'José Garcia'],
		['Prefix =?utf-8?Q?Jos=C3=A9?=', 'Prefix José'],
		['=?utf-8?Q?a?= =?iso-8859-1?Q?=E9?=', 'aé'],
		['=?x-unknown-charset?Q?abc?=', '=?x-unknown-charset?Q?abc?='],
	])('%j → %j', (text, decoded) => {
		expect(decodeEncodedWords(text.replace(/\r\n[ \t]/g, ' '))).toBe(decoded);
	});
});
