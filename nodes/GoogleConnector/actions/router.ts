import { NodeOperationError, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';
import { resources } from './resources';
import { redactSecrets } from '../../shared/errors/redact';
import { asNodeError } from '../../shared/transport';

/** Runs the chosen operation for every input item, honouring continueOnFail and paired items. */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const resource = this.getNodeParameter('resource', 0) as string;
	const operationName = this.getNodeParameter('operation', 0) as string;
	const operation = resources[resource]?.byOperation[operationName];
	if (!operation) throw new NodeOperationError(this.getNode(), `The operation "${operationName}" of "${resource}" is not known`);

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
