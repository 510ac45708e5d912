// PLACEHOLDER until helper "pushsetup" lands the real set-up, teardown and renewal (same names, see
// BRIEFING-13): nothing is created, so push works only with a topic, subscription and watch made by hand.
import type { IHookFunctions, IPollFunctions } from 'n8n-workflow';

export const pushWebhookMethods = {
	async checkExists(this: IHookFunctions): Promise<boolean> {
		return false;
	},
	async create(this: IHookFunctions): Promise<boolean> {
		return true;
	},
	async delete(this: IHookFunctions): Promise<boolean> {
		return true;
	},
};

export async function maintainPush(ctx: IPollFunctions): Promise<void> {
	ctx.logger.debug('Gmail push: set-up and renewal are not built yet (placeholder)');
}
