// Dropdowns loaded from the connected account. Each surface adds its own loader here. A list that would
// open empty throws instead: n8n shows a loader's error on the field, so the user reads why.
import { NodeOperationError, type IDataObject, type ILoadOptionsFunctions, type INodePropertyOptions } from 'n8n-workflow';
import { gmailLabels, gmailSendAs } from '../transport/gmail';
import { getChannels } from '../transport/youtube';

/** Gmail labels of the connected mailbox: system labels first, then user labels by name. */
export async function getGmailLabels(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const labels = (await gmailLabels(this)) as IDataObject[];
	const rank = (l: IDataObject) => (l.type === 'system' ? 0 : 1);
	return labels
		.slice()
		.sort((a, b) => rank(a) - rank(b) || String(a.name).localeCompare(String(b.name)))
		.map((l) => ({ name: String(l.name ?? l.id), value: String(l.id), description: l.type === 'system' ? 'System label' : undefined }));
}

/** Send-as aliases of the connected mailbox (settings.sendAs.list): the primary address first. */
export async function getGmailSendAs(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const aliases = ((await gmailSendAs(this)) as IDataObject[]).filter((a) => !a.verificationStatus || a.verificationStatus === 'accepted');
	aliases.sort((a, b) => Number(b.isPrimary === true) - Number(a.isPrimary === true) || String(a.sendAsEmail).localeCompare(String(b.sendAsEmail)));
	return [
		{ name: 'Primary Address (Default)', value: '', description: "The mailbox's own address" },
		...aliases.map((a) => ({
			name: a.displayName ? `${String(a.displayName)} <${String(a.sendAsEmail)}>` : String(a.sendAsEmail),
			value: String(a.sendAsEmail),
			description: a.isPrimary ? 'Primary address' : a.isDefault ? 'Default alias' : undefined,
		})),
	];
}

/** YouTube channels: the connected account's own channel(s) (channels?mine=true, 1 quota unit). */
export async function getYouTubeChannels(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const channels = await getChannels(this, { by: 'mine' }, 'snippet', 50);
	if (!channels.length)
		throw new NodeOperationError(this.getNode(), 'The connected Google account has no YouTube channel', {
			description: 'Create one at youtube.com (or connect the Google account that owns it), or give the channel by ID with an expression.',
		});
	return channels.map((c) => ({
		name: c.snippet?.title ? `${c.snippet.title}${c.snippet.customUrl ? ` (${c.snippet.customUrl})` : ''}` : c.id,
		value: c.id,
	}));
}

export { getAdsCustomers, getAdsConversionActions } from './adsLoadOptions';
export { getAdsLanguages } from './adsTargeting';
