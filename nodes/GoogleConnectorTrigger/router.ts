// The trigger's request handling: route by ?action=, check the org, the method and the size, read the
// body once, then hand the delivery to the action's handler (actions/) and answer.
import type { IDataObject, INodeExecutionData, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';
import { cachedWebhookSecrets } from '../shared/webhook/credential';
import { DEFAULT_DEDUPE_MAX, Deduper } from '../shared/webhook/dedupe';
import { PayloadError } from '../shared/webhook/payloads';
import { safeEqual } from '../shared/webhook/signature';
import { XmlError } from '../shared/webhook/xml';
import { conversionCallback } from './actions/conversionCallback';
import { hubVerification } from './actions/hubVerification';
import { leadForm } from './actions/leadForm';
import { performanceAlert } from './actions/performanceAlert';
import { youtubePush } from './actions/youtubePush';
import { ACTIONS, Reply, dedupeKeyOf, nothing, prepareReply, send, type Action, type Delivery, type Outcome, type TriggerOptions, type TriggerState } from './delivery';
import { header, queryValue } from './request';
import { readBody, type ReadableRequest } from '../shared/webhook/requestBody';

const HANDLERS: Record<Action, (this: IWebhookFunctions, delivery: Delivery) => Promise<Outcome>> = {
	'youtube-verify': hubVerification,
	'youtube-webhook': youtubePush,
	'ads-webhook': leadForm,
	'ads-conversion-callback': conversionCallback,
	'ads-performance-alert': performanceAlert,
};

const ALLOWED_METHODS: Record<Action, string[]> = {
	'youtube-verify': ['GET'],
	'youtube-webhook': ['POST'],
	'ads-webhook': ['POST'],
	'ads-conversion-callback': ['GET', 'POST'],
	'ads-performance-alert': ['POST'],
};

export async function handleWebhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	let reply: Reply;
	let events: IDataObject[] = [];
	let dedupe: Deduper | undefined;
	try {
		({ reply, events, dedupe } = await route.call(this));
	} catch (error) {
		// An unexpected failure (e.g. Google's certificates unreachable): answer, start nothing.
		this.logger.warn(`Google Connector Trigger could not handle a request: ${(error as Error).message}`);
		reply = new Reply(503, { error: 'The request could not be processed now; try again later' });
		events = [];
	}
	if (events.length === 0) {
		send(this, reply);
		return { noWebhookResponse: true };
	}
	// A delivery that starts a run is answered by n8n once it has stored the execution (and then the
	// dedupe memory): a crash before that leaves Google without a 2xx, so it sends again; nothing is
	// acknowledged that n8n could lose. Every such reply is a 200 (n8n's default responseCode).
	prepareReply(this, reply);
	const res = this.getResponseObject();
	res.once('finish', () => {
		if (res.statusCode >= 500) dedupe?.forgetAdded();
	});
	const items: INodeExecutionData[] = events.map((json) => ({ json }));
	return { workflowData: [items], webhookResponse: reply.body };
}

async function route(this: IWebhookFunctions): Promise<Outcome & { dedupe?: Deduper }> {
	const req = this.getRequestObject();
	const method = String(req.method ?? 'GET').toUpperCase();
	const query = (this.getQueryData() ?? {}) as IDataObject;
	const headers = req.headers as Delivery['headers'];
	const enabled = this.getNodeParameter('actions', []) as string[];
	const orgId = String(this.getNodeParameter('orgId', '') ?? '').trim();
	const options = this.getNodeParameter('settings', {}) as TriggerOptions;
	const startedAt = Date.now();
	const receivedAt = new Date(startedAt).toISOString();

	const action = queryValue(query, 'action');
	const isHubVerification = method === 'GET' && queryValue(query, 'hub.mode') !== undefined;
	const effective: string | undefined = isHubVerification && (action === 'youtube-webhook' || action === 'youtube-verify') ? 'youtube-verify' : action;
	if (!effective || !(ACTIONS as readonly string[]).includes(effective))
		return nothing(400, { error: action ? `Unknown action "${action.slice(0, 64)}"` : 'The "action" query parameter is missing', validActions: [...ACTIONS] });
	if (orgId) {
		const given = queryValue(query, 'orgid') ?? '';
		if (!safeEqual(given, orgId)) return nothing(404, { error: 'Unknown organisation' });
	}
	const youtubeOn = enabled.includes('youtube-webhook') || enabled.includes('youtube-verify');
	if (effective === 'youtube-verify' ? !youtubeOn : !enabled.includes(effective))
		return nothing(404, { error: `The action "${effective}" is not enabled on this trigger` });

	const allowed = ALLOWED_METHODS[effective as Action];
	if (!allowed.includes(method)) return nothing(405, { error: `${method} is not allowed for ${effective}; use ${allowed.join(' or ')}` });

	const maxBytes = Math.max(1, Number(options.maxBodyKb ?? 256)) * 1024;
	const declared = Number(header(headers, 'content-length') ?? 0);
	if (declared > maxBytes) return nothing(413, { error: `The body is larger than ${maxBytes} bytes` });
	const read = await readBody(req as unknown as ReadableRequest, maxBytes);
	if (!read.ok) return nothing(read.status, { error: read.error });
	const raw = read.body;

	const state = this.getWorkflowStaticData('node') as TriggerState;
	const secrets = await cachedWebhookSecrets(this);
	const dedupeMax = Math.max(100, Math.min(100_000, Number(options.dedupeSize ?? DEFAULT_DEDUPE_MAX) || DEFAULT_DEDUPE_MAX));
	const dedupe = new Deduper(state, `${this.getWorkflow().id ?? ''}|${this.getNode().name}`, dedupeMax, startedAt);
	const event: Delivery['event'] = (a, key, data, rawValue) => ({
		action: a,
		...(orgId ? { orgId } : {}),
		receivedAt,
		verified: true,
		dedupeKey: dedupeKeyOf(a, key),
		data,
		...(options.includeRaw && rawValue !== undefined ? { raw: rawValue as IDataObject } : {}),
	});

	try {
		const delivery: Delivery = { method, query, headers, raw, enabled, orgId, options, receivedAt, state, secrets, dedupe, event };
		return { ...(await HANDLERS[effective as Action].call(this, delivery)), dedupe };
	} catch (error) {
		if (error instanceof PayloadError || error instanceof XmlError) return nothing(400, { error: error.message });
		this.logger.warn(`Google Connector Trigger could not handle a ${effective} request: ${(error as Error).message}`);
		return nothing(503, { error: 'The request could not be processed now; try again later' });
	}
}
