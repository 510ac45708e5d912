// Talks to YouTube's WebSub hub (unauthenticated form POSTs, through the one transport). Used by the
// trigger's lifecycle and by the Google Connector node's YouTube push operations.
import { googleApiRequestFull, type GoogleContext } from './index';
import { noteIntent } from '../webhook/hubIntents';
import { CALLBACK_PROOF_PARAM, HUB_URL, hubForm, type HubMode } from '../webhook/websub';

export interface HubResult {
	mode: HubMode;
	topic: string;
	statusCode: number;
	accepted: boolean;
}

/** One subscribe or unsubscribe request. Throws GoogleApiError when the hub refuses it. */
export async function hubRequest(
	ctx: GoogleContext,
	opts: { mode: HubMode; topic: string; callback: string; secret?: string; pushKey?: string; leaseSeconds?: number; verify?: 'async' | 'sync' },
): Promise<HubResult> {
	const now = Date.now();
	const form = hubForm({ ...opts, nowSeconds: Math.floor(now / 1000) });
	// Before sending: a hub verifying synchronously, or quickly, must find the request waiting.
	noteIntent(opts.mode, opts.topic, opts.callback, now);
	const response = await googleApiRequestFull.call(ctx, {
		method: 'POST',
		url: HUB_URL,
		surface: 'youtubeRead',
		service: 'YouTube push hub',
		form,
		unauthenticated: true,
		text: true,
		// Subscribing twice is harmless (the hub keeps one subscription per callback and topic).
		idempotent: true,
		maxRetries: 2,
		secrets: [opts.secret, form['hub.verify_token'], opts.pushKey, proofOf(opts.callback)],
	});
	return { mode: opts.mode, topic: opts.topic, statusCode: response.statusCode, accepted: response.statusCode >= 200 && response.statusCode < 300 };
}

function proofOf(callback: string): string | undefined {
	return URL.canParse(callback) ? (new URL(callback).searchParams.get(CALLBACK_PROOF_PARAM) ?? undefined) : undefined;
}
