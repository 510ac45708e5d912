// Publishing a Gmail-shaped notification to the trigger's own topic: a continuation when a push left
// mail for later, a catch-up when the tick sees history the pushes did not bring. Pub/Sub pushes it
// back to the webhook, the only writer of the cursor. A failed publish is not fatal: the tick tries
// again within one interval.
import type { IWebhookFunctions, IPollFunctions } from 'n8n-workflow';
import { redactSecrets } from '../shared/errors/redact';
import { notificationText, type GmailNotification } from '../shared/gmail/push/envelope';
import type { PushMirror } from '../shared/gmail/push/mirror';
import { pubsubPublish } from '../shared/transport/pubsub';
import type { PushSettings } from './setupProperties';

type Ctx = IWebhookFunctions | IPollFunctions;

/** Logs a warning once per process and trigger (a misconfiguration must not flood the log). */
export function warnOnce(ctx: Ctx, mirror: PushMirror, key: string, message: string): void {
	if (mirror.warned.has(key)) {
		ctx.logger.debug(message);
		return;
	}
	if (mirror.warned.size > 100) mirror.warned.clear();
	mirror.warned.add(key);
	ctx.logger.warn(message);
}

/** Publishes; true when Pub/Sub took it. */
export async function publishNotification(ctx: Ctx, mirror: PushMirror, settings: PushSettings, notification: GmailNotification, origin: 'continuation' | 'catch-up'): Promise<boolean> {
	try {
		// A repeat after a lost answer is harmless: the push path compares it with the cursor.
		await pubsubPublish(ctx, settings.topic.name, [{ data: notificationText(notification), attributes: { origin } }], { idempotent: true });
		return true;
	} catch (error) {
		const reason = redactSecrets(String((error as Error)?.message ?? error));
		warnOnce(
			ctx,
			mirror,
			`publish:${origin}`,
			`Gmail push: could not publish a ${origin} message to ${settings.topic.name} (${reason}); ${
				origin === 'catch-up' ? 'mail whose notification Gmail dropped waits for the next notification' : 'the rest is read by the next push (the tick publishes one within an interval)'
			}`,
		);
		return false;
	}
}
