// Test credentials store: an ICredentialsHelper that behaves like n8n's own (packages/cli
// credentials-helper.ts) minus the database: parent types from `extends`, property defaults and
// expressions (`={{ $self.… }}`) applied on getDecrypted, generic/function authenticate,
// preAuthentication, and token data written back on refresh so tests can assert it was persisted.
import { Credentials, getAdditionalKeys } from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	ICredentialsExpressionResolveValues,
	ICredentialType,
	IExecuteData,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INode,
	INodeCredentialsDetails,
	INodeParameters,
	INodeProperties,
	INodeType,
	INodeTypes,
	IRequestOptionsSimplified,
	IVersionedNodeType,
	IWorkflowDataProxyAdditionalKeys,
	IWorkflowExecuteAdditionalData,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { ICredentialsHelper, NodeHelpers, UnexpectedError, Workflow, isExpression } from 'n8n-workflow';

/**
 * n8n's generic `oAuth2Api` credential type (packages/nodes-base/credentials/OAuth2Api.credentials.ts),
 * which every OAuth2 credential extends. n8n-nodes-base is not installed here, so the harness carries
 * the properties n8n-core's OAuth2 code reads.
 */
export class OAuth2Api implements ICredentialType {
	name = 'oAuth2Api';
	displayName = 'OAuth2 API';
	documentationUrl = 'httprequest';
	genericAuth = true;
	properties: INodeProperties[] = [
		{ displayName: 'Use Dynamic Client Registration', name: 'useDynamicClientRegistration', type: 'hidden', default: false },
		{
			displayName: 'Grant Type',
			name: 'grantType',
			type: 'options',
			displayOptions: { show: { useDynamicClientRegistration: [false] } },
			options: [
				{ name: 'Authorization Code', value: 'authorizationCode' },
				{ name: 'Client Credentials', value: 'clientCredentials' },
				{ name: 'PKCE', value: 'pkce' },
			],
			default: 'authorizationCode',
		},
		{
			displayName: 'Server URL',
			name: 'serverUrl',
			type: 'string',
			displayOptions: { show: { useDynamicClientRegistration: [true] } },
			default: '',
			required: true,
		},
		{
			displayName: 'Authorization URL',
			name: 'authUrl',
			type: 'string',
			displayOptions: { show: { grantType: ['authorizationCode', 'pkce'], useDynamicClientRegistration: [false] } },
			default: '',
			required: true,
		},
		{
			displayName: 'Access Token URL',
			name: 'accessTokenUrl',
			type: 'string',
			displayOptions: { show: { useDynamicClientRegistration: [false] } },
			default: '',
			required: true,
		},
		{
			displayName: 'Client ID',
			name: 'clientId',
			type: 'string',
			displayOptions: { show: { useDynamicClientRegistration: [false] } },
			default: '',
			required: true,
		},
		{
			displayName: 'Client Secret',
			name: 'clientSecret',
			type: 'string',
			displayOptions: { show: { useDynamicClientRegistration: [false] } },
			typeOptions: { password: true },
			default: '',
			required: true,
		},
		{
			displayName: 'Scope',
			name: 'scope',
			type: 'string',
			displayOptions: { show: { useDynamicClientRegistration: [false] } },
			default: '',
		},
		{
			displayName: 'Auth URI Query Parameters',
			name: 'authQueryParameters',
			type: 'string',
			displayOptions: { show: { grantType: ['authorizationCode', 'pkce'], useDynamicClientRegistration: [false] } },
			default: '',
		},
		{
			displayName: 'Authentication',
			name: 'authentication',
			type: 'options',
			displayOptions: { show: { useDynamicClientRegistration: [false] } },
			options: [
				{ name: 'Body', value: 'body', description: 'Send credentials in body' },
				{ name: 'Header', value: 'header', description: 'Send credentials as Basic Auth header' },
			],
			default: 'header',
		},
		{
			displayName: 'Send Additional Body Properties',
			name: 'sendAdditionalBodyProperties',
			type: 'boolean',
			default: false,
			displayOptions: { show: { grantType: ['clientCredentials'], authentication: ['body'], useDynamicClientRegistration: [false] } },
		},
		{
			displayName: 'Additional Body Properties',
			name: 'additionalBodyProperties',
			type: 'json',
			displayOptions: {
				show: {
					grantType: ['clientCredentials'],
					authentication: ['body'],
					sendAdditionalBodyProperties: [true],
					useDynamicClientRegistration: [false],
				},
			},
			default: '',
		},
		{ displayName: 'Ignore SSL Issues (Insecure)', name: 'ignoreSSLIssues', type: 'boolean', default: false, doNotInherit: true },
		{ displayName: 'Token Expired Status Code', name: 'tokenExpiredStatusCode', type: 'number', default: 401, doNotInherit: true },
		{ displayName: 'JWE Token Decryption', name: 'jweEnabled', type: 'boolean', default: false, doNotInherit: true },
	];
}

/** Registry of credential types (n8n's CredentialTypes): the built-in oAuth2Api plus what tests add. */
export class CredentialTypeRegistry {
	private readonly types = new Map<string, ICredentialType>();

	constructor(types: ICredentialType[] = []) {
		this.add(new OAuth2Api());
		for (const t of types) this.add(t);
	}

	add(type: ICredentialType): this {
		this.types.set(type.name, type);
		return this;
	}

	recognizes(name: string): boolean {
		return this.types.has(name);
	}

	getByName(name: string): ICredentialType {
		const t = this.types.get(name);
		if (!t) throw new UnexpectedError(`Unknown credential type "${name}" (add it to the harness's credentialTypes)`);
		return t;
	}

	getParentTypes(name: string): string[] {
		const t = this.types.get(name);
		if (!t?.extends) return [];
		const parents: string[] = [];
		for (const p of t.extends) parents.push(p, ...this.getParentTypes(p));
		return parents;
	}

	/** As n8n's CredentialsHelper.getCredentialsProperties: parents merged first, own properties win. */
	getProperties(name: string): INodeProperties[] {
		const t = this.getByName(name);
		if (t.extends === undefined) {
			if (name === 'oAuth1Api' || name === 'oAuth2Api') {
				return [
					...t.properties,
					{ displayName: 'oauthTokenData', name: 'oauthTokenData', type: 'json', required: false, default: {} },
				];
			}
			return t.properties;
		}
		const combined: INodeProperties[] = [];
		for (const parent of t.extends) NodeHelpers.mergeNodeProperties(combined, this.getProperties(parent));
		NodeHelpers.mergeNodeProperties(combined, t.properties);
		return combined;
	}
}

export interface StoredCredential {
	id: string;
	name: string;
	data: ICredentialDataDecryptedObject;
}

/** `{ [credentialType]: { id, name, data } }`, as tests pass it. */
export type CredentialsMap = Record<string, StoredCredential>;

export interface CredentialUpdate {
	type: string;
	id: string | null;
	kind: 'oauthTokenData' | 'data';
	data: ICredentialDataDecryptedObject;
	at: number;
}

/** OAuth endpoint/flow fields n8n pins to the credential type's own hidden values. */
const OAUTH_PINNED_FIELDS = ['authUrl', 'accessTokenUrl', 'grantType', 'authentication', 'requestTokenUrl', 'signatureMethod'];

const mockNode: INode = { id: 'credential-mock', name: '', typeVersion: 1, type: 'mock', position: [0, 0], parameters: {} };

const mockNodeTypes: INodeTypes = {
	getByName: () => mockNodeType,
	getByNameAndVersion: () => mockNodeType,
	getKnownTypes: () => ({}),
} as unknown as INodeTypes;
const mockNodeType = {
	description: { displayName: 'Mock', name: 'mock', group: [], version: 1, description: '', defaults: {}, inputs: [], outputs: [], properties: [] },
} as unknown as INodeType | IVersionedNodeType;

const clone = <T>(v: T): T => (v === undefined ? v : structuredClone(v));

export class TestCredentialsHelper extends ICredentialsHelper {
	/** Every write n8n-core made through updateCredentials / updateCredentialsOauthTokenData. */
	readonly updates: CredentialUpdate[] = [];

	constructor(
		readonly credentialTypes: CredentialTypeRegistry,
		/** The store; the same object the test passed, updated in place when n8n writes back. */
		readonly store: CredentialsMap = {},
	) {
		super();
	}

	private find(nodeCredentials: INodeCredentialsDetails | undefined, type: string): StoredCredential {
		const stored = this.store[type];
		if (!stored) throw new UnexpectedError(`The harness has no credential of type "${type}"`);
		if (nodeCredentials?.id && nodeCredentials.id !== stored.id) {
			throw new UnexpectedError(`Credential "${nodeCredentials.id}" of type "${type}" not found (the harness holds "${stored.id}")`);
		}
		return stored;
	}

	getParentTypes(name: string): string[] {
		return this.credentialTypes.getParentTypes(name);
	}

	isCredentialUsableByNode(credentialType: string, nodeType: string): boolean {
		if (!this.credentialTypes.recognizes(credentialType)) return true;
		const t = this.credentialTypes.getByName(credentialType);
		if (!t.restrictToSupportedNodes) return true;
		return (t.supportedNodes ?? []).some((n) => nodeType === n || nodeType.endsWith(`.${n}`));
	}

	getCredentialsProperties(type: string): INodeProperties[] {
		return this.credentialTypes.getProperties(type);
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
		workflow?: Workflow,
		node?: INode,
	): Promise<IHttpRequestOptions> {
		const credentialType = this.credentialTypes.getByName(typeName);
		const { authenticate } = credentialType;
		if (typeof authenticate === 'function') {
			return await authenticate(credentials, requestOptions as IHttpRequestOptions);
		}
		if (authenticate && typeof authenticate === 'object' && authenticate.type === 'generic') {
			if (!workflow || !node) throw new UnexpectedError('Workflow and node are required for declarative credential authentication');
			requestOptions.headers ??= {};
			for (const [outerKey, outerValue] of Object.entries(authenticate.properties)) {
				for (const [key, value] of Object.entries(outerValue as Record<string, string>)) {
					const k = this.resolveValue(key, { $credentials: credentials }, workflow, node);
					const v = this.resolveValue(String(value), { $credentials: credentials }, workflow, node);
					const target = requestOptions as unknown as Record<string, Record<string, string>>;
					target[outerKey] ??= {};
					target[outerKey][k] = v;
				}
			}
		}
		return requestOptions as IHttpRequestOptions;
	}

	private resolveValue(value: string, additionalKeys: IWorkflowDataProxyAdditionalKeys, workflow: Workflow, node: INode): string {
		if (!isExpression(value)) return value;
		const resolved = workflow.expression.getSimpleParameterValue(node, value, 'internal', additionalKeys, undefined, '');
		return resolved ? String(resolved) : '';
	}

	async preAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		node: INode,
		credentialsExpired: boolean,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const credentialType = this.credentialTypes.getByName(typeName);
		const expirable = credentialType.properties.find((p) => p.type === 'hidden' && p.typeOptions?.expirable === true);
		if (expirable?.name === undefined || typeof credentialType.preAuthentication !== 'function') return undefined;
		if (credentials[expirable.name] !== '' && !credentialsExpired) return undefined;
		const output = await credentialType.preAuthentication.call(helpers, credentials);
		if (output[expirable.name] === undefined) return undefined;
		if (node.credentials) {
			const nodeCredentials = node.credentials[credentialType.name];
			const stored = this.find(nodeCredentials, credentialType.name);
			const toPersist: ICredentialDataDecryptedObject = { ...clone(stored.data) };
			for (const [key, value] of Object.entries(output)) {
				if (key === expirable.name || !isExpression(stored.data[key])) toPersist[key] = value as ICredentialDataDecryptedObject[string];
			}
			await this.updateCredentials(nodeCredentials, credentialType.name, toPersist);
			return Object.assign(credentials, output);
		}
		return undefined;
	}

	async runPreAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const credentialType = this.credentialTypes.getByName(typeName);
		if (typeof credentialType.preAuthentication !== 'function') return undefined;
		return ((await credentialType.preAuthentication.call(helpers, credentials)) as ICredentialDataDecryptedObject) ?? undefined;
	}

	async getCredentials(nodeCredentials: INodeCredentialsDetails, type: string): Promise<Credentials> {
		const stored = this.find(nodeCredentials, type);
		const credentials = new Credentials({ id: stored.id, name: stored.name }, type);
		await credentials.setData(clone(stored.data));
		return credentials;
	}

	async getDecrypted(
		additionalData: IWorkflowExecuteAdditionalData,
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		mode: WorkflowExecuteMode,
		executeData?: IExecuteData,
		raw?: boolean,
		expressionResolveValues?: ICredentialsExpressionResolveValues,
	): Promise<ICredentialDataDecryptedObject> {
		const stored = this.find(nodeCredentials, type);
		const original = clone(stored.data);
		if (raw === true) return original;
		return await this.applyDefaultsAndOverwrites(additionalData, original, type, mode, executeData, expressionResolveValues);
	}

	/** As n8n: pinned hidden OAuth fields from the type, property defaults, then expressions with `$self`. */
	async applyDefaultsAndOverwrites(
		additionalData: IWorkflowExecuteAdditionalData,
		original: ICredentialDataDecryptedObject,
		type: string,
		mode: WorkflowExecuteMode,
		executeData?: IExecuteData,
		expressionResolveValues?: ICredentialsExpressionResolveValues,
	): Promise<ICredentialDataDecryptedObject> {
		const properties = this.getCredentialsProperties(type);
		const storedData = { ...original };
		for (const field of OAUTH_PINNED_FIELDS) {
			if (properties.some((p) => p.name === field && p.type === 'hidden')) delete storedData[field];
		}
		let decrypted = NodeHelpers.getNodeParameters(properties, storedData as INodeParameters, true, false, null, null) as ICredentialDataDecryptedObject;
		if (original.oauthTokenData !== undefined) decrypted.oauthTokenData = original.oauthTokenData;

		const additionalKeys = getAdditionalKeys(additionalData, mode, null, { isCredential: true });
		if (expressionResolveValues) {
			try {
				decrypted = expressionResolveValues.workflow.expression.getParameterValue(
					decrypted as INodeParameters,
					expressionResolveValues.runExecutionData,
					expressionResolveValues.runIndex,
					expressionResolveValues.itemIndex,
					expressionResolveValues.node.name,
					expressionResolveValues.connectionInputData,
					mode,
					additionalKeys,
					executeData,
					false,
					decrypted,
				) as ICredentialDataDecryptedObject;
			} catch (e) {
				(e as Error).message += ' [Error resolving credentials]';
				throw e;
			}
		} else {
			const workflow = new Workflow({ nodes: [mockNode], connections: {}, active: false, nodeTypes: mockNodeTypes });
			decrypted = workflow.expression.getComplexParameterValue(
				mockNode,
				decrypted as INodeParameters,
				mode,
				additionalKeys,
				undefined,
				undefined,
				decrypted,
			) as ICredentialDataDecryptedObject;
		}
		return decrypted;
	}

	async updateCredentials(nodeCredentials: INodeCredentialsDetails, type: string, data: ICredentialDataDecryptedObject): Promise<void> {
		const stored = this.find(nodeCredentials, type);
		stored.data = clone(data);
		this.updates.push({ type, id: stored.id, kind: 'data', data: clone(data), at: Date.now() });
	}

	async updateCredentialsOauthTokenData(
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		const stored = this.find(nodeCredentials, type);
		stored.data = { ...stored.data, oauthTokenData: clone(data.oauthTokenData) };
		this.updates.push({ type, id: stored.id, kind: 'oauthTokenData', data: { oauthTokenData: clone(data.oauthTokenData) }, at: Date.now() });
	}
}
