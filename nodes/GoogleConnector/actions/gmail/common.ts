// Helpers the Gmail operations share: the API base, the user id and output shaping.
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { googleApiRequest } from '../../../shared/transport';
import type { Surface } from '../../../shared/auth/scopes';

export const GMAIL_API = 'https://gmail.googleapis.com/gmail/v1/users/me';

/** A GET on the Gmail API with the quota cost of the method (so calls are paced to the per-user rate). */
export async function gmailGet<T = IDataObject>(
	ctx: IExecuteFunctions,
	path: string,
	units: number,
	qs?: IDataObject,
	surface: Surface = 'gmailRead',
): Promise<T> {
	return await (googleApiRequest<T>).call(ctx, {
		method: 'GET',
		url: `${GMAIL_API}${path}`,
		qs,
		surface,
		gmailUnits: units,
		service: 'Gmail',
	});
}

/** Lists every page of a Gmail list call, or stops at `limit` entries. */
export async function gmailListAll(
	ctx: IExecuteFunctions,
	path: string,
	key: string,
	units: number,
	qs: IDataObject,
	limit: number | undefined,
): Promise<IDataObject[]> {
	const out: IDataObject[] = [];
	let pageToken: string | undefined;
	do {
		const remaining = limit === undefined ? 500 : Math.min(500, limit - out.length);
		const page = await gmailGet(ctx, path, units, { ...qs, maxResults: remaining, ...(pageToken ? { pageToken } : {}) });
		out.push(...(((page[key] as IDataObject[] | undefined) ?? [])));
		pageToken = page.nextPageToken as string | undefined;
	} while (pageToken && (limit === undefined || out.length < limit));
	return limit === undefined ? out : out.slice(0, limit);
}

export function splitList(value: unknown): string[] {
	if (Array.isArray(value)) return value.flatMap(splitList);
	if (typeof value !== 'string') return [];
	return value
		.split(',')
		.map((v) => v.trim())
		.filter(Boolean);
}
