// What send and reply share: the sender (send-as aliases), attachments from binary properties, the
// MIME message, the messages.send call (never retried once it may have reached Google) and the output.
import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';
import { GoogleApiError, asNodeError, connectionCredentials, authMethod } from '../../../shared/transport';
import { MimeError, addressesFromInput, buildMimeMessage, headerValueProblem, type BuiltMime, type MailAddress, type MimeAttachment, type MimeInput } from '../../../shared/gmail/mime';
import { gmailProfile, gmailSendAs, gmailSendRaw, type GmailSendResult } from '../../../shared/transport/gmail';
import { userInfo } from '../../../shared/transport/identity';

export interface SendAsAlias {
	sendAsEmail: string;
	displayName?: string;
	isPrimary?: boolean;
	verificationStatus?: string;
}

export const fromProperty: INodeProperties = {
	displayName: 'From Name or ID',
	name: 'from',
	type: 'options',
	typeOptions: { loadOptionsMethod: 'getGmailSendAs' },
	default: '',
	description:
		'A send-as alias of the mailbox; the primary address by default. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
};

export const bodyProperties: INodeProperties[] = [
	{
		displayName: 'Text',
		name: 'text',
		type: 'string',
		typeOptions: { rows: 5 },
		default: '',
		description: 'Plain-text body. With HTML too, both are sent as multipart/alternative.',
	},
	{
		displayName: 'HTML',
		name: 'html',
		type: 'string',
		typeOptions: { rows: 5 },
		default: '',
		description: 'HTML body. With Text too, both are sent as multipart/alternative.',
	},
];

/** Reply-To and Sender Name: options of every outgoing message. */
const senderOptions: INodeProperties[] = [
	{ displayName: 'Reply-To', name: 'replyTo', type: 'string', default: '', description: 'Where replies should go, if not to the sender' },
	{ displayName: 'Sender Name', name: 'senderName', type: 'string', default: '', description: "Display name for From; the alias's own name by default" },
];

const attachmentsOption: INodeProperties = {
	displayName: 'Attachments (Binary Properties)',
	name: 'attachments',
	type: 'string',
	default: '',
	placeholder: 'data, invoice',
	description: 'Names of the input binary properties to attach, separated by commas',
};

/**
 * The Options of an outgoing message: attachments, Bcc / Cc (`copies`: "" for Send, "Additional " for
 * Reply, whose Cc starts from the original), Reply-To, Sender Name, then the operation's own options.
 */
export function outgoingOptions(copies: '' | 'Additional ', own: INodeProperties[]): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [
			attachmentsOption,
			{ displayName: `${copies}BCC`, name: 'bcc', type: 'string', default: '', description: 'Blind-copy recipients, separated by commas' },
			{ displayName: `${copies}CC`, name: 'cc', type: 'string', default: '', description: copies ? 'More copy recipients, separated by commas' : 'Copy recipients, separated by commas' },
			...senderOptions,
			...own,
		],
	};
}

/** The mailbox's send-as aliases, read once per node run; undefined when the connection may not read them. */
const aliasCache = new WeakMap<object, Promise<SendAsAlias[] | undefined>>();

export async function sendAsAliases(ctx: IExecuteFunctions): Promise<SendAsAlias[] | undefined> {
	let pending = aliasCache.get(ctx);
	if (!pending) {
		pending = (async () => {
			try {
				const sendAs = (await gmailSendAs(ctx)) as SendAsAlias[];
				// Gmail sends only from verified aliases (it rewrites any other From to the primary address).
				return sendAs.filter((a) => !a.verificationStatus || a.verificationStatus === 'accepted');
			} catch (error) {
				// A send-only connection cannot list aliases; the sender then comes from elsewhere.
				if (error instanceof GoogleApiError && (error.google.kind === 'scope' || error.google.kind === 'permission')) return undefined;
				throw asNodeError(ctx.getNode(), error);
			}
		})();
		aliasCache.set(ctx, pending);
	}
	return await pending;
}

export interface Sender {
	from: MailAddress;
	/** The account's own addresses (primary and aliases), left out of reply-all. */
	self: string[];
}

/** The From address: the chosen alias, else the primary send-as address, else the impersonated user. */
export async function resolveSender(ctx: IExecuteFunctions, itemIndex: number, chosen: string, senderName: string): Promise<Sender> {
	const aliases = await sendAsAliases(ctx);
	const self = (aliases ?? []).map((a) => a.sendAsEmail.toLowerCase());
	const wanted = chosen.trim();
	const problem = headerValueProblem(wanted);
	if (problem) throw new NodeOperationError(ctx.getNode(), `Invalid "From": ${problem}`, { itemIndex, description: 'Nothing was sent. Field: From.' });
	let from: MailAddress | undefined;
	if (wanted) {
		const parsed = addressesFromInput(wanted)[0];
		if (!parsed) throw new NodeOperationError(ctx.getNode(), `"${wanted}" is not an email address`, { itemIndex });
		const alias = aliases?.find((a) => a.sendAsEmail.toLowerCase() === parsed.email.toLowerCase());
		if (aliases && !alias)
			throw new NodeOperationError(ctx.getNode(), `"${parsed.email}" is not a send-as alias of this mailbox`, {
				itemIndex,
				description: `Gmail would replace it with the primary address. Aliases: ${aliases.map((a) => a.sendAsEmail).join(', ')}`,
			});
		from = { name: parsed.name || alias?.displayName || '', email: alias?.sendAsEmail ?? parsed.email };
	} else if (aliases?.length) {
		const primary = aliases.find((a) => a.isPrimary) ?? aliases[0];
		from = { name: primary.displayName ?? '', email: primary.sendAsEmail };
	} else if (authMethod(ctx) === 'serviceAccount') {
		const credentials = await connectionCredentials(ctx);
		const user = String(credentials.impersonateUser ?? '').trim();
		if (user) from = { name: '', email: user };
	}
	if (!from) {
		try {
			const profile = await gmailProfile(ctx);
			if (profile.emailAddress) from = { name: '', email: profile.emailAddress };
		} catch (error) {
			if (!(error instanceof GoogleApiError && error.google.kind === 'scope')) throw asNodeError(ctx.getNode(), error);
		}
	}
	if (!from) {
		try {
			const me = await userInfo<{ email?: string; name?: string }>(ctx);
			if (me.email) from = { name: me.name ?? '', email: me.email };
		} catch (error) {
			if (!(error instanceof GoogleApiError && (error.google.kind === 'scope' || error.google.kind === 'permission'))) throw asNodeError(ctx.getNode(), error);
		}
	}
	if (!from)
		throw new NodeOperationError(ctx.getNode(), 'Could not tell which address to send from', {
			itemIndex,
			description: 'Set "From" to the sending address, or switch on the Gmail read surface on the credential so the send-as aliases can be read.',
		});
	if (senderName) from = { ...from, name: senderName };
	if (!self.includes(from.email.toLowerCase())) self.push(from.email.toLowerCase());
	return { from, self };
}

/** Attachments from the item's binary properties, named by a comma-separated list. */
export async function binaryAttachments(ctx: IExecuteFunctions, itemIndex: number, names: string): Promise<MimeAttachment[]> {
	const out: MimeAttachment[] = [];
	for (const name of names.split(',').map((n) => n.trim()).filter(Boolean)) {
		const meta = ctx.helpers.assertBinaryData(itemIndex, name);
		const content = await ctx.helpers.getBinaryDataBuffer(itemIndex, name);
		out.push({ filename: meta.fileName ?? `${name}${meta.fileExtension ? `.${meta.fileExtension}` : ''}`, contentType: meta.mimeType, content });
	}
	return out;
}

/** Builds the MIME message; a refused input (header injection, bad address, too large) stops here, before any call. */
export function buildOrExplain(ctx: IExecuteFunctions, itemIndex: number, input: MimeInput): BuiltMime {
	try {
		return buildMimeMessage(input);
	} catch (error) {
		if (error instanceof MimeError)
			throw new NodeOperationError(ctx.getNode(), error.message, {
				itemIndex,
				description: `Nothing was sent. Field: ${error.field}.`,
			});
		throw new NodeOperationError(ctx.getNode(), (error as Error).message, { itemIndex });
	}
}

/** messages.send (never resent once it may have reached Google; see gmailSendRaw). */
export async function sendMime(ctx: IExecuteFunctions, built: BuiltMime, threadId: string | undefined): Promise<GmailSendResult> {
	return await gmailSendRaw(ctx, built.raw, threadId, built.messageId);
}

function snippetOf(text: string | undefined, html: string | undefined): string {
	const plain = text || (html ?? '').replace(/<style[\s\S]*?<\/style>|<script[\s\S]*?<\/script>/gi, ' ').replace(/<[^>]*>/g, ' ');
	return plain.replace(/\s+/g, ' ').trim().slice(0, 200);
}

/** The node's output for a sent message, with the CRM activity (design.md contract, direction outbound). */
export function sentOutput(built: BuiltMime, result: GmailSendResult, input: { text?: string; html?: string }, itemIndex: number, extra: IDataObject = {}): INodeExecutionData {
	const participants = [...new Set([built.from, ...built.to, ...built.cc, ...built.bcc].map((a) => a.email.toLowerCase()))];
	const occurredAt = new Date().toISOString();
	const activity: IDataObject = {
		type: 'email',
		direction: 'outbound',
		account: built.from.email,
		messageId: result.id,
		threadId: result.threadId,
		rfc822MessageId: built.messageId,
		subject: built.subject,
		snippet: snippetOf(input.text, input.html),
		from: { ...built.from },
		to: built.to.map((a) => ({ ...a })),
		cc: built.cc.map((a) => ({ ...a })),
		participants,
		matchedContacts: [],
		labels: result.labelIds ?? ['SENT'],
		occurredAt,
		isNewThread: result.id === result.threadId,
	};
	if (input.text) activity.text = input.text;
	if (input.html) activity.html = input.html;
	return {
		json: {
			id: result.id,
			threadId: result.threadId,
			labelIds: result.labelIds ?? [],
			rfc822MessageId: built.messageId,
			from: { ...built.from },
			to: built.to.map((a) => ({ ...a })),
			cc: built.cc.map((a) => ({ ...a })),
			bcc: built.bcc.map((a) => ({ ...a })),
			subject: built.subject,
			sizeBytes: built.size,
			...extra,
			activity,
		},
		pairedItem: { item: itemIndex },
	};
}
