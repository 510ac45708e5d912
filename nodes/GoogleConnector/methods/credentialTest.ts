import type { ICredentialTestFunctions, ICredentialsDecrypted, IDataObject, INodeCredentialTestResult } from 'n8n-workflow';
import { ServiceAccountTokenError, mintServiceAccountToken, type FormPoster } from '../../shared/transport';

/** Mints a token with the service account key: proves the key, the delegation and the scopes. */
export async function googleConnectorServiceAccountTest(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	// The credential-test context only offers the legacy request helper.
	const post: FormPoster = async (url, form) => {
		const response = await this.helpers.request({ method: 'POST', uri: url, form, json: true, simple: false, resolveWithFullResponse: true });
		return { statusCode: response.statusCode as number, body: response.body as unknown };
	};
	try {
		await mintServiceAccountToken(post, (credential.data ?? {}) as IDataObject, { force: true });
		return { status: 'OK', message: 'Google issued an access token for this service account' };
	} catch (error) {
		if (error instanceof ServiceAccountTokenError) {
			const { message, description } = error.described;
			return { status: 'Error', message: description ? `${message}. ${description}` : message };
		}
		return { status: 'Error', message: 'Could not reach Google to test the service account' };
	}
}
