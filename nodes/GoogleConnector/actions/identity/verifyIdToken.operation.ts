import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';
import { IdTokenError, idTokenKeyId, verifyIdToken, type IdTokenClaims } from '../../../shared/auth/idToken';
import { googleCerts } from '../../../shared/transport/googleCerts';
import { authMethod, connectionCredentials } from '../../../shared/transport';
import { forOperation } from '../operation';

export const description: INodeProperties[] = forOperation('identity', 'verifyIdToken', [
	{
		displayName: 'ID Token',
		name: 'idToken',
		type: 'string',
		typeOptions: { password: true },
		default: '',
		required: true,
		description: 'The credential a "Sign in with Google" button posted to your storefront or portal',
	},
	{
		displayName: 'Expected Client IDs',
		name: 'audiences',
		type: 'string',
		default: '',
		placeholder: '1234-abc.apps.googleusercontent.com',
		description: "OAuth client IDs the token must be meant for, separated by commas. Empty: the credential's own Client ID.",
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [
			{
				displayName: 'Hosted Domain',
				name: 'hostedDomain',
				type: 'string',
				default: '',
				description: 'Accept only accounts of this Google Workspace domain (the "hd" claim)',
			},
			{
				displayName: 'Clock Skew (Seconds)',
				name: 'clockSkewSeconds',
				type: 'number',
				default: 300,
				description: 'Tolerance for the exp and iat claims',
			},
			{
				displayName: 'Fail on Invalid Token',
				name: 'failOnInvalid',
				type: 'boolean',
				default: false,
				description: 'Whether an invalid token stops the workflow; by default the item says valid: false with the reason',
			},
		],
	},
]);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const token = String(this.getNodeParameter('idToken', itemIndex, '')).trim();
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	let audiences = String(this.getNodeParameter('audiences', itemIndex, ''))
		.split(',')
		.map((a) => a.trim())
		.filter(Boolean);
	if (audiences.length === 0 && authMethod(this) === 'oAuth2') {
		const credentials = await connectionCredentials(this);
		if (credentials.clientId) audiences = [String(credentials.clientId)];
	}
	if (!token) throw new NodeOperationError(this.getNode(), 'The "ID Token" field is empty', { itemIndex });
	if (audiences.length === 0)
		throw new NodeOperationError(this.getNode(), 'Set "Expected Client IDs": the client ID(s) the token must be issued for', { itemIndex });

	const jwks = await googleCerts.call(this, idTokenKeyId(token));
	let claims: IdTokenClaims;
	try {
		claims = verifyIdToken(token, jwks, {
			audiences,
			clockSkewSeconds: options.clockSkewSeconds as number | undefined,
			hostedDomain: (options.hostedDomain as string) || undefined,
		});
	} catch (error) {
		const reason = error instanceof IdTokenError ? error.reason : 'malformed';
		const message = error instanceof IdTokenError ? error.message : 'The ID token could not be read';
		if (options.failOnInvalid) throw new NodeOperationError(this.getNode(), `Invalid ID token: ${message}`, { itemIndex, description: `Reason: ${reason}` });
		return [{ json: { valid: false, reason, message }, pairedItem: { item: itemIndex } }];
	}
	return [
			{
				json: {
					valid: true,
					sub: claims.sub,
					email: claims.email ?? null,
					emailVerified: claims.email_verified === true || (claims.email_verified as unknown) === 'true',
					name: claims.name ?? null,
					picture: claims.picture ?? null,
					hostedDomain: claims.hd ?? null,
					audience: claims.aud,
					issuedAt: new Date(claims.iat * 1000).toISOString(),
					expiresAt: new Date(claims.exp * 1000).toISOString(),
					claims: claims as IDataObject,
				},
			pairedItem: { item: itemIndex },
		},
	];
}
