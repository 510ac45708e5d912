// Pure decisions of the Gmail sync (issue #10): which label changes bring mail into the sync, what a
// fetched message's labels exclude, what the label record lets through after a history expiry, how a
// poll is timed, where a baseline waits, pacing to a deadline.
import { candidatesFromHistory, entersSync, excludedLabel, expiryRelistQuery, isGmailSyncCursor, union, usableLabelRecord } from '../../../nodes/shared/gmail/sync/cursor';
import type { GmailHistoryRecord } from '../../../nodes/shared/gmail/types';
import { ACTIVATION_POLL_BUDGET_MS, BASELINES_KEY, isActivationPoll, keepBaseline, pollDeadlines, savedBaseline } from '../../../nodes/shared/gmail/sync/pollPlan';
import { QuotaPacer } from '../../../nodes/shared/transport/pacer';

describe('label changes that bring mail into the sync', () => {
	test('a watched label added to mail outside the sync enters it; a second watched label does not', () => {
		expect(entersSync(['INBOX', 'L1'], ['L1'], [], ['L1', 'L2'])).toBe(true);
		expect(entersSync(['INBOX', 'L1', 'L2'], ['L2'], [], ['L1', 'L2'])).toBe(false);
		expect(entersSync(['INBOX', 'L1', 'STARRED'], ['STARRED'], [], ['L1'])).toBe(false);
	});

	test('all mail: a sent draft (DRAFT removed) and mail rescued from spam enter; restored trash and read marks do not', () => {
		expect(entersSync(['DRAFT', 'SENT'], ['SENT'], [], [])).toBe(false);
		expect(entersSync(['SENT'], [], ['DRAFT'], [])).toBe(true);
		expect(entersSync(['INBOX'], ['INBOX'], ['SPAM'], [])).toBe(true);
		expect(entersSync(['INBOX'], [], ['TRASH'], [])).toBe(false);
		expect(entersSync(['INBOX'], [], ['UNREAD'], [])).toBe(false);
		expect(entersSync(['TRASH', 'L1'], ['L1'], [], ['L1'])).toBe(false);
	});

	test('candidates from history: decided from the record, not from a window of handled ids', () => {
		const records: GmailHistoryRecord[] = [
			{ id: '10', messagesAdded: [{ message: { id: 'a', labelIds: ['INBOX', 'L1'] } }] },
			{ id: '11', labelsAdded: [{ message: { id: 'b', labelIds: ['INBOX', 'L1', 'L2'] }, labelIds: ['L2'] }] },
			{ id: '12', labelsAdded: [{ message: { id: 'c', labelIds: ['INBOX', 'L2'] }, labelIds: ['L2'] }] },
			{ id: '13', labelsAdded: [{ message: { id: 'd', labelIds: ['DRAFT', 'SENT'] }, labelIds: ['SENT'] }] },
			{ id: '14', labelsRemoved: [{ message: { id: 'd', labelIds: ['SENT'] }, labelIds: ['DRAFT'] }] },
			{ id: '15', messagesAdded: [{ message: { id: 'e', labelIds: ['DRAFT'] } }] },
		];
		expect(candidatesFromHistory(records, ['L1', 'L2'], new Set()).map((c) => c.messageId)).toEqual(['a', 'c']);
		expect(candidatesFromHistory(records, ['SENT'], new Set())).toEqual([{ messageId: 'd', recordId: '14' }]);
		expect(candidatesFromHistory(records, [], new Set()).map((c) => c.messageId)).toEqual(['a', 'd']);
	});

	test('a fetched message that became a draft, spam or trash is excluded, and says why', () => {
		expect(excludedLabel(['DRAFT'])).toBe('draft');
		expect(excludedLabel(['INBOX', 'SPAM'])).toBe('spam');
		expect(excludedLabel(['INBOX', 'TRASH'])).toBe('trash');
		expect(excludedLabel(['INBOX', 'UNREAD'])).toBeUndefined();
		expect(excludedLabel(undefined)).toBeUndefined();
	});
});

describe('the label record (mail already in the synced labels)', () => {
	test('a label change on mail the record knows is not a candidate; new mail and a sent draft always are', () => {
		const records: GmailHistoryRecord[] = [
			{ id: '20', messagesAdded: [{ message: { id: 'known', labelIds: ['INBOX', 'L1'] } }] },
			{ id: '21', labelsAdded: [{ message: { id: 'back', labelIds: ['INBOX', 'L1'] }, labelIds: ['L1'] }] },
			{ id: '22', labelsAdded: [{ message: { id: 'filed', labelIds: ['INBOX', 'L1'] }, labelIds: ['L1'] }] },
			{ id: '23', labelsRemoved: [{ message: { id: 'rescued', labelIds: ['INBOX'] }, labelIds: ['SPAM'] }] },
			{ id: '24', labelsRemoved: [{ message: { id: 'draft', labelIds: ['SENT'] }, labelIds: ['DRAFT'] }] },
		];
		const record = new Set(['known', 'back', 'rescued', 'draft']);
		expect(candidatesFromHistory(records, ['L1'], new Set(), new Set(), record).map((c) => c.messageId)).toEqual(['known', 'filed']);
		expect(candidatesFromHistory(records, [], new Set(), new Set(), record).map((c) => c.messageId)).toEqual(['known', 'draft']);
		expect(candidatesFromHistory(records, [], new Set()).map((c) => c.messageId)).toEqual(['known', 'rescued', 'draft']);
	});

	test('a record is used only for the selection it was taken for; anything malformed is ignored', () => {
		const record = { labels: ['L1', 'L2'], after: 0, ids: ['a'] };
		expect(usableLabelRecord(record, ['L2', 'L1', 'L2'])).toBe(record);
		expect(usableLabelRecord(record, ['L1'])).toBeUndefined();
		expect(usableLabelRecord({ ...record, labels: [] }, [])).toEqual({ ...record, labels: [] });
		expect(usableLabelRecord({ labels: ['L1'], after: '0', ids: [] }, ['L1'])).toBeUndefined();
		expect(usableLabelRecord({ labels: ['L1'], after: 0 }, ['L1'])).toBeUndefined();
		expect(usableLabelRecord(undefined, ['L1'])).toBeUndefined();
	});

	test('the re-list after an expiry starts at the record floor, never after the watermark; without a record at the watermark', () => {
		const watermark = Date.UTC(2026, 11, 1, 12, 0, 0);
		const seconds = watermark / 1000;
		expect(expiryRelistQuery(watermark, undefined)).toBe(`after:${seconds - 1}`);
		expect(expiryRelistQuery(watermark, { labels: [], after: 0, ids: [] })).toBe('');
		expect(expiryRelistQuery(watermark, { labels: [], after: seconds - 86_400, ids: [] })).toBe(`after:${seconds - 86_400}`);
		expect(expiryRelistQuery(watermark, { labels: [], after: seconds + 60, ids: [] })).toBe(`after:${seconds - 1}`);
	});

	test('a cursor saved before the record existed is still a cursor; union keeps order and drops repeats', () => {
		expect(isGmailSyncCursor({ v: 1, account: 'a@b.test', historyId: '5', watermark: 1, recent: [] })).toBe(true);
		expect(union(['a', 'b'], ['b', 'c', 'a', 'd'])).toEqual(['a', 'b', 'c', 'd']);
	});
});

describe('poll timing and baselines', () => {
	test('the activation poll is capped; scheduled polls keep their budget; the hard deadline is the budget', () => {
		expect(isActivationPoll(true, 300_000)).toBe(true);
		expect(isActivationPoll(true, 36_000)).toBe(false);
		expect(isActivationPoll(false, 300_000)).toBe(false);
		expect(pollDeadlines(300_000, 0, true)).toEqual({ soft: ACTIVATION_POLL_BUDGET_MS - 2_000, hard: ACTIVATION_POLL_BUDGET_MS });
		expect(pollDeadlines(36_000, 0, false)).toEqual({ soft: 34_000, hard: 36_000 });
		expect(pollDeadlines(300_000, 1_000, false)).toEqual({ soft: 1_000 + 294_000, hard: 301_000 });
	});

	test('a baseline is kept per node in the global static data and forgotten once used', () => {
		const global: Record<string, unknown> = { other: 1 };
		const cursor = { v: 1 as const, account: 'a@b.test', historyId: '5', watermark: 1, recent: [] };
		keepBaseline(global, 'n1', cursor);
		expect(savedBaseline(global, 'n1')).toEqual(cursor);
		expect(savedBaseline(global, 'n2')).toBeUndefined();
		keepBaseline(global, 'n1', undefined);
		expect(global).toEqual({ other: 1 });
		keepBaseline(global, 'n1', undefined);
		expect(BASELINES_KEY in global).toBe(false);
	});

	test('the pacer books nothing that would start after a deadline', () => {
		const pacer = new QuotaPacer();
		expect(pacer.book('u', 245, 250, 0)).toBe(0);
		expect(pacer.book('u', 245, 250, 0, 500)).toBe(-1);
		expect(pacer.book('u', 245, 250, 0, 5_000)).toBe(1000);
	});
});
