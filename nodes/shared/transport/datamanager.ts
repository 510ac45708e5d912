// Google Data Manager calls (conversion events): scope datamanager, no developer token.
import type { IDataObject } from 'n8n-workflow';
import { googleApiRequest } from './index';
import type { GoogleContext } from './types';

export const DATA_MANAGER_INGEST_URL = 'https://datamanager.googleapis.com/v1/events:ingest';

/** events:ingest. Not idempotent: never resent after it may have reached Google. */
export async function dataManagerIngest(ctx: GoogleContext, body: IDataObject): Promise<IDataObject> {
	return await (googleApiRequest<IDataObject>).call(ctx, {
		method: 'POST',
		url: DATA_MANAGER_INGEST_URL,
		surface: 'adsConversions',
		service: 'Google Data Manager',
		body,
		idempotent: false,
	});
}
