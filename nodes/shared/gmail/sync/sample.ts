// "Fetch test event" for the Gmail Sync trigger: the newest mail in the synced labels as activities,
// with no cursor involved.
import type { GoogleContext } from '../../transport/types';
import { gmailLabelNames, gmailProfile } from '../../transport/gmail';
import { toActivity, type CrmEmailActivity } from '../activity';
import { excludedLabel, mergeListings } from './cursor';
import type { GmailSyncOptions } from './engine';
import { fetchInOrder, isFailure, listIds } from './fetch';

/** Recent mail for "Fetch test event": the newest messages in the synced labels; no cursor involved. */
export async function sampleRecentMail(ctx: GoogleContext, opts: GmailSyncOptions, count = 5): Promise<CrmEmailActivity[]> {
	const stats = { listPages: 0 };
	const profile = await gmailProfile(ctx);
	const listings = await listIds(ctx, opts.labelIds, '', stats, Math.max(count * 4, 20));
	const ids = mergeListings(listings, new Set()).reverse();
	const labelNames = await gmailLabelNames(ctx);
	const out: CrmEmailActivity[] = [];
	for (let i = 0; i < ids.length && out.length < count; i += 10) {
		const outcome = await fetchInOrder(ctx, ids.slice(i, i + 10), { ...opts, deadline: undefined });
		if (outcome.error) throw outcome.error;
		for (const m of outcome.results) {
			if (!m || isFailure(m) || excludedLabel(m.labelIds) || out.length >= count) continue;
			const a = toActivity(m, { account: profile.emailAddress, labelNames, contacts: opts.contacts, direction: opts.direction, includeBodies: opts.includeBodies });
			if (a) out.push(a);
		}
	}
	return out;
}
