// The Cloud Pub/Sub client and Gmail watch/stop through the one transport, against a recorded fake
// HTTP layer: the URL, method and body Google would see, and the words of each error.
import type { IHttpRequestOptions, INode } from 'n8n-workflow';
import { GoogleApiError, type GoogleContext } from '../../../nodes/shared/transport';
import { gmailStop, gmailWatch } from '../../../nodes/shared/transport/gmail';
import {
	pubsubCreateSubscription,
	pubsubCreateTopic,
	pubsubDeleteSubscription,
	pubsubDeleteTopic,
	pubsubGetSubscription,
	pubsubListSubscriptions,
	pubsubPatchSubscription,
	pubsubPublish,
	pubsubUpdateTopicPolicy,
} from '../../../nodes/shared/transport/pubsub';
import { withMember } from '../../../nodes/shared/pubsub/iamPolicy';
import { GMAIL_PUSH_MEMBER, PUBLISHER_ROLE } from '../../../nodes/shared/pubsub/names';

interface Answer {
	statusCode: number;
	body?: unknown;
}

function fakeContext(answer: (o: IHttpRequestOptions, n: number) => Answer) {
	const calls: IHttpRequestOptions[] = [];
	const node: INode = { id: 'n1', name: 'Gmail Push Trigger', type: 'gmailPushTrigger', typeVersion: 1, position: [0, 0], parameters: {} };
	const ctx = {
		getNode: () => node,
		getNodeParameter: (_name: string, fallback: unknown) => fallback,
		getCredentials: async () => ({ maxRetries: 2, retryDelayMs: 0, gmailUnitsPerSecond: 0 }),
		logger: { debug() {}, warn() {}, info() {}, error() {} },
		helpers: {
			httpRequestWithAuthentication: async (_type: string, options: IHttpRequestOptions) => {
				calls.push(options);
				const a = answer(options, calls.length);
				return { statusCode: a.statusCode, headers: { 'content-type': 'application/json' }, body: a.body ?? {} };
			},
		},
	} as unknown as GoogleContext;
	return { ctx, calls };
}

const TOPIC = 'projects/crm-project/topics/n8n-gmail-push';
const SUB = 'projects/crm-project/subscriptions/n8n-gmail-push-abc';
const googleError = (code: number, status: string, message: string, reason?: string) => ({
	error: { code, status, message, ...(reason ? { details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason }] } : {}) },
});

test('topic create is a PUT on the full name; 409 ALREADY_EXISTS means reuse, not failure', async () => {
	const { ctx, calls } = fakeContext((_o, n) => (n === 1 ? { statusCode: 200, body: { name: TOPIC } } : { statusCode: 409, body: googleError(409, 'ALREADY_EXISTS', 'Resource already exists in the project (resource=n8n-gmail-push).') }));
	expect(await pubsubCreateTopic(ctx, TOPIC, { 'managed-by': 'n8n-gmail-push-trigger' })).toEqual({ created: true });
	expect(calls[0]).toMatchObject({ method: 'PUT', url: `https://pubsub.googleapis.com/v1/${TOPIC}`, body: { labels: { 'managed-by': 'n8n-gmail-push-trigger' } } });
	expect(await pubsubCreateTopic(ctx, TOPIC)).toEqual({ created: false });
	expect(calls).toHaveLength(2);
});

test('a missing Pub/Sub scope names the Cloud Pub/Sub surface and how to grant it', async () => {
	const { ctx } = fakeContext(() => ({ statusCode: 403, body: googleError(403, 'PERMISSION_DENIED', 'Request had insufficient authentication scopes.', 'ACCESS_TOKEN_SCOPE_INSUFFICIENT') }));
	const error = (await pubsubCreateTopic(ctx, TOPIC).catch((e: unknown) => e)) as GoogleApiError;
	expect(error).toBeInstanceOf(GoogleApiError);
	expect(error.google.kind).toBe('scope');
	expect(error.message).toBe('The Google connection lacks the Cloud Pub/Sub (Gmail push set-up) scope');
	expect(error.description).toContain('https://www.googleapis.com/auth/pubsub');
});

test('a role the account lacks is a permission error in words, not retried', async () => {
	const { ctx, calls } = fakeContext(() => ({ statusCode: 403, body: googleError(403, 'PERMISSION_DENIED', 'User not authorized to perform this action.') }));
	const error = (await pubsubDeleteTopic(ctx, TOPIC).catch((e: unknown) => e)) as GoogleApiError;
	expect(error.google.kind).toBe('permission');
	expect(error.message).toBe('Cloud Pub/Sub denied the request: User not authorized to perform this action.');
	expect(calls).toHaveLength(1);
});

test('IAM update reads, merges and writes with the etag; a stale etag (409) starts again from a fresh read', async () => {
	const foreign = { role: 'roles/pubsub.subscriber', members: ['user:ops@acme.test'] };
	let reads = 0;
	const { ctx, calls } = fakeContext((o) => {
		if (String(o.url).endsWith(':getIamPolicy')) {
			reads++;
			return { statusCode: 200, body: { version: 1, etag: `BwE${reads}`, bindings: [foreign] } };
		}
		const etag = (o.body as { policy: { etag: string } }).policy.etag;
		return etag === 'BwE1' ? { statusCode: 409, body: googleError(409, 'ABORTED', 'There were concurrent policy changes.') } : { statusCode: 200, body: (o.body as { policy: unknown }).policy };
	});
	const result = await pubsubUpdateTopicPolicy(ctx, TOPIC, (p) => withMember(p, PUBLISHER_ROLE, GMAIL_PUSH_MEMBER));
	expect(result.changed).toBe(true);
	expect(calls.map((c) => `${c.method} ${String(c.url).split('/v1/')[1]}`)).toEqual([
		`GET ${TOPIC}:getIamPolicy`,
		`POST ${TOPIC}:setIamPolicy`,
		`GET ${TOPIC}:getIamPolicy`,
		`POST ${TOPIC}:setIamPolicy`,
	]);
	expect(calls[3].body).toEqual({ policy: { version: 1, etag: 'BwE2', bindings: [foreign, { role: PUBLISHER_ROLE, members: [GMAIL_PUSH_MEMBER] }] } });
});

test('IAM update writes nothing when the binding is already there', async () => {
	const { ctx, calls } = fakeContext(() => ({ statusCode: 200, body: { etag: 'x', bindings: [{ role: PUBLISHER_ROLE, members: [GMAIL_PUSH_MEMBER] }] } }));
	expect((await pubsubUpdateTopicPolicy(ctx, TOPIC, (p) => withMember(p, PUBLISHER_ROLE, GMAIL_PUSH_MEMBER))).changed).toBe(false);
	expect(calls).toHaveLength(1);
});

test('subscription create PUTs the push config; on 409 it returns the existing one for the caller to judge', async () => {
	const body = { topic: TOPIC, pushConfig: { pushEndpoint: 'https://n8n.acme.test/webhook/x/gmail-push', oidcToken: { serviceAccountEmail: 'push@crm-project.iam.gserviceaccount.com', audience: 'aud' } }, ackDeadlineSeconds: 60 };
	const { ctx, calls } = fakeContext((o, n) => {
		if (n === 1) return { statusCode: 200, body: { name: SUB, ...(o.body as object) } };
		if (o.method === 'PUT') return { statusCode: 409, body: googleError(409, 'ALREADY_EXISTS', 'Resource already exists in the project (resource=n8n-gmail-push-abc).') };
		return { statusCode: 200, body: { name: SUB, topic: TOPIC, pushConfig: { pushEndpoint: 'https://elsewhere.test/' } } };
	});
	expect(await pubsubCreateSubscription(ctx, SUB, body)).toMatchObject({ created: true, subscription: { name: SUB, ackDeadlineSeconds: 60 } });
	expect(calls[0]).toMatchObject({ method: 'PUT', url: `https://pubsub.googleapis.com/v1/${SUB}`, body });
	expect(await pubsubCreateSubscription(ctx, SUB, body)).toEqual({ created: false, subscription: { name: SUB, topic: TOPIC, pushConfig: { pushEndpoint: 'https://elsewhere.test/' } } });
	expect(calls[2]).toMatchObject({ method: 'GET', url: `https://pubsub.googleapis.com/v1/${SUB}` });
});

test('get/delete of something gone answer undefined/false instead of throwing', async () => {
	const { ctx } = fakeContext(() => ({ statusCode: 404, body: googleError(404, 'NOT_FOUND', 'Resource not found (resource=n8n-gmail-push-abc).') }));
	expect(await pubsubGetSubscription(ctx, SUB)).toBeUndefined();
	expect(await pubsubDeleteSubscription(ctx, SUB)).toBe(false);
	expect(await pubsubDeleteTopic(ctx, TOPIC)).toBe(false);
});

test('patch sends the update mask; list follows every page', async () => {
	const { ctx, calls } = fakeContext((o) => {
		if (o.method === 'PATCH') return { statusCode: 200, body: { name: SUB, labels: { a: 'b' } } };
		const token = (o.qs as { pageToken?: string }).pageToken;
		return token ? { statusCode: 200, body: { subscriptions: [{ name: 's2' }] } } : { statusCode: 200, body: { subscriptions: [{ name: 's1' }], nextPageToken: 'p2' } };
	});
	await pubsubPatchSubscription(ctx, SUB, { labels: { 'gmail-watch-expires': '1767000000' } }, ['labels']);
	expect(calls[0]).toMatchObject({ method: 'PATCH', body: { subscription: { name: SUB, labels: { 'gmail-watch-expires': '1767000000' } }, updateMask: 'labels' } });
	expect((await pubsubListSubscriptions(ctx, 'crm-project')).map((s) => s.name)).toEqual(['s1', 's2']);
	expect(calls[1]).toMatchObject({ method: 'GET', url: 'https://pubsub.googleapis.com/v1/projects/crm-project/subscriptions' });
});

test('publish base64-encodes each message and is not resent after an unknown outcome', async () => {
	const { ctx, calls } = fakeContext((_o, n) => (n === 1 ? { statusCode: 200, body: { messageIds: ['m1'] } } : { statusCode: 503, body: googleError(503, 'UNAVAILABLE', 'The service is currently unavailable.') }));
	expect(await pubsubPublish(ctx, TOPIC, [{ data: '{"emailAddress":"rep@acme-crm.test","historyId":"42"}', attributes: { kind: 'catch-up' } }])).toEqual(['m1']);
	const sent = (calls[0].body as { messages: Array<{ data: string; attributes: unknown }> }).messages[0];
	expect(JSON.parse(Buffer.from(sent.data, 'base64').toString('utf8'))).toEqual({ emailAddress: 'rep@acme-crm.test', historyId: '42' });
	expect(sent.attributes).toEqual({ kind: 'catch-up' });
	const error = (await pubsubPublish(ctx, TOPIC, [{ data: 'x' }]).catch((e: unknown) => e)) as GoogleApiError;
	expect(error.google.kind).toBe('server');
	expect(error.description).toContain('not sent again automatically');
	expect(calls).toHaveLength(2);
});

test('users.watch sends the topic and the label filter; users.stop is a bare POST', async () => {
	const { ctx, calls } = fakeContext((o) => (String(o.url).endsWith('/watch') ? { statusCode: 200, body: { historyId: '9001', expiration: '1767225600000' } } : { statusCode: 204, body: '' }));
	expect(await gmailWatch(ctx, { topicName: TOPIC, labelIds: ['INBOX', 'Label_7'] })).toEqual({ historyId: '9001', expiration: '1767225600000' });
	expect(calls[0]).toMatchObject({ method: 'POST', url: 'https://gmail.googleapis.com/gmail/v1/users/me/watch', body: { topicName: TOPIC, labelIds: ['INBOX', 'Label_7'], labelFilterBehavior: 'include' } });
	await gmailWatch(ctx, { topicName: TOPIC, labelIds: [] });
	expect(calls[1].body).toEqual({ topicName: TOPIC });
	await gmailStop(ctx);
	expect(calls[2]).toMatchObject({ method: 'POST', url: 'https://gmail.googleapis.com/gmail/v1/users/me/stop' });
});
