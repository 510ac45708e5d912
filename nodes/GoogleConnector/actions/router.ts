import { NodeOperationError, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';
import { resources } from './resources';
import { redactSecrets } from '../../shared/errors/redact';
import { asNodeError } from '../../shared/transport';
import { PUSH_AUTHENTICATION, PUSH_OPERATIONS } from './youtube/push';

function operationLabel(resource: string, operation: string): string {
	const option = resources[resource].operations.options?.find((o) => 'value' in o && o.value === operation);
	return option?.name ?? operation;
}

/** Runs the chosen operation for every input item, honouring continueOnFail and paired items. */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const resource = this.getNodeParameter('resource', 0) as string;
	const operationName = this.getNodeParameter('operation', 0) as string;
	const operation = resources[resource]?.byOperation[operationName];
	if (!operation) throw new NodeOperationError(this.getNode(), `The operation "${operationName}" of "${resource}" is not known`);

	const push = resource === 'youtube' && PUSH_OPERATIONS.includes(operationName);
	const viaWebhookSecrets = this.getNodeParameter('authentication', 0, 'oAuth2') === PUSH_AUTHENTICATION;
	if (push && !viaWebhookSecrets)
		throw new NodeOperationError(this.getNode(), 'YouTube push subscriptions use the trigger\'s webhook secrets, not a Google connection', {
			description: 'Select the "Google Connector Webhook Secrets" credential the trigger uses as this node\'s credential (Authentication: Webhook Secrets).',
		});
	if (!push && viaWebhookSecrets)
		throw new NodeOperationError(this.getNode(), `${resources[resource].option.name} → ${operationLabel(resource, operationName)} needs a Google connection`, {
			description: 'Webhook secrets only serve YouTube → Subscribe, Unsubscribe and Renew Push. Select a Google Connector OAuth2 or Service Account credential.',
		});

	if ('executeBatch' in operation) return [await operation.executeBatch.call(this, items)];

	const out: INodeExecutionData[] = [];
	for (let i = 0; i < items.length; i++) {
		try {
			out.push(...(await operation.execute.call(this, i)));
		} catch (error) {
			if (this.continueOnFail()) {
				out.push({
					json: { error: redactSecrets(String((error as Error).message ?? error)), description: (error as { description?: string }).description ?? null },
					pairedItem: { item: i },
				});
				continue;
			}
			const nodeError = asNodeError(this.getNode(), error);
			nodeError.context = { ...nodeError.context, itemIndex: i };
			throw nodeError;
		}
	}
	return [out];
}
