// Ads performance alert: POST JSON (or a Pub/Sub push) from a checked sender.
import type { IDataObject, IWebhookFunctions } from 'n8n-workflow';
import { alertKey, normalisePerformanceAlert, parseJsonObject } from '../../shared/webhook/payloads';
import { Reply, dedupeKeyOf, nothing, type Delivery, type Outcome } from '../delivery';
import { bodyText, unwrapPubSub } from '../request';
import { checkSender } from '../senderCheck';

export async function performanceAlert(this: IWebhookFunctions, delivery: Delivery): Promise<Outcome> {
	const { raw, receivedAt, dedupe, event } = delivery;
	const refused = await checkSender.call(this, delivery);
	if (refused) return nothing(401, { error: refused });
	const { payload: input, messageId } = unwrapPubSub(parseJsonObject(bodyText(raw)) as IDataObject);
	const alert = normalisePerformanceAlert(input, receivedAt);
	const key = alertKey(alert, receivedAt, messageId);
	if (dedupe.seen('alerts', dedupeKeyOf('ads-performance-alert', key))) return nothing(200, { received: true, duplicate: true });
	return { reply: new Reply(200, { received: true }), events: [event('ads-performance-alert', key, alert as unknown as IDataObject, input)] };
}
