// The sandbox's Cloud Pub/Sub REST and Gmail users.watch / users.stop: as strict as google-facts.md.
import { startSandbox, type Sandbox, GMAIL_PUSH_ACCOUNT, DEFAULT_PUSH_SERVICE_ACCOUNT, WATCH_LIFETIME_MS } from '../../sandbox';
import { clients, CLOUD_SCOPE, GMAIL_READ, PUBSUB_SCOPE } from '../../helpers/sandboxCall';

let sandbox: Sandbox;
let api: ReturnType<typeof clients>;
const T = 'projects/acme-crm-prod/topics/n8n-gmail-push';
const S = 'projects/acme-crm-prod/subscriptions/n8n-gmail-push-sub';
const PUBLISHER = { role: 'roles/pubsub.publisher', members: [`serviceAccount:${GMAIL_PUSH_ACCOUNT}`] };

beforeEach(async () => {
	sandbox = await startSandbox();
	api = clients(sandbox, sandbox.oauth.issueGrant({ scopes: [PUBSUB_SCOPE, GMAIL_READ] }).access_token);
});
afterEach(async () => sandbox?.close());

const pushSub = (over: Record<string, unknown> = {}) => ({
	topic: T,
	pushConfig: { pushEndpoint: 'https://n8n.acme.test/webhook/abc/gmail-push', oidcToken: { serviceAccountEmail: DEFAULT_PUSH_SERVICE_ACCOUNT } },
	ackDeadlineSeconds: 60,
	...over,
});

describe('sandbox Pub/Sub topics and IAM', () => {
	test('create, 409 ALREADY_EXISTS on the second create, get, list, delete, then 404 in Pub/Sub\'s error shape', async () => {
		expect(await api.pubsub('PUT', T, { labels: { app: 'n8n' } })).toEqual({ status: 200, body: { name: T, labels: { app: 'n8n' } } });
		const again = await api.pubsub('PUT', T, {});
		expect(again).toEqual({ status: 409, body: { error: { code: 409, message: 'Resource already exists in the project (resource=n8n-gmail-push).', status: 'ALREADY_EXISTS' } } });
		expect((await api.pubsub('GET', T)).body.name).toBe(T);
		expect((await api.pubsub('GET', 'projects/acme-crm-prod/topics')).body.topics).toHaveLength(1);
		expect(await api.pubsub('DELETE', T)).toEqual({ status: 200, body: {} });
		expect(await api.pubsub('GET', T)).toEqual({ status: 404, body: { error: { code: 404, message: 'Resource not found (resource=n8n-gmail-push).', status: 'NOT_FOUND' } } });
		expect((await api.pubsub('DELETE', T)).status).toBe(404);
		expect(sandbox.pubsub.calls.map((c) => `${c.op} ${c.status}`)).toEqual([
			'topics.create 200', 'topics.create 409', 'topics.get 200', 'topics.list 200', 'topics.delete 200', 'topics.get 404', 'topics.delete 404',
		]);
		expect(sandbox.pubsub.calls[0]).toMatchObject({ name: T, caller: 'rep@acme-crm.test', body: { labels: { app: 'n8n' } } });
	});

	test('bad names, labels and JSON are refused with 400 naming what is wrong', async () => {
		expect((await api.pubsub('PUT', 'projects/acme-crm-prod/topics/goog-x')).body.error.message).toContain('Invalid resource name given (name=projects/acme-crm-prod/topics/goog-x)');
		expect((await api.pubsub('PUT', 'projects/acme-crm-prod/topics/ab')).status).toBe(400);
		expect((await api.pubsub('PUT', 'projects/Bad_Project/topics/abc')).status).toBe(400);
		const badLabel = await api.pubsub('PUT', T, { labels: { App: 'x' } });
		expect(badLabel.status).toBe(400);
		expect(badLabel.body.error.message).toContain('Invalid label key "App"');
		expect((await api.pubsub('PUT', T, { labels: { app: 'Upper' } })).body.error.message).toContain('Invalid label value for "app"');
		expect(sandbox.pubsub.topics.size).toBe(0);
	});

	test('getIamPolicy/setIamPolicy: fresh etag ACAB, a stale etag is 409 ABORTED, others\' bindings are kept only if the caller merges', async () => {
		await api.pubsub('PUT', T);
		const fresh = await api.pubsub('GET', `${T}:getIamPolicy`);
		expect(fresh).toEqual({ status: 200, body: { version: 1, etag: 'ACAB' } });
		const other = { role: 'roles/pubsub.subscriber', members: ['user:ops@acme-crm.test'] };
		const first = await api.pubsub('POST', `${T}:setIamPolicy`, { policy: { bindings: [other], etag: 'ACAB' } });
		expect(first.status).toBe(200);
		expect(first.body.etag).not.toBe('ACAB');
		const stale = await api.pubsub('POST', `${T}:setIamPolicy`, { policy: { bindings: [PUBLISHER], etag: 'ACAB' } });
		expect(stale.status).toBe(409);
		expect(stale.body.error.status).toBe('ABORTED');
		const read = await api.pubsub('GET', `${T}:getIamPolicy`);
		const merged = await api.pubsub('POST', `${T}:setIamPolicy`, { policy: { bindings: [...read.body.bindings, PUBLISHER], etag: read.body.etag } });
		expect(merged.body.bindings).toEqual([other, PUBLISHER]);
		expect(sandbox.pubsub.topics.get(T)!.policy.bindings).toEqual([other, PUBLISHER]);
		expect((await api.pubsub('POST', `${T}:getIamPolicy`, {})).status).toBe(404);
		expect((await api.pubsub('POST', `${T}:setIamPolicy`, { policy: { bindings: [{ role: 'roles/pubsub.publisher', members: [] }] } })).status).toBe(400);
		expect((await api.pubsub('POST', `${T}:setIamPolicy`, { policy: { bindings: [{ role: 'roles/pubsub.publisher', members: ['gmail-api-push@system.gserviceaccount.com'] }] } })).body.error.message).toContain('Invalid principal');
	});

	test('publish returns message ids in order and stores the messages; empty or non-base64 messages are refused', async () => {
		await api.pubsub('PUT', T);
		const data = Buffer.from('{"emailAddress":"rep@acme-crm.test","historyId":5}').toString('base64');
		const ok = await api.pubsub('POST', `${T}:publish`, { messages: [{ data }, { attributes: { kind: 'continuation' } }] });
		expect(ok.status).toBe(200);
		expect(ok.body.messageIds).toHaveLength(2);
		expect(Number(ok.body.messageIds[1])).toBeGreaterThan(Number(ok.body.messageIds[0]));
		expect(sandbox.pubsub.published.map((m) => [m.messageId, m.data, m.by])).toEqual([
			[ok.body.messageIds[0], data, 'rep@acme-crm.test'],
			[ok.body.messageIds[1], '', 'rep@acme-crm.test'],
		]);
		expect((await api.pubsub('POST', `${T}:publish`, { messages: [] })).status).toBe(400);
		expect((await api.pubsub('POST', `${T}:publish`, { messages: [{}] })).status).toBe(400);
		expect((await api.pubsub('POST', `${T}:publish`, { messages: [{ data: 'not base64!' }] })).status).toBe(400);
		expect((await api.pubsub('POST', 'projects/acme-crm-prod/topics/nope:publish', { messages: [{ data }] })).status).toBe(404);
		expect(sandbox.pubsub.published).toHaveLength(2);
	});

	test('scope: pubsub or cloud-platform; anything else is 403 ACCESS_TOKEN_SCOPE_INSUFFICIENT and changes nothing', async () => {
		const gmailOnly = clients(sandbox, sandbox.oauth.issueGrant({ scopes: [GMAIL_READ] }).access_token);
		const refused = await gmailOnly.pubsub('PUT', T);
		expect(refused.status).toBe(403);
		expect(refused.body.error.details[0].reason).toBe('ACCESS_TOKEN_SCOPE_INSUFFICIENT');
		expect(sandbox.pubsub.topics.size).toBe(0);
		const cloud = clients(sandbox, sandbox.oauth.issueGrant({ scopes: [CLOUD_SCOPE] }).access_token);
		expect((await cloud.pubsub('PUT', T)).status).toBe(200);
	});

	test('deny(caller, ops) takes Pub/Sub rights away: 403 "User not authorized to perform this action."', async () => {
		await api.pubsub('PUT', T);
		sandbox.pubsub.deny('rep@acme-crm.test', ['topics.setIamPolicy']);
		expect((await api.pubsub('GET', `${T}:getIamPolicy`)).status).toBe(200);
		expect(await api.pubsub('POST', `${T}:setIamPolicy`, { policy: { bindings: [PUBLISHER] } })).toEqual({
			status: 403,
			body: { error: { code: 403, message: 'User not authorized to perform this action.', status: 'PERMISSION_DENIED' } },
		});
		sandbox.pubsub.deny('rep@acme-crm.test');
		expect((await api.pubsub('GET', T)).status).toBe(403);
	});
});

describe('sandbox Pub/Sub subscriptions', () => {
	beforeEach(async () => {
		await api.pubsub('PUT', T);
	});

	test('create a push subscription with OIDC, get it back as Google shows it, 409 on the second create', async () => {
		const created = await api.pubsub('PUT', S, pushSub({ labels: { 'gmail-watch-expires': '1767000000' } }));
		expect(created.status).toBe(200);
		expect(created.body).toEqual({
			name: S,
			topic: T,
			pushConfig: { pushEndpoint: 'https://n8n.acme.test/webhook/abc/gmail-push', oidcToken: { serviceAccountEmail: DEFAULT_PUSH_SERVICE_ACCOUNT }, attributes: { 'x-goog-version': 'v1' } },
			ackDeadlineSeconds: 60,
			messageRetentionDuration: '604800s',
			expirationPolicy: { ttl: '2678400s' },
			state: 'ACTIVE',
			labels: { 'gmail-watch-expires': '1767000000' },
		});
		expect((await api.pubsub('GET', S)).body).toEqual(created.body);
		expect((await api.pubsub('PUT', S, pushSub())).body.error.status).toBe('ALREADY_EXISTS');
		expect((await api.pubsub('GET', `${T}/subscriptions`)).body).toEqual({ subscriptions: [S] });
	});

	test('refusals: missing topic 404, ack deadline outside 10..600, plain http endpoint, service account the caller may not act as', async () => {
		expect((await api.pubsub('PUT', S, pushSub({ topic: 'projects/acme-crm-prod/topics/gone' }))).body.error).toEqual({ code: 404, message: 'Resource not found (resource=gone).', status: 'NOT_FOUND' });
		for (const ack of [9, 601, 30.5]) expect((await api.pubsub('PUT', S, pushSub({ ackDeadlineSeconds: ack }))).body.error.message).toContain(`Invalid ack deadline given: ${ack}`);
		const http = await api.pubsub('PUT', S, pushSub({ pushConfig: { pushEndpoint: 'http://localhost:5678/webhook/x' } }));
		expect(http.body.error.message).toContain('Invalid push endpoint given (endpoint=http://localhost:5678/webhook/x)');
		const stranger = await api.pubsub('PUT', S, pushSub({ pushConfig: { pushEndpoint: 'https://n8n.acme.test/w', oidcToken: { serviceAccountEmail: 'other@acme-crm-prod.iam.gserviceaccount.com' } } }));
		expect(stranger).toEqual({ status: 403, body: { error: { code: 403, message: 'User not authorized to perform this action.', status: 'PERMISSION_DENIED' } } });
		expect(sandbox.pubsub.subscriptions.size).toBe(0);
		sandbox.pubsub.allowActAs('other@acme-crm-prod.iam.gserviceaccount.com', 'rep@acme-crm.test');
		sandbox.pubsub.allowHttpEndpoints = true;
		expect((await api.pubsub('PUT', S, pushSub({ ackDeadlineSeconds: undefined, pushConfig: { pushEndpoint: 'http://localhost:5678/webhook/x', oidcToken: { serviceAccountEmail: 'other@acme-crm-prod.iam.gserviceaccount.com' } } }))).status).toBe(200);
		expect((await api.pubsub('GET', S)).body.ackDeadlineSeconds).toBe(10);
	});

	test('patch with updateMask changes only the masked fields (labels, ack deadline); no mask or an unknown field is 400', async () => {
		await api.pubsub('PUT', S, pushSub({ labels: { app: 'n8n' } }));
		const patched = await api.pubsub('PATCH', S, { subscription: { labels: { app: 'n8n', 'gmail-watch-expires': '1767600000' }, ackDeadlineSeconds: 20 }, updateMask: 'labels' });
		expect(patched.body.labels).toEqual({ app: 'n8n', 'gmail-watch-expires': '1767600000' });
		expect(patched.body.ackDeadlineSeconds).toBe(60);
		expect((await api.pubsub('PATCH', S, { subscription: { ackDeadlineSeconds: 20 }, updateMask: 'ack_deadline_seconds' })).body.ackDeadlineSeconds).toBe(20);
		expect((await api.pubsub('PATCH', S, { subscription: { labels: {} } })).body.error.message).toContain('update_mask');
		expect((await api.pubsub('PATCH', S, { subscription: { topic: T }, updateMask: 'topic' })).status).toBe(400);
		expect((await api.pubsub('PATCH', S, { subscription: { ackDeadlineSeconds: 700 }, updateMask: 'ackDeadlineSeconds' })).status).toBe(400);
		expect(sandbox.pubsub.subscriptions.get(S)!.ackDeadlineSeconds).toBe(20);
	});

	test('list per project with paging; delete; a deleted topic leaves its subscriptions on _deleted-topic_', async () => {
		for (let i = 0; i < 3; i++) await api.pubsub('PUT', `${S}-${i}`, pushSub());
		await api.pubsub('PUT', T.replace('acme-crm-prod', 'other-project'));
		await api.pubsub('PUT', 'projects/other-project/subscriptions/theirs', pushSub({ topic: T.replace('acme-crm-prod', 'other-project') }));
		const page1 = await api.pubsub('GET', 'projects/acme-crm-prod/subscriptions?pageSize=2');
		expect(page1.body.subscriptions.map((s: { name: string }) => s.name)).toEqual([`${S}-0`, `${S}-1`]);
		const page2 = await api.pubsub('GET', `projects/acme-crm-prod/subscriptions?pageSize=2&pageToken=${page1.body.nextPageToken}`);
		expect(page2.body).toEqual({ subscriptions: [expect.objectContaining({ name: `${S}-2` })] });
		expect((await api.pubsub('DELETE', `${S}-1`)).status).toBe(200);
		expect((await api.pubsub('GET', `${S}-1`)).status).toBe(404);
		await api.pubsub('DELETE', T);
		expect((await api.pubsub('GET', `${S}-0`)).body.topic).toBe('_deleted-topic_');
	});
});

describe('sandbox Gmail users.watch / users.stop', () => {
	beforeEach(async () => {
		await api.pubsub('PUT', T);
	});

	test('watch refuses like Google: bad topicName 400, missing topic 404, no publisher grant for Gmail 403; nothing watched', async () => {
		expect((await api.gmail('POST', 'watch', { topicName: 'n8n-gmail-push' })).body.error.message).toBe('Invalid topicName does not match projects/*/topics/*');
		const missing = await api.gmail('POST', 'watch', { topicName: 'projects/acme-crm-prod/topics/gone' });
		expect(missing.status).toBe(404);
		const noGrant = await api.gmail('POST', 'watch', { topicName: T });
		expect(noGrant).toEqual({
			status: 403,
			body: { error: expect.objectContaining({ code: 403, status: 'PERMISSION_DENIED', message: `Error sending test message to Cloud PubSub ${T} : User not authorized to perform this action.`, errors: [expect.objectContaining({ reason: 'forbidden' })] }) },
		});
		await api.pubsub('POST', `${T}:setIamPolicy`, { policy: { bindings: [{ role: 'roles/pubsub.subscriber', members: [`serviceAccount:${GMAIL_PUSH_ACCOUNT}`] }] } });
		expect((await api.gmail('POST', 'watch', { topicName: T })).status).toBe(403);
		expect((await api.gmail('POST', 'watch', { topicName: T, labelIds: ['Label_404'] })).body.error.message).toBe('Invalid label: Label_404');
		expect(sandbox.pubsub.watch.watches.size).toBe(0);
		expect(sandbox.pubsub.watch.calls.map((c) => c.status)).toEqual([400, 404, 403, 403, 400]);
	});

	test('watch returns {historyId, expiration ≈ now + 7 days on the sandbox clock}, costs 100 units; stop costs 50 and ends it', async () => {
		await api.pubsub('POST', `${T}:setIamPolicy`, { policy: { bindings: [PUBLISHER] } });
		sandbox.gmail.insertMessage({ subject: 'before the watch' });
		sandbox.pubsub.advanceClock(3 * 24 * 3600 * 1000);
		const label = sandbox.gmail.label('Customers');
		const before = Date.now() + sandbox.pubsub.clockOffsetMs;
		const res = await api.gmail('POST', 'watch', { topicName: T, labelIds: [label.id, 'INBOX'], labelFilterBehavior: 'include' });
		expect(res.status).toBe(200);
		expect(res.body.historyId).toBe(String(sandbox.gmail.mailbox().historyId));
		expect(Number(res.body.expiration)).toBeGreaterThanOrEqual(before + WATCH_LIFETIME_MS);
		expect(Number(res.body.expiration)).toBeLessThan(Date.now() + sandbox.pubsub.clockOffsetMs + WATCH_LIFETIME_MS + 1000);
		expect(sandbox.pubsub.watch.watches.get('rep@acme-crm.test')).toMatchObject({ topicName: T, labelIds: [label.id, 'INBOX'], labelFilterBehavior: 'include' });
		expect(sandbox.gmail.quota.byMethod.get('watch')).toBe(100);
		expect((await api.gmail('POST', 'watch', { topicName: T, labelFilterBehavior: 'sometimes' })).status).toBe(400);
		expect(await api.gmail('POST', 'stop')).toEqual({ status: 204, body: undefined });
		expect(sandbox.pubsub.watch.watches.size).toBe(0);
		expect(sandbox.gmail.quota.byMethod.get('stop')).toBe(50);
		expect(sandbox.pubsub.watch.calls.map((c) => `${c.op} ${c.status}`)).toEqual(['watch 200', 'watch 400', 'stop 204']);
		expect(sandbox.pubsub.watch.calls[0].body).toEqual({ topicName: T, labelIds: [label.id, 'INBOX'], labelFilterBehavior: 'include' });
	});

	test('watch needs a Gmail read scope (a Pub/Sub-only token is 403)', async () => {
		await api.pubsub('POST', `${T}:setIamPolicy`, { policy: { bindings: [PUBLISHER] } });
		const pubsubOnly = clients(sandbox, sandbox.oauth.issueGrant({ scopes: [PUBSUB_SCOPE] }).access_token);
		expect((await pubsubOnly.gmail('POST', 'watch', { topicName: T })).status).toBe(403);
		expect(sandbox.pubsub.watch.watches.size).toBe(0);
	});
});
