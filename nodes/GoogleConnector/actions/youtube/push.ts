// YouTube push (WebSub) from the action node: subscribe, unsubscribe and renew the Google Connector
// Trigger's subscriptions from any workflow (typically a daily schedule; leases last about 5 days).
// Where the secret lives: nowhere shared. Each channel's WebSub secret and each hub verify token
// are derived with HMAC-SHA256 from the Push Key of the webhook secrets credential, so selecting
// the same credential here and on the trigger gives both the same secret, and the trigger accepts
// the hub's verification of a renewal it did not send itself.
import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';
import { hubRequest, type HubResult } from '../../../shared/transport/websubHub';
import { webhookSecrets } from '../../../shared/webhook/credential';
import { parseChannelIds, secretFor, topicCallback, topicFor, withoutProof, type HubMode } from '../../../shared/webhook/websub';
import { forOperation } from '../operation';

/** The Authentication value under which the node uses the webhook secrets credential (push only). */
export const PUSH_AUTHENTICATION = 'webhookSecrets';
export const PUSH_OPERATIONS = ['subscribePush', 'unsubscribePush', 'renewPush'];

export function pushProperties(operation: string): INodeProperties[] {
	return forOperation('youtube', operation, [
		{
			displayName:
				'Select the trigger\'s "Google Connector Webhook Secrets" credential as this node\'s credential (Authentication: Webhook Secrets). Its Push Key is all this needs: the hub is public, so no Google connection is used.',
			name: 'pushNotice',
			type: 'notice',
			default: '',
		},
		{
			displayName: 'Callback URL',
			name: 'callbackUrl',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'https://n8n.example.com/webhook/1f0e…/google?action=youtube-webhook',
			description:
				"The Google Connector Trigger's production URL followed by ?action=youtube-webhook (and &orgid=… when the trigger has an organisation ID), exactly as the trigger subscribes it",
		},
		{
			displayName: 'Channel IDs',
			name: 'pushChannelIds',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'UCxxxxxxxxxxxxxxxxxxxxxx, UCyyyyyyyyyyyyyyyyyyyyyy',
			description: 'The channels configured on the trigger (comma-separated)',
		},
	]);
}

export async function runPush(ctx: IExecuteFunctions, itemIndex: number, mode: HubMode): Promise<INodeExecutionData[]> {
	const callback = String(ctx.getNodeParameter('callbackUrl', itemIndex, '')).trim();
	let url: URL | undefined;
	try {
		url = new URL(callback);
	} catch {
		url = undefined;
	}
	if (!url || !/^https?:$/.test(url.protocol) || url.searchParams.get('action') !== 'youtube-webhook')
		throw new NodeOperationError(ctx.getNode(), 'The callback URL must be the trigger\'s production URL with ?action=youtube-webhook', { itemIndex });
	let ids: string[];
	try {
		ids = parseChannelIds(ctx.getNodeParameter('pushChannelIds', itemIndex, ''));
	} catch (error) {
		throw new NodeOperationError(ctx.getNode(), (error as Error).message, { itemIndex });
	}
	if (ids.length === 0) throw new NodeOperationError(ctx.getNode(), 'Give at least one channel ID', { itemIndex });
	const { pushKey } = await webhookSecrets(ctx);
	if (!pushKey)
		throw new NodeOperationError(ctx.getNode(), 'Set the Push Key in the webhook secrets credential (the same credential the trigger uses)', { itemIndex });
	const out: INodeExecutionData[] = [];
	for (const channelId of ids) {
		const topic = topicFor(channelId);
		const secret = mode === 'subscribe' ? secretFor(pushKey, topic, () => '') : undefined;
		// The trigger registers its URL with each topic's proof; the same URL renews (or ends) that subscription.
		const result = await hubRequest(ctx, { mode, topic, callback: topicCallback(callback, topic, pushKey), secret, pushKey });
		out.push({ json: hubResultJson(result, channelId, withoutProof(callback)), pairedItem: { item: itemIndex } });
	}
	return out;
}

function hubResultJson(r: HubResult, channelId: string, callback: string): IDataObject {
	return { channelId, topic: r.topic, mode: r.mode, callback, hubStatus: r.statusCode, accepted: r.accepted };
}
