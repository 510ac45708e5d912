// Ads conversion callback: GET query or POST JSON/form (or a Pub/Sub push), from a checked sender.
import type { IDataObject, IWebhookFunctions } from 'n8n-workflow';
import { conversionKey, normaliseConversion } from '../../shared/webhook/payloads';
import { Reply, dedupeKeyOf, nothing, type Delivery, type Outcome } from '../delivery';
import { objectBody, omit, unwrapPubSub } from '../request';
import { checkSender } from '../senderCheck';

export async function conversionCallback(this: IWebhookFunctions, delivery: Delivery): Promise<Outcome> {
	const { method, query, raw, headers, receivedAt, dedupe, event } = delivery;
	const refused = await checkSender.call(this, delivery);
	if (refused) return nothing(401, { error: refused });
	const input = method === 'GET' ? omit(query, ['action', 'orgid', 'token']) : unwrapPubSub(objectBody(raw, headers)).payload;
	const conversion = normaliseConversion(input, receivedAt);
	const key = conversionKey(conversion, receivedAt);
	if (dedupe.seen('conversions', dedupeKeyOf('ads-conversion-callback', key))) return nothing(200, { received: true, duplicate: true });
	return { reply: new Reply(200, { received: true }), events: [event('ads-conversion-callback', key, conversion as unknown as IDataObject, omit(input, ['token']))] };
}
