// The pure pieces of the Gmail push set-up: settings checked before any call (errors name the field),
// IAM merges that never drop others' bindings, the derived subscription name, labels and health.
import { readPushSettings } from '../../../nodes/GmailPushTrigger/setupProperties';
import { withMember, withoutMember, type IamPolicy } from '../../../nodes/shared/pubsub/iamPolicy';
import { managedLabels, watchExpiryOf } from '../../../nodes/shared/pubsub/labels';
import { GMAIL_PUSH_MEMBER, PUBLISHER_ROLE, PushSettingsError, subscriptionIdFor } from '../../../nodes/shared/pubsub/names';
import { gmailWatchReports, subscriptionProblem, watchRenewalDue } from '../../../nodes/shared/pubsub/health';

const params = (values: Record<string, unknown>) => (name: string, fallback: unknown) => (name in values ? values[name] : fallback);
const SA = 'gmail-push@crm-project.iam.gserviceaccount.com';

function settingsError(values: Record<string, unknown>): PushSettingsError {
	try {
		readPushSettings(params(values));
	} catch (error) {
		if (error instanceof PushSettingsError) return error;
		throw error;
	}
	throw new Error('no error');
}

describe('readPushSettings', () => {
	it('create mode: project + short topic name (default n8n-gmail-push), audience optional', () => {
		expect(readPushSettings(params({ projectId: 'crm-project', pushServiceAccount: SA }))).toEqual({
			mode: 'create',
			project: 'crm-project',
			topic: { project: 'crm-project', topic: 'n8n-gmail-push', name: 'projects/crm-project/topics/n8n-gmail-push' },
			serviceAccountEmail: SA,
			audience: undefined,
		});
		expect(readPushSettings(params({ projectId: 'crm-project', topicName: 'projects/crm-project/topics/t-1', pushServiceAccount: SA, audience: ' aud ' }))).toMatchObject({
			topic: { name: 'projects/crm-project/topics/t-1' },
			audience: 'aud',
		});
	});

	it('existing mode: the full topic name, its project taken from it', () => {
		expect(readPushSettings(params({ setupMode: 'existing', topicName: 'projects/other-proj/topics/gmail', pushServiceAccount: SA }))).toMatchObject({
			mode: 'existing',
			project: 'other-proj',
			topic: { name: 'projects/other-proj/topics/gmail' },
		});
	});

	it.each([
		[{ projectId: '', pushServiceAccount: SA }, 'Project ID', /Project ID is empty/],
		[{ projectId: 'My CRM Project', pushServiceAccount: SA }, 'Project ID', /Project ID "My CRM Project" is not a Google Cloud project id/],
		[{ projectId: '123456789012', pushServiceAccount: SA }, 'Project ID', /not a Google Cloud project id/],
		[{ projectId: 'crm-project', topicName: 'goog-topic', pushServiceAccount: SA }, 'Topic Name', /starts with "goog"/],
		[{ projectId: 'crm-project', topicName: 'a b', pushServiceAccount: SA }, 'Topic Name', /not a valid topic name/],
		[{ projectId: 'crm-project', topicName: 'projects/other-proj/topics/gmail', pushServiceAccount: SA }, 'Topic Name', /names another project than Project ID "crm-project"/],
		[{ setupMode: 'existing', topicName: 'gmail-push', pushServiceAccount: SA }, 'Topic Name', /not a full topic name.*projects\/<project id>\/topics\/<topic>/],
		[{ setupMode: 'existing', topicName: 'projects/X/topics/gmail', pushServiceAccount: SA }, 'Topic Name (project part)', /not a Google Cloud project id/],
		[{ projectId: 'crm-project' }, 'Push Service Account', /Push Service Account is empty/],
		[{ projectId: 'crm-project', pushServiceAccount: 'not-an-email' }, 'Push Service Account', /is not an email address/],
	])('%o → error on %s', (values, field, message) => {
		const error = settingsError(values);
		expect(error.field).toBe(field);
		expect(error.message).toMatch(message);
	});
});

describe('IAM policy merge', () => {
	const foreign = { role: 'roles/pubsub.subscriber', members: ['user:ops@acme.test'] };
	const conditional = { role: PUBLISHER_ROLE, members: ['group:night@acme.test'], condition: { title: 'nights', expression: 'request.time.getHours() > 20' } };

	it('adds Gmail to the publisher role, keeping etag, version and every other binding', () => {
		const before: IamPolicy = { version: 3, etag: 'BwXyz', bindings: [foreign, conditional, { role: PUBLISHER_ROLE, members: ['user:a@acme.test'] }] };
		const { policy, changed } = withMember(before, PUBLISHER_ROLE, GMAIL_PUSH_MEMBER);
		expect(changed).toBe(true);
		expect(policy).toEqual({ version: 3, etag: 'BwXyz', bindings: [foreign, conditional, { role: PUBLISHER_ROLE, members: ['user:a@acme.test', GMAIL_PUSH_MEMBER] }] });
		// The input is not modified (a retry after a conflict starts from Google's fresh copy).
		expect(before.bindings?.[2].members).toEqual(['user:a@acme.test']);
	});

	it('creates the binding on an empty policy; a conditional binding does not count as granted', () => {
		expect(withMember({ etag: 'ACAB' }, PUBLISHER_ROLE, GMAIL_PUSH_MEMBER)).toEqual({ policy: { etag: 'ACAB', bindings: [{ role: PUBLISHER_ROLE, members: [GMAIL_PUSH_MEMBER] }] }, changed: true });
		const withCond = withMember({ bindings: [{ ...conditional, members: [GMAIL_PUSH_MEMBER] }] }, PUBLISHER_ROLE, GMAIL_PUSH_MEMBER);
		expect(withCond.changed).toBe(true);
		expect(withCond.policy.bindings).toHaveLength(2);
	});

	it('is a no-op when already granted', () => {
		const policy = { etag: 'e', bindings: [{ role: PUBLISHER_ROLE, members: [GMAIL_PUSH_MEMBER] }] };
		expect(withMember(policy, PUBLISHER_ROLE, GMAIL_PUSH_MEMBER)).toEqual({ policy, changed: false });
	});

	it('removes only our member; the binding goes when empty; others stay', () => {
		const shared = { etag: 'e', bindings: [foreign, { role: PUBLISHER_ROLE, members: ['user:a@acme.test', GMAIL_PUSH_MEMBER] }, conditional] };
		expect(withoutMember(shared, PUBLISHER_ROLE, GMAIL_PUSH_MEMBER).policy).toEqual({ etag: 'e', bindings: [foreign, { role: PUBLISHER_ROLE, members: ['user:a@acme.test'] }, conditional] });
		const ours = { etag: 'e', bindings: [foreign, { role: PUBLISHER_ROLE, members: [GMAIL_PUSH_MEMBER] }] };
		expect(withoutMember(ours, PUBLISHER_ROLE, GMAIL_PUSH_MEMBER).policy).toEqual({ etag: 'e', bindings: [foreign] });
		expect(withoutMember({ etag: 'e', bindings: [foreign] }, PUBLISHER_ROLE, GMAIL_PUSH_MEMBER).changed).toBe(false);
	});
});

describe('names and labels', () => {
	it('derives one stable, valid subscription id per trigger URL and topic', () => {
		const a = subscriptionIdFor('https://n8n.acme.test/webhook/abc/gmail-push', 'projects/p/topics/t');
		expect(a).toMatch(/^n8n-gmail-push-[0-9a-f]{20}$/);
		expect(subscriptionIdFor('https://n8n.acme.test/webhook/abc/gmail-push', 'projects/p/topics/t')).toBe(a);
		expect(subscriptionIdFor('https://n8n.acme.test/webhook/def/gmail-push', 'projects/p/topics/t')).not.toBe(a);
		expect(subscriptionIdFor('https://n8n.acme.test/webhook/abc/gmail-push', 'projects/p/topics/u')).not.toBe(a);
	});

	it('records the watch expiry in epoch seconds (label values allow digits only) and reads it back', () => {
		const labels = managedLabels('1767225600123', { team: 'sales' });
		expect(labels).toEqual({ team: 'sales', 'managed-by': 'n8n-gmail-push-trigger', 'gmail-watch-expires': '1767225600' });
		expect(watchExpiryOf(labels)).toBe(1767225600000);
		expect(managedLabels(undefined)).toEqual({ 'managed-by': 'n8n-gmail-push-trigger' });
		expect(watchExpiryOf({ 'gmail-watch-expires': 'soon' })).toBeUndefined();
	});
});

describe('health', () => {
	const now = Date.UTC(2026, 11, 2);
	const H = 3_600_000;

	it('renews when never renewed here, after 20 h, or within a day of expiry', () => {
		expect(watchRenewalDue(undefined, now)).toBe(true);
		expect(watchRenewalDue({ renewedAt: now - 19 * H, expiration: now + 5 * 24 * H }, now)).toBe(false);
		expect(watchRenewalDue({ renewedAt: now - 20 * H, expiration: now + 5 * 24 * H }, now)).toBe(true);
		expect(watchRenewalDue({ renewedAt: now - H, expiration: now + 23 * H }, now)).toBe(true);
	});

	const want = { topic: 'projects/p/topics/t', endpoint: 'https://n8n.acme.test/webhook/x/gmail-push', serviceAccountEmail: 'sa@p.iam.gserviceaccount.com', audience: 'https://n8n.acme.test/webhook/x/gmail-push' };
	const good = { topic: want.topic, pushConfig: { pushEndpoint: want.endpoint, oidcToken: { serviceAccountEmail: want.serviceAccountEmail } } };

	it('a subscription as set up has no problem (audience defaults to the endpoint)', () => {
		expect(subscriptionProblem(good, want)).toBeUndefined();
	});

	it.each([
		[{ ...good, topic: '_deleted-topic_' }, /topic projects\/p\/topics\/t was deleted/],
		[{ ...good, topic: 'projects/p/topics/other' }, /takes messages from projects\/p\/topics\/other/],
		[{ ...good, pushConfig: {} }, /no longer a push subscription/],
		[{ ...good, pushConfig: { ...good.pushConfig, pushEndpoint: 'https://evil.test/' } }, /now pushes to https:\/\/evil.test\//],
		[{ ...good, pushConfig: { pushEndpoint: want.endpoint } }, /authentication was switched off/],
		[{ ...good, pushConfig: { pushEndpoint: want.endpoint, oidcToken: { serviceAccountEmail: 'x@p.iam.gserviceaccount.com' } } }, /signs pushes as x@/],
		[{ ...good, pushConfig: { pushEndpoint: want.endpoint, oidcToken: { serviceAccountEmail: want.serviceAccountEmail, audience: 'other' } } }, /audience is now other/],
	])('problem: %o', (sub, words) => {
		expect(subscriptionProblem(sub, want)).toMatch(words);
	});

	it('reports the project subscriptions that carry a Gmail watch, expired or not', () => {
		const reports = gmailWatchReports(
			[
				{ name: 'projects/p/subscriptions/a', topic: want.topic, pushConfig: { pushEndpoint: want.endpoint }, labels: managedLabels(now + 6 * 24 * H) },
				{ name: 'projects/p/subscriptions/b', topic: want.topic, labels: { 'gmail-watch-expires': String((now - H) / 1000) } },
				{ name: 'projects/p/subscriptions/unrelated', topic: 'projects/p/topics/orders' },
			],
			now,
		);
		expect(reports).toEqual([
			{ subscription: 'projects/p/subscriptions/a', topic: want.topic, endpoint: want.endpoint, watchExpiresAt: new Date(now + 6 * 24 * H).toISOString(), expired: false, managedByTrigger: true },
			{ subscription: 'projects/p/subscriptions/b', topic: want.topic, endpoint: null, watchExpiresAt: new Date(now - H).toISOString(), expired: true, managedByTrigger: false },
		]);
	});
});
