// Ads lead form webhook: checked against the lead form key (google_key in the body), one event per lead.
import type { IDataObject, IWebhookFunctions } from 'n8n-workflow';
import { normaliseLead } from '../../shared/webhook/payloads';
import { safeEqual } from '../../shared/webhook/signature';
import { Reply, dedupeKeyOf, nothing, type Delivery, type Outcome } from '../delivery';
import { objectBody, omit } from '../request';

export async function leadForm(this: IWebhookFunctions, delivery: Delivery): Promise<Outcome> {
	const { raw, headers, secrets, dedupe, event } = delivery;
	const body = objectBody(raw, headers);
	const given = typeof body.google_key === 'string' ? body.google_key : '';
	if (!secrets.leadFormKey || !safeEqual(given, secrets.leadFormKey)) {
		this.logger.debug('Google Connector Trigger refused a lead: google_key missing or wrong');
		return nothing(401, { error: 'google_key is missing or wrong' });
	}
	const lead = normaliseLead(body);
	const key = `${lead.formId ?? ''}:${lead.leadId}`;
	if (dedupe.seen('leads', dedupeKeyOf('ads-webhook', key))) return nothing(200, { received: true, duplicate: true });
	return { reply: new Reply(200, { received: true }), events: [event('ads-webhook', key, lead as unknown as IDataObject, omit(body, ['google_key']))] };
}
