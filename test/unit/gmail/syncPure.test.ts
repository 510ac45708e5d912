// Ring 1: the pure pieces of Gmail sync (address lists, contact matching, activity mapping, cursor arithmetic).
import { contactMatches, parseContactList, toActivity } from '../../../nodes/shared/gmail/activity';
import { parseAddressList } from '../../../nodes/shared/gmail/mime';
import type { GmailMessage } from '../../../nodes/shared/gmail/types';
import {
	advanceHistoryId,
	candidatesFromHistory,
	inSyncLabels,
	isGmailSyncCursor,
	mergeListings,
	newCursor,
	relistQuery,
	remember,
} from '../../../nodes/shared/gmail/sync/cursor';


// eslint-disable-next-line @typescript-eslint/no-require-imports
const addressparser = require('nodemailer/lib/addressparser') as (s: string) => Array<{ name: string; address?: string; group?: unknown[] }>;

describe('parseAddressList', () => {
	const cases = [
		'"Doe, Jane" <Jane.Doe@Example.com>, bob@example.com',
		'Ann <ann@client.test>; "Quoted \\"Nick\\"" <nick@x.test>',
		'=?UTF-8?B?w4lsaWU=?= <elie@client.test>',
		'plain@example.com',
		'',
	];
	test.each(cases)('agrees with nodemailer addressparser: %s', (value) => {
		const ours = parseAddressList(value);
		const theirs = addressparser(value)
			.filter((a) => a.address)
			// The parser keeps the address as written; the activity lower-cases it (see toActivity below).
			.map((a) => ({ name: a.name, email: a.address! }));
		expect(ours.map((a) => a.email)).toEqual(theirs.map((a) => a.email));
		// nodemailer leaves encoded words as they are; ours decodes them.
		if (!value.includes('=?')) expect(ours.map((a) => a.name)).toEqual(theirs.map((a) => a.name));
		else expect(ours[0].name).toBe('Élie');
	});
});

describe('contact matching', () => {
	test('addresses exactly, domains with subdomains, case-insensitive', () => {
		const contacts = parseContactList('Ann@Client.test, @partner.test\nvip.test; ');
		expect(contacts).toEqual(['ann@client.test', 'partner.test', 'vip.test']);
		expect(contactMatches('ANN@client.test', contacts)).toBe(true);
		expect(contactMatches('bob@client.test', contacts)).toBe(false);
		expect(contactMatches('x@eu.partner.test', contacts)).toBe(true);
		expect(contactMatches('x@notpartner.test', contacts)).toBe(false);
		expect(parseContactList(['a@b.test', ' c.test '])).toEqual(['a@b.test', 'c.test']);
	});
});

describe('toActivity', () => {
	const message: GmailMessage = {
		id: 'm2',
		threadId: 'm1',
		labelIds: ['INBOX', 'Label_1'],
		snippet: 'hi',
		internalDate: '1764000000000',
		payload: {
			mimeType: 'multipart/alternative',
			headers: [
				{ name: 'From', value: 'Ann <ann@client.test>' },
				{ name: 'To', value: 'rep@acme.test' },
				{ name: 'Cc', value: 'Rep Alias <REP@acme.test>, zed@other.test' },
				{ name: 'Subject', value: 'Re: hello' },
				{ name: 'Message-ID', value: '<x@client.test>' },
			],
			parts: [
				{ mimeType: 'text/plain', body: { data: Buffer.from('plain ✓').toString('base64url') } },
				{ mimeType: 'text/html', body: { data: Buffer.from('<b>html</b>').toString('base64url') } },
			],
		},
	};
	test('maps every field of the contract', () => {
		const a = toActivity(message, { account: 'rep@acme.test', labelNames: { Label_1: 'Clients' }, includeBodies: true });
		expect(a).toEqual({
			type: 'email',
			direction: 'inbound',
			account: 'rep@acme.test',
			messageId: 'm2',
			threadId: 'm1',
			rfc822MessageId: '<x@client.test>',
			subject: 'Re: hello',
			snippet: 'hi',
			from: { name: 'Ann', email: 'ann@client.test' },
			to: [{ name: '', email: 'rep@acme.test' }],
			cc: [
				{ name: 'Rep Alias', email: 'rep@acme.test' },
				{ name: '', email: 'zed@other.test' },
			],
			participants: ['ann@client.test', 'rep@acme.test', 'zed@other.test'],
			matchedContacts: [],
			labels: ['INBOX', 'Clients'],
			occurredAt: new Date(1764000000000).toISOString(),
			isNewThread: false,
			text: 'plain ✓',
			html: '<b>html</b>',
		});
	});
	test('direction and contact filters; the account itself never counts as a contact', () => {
		expect(toActivity(message, { account: 'rep@acme.test', direction: 'outbound' })).toBeNull();
		const sent = { ...message, labelIds: ['SENT'] };
		expect(toActivity(sent, { account: 'rep@acme.test' })!.direction).toBe('outbound');
		expect(toActivity(message, { account: 'rep@acme.test', contacts: ['acme.test'] })).toBeNull();
		expect(toActivity(message, { account: 'rep@acme.test', contacts: ['other.test'] })!.matchedContacts).toEqual(['zed@other.test']);
		const fromSelf = { ...message, labelIds: ['INBOX'], payload: { headers: [{ name: 'From', value: 'rep@acme.test' }] } };
		expect(toActivity(fromSelf, { account: 'rep@acme.test' })!.direction).toBe('outbound');
	});
});

describe('history cursor', () => {
	test('candidates: added with a synced label, or a synced label added; never drafts/spam/trash; no repeats', () => {
		const records = [
			{ id: '11', messagesAdded: [{ message: { id: 'a', labelIds: ['INBOX', 'L1'] } }] },
			{ id: '12', messagesAdded: [{ message: { id: 'b', labelIds: ['INBOX'] } }] },
			{ id: '13', labelsAdded: [{ message: { id: 'b', labelIds: ['L1'] }, labelIds: ['L1'] }] },
			{ id: '14', messagesAdded: [{ message: { id: 'c', labelIds: ['L1', 'SPAM'] } }] },
			{ id: '15', labelsAdded: [{ message: { id: 'a', labelIds: ['INBOX', 'L1', 'L2'] }, labelIds: ['L2'] }] },
			{ id: '16', messagesAdded: [{ message: { id: 'd', labelIds: ['L2'] } }] },
		];
		expect(candidatesFromHistory(records, ['L1', 'L2'], new Set(['d']))).toEqual([
			{ messageId: 'a', recordId: '11' },
			{ messageId: 'b', recordId: '13' },
		]);
		expect(candidatesFromHistory(records, [], new Set()).map((c) => c.messageId)).toEqual(['a', 'b', 'd']);
		expect(inSyncLabels(['DRAFT'], [])).toBe(false);
	});
	test('the cursor advances only past finished records', () => {
		const candidates = [
			{ messageId: 'a', recordId: '11' },
			{ messageId: 'b', recordId: '13' },
			{ messageId: 'c', recordId: '15' },
		];
		const recordIds = ['11', '12', '13', '14', '15', '16'];
		expect(advanceHistoryId('10', candidates, 3, recordIds, '20')).toBe('20');
		expect(advanceHistoryId('10', candidates, 2, recordIds, '20')).toBe('14');
		expect(advanceHistoryId('10', candidates, 0, recordIds, '20')).toBe('10');
		expect(advanceHistoryId('10', candidates, 1, recordIds, '20')).toBe('12');
	});
	test('recent set is bounded, oldest dropped; re-list starts one second early; listings merge oldest first', () => {
		expect(remember(['a', 'b'], ['b', 'c', 'd'], 3)).toEqual(['b', 'c', 'd']);
		expect(relistQuery(10_500)).toBe('after:9');
		expect(mergeListings([['c', 'b', 'a'], ['d', 'b']], new Set(['a']))).toEqual(['b', 'c', 'd']);
		const c = newCursor('rep@acme.test', '100', 5, []);
		expect(isGmailSyncCursor(c)).toBe(true);
		expect(c.pending).toBeUndefined();
		expect(isGmailSyncCursor(JSON.parse(JSON.stringify(c)))).toBe(true);
		expect(isGmailSyncCursor({ ...c, v: 2 })).toBe(false);
	});
});
