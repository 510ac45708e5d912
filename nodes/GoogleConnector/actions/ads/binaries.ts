// Images from the input item's binary data, loaded before anything is sent: a missing property is an
// error naming the field that names it.
import { NodeOperationError, type IExecuteFunctions } from 'n8n-workflow';
import type { BinarySource, ImageUse } from '../../../shared/ads';

export async function loadBinaries(ctx: IExecuteFunctions, itemIndex: number, uses: ImageUse[]): Promise<BinarySource> {
	const loaded = new Map<string, Uint8Array>();
	const available = Object.keys(ctx.getInputData()[itemIndex]?.binary ?? {});
	for (const use of uses) {
		if (loaded.has(use.binary)) continue;
		if (!available.includes(use.binary))
			throw new NodeOperationError(ctx.getNode(), `Invalid "${use.field}": the input item has no binary property "${use.binary}"`, {
				itemIndex,
				description: `Binary properties of this item: ${available.join(', ') || 'none'}. Nothing was sent to Google.`,
			});
		loaded.set(use.binary, await ctx.helpers.getBinaryDataBuffer(itemIndex, use.binary));
	}
	return (binary) => loaded.get(binary) ?? new Uint8Array();
}
