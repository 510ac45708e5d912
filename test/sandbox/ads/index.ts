// Google Ads REST and the Data Manager API as the sandbox serves them (google-facts.md, Google Ads).
// State: customers (direct and manager-linked), budgets, campaigns, daily metrics, conversion actions,
// uploaded conversions and ingested events. Behaviour: developer-token and login-customer-id checks,
// sunset versions, a GAQL subset (SELECT / FROM / WHERE / ORDER BY / LIMIT over campaign,
// campaign_budget, metrics, segments.date, conversion_action, customer), googleAds:search and
// :searchStream, googleAds:mutate with temporary resource names, validation answered as
// GoogleAdsFailure with field paths, atomicity and partial failure, uploadClickConversions with
// partialFailureError, listAccessibleCustomers, and events:ingest. Unknown JSON fields are refused as
// Google does, checked against Google's own protos / discovery types (adsSchemas.ts).
import { randomBytes } from 'node:crypto';
import { type GoogleSandbox, SandboxError, type SandboxRequest } from '../server';
import type { OAuthState } from '../oauth';
import { adsSchemas, unknownFields } from '../adsSchemas';
import { ingest, uploadClickConversions } from './conversions';
import { type ParsedQuery, parseQuery, runQuery } from './gaql';
import { ADS_HOST, type AdsBudget, type AdsCampaign, type AdsConversionAction, type AdsCustomer, adsFailure, ADWORDS_SCOPE, type DailyMetrics, DATAMANAGER_HOST, err, isoDate, type Row, unknownNameError } from './model';
import { mutate } from './mutate';
import { AdsStructure, StructureMetrics } from './structureModel';
import { suggestGeoTargets } from './structureQueries';

export * from './model';

export class AdsState {
	/** Versions Google serves; older ones answer "Version vNN is deprecated". */
	liveVersions = new Set(['v23', 'v24', 'v25', 'v26']);
	/** Developer tokens and their access level. */
	developerTokens = new Map<string, 'basic' | 'test'>([
		['sandbox-dev-token', 'basic'],
		['sandbox-test-token', 'test'],
	]);
	readonly customers = new Map<string, AdsCustomer>();
	readonly budgets = new Map<string, AdsBudget>();
	readonly campaigns = new Map<string, AdsCampaign>();
	/** campaign id → date → metrics. */
	readonly metrics = new Map<string, Map<string, DailyMetrics>>();
	readonly conversionActions = new Map<string, AdsConversionAction>();
	/** Conversions accepted by uploadClickConversions. */
	readonly uploadedConversions: Array<Record<string, unknown> & { customerId: string }> = [];
	/** Events accepted by Data Manager events:ingest (one entry per event and destination). */
	readonly ingestedEvents: Array<{ requestId: string; customerId: string; conversionActionId: string; event: Record<string, unknown> }> = [];
	/** Ad groups, keywords, criteria, ads, assets and asset groups (structureModel.ts). */
	readonly structure = new AdsStructure();
	/** Daily metrics per ad group, keyword and search term, seeded by tests. */
	readonly structureMetrics = new StructureMetrics();
	/** Click ids Google cannot decode (answered UNPARSEABLE_GCLID / INVALID_GCLID). */
	readonly badClickIds = new Set<string>();
	/** Rows per googleAds:search page (Google: 10,000). */
	pageSize = 10_000;
	/** Rows per searchStream batch (Google: 10,000). */
	streamBatchSize = 10_000;
	/** "Today" in the account's time zone, for DURING presets (default: the real UTC date). */
	today?: string;
	private nextId = 9_000_000_001;

	constructor(readonly oauth: OAuthState) {
		const rep = oauth.defaultUser.email;
		this.addCustomer({ id: '1112223333', descriptiveName: 'Acme Manager', manager: true, users: [rep] });
		this.addCustomer({ id: '1234567890', descriptiveName: 'Acme CRM Ads', managers: ['1112223333'], users: [] });
		this.addCustomer({ id: '5556667777', descriptiveName: 'Acme Direct', users: [rep], currencyCode: 'USD', legacyUploadAllowed: false });
		this.addConversionAction('1234567890', { id: '7001', name: 'CRM deal won', type: 'UPLOAD_CLICKS', category: 'PURCHASE' });
		this.addConversionAction('1234567890', { id: '7002', name: 'Qualified lead', type: 'UPLOAD_CLICKS', category: 'QUALIFIED_LEAD' });
		this.addConversionAction('1234567890', { id: '7003', name: 'Old form fill', type: 'UPLOAD_CLICKS', category: 'SUBMIT_LEAD_FORM', status: 'REMOVED' });
		this.addConversionAction('5556667777', { id: '8001', name: 'Direct purchase', type: 'UPLOAD_CLICKS', category: 'PURCHASE' });
	}

	addCustomer(c: Partial<AdsCustomer> & { id: string; descriptiveName: string }): AdsCustomer {
		const full: AdsCustomer = {
			currencyCode: 'EUR',
			timeZone: 'Europe/Berlin',
			manager: false,
			testAccount: false,
			managers: [],
			users: [],
			legacyUploadAllowed: true,
			...c,
		};
		this.customers.set(full.id, full);
		return full;
	}

	addConversionAction(customerId: string, a: Partial<AdsConversionAction> & { id: string; name: string }): AdsConversionAction {
		const full: AdsConversionAction = { customerId, status: 'ENABLED', type: 'UPLOAD_CLICKS', category: 'DEFAULT', ...a };
		this.conversionActions.set(`${customerId}/${full.id}`, full);
		return full;
	}

	/** Daily metrics for a campaign (tests seed what the report must sum). */
	setMetrics(campaignId: string, date: string, m: DailyMetrics): void {
		let byDate = this.metrics.get(campaignId);
		if (!byDate) this.metrics.set(campaignId, (byDate = new Map()));
		byDate.set(date, m);
	}

	campaignsOf(customerId: string): AdsCampaign[] {
		return [...this.campaigns.values()].filter((c) => c.customerId === customerId);
	}

	budgetsOf(customerId: string): AdsBudget[] {
		return [...this.budgets.values()].filter((b) => b.customerId === customerId);
	}

	todayDate(): string {
		return this.today ?? isoDate(new Date());
	}

	/** A new resource id (int64 as a string). */
	newId(): string {
		return String(this.nextId++);
	}


	// ----------------------------------------------------------------------------------------------
	// Request checks

	/** Version, OAuth scope, developer token, customer access with login-customer-id. */
	begin(req: SandboxRequest, customerId?: string): { version: string; email: string } {
		const version = req.params.version;
		if (!this.liveVersions.has(version)) {
			const n = Number(version.slice(1));
			if (n > 0 && n < Math.min(...[...this.liveVersions].map((v) => Number(v.slice(1)))))
				throw adsFailure(400, [err('requestError', 'UNKNOWN', ` Version ${version} is deprecated. Requests to this version will be blocked.`)], version);
			throw new SandboxError(404, '<!DOCTYPE html><html><title>Error 404 (Not Found)!!1</title><p>The requested URL was not found on this server.</p></html>', {
				'content-type': 'text/html; charset=UTF-8',
			});
		}
		const token = this.oauth.authorize(req, [ADWORDS_SCOPE]);
		const dev = req.headers['developer-token'];
		if (typeof dev !== 'string' || dev === '') throw adsFailure(400, [err('requestError', 'DEVELOPER_TOKEN_PARAMETER_MISSING', 'developer-token parameter is missing.')], version);
		const level = this.developerTokens.get(dev);
		if (!level) throw adsFailure(401, [err('authenticationError', 'DEVELOPER_TOKEN_INVALID', 'The developer token is not valid.')], version);
		const login = req.headers['login-customer-id'];
		if (customerId !== undefined) {
			const customer = this.customers.get(customerId);
			const email = token.user.email;
			if (typeof login === 'string' && login !== '') {
				if (!/^\d{10}$/.test(login)) throw adsFailure(400, [err('headerError', 'INVALID_LOGIN_CUSTOMER_ID', 'The login customer ID could not be validated.')], version);
				const manager = this.customers.get(login);
				if (!manager || !manager.users.includes(email))
					throw adsFailure(403, [err('authorizationError', 'USER_PERMISSION_DENIED', "User doesn't have permission to access customer. Note: If you're accessing a client customer, the manager's customer id must be set in the 'login-customer-id' header. See https://developers.google.com/google-ads/api/docs/concepts/call-structure#cid")], version);
				if (!customer || (login !== customerId && !customer.managers.includes(login)))
					throw adsFailure(403, [err('authorizationError', 'INVALID_LOGIN_CUSTOMER_ID_SERVING_CUSTOMER_ID_COMBINATION', 'The customer specified in login-customer-id does not manage the customer being accessed.')], version);
			} else if (!customer || !customer.users.includes(email)) {
				throw adsFailure(403, [err('authorizationError', 'USER_PERMISSION_DENIED', "User doesn't have permission to access customer. Note: If you're accessing a client customer, the manager's customer id must be set in the 'login-customer-id' header. See https://developers.google.com/google-ads/api/docs/concepts/call-structure#cid")], version);
			}
			if (level === 'test' && !customer.testAccount)
				throw adsFailure(403, [err('authorizationError', 'DEVELOPER_TOKEN_NOT_APPROVED', 'The developer token is only approved for use with test accounts. To access non-test accounts, apply for Basic or Standard access.')], version);
		}
		return { version, email: token.user.email };
	}

	parseQuery(query: string, version: string): ParsedQuery {
		return parseQuery(this, query, version);
	}

	runQuery(customerId: string, query: string, version: string): { rows: Row[]; fieldMask: string } {
		return runQuery(this, customerId, query, version);
	}

	/** Applies the operations of one googleAds:mutate; atomic unless partialFailure. */
	mutate(customerId: string, body: Row, version: string): { status: number; body: unknown } {
		return mutate(this, customerId, body, version);
	}

	uploadClickConversions(customerId: string, body: Row, version: string): Row {
		return uploadClickConversions(this, customerId, body, version);
	}

	ingest(req: SandboxRequest): Row {
		return ingest(this, req);
	}

	// ----------------------------------------------------------------------------------------------

	register(sandbox: GoogleSandbox): void {
		const base = '^/(?<version>v\\d+)';
		const json = (req: SandboxRequest): Row => {
			try {
				return req.json<Row>() ?? {};
			} catch {
				throw new SandboxError(400, { error: { code: 400, message: 'Invalid JSON payload received.', status: 'INVALID_ARGUMENT' } });
			}
		};
		sandbox.route('GET', ADS_HOST, new RegExp(`${base}/customers:listAccessibleCustomers$`), (req) => {
			const { email } = this.begin(req);
			const resourceNames = [...this.customers.values()].filter((c) => c.users.includes(email)).map((c) => `customers/${c.id}`);
			return { status: 200, body: { resourceNames } };
		});
		sandbox.route('POST', ADS_HOST, new RegExp(`${base}/customers/(?<cid>[^/:]+)/googleAds:search$`), (req) => {
			const { version } = this.begin(req, req.params.cid);
			const body = json(req);
			const unknown = unknownFields(adsSchemas(), 'SearchGoogleAdsRequest', body);
			if (unknown.length) throw unknownNameError(unknown);
			const { rows, fieldMask } = this.runQuery(req.params.cid, String(body.query ?? ''), version);
			const start = body.pageToken ? Number(Buffer.from(String(body.pageToken), 'base64url').toString()) : 0;
			const page = rows.slice(start, start + this.pageSize);
			const out: Row = { results: page, fieldMask };
			if (start + this.pageSize < rows.length) out.nextPageToken = Buffer.from(String(start + this.pageSize)).toString('base64url');
			return { status: 200, body: out };
		});
		sandbox.route('POST', ADS_HOST, new RegExp(`${base}/customers/(?<cid>[^/:]+)/googleAds:searchStream$`), (req) => {
			const { version } = this.begin(req, req.params.cid);
			const body = json(req);
			const { rows, fieldMask } = this.runQuery(req.params.cid, String(body.query ?? ''), version);
			const batches: Row[] = [];
			for (let i = 0; i < rows.length || batches.length === 0; i += this.streamBatchSize)
				batches.push({ results: rows.slice(i, i + this.streamBatchSize), fieldMask, requestId: randomBytes(11).toString('base64url') });
			if (rows.length === 0) delete batches[0].results;
			return { status: 200, body: batches };
		});
		sandbox.route('POST', ADS_HOST, new RegExp(`${base}/customers/(?<cid>[^/:]+)/googleAds:mutate$`), (req) => {
			const { version } = this.begin(req, req.params.cid);
			return this.mutate(req.params.cid, json(req), version);
		});
		sandbox.route('POST', ADS_HOST, new RegExp(`${base}/geoTargetConstants:suggest$`), (req) => {
			this.begin(req);
			return { status: 200, body: suggestGeoTargets(json(req)) };
		});
		sandbox.route('POST', ADS_HOST, new RegExp(`${base}/customers/(?<cid>\\d+):uploadClickConversions$`), (req) => {
			const { version } = this.begin(req, req.params.cid);
			return { status: 200, body: this.uploadClickConversions(req.params.cid, json(req), version) };
		});
		sandbox.route('POST', DATAMANAGER_HOST, /^\/v1\/events:ingest$/, (req) => ({ status: 200, body: this.ingest(req) }));
	}
}
