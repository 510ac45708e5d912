// Image assets: the size read from the file's own header (PNG, JPEG, GIF, WebP), and Google's rules per
// image field: aspect ratio (1% tolerance), minimum size, at most 5,120 KB. Pure: bytes in, no n8n.
import { AdsValidationError } from './errors';

export type ImageFormat = 'PNG' | 'JPEG' | 'GIF' | 'WEBP';

export interface ImageInfo {
	format: ImageFormat;
	width: number;
	height: number;
	mimeType: string;
}

const be16 = (b: Uint8Array, i: number) => (b[i] << 8) | b[i + 1];
const be32 = (b: Uint8Array, i: number) => ((b[i] << 24) >>> 0) + (b[i + 1] << 16) + (b[i + 2] << 8) + b[i + 3];
const le16 = (b: Uint8Array, i: number) => b[i] | (b[i + 1] << 8);
const le24 = (b: Uint8Array, i: number) => b[i] | (b[i + 1] << 8) | (b[i + 2] << 16);
const ascii = (b: Uint8Array, i: number, n: number) => String.fromCharCode(...b.subarray(i, i + n));

function jpegSize(b: Uint8Array): { width: number; height: number } | undefined {
	let i = 2;
	while (i + 9 < b.length) {
		if (b[i] !== 0xff) return undefined;
		const marker = b[i + 1];
		if (marker === 0xff) {
			i++;
			continue;
		}
		if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
			i += 2;
			continue;
		}
		const length = be16(b, i + 2);
		// Start-of-frame markers (baseline, progressive, …) carry the size; DHT/JPG/DAC do not.
		if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) return { height: be16(b, i + 5), width: be16(b, i + 7) };
		i += 2 + length;
	}
	return undefined;
}

function webpSize(b: Uint8Array): { width: number; height: number } | undefined {
	const chunk = ascii(b, 12, 4);
	if (chunk === 'VP8 ' && b.length >= 30) return { width: le16(b, 26) & 0x3fff, height: le16(b, 28) & 0x3fff };
	if (chunk === 'VP8L' && b.length >= 25) {
		const bits = b[21] | (b[22] << 8) | (b[23] << 16) | (b[24] << 24);
		return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
	}
	if (chunk === 'VP8X' && b.length >= 30) return { width: le24(b, 24) + 1, height: le24(b, 27) + 1 };
	return undefined;
}

/** Format and pixel size from the header; undefined when the bytes are not an image Google takes. */
export function readImageInfo(bytes: Uint8Array): ImageInfo | undefined {
	const b = bytes;
	if (b.length >= 24 && be32(b, 0) === 0x89504e47 && be32(b, 4) === 0x0d0a1a0a && ascii(b, 12, 4) === 'IHDR')
		return { format: 'PNG', width: be32(b, 16), height: be32(b, 20), mimeType: 'image/png' };
	if (b.length >= 10 && ascii(b, 0, 3) === 'GIF') return { format: 'GIF', width: le16(b, 6), height: le16(b, 8), mimeType: 'image/gif' };
	if (b.length >= 4 && b[0] === 0xff && b[1] === 0xd8) {
		const size = jpegSize(b);
		return size ? { format: 'JPEG', ...size, mimeType: 'image/jpeg' } : undefined;
	}
	if (b.length >= 16 && ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 4) === 'WEBP') {
		const size = webpSize(b);
		return size ? { format: 'WEBP', ...size, mimeType: 'image/webp' } : undefined;
	}
	return undefined;
}

/** Google's image fields (AssetFieldType) and their rules. */
export const IMAGE_RULES = {
	MARKETING_IMAGE: { label: 'landscape image', ratio: [1.91, 1], minWidth: 600, minHeight: 314 },
	SQUARE_MARKETING_IMAGE: { label: 'square image', ratio: [1, 1], minWidth: 300, minHeight: 300 },
	PORTRAIT_MARKETING_IMAGE: { label: 'portrait image', ratio: [4, 5], minWidth: 480, minHeight: 600 },
	LOGO: { label: 'square logo', ratio: [1, 1], minWidth: 128, minHeight: 128 },
	LANDSCAPE_LOGO: { label: 'landscape logo', ratio: [4, 1], minWidth: 512, minHeight: 128 },
} as const;

export type ImageFieldType = keyof typeof IMAGE_RULES;

export const MAX_IMAGE_BYTES = 5_120 * 1024;
export const RATIO_TOLERANCE = 0.01;

/** Checks one image for a field; the error names the field, the measured size and what Google needs. */
export function checkImage(bytes: Uint8Array, fieldType: ImageFieldType, field: string): ImageInfo {
	const rule = IMAGE_RULES[fieldType];
	if (bytes.length === 0) throw new AdsValidationError(field, 'is an empty file');
	if (bytes.length > MAX_IMAGE_BYTES) throw new AdsValidationError(field, `is ${Math.ceil(bytes.length / 1024)} KB; Google takes images up to 5,120 KB`);
	const info = readImageInfo(bytes);
	if (!info) throw new AdsValidationError(field, 'is not a PNG, JPEG, GIF or WebP image');
	const [rw, rh] = rule.ratio;
	const want = rw / rh;
	const got = info.width / info.height;
	if (Math.abs(got - want) / want > RATIO_TOLERANCE)
		throw new AdsValidationError(field, `is ${info.width}×${info.height} (ratio ${got.toFixed(2)}:1); a ${rule.label} must be ${rw}:${rh} (for example ${rule.minWidth * 2}×${Math.round((rule.minWidth * 2) / want)})`);
	if (info.width < rule.minWidth || info.height < rule.minHeight)
		throw new AdsValidationError(field, `is ${info.width}×${info.height}; a ${rule.label} must be at least ${rule.minWidth}×${rule.minHeight}`);
	return info;
}
