// Test-only node: emits the items of its `items` parameter, each with binary files built from `files`.
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';

export interface MadeItem {
	json: IDataObject;
	files?: Array<{ prop: string; name: string; mime: string; base64: string }>;
}

export class BinaryMaker implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Binary Maker',
		name: 'binaryMaker',
		group: ['input'],
		version: 1,
		description: 'test-only',
		defaults: { name: 'Files' },
		inputs: [],
		outputs: ['main'] as INodeTypeDescription['outputs'],
		properties: [{ displayName: 'Items', name: 'items', type: 'json', default: [] }],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getNodeParameter('items', 0, []) as MadeItem[];
		return [
			items.map((item, index) => ({
				json: item.json,
				binary: Object.fromEntries((item.files ?? []).map((f) => [f.prop, { data: f.base64, mimeType: f.mime, fileName: f.name }])),
				pairedItem: { item: index },
			})),
		];
	}
}
