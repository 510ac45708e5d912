// Ring 2 Google Ads: one sandbox, credentials through the manager account, and a runner for one
// Google Connector node (optionally fed by binary files), recording what the sandbox received.
import type { IDataObject, INodeParameters } from 'n8n-workflow';
import { GoogleConnector } from '../../nodes/GoogleConnector/GoogleConnector.node';
import { ADS_HOST, startSandbox, type Sandbox } from '../sandbox';
import { chain, harnessLogger, runWorkflow, startNode, type CredentialsMap, type RunWorkflowResult } from './workflow';
import { DEVELOPER_TOKEN, credentialTypes, oauthCredentials } from './google';
import { BinaryMaker, type MadeItem } from './binaryMaker';

export const CLIENT = '1234567890'; // reached through the manager 111-222-3333

export interface AdsHarness {
	sandbox: Sandbox;
	creds: CredentialsMap;
	run(parameters: IDataObject, opts?: { input?: IDataObject[]; files?: MadeItem[]; continueOnFail?: boolean }): Promise<RunWorkflowResult>;
	mutateBodies(): IDataObject[];
	close(): Promise<void>;
}

export async function adsHarness(): Promise<AdsHarness> {
	harnessLogger();
	const sandbox = await startSandbox();
	sandbox.server.useInThisProcess();
	sandbox.ads.developerTokens.set(DEVELOPER_TOKEN, 'basic');
	sandbox.ads.today = '2026-11-26';
	const creds = oauthCredentials(sandbox, { ads: true }, { extra: { loginCustomerId: '111-222-3333' } }).credentials;
	return {
		sandbox,
		creds,
		async run(parameters, opts = {}) {
			const first = opts.files ? { name: 'Files', type: 'binaryMaker', parameters: { items: opts.files } as unknown as INodeParameters } : startNode(opts.input);
			return await runWorkflow({
				nodes: [first, { name: 'Ads', type: 'googleConnector', parameters: { customerId: CLIENT, ...parameters } as INodeParameters, continueOnFail: opts.continueOnFail }],
				connections: chain(first.name, 'Ads'),
				credentials: creds,
				credentialTypes,
				nodeTypes: [new GoogleConnector(), new BinaryMaker()],
				startNode: first.name,
			});
		},
		mutateBodies: () => sandbox.server.seen(ADS_HOST, 'googleAds:mutate').map((r) => JSON.parse(r.body) as IDataObject),
		close: async () => await sandbox.close(),
	};
}

export function errorText(r: RunWorkflowResult): string {
	const e = r.error as (Error & { description?: string }) | undefined;
	return `${e?.message ?? ''} | ${e?.description ?? ''}`;
}
