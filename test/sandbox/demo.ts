// The demo account behind `npm start -- --sandbox`: what a new user finds when they try every node
// without a Google account. It only uses the sandbox's own APIs (mailboxes, labels, channels,
// campaigns, metrics), so the demo is the same Google the tests talk to.
//   - Gmail: mail in the inbox and in a "Clients" label, a sent thread nobody answered, a send-as alias.
//   - YouTube: the rep's own channel with videos, comments and replies.
//   - Google Ads: campaigns with daily metrics for the last 30 days on the account the examples use,
//     its conversion actions, reached through the manager account; the developer token it accepts.
import type { Sandbox } from './index';
import type { AdsCampaign, AdsBudget } from './ads';

/** A developer token the sandbox accepts (AdsState.developerTokens), at basic access. */
export const DEMO_DEVELOPER_TOKEN = 'sandbox-dev-token';
/** The Ads account of the examples (123-456-7890), reached through the manager 111-222-3333. */
export const DEMO_CUSTOMER_ID = '1234567890';
export const DEMO_MANAGER_ID = '1112223333';
export const DEMO_CHANNEL_ID = 'UCacmeCrmDemoChannel0001';

export interface DemoAccount {
	email: string;
	clientsLabelId: string;
	channelId: string;
	videoIds: string[];
	/** Top-level comment threads on the channel (ids). */
	threadIds: string[];
	customerId: string;
	managerId: string;
	campaignIds: string[];
	conversionActionIds: string[];
	/** One line: what the demo holds. */
	summary: string;
}

const DAY = 86_400_000;

function isoDate(ms: number): string {
	return new Date(ms).toISOString().slice(0, 10);
}

function seedGmail(sandbox: Sandbox, now: number): { clientsLabelId: string; inbox: number; clients: number } {
	const gmail = sandbox.gmail;
	const email = sandbox.oauth.defaultUser.email;
	const box = gmail.mailbox(email);
	box.sendAs.push({ sendAsEmail: 'sales@acme-crm.test', displayName: 'Acme Sales', replyToAddress: 'sales@acme-crm.test', verificationStatus: 'accepted' });
	const clients = gmail.label('Clients', email);
	gmail.label('Newsletters', email);
	const clientMail = [
		{ from: 'Dana Whitfield <dana@northwind.test>', subject: 'Renewal quote for 2027', text: 'Hi Riley, could you send the renewal quote for next year? We would like to add ten seats.', hoursAgo: 30 },
		{ from: 'Marco Bellini <marco@contoso.test>', subject: 'Onboarding call next week', text: 'Tuesday at 10:00 works for us. Can you share the agenda beforehand?', hoursAgo: 20 },
		{ from: 'Priya Natarajan <priya@fabrikam.test>', subject: 'Invoice 2026-114', text: 'Thanks, the invoice is approved and will be paid this week.', hoursAgo: 6 },
	];
	for (const m of clientMail) {
		gmail.insertMessage({ account: email, from: m.from, to: `Riley Rep <${email}>`, subject: m.subject, text: m.text, labelIds: ['INBOX', 'UNREAD', clients.id], internalDate: now - m.hoursAgo * 3_600_000 });
	}
	gmail.insertMessage({ account: email, from: 'Acme IT <it@acme-crm.test>', to: email, subject: 'Password policy update', text: 'From next month passwords need 14 characters.', labelIds: ['INBOX'], internalDate: now - 50 * 3_600_000 });
	gmail.insertMessage({ account: email, from: 'Events <news@saas-weekly.test>', to: email, subject: 'This week in SaaS', text: 'Five ways to shorten your sales cycle.', labelIds: ['INBOX', 'UNREAD', 'CATEGORY_PROMOTIONS'], internalDate: now - 3 * 3_600_000 });
	// A proposal the rep sent five days ago that nobody answered: what the follow-up example finds.
	gmail.insertMessage({
		account: email,
		from: `Riley Rep <${email}>`,
		to: 'Lee Chen <lee@tailspin.test>',
		subject: 'Proposal: Acme CRM for Tailspin',
		text: 'Hi Lee, attached is the proposal we discussed. Happy to walk you through it.',
		labelIds: ['SENT'],
		internalDate: now - 5 * DAY,
	});
	return { clientsLabelId: clients.id, inbox: clientMail.length + 2, clients: clientMail.length };
}

function seedYouTube(sandbox: Sandbox, now: number): { videoIds: string[]; threadIds: string[]; comments: number; replies: number } {
	const yt = sandbox.youtube;
	const email = sandbox.oauth.defaultUser.email;
	yt.addChannel({ id: DEMO_CHANNEL_ID, title: 'Acme CRM', handle: '@acmecrm', ownerEmail: email, subscriberCount: 4200 });
	const at = (hoursAgo: number) => new Date(Math.floor((now - hoursAgo * 3_600_000) / 1000) * 1000).toISOString().replace('.000Z', 'Z');
	const videos = [
		yt.addVideo(DEMO_CHANNEL_ID, { id: 'acmeDemoV01', title: 'Acme CRM in 5 minutes', publishedAt: at(24 * 20), viewCount: 15230, likeCount: 640 }),
		yt.addVideo(DEMO_CHANNEL_ID, { id: 'acmeDemoV02', title: 'Importing contacts from a spreadsheet', publishedAt: at(24 * 9), viewCount: 3120, likeCount: 88 }),
		yt.addVideo(DEMO_CHANNEL_ID, { id: 'acmeDemoV03', title: 'Pipeline reports that sales managers read', publishedAt: at(48), viewCount: 410, likeCount: 21 }),
	];
	const threads = [
		yt.addComment('acmeDemoV01', { text: 'Does the Gmail sync also log replies I send from my phone?', author: 'Sam Ortega', publishedAt: at(30) }),
		yt.addComment('acmeDemoV01', { text: 'Great overview, thanks!', author: 'Jo Park', publishedAt: at(26) }),
		yt.addComment('acmeDemoV02', { text: 'Which columns does the import expect?', author: 'Dana Whitfield', publishedAt: at(12) }),
		yt.addComment('acmeDemoV03', { text: 'Can the pipeline report be scheduled weekly?', author: 'Marco Bellini', publishedAt: at(2) }),
	];
	yt.addReply(threads[0].id, { text: 'Yes: everything in your Sent folder is synced, from any device.', author: 'Acme CRM', authorChannelId: DEMO_CHANNEL_ID, publishedAt: at(29) });
	yt.addReply(threads[2].id, { text: 'Name, email and company; the rest is optional.', author: 'Acme CRM', authorChannelId: DEMO_CHANNEL_ID, publishedAt: at(11) });
	yt.addReply(threads[2].id, { text: 'Perfect, that worked.', author: 'Dana Whitfield', publishedAt: at(10) });
	return { videoIds: videos.map((v) => v.id), threadIds: threads.map((t) => t.id), comments: threads.length, replies: 3 };
}

function seedAds(sandbox: Sandbox, now: number): { campaignIds: string[]; conversionActionIds: string[] } {
	const ads = sandbox.ads;
	ads.developerTokens.set(DEMO_DEVELOPER_TOKEN, 'basic');
	const campaigns: Array<{ id: string; name: string; status: string; channel: string; budgetMicros: number; scale: number }> = [
		{ id: '20001', name: 'Brand search', status: 'ENABLED', channel: 'SEARCH', budgetMicros: 50_000_000, scale: 1 },
		{ id: '20002', name: 'CRM trial - Performance Max', status: 'ENABLED', channel: 'PERFORMANCE_MAX', budgetMicros: 120_000_000, scale: 3 },
		{ id: '20003', name: 'Retargeting display', status: 'PAUSED', channel: 'DISPLAY', budgetMicros: 20_000_000, scale: 0.5 },
	];
	const start = isoDate(now - 60 * DAY);
	for (const c of campaigns) {
		const budgetName = `customers/${DEMO_CUSTOMER_ID}/campaignBudgets/${c.id}9`;
		const budget: AdsBudget = { id: `${c.id}9`, customerId: DEMO_CUSTOMER_ID, resourceName: budgetName, name: `${c.name} budget`, amountMicros: String(c.budgetMicros), period: 'DAILY', deliveryMethod: 'STANDARD', explicitlyShared: false, status: 'ENABLED' };
		ads.budgets.set(budgetName, budget);
		const campaign: AdsCampaign = {
			id: c.id,
			customerId: DEMO_CUSTOMER_ID,
			resourceName: `customers/${DEMO_CUSTOMER_ID}/campaigns/${c.id}`,
			name: c.name,
			status: c.status,
			advertisingChannelType: c.channel,
			campaignBudget: budgetName,
			biddingStrategyType: c.channel === 'PERFORMANCE_MAX' ? 'MAXIMIZE_CONVERSIONS' : 'MANUAL_CPC',
			...(c.channel === 'PERFORMANCE_MAX' ? { maximizeConversions: {} } : { manualCpc: {} }),
			startDateTime: `${start} 00:00:00`,
			endDateTime: '2037-12-30 23:59:59',
			containsEuPoliticalAdvertising: 'DOES_NOT_CONTAIN_EU_POLITICAL_ADVERTISING',
		};
		ads.campaigns.set(campaign.resourceName, campaign);
		// Daily metrics for the last 30 days (a paused campaign stops 10 days ago): what reports sum.
		for (let d = 1; d <= 30; d++) {
			if (c.status === 'PAUSED' && d < 10) continue;
			const wave = 1 + ((d * 7) % 5) / 10;
			const impressions = Math.round(1200 * c.scale * wave);
			const clicks = Math.round(impressions * 0.045);
			ads.setMetrics(c.id, isoDate(now - d * DAY), { impressions, clicks, costMicros: clicks * 650_000, conversions: Math.round(clicks / 12) });
		}
	}
	const conversionActionIds = [...ads.conversionActions.values()].filter((a) => a.customerId === DEMO_CUSTOMER_ID && a.status === 'ENABLED').map((a) => a.id);
	return { campaignIds: campaigns.map((c) => c.id), conversionActionIds };
}

/** Fills a fresh sandbox with the demo account; returns its ids and a one-line summary. */
export function seedDemo(sandbox: Sandbox, now = Date.now()): DemoAccount {
	const email = sandbox.oauth.defaultUser.email;
	// The demo's n8n listens on plain HTTP on localhost; Google pushes only to HTTPS (the Gmail push example).
	sandbox.pubsub.allowHttpEndpoints = true;
	const gmail = seedGmail(sandbox, now);
	const yt = seedYouTube(sandbox, now);
	const ads = seedAds(sandbox, now);
	const summary =
		`${email}: Gmail ${gmail.inbox} in the inbox (${gmail.clients} in "Clients"), 1 unanswered sent proposal; ` +
		`YouTube channel "Acme CRM" ${yt.videoIds.length} videos, ${yt.comments} comments, ${yt.replies} replies; ` +
		`Google Ads 123-456-7890 (via manager 111-222-3333) ${ads.campaignIds.length} campaigns with 30 days of metrics, ${ads.conversionActionIds.length} conversion actions`;
	return {
		email,
		clientsLabelId: gmail.clientsLabelId,
		channelId: DEMO_CHANNEL_ID,
		videoIds: yt.videoIds,
		threadIds: yt.threadIds,
		customerId: DEMO_CUSTOMER_ID,
		managerId: DEMO_MANAGER_ID,
		campaignIds: ads.campaignIds,
		conversionActionIds: ads.conversionActionIds,
		summary,
	};
}
