// The poll: the trigger's tick. It keeps push alive (pushsetup's maintainPush: renew the watch when
// due, check the subscription, throw a clear error when push has stopped) and catches up dropped
// notifications: when Gmail's history is past every cursor this process knows, it publishes one
// notification to the topic so the push path, the one writer of the cursor, reads the rest. It never
// writes static data (n8n would save its stale copy over the cursor).
import type { IPollFunctions } from 'n8n-workflow';
import { compareHistoryIds } from '../shared/gmail/push/historyOrder';
import { newestCursor, pushMirror } from '../shared/gmail/push/mirror';
import { gmailProfile } from '../shared/transport/gmail';
import { maintainPush } from './lifecycle';
import { publishNotification } from './publish';
import { CURSOR_KEY } from './push';
import { readPushSettings } from './setupProperties';

/** Trigger mode: keep push alive, then catch up. Always null (the push path emits). */
export async function tick(ctx: IPollFunctions): Promise<null> {
	await maintainPush(ctx);
	const settings = readPushSettings((name, fallback) => ctx.getNodeParameter(name, fallback));
	const mirror = pushMirror(`${ctx.getWorkflow().id ?? ''}:${ctx.getNode().id}`);
	const profile = await gmailProfile(ctx);
	const known = newestCursor(ctx.getWorkflowStaticData('node')[CURSOR_KEY], mirror.cursor);
	const behind = compareHistoryIds(profile.historyId, known?.historyId) > 0 || !!known?.pending?.length;
	if (!behind || compareHistoryIds(profile.historyId, mirror.republished) <= 0) return null;
	const published = await publishNotification(ctx, mirror, settings, { emailAddress: profile.emailAddress, historyId: profile.historyId }, 'catch-up');
	if (published) mirror.republished = profile.historyId;
	return null;
}
