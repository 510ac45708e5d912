// Reading Gmail API messages: bodies decoded from the payload tree, headers by name; and address checks.
import { decodeBodies, headerValue, headersObject } from '../../../nodes/shared/gmail/messageBody';
import { isValidEmail } from '../../../nodes/shared/gmail/mime';

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64url');

describe('decodeBodies', () => {
	it('finds text and html inside multipart/mixed > multipart/alternative and lists attachments', () => {
		const payload = {
			mimeType: 'multipart/mixed',
			headers: [{ name: 'Subject', value: 'Hi' }],
			parts: [
				{
					partId: '0',
					mimeType: 'multipart/alternative',
					parts: [
						{ partId: '0.0', mimeType: 'text/plain', body: { data: b64('Grüße, text'), size: 12 } },
						{ partId: '0.1', mimeType: 'text/html', body: { data: b64('<p>Grüße</p>'), size: 13 } },
					],
				},
				{ partId: '1', mimeType: 'text/plain', filename: 'notes.txt', body: { attachmentId: 'att-1', size: 42 } },
				{ partId: '2', mimeType: 'application/pdf', filename: 'quote.pdf', body: { attachmentId: 'att-2', size: 1000 } },
			],
		};
		expect(decodeBodies(payload)).toEqual({
			text: 'Grüße, text',
			html: '<p>Grüße</p>',
			attachments: [
				{ partId: '1', filename: 'notes.txt', mimeType: 'text/plain', size: 42, attachmentId: 'att-1' },
				{ partId: '2', filename: 'quote.pdf', mimeType: 'application/pdf', size: 1000, attachmentId: 'att-2' },
			],
		});
	});

	it('a single-part html message has html and no text; an empty payload has neither', () => {
		expect(decodeBodies({ mimeType: 'text/html', body: { data: b64('<b>x</b>') } })).toEqual({ html: '<b>x</b>', attachments: [] });
		expect(decodeBodies(undefined)).toEqual({ attachments: [] });
	});

	it('headers are found case-insensitively; the first of repeated headers wins', () => {
		const headers = [
			{ name: 'Message-ID', value: '<a@b>' },
			{ name: 'Received', value: 'one' },
			{ name: 'received', value: 'two' },
		];
		expect(headerValue(headers, 'message-id')).toBe('<a@b>');
		expect(headersObject(headers)).toEqual({ 'message-id': '<a@b>', received: 'one' });
	});
});

describe('isValidEmail', () => {
	it.each([
		['jane@example.com', true],
		['jane.doe+crm@sub.example.co.uk', true],
		['"john doe"@example.com', true],
		['user@[192.168.0.1]', true],
		['jane@example', false],
		['jane@@example.com', false],
		['.jane@example.com', false],
		['jane..doe@example.com', false],
		['jane@-example.com', false],
		['jane doe@example.com', false],
		['', false],
	])('%s → %s', (address, valid) => {
		expect(isValidEmail(address)).toBe(valid);
	});
});
