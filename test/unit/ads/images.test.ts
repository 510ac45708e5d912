// Image assets: size read from the file header, Google's ratio / minimum size / file size rules.
import { MAX_IMAGE_BYTES, checkImage, readImageInfo } from '../../../nodes/shared/ads';
import { jpegHeader, png } from '../../helpers/images';
import { errorOf } from './errorOf';

describe('readImageInfo', () => {
	it('reads PNG, JPEG, GIF and WebP sizes from their headers', () => {
		expect(readImageInfo(png(1200, 628))).toEqual({ format: 'PNG', width: 1200, height: 628, mimeType: 'image/png' });
		expect(readImageInfo(jpegHeader(1200, 1200))).toEqual({ format: 'JPEG', width: 1200, height: 1200, mimeType: 'image/jpeg' });
		const gif = Buffer.from([0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x2c, 0x01, 0x2c, 0x01, 0, 0, 0]);
		expect(readImageInfo(gif)).toMatchObject({ format: 'GIF', width: 300, height: 300 });
		const webp = Buffer.alloc(30);
		webp.write('RIFF', 0, 'ascii');
		webp.write('WEBP', 8, 'ascii');
		webp.write('VP8X', 12, 'ascii');
		webp.writeUIntLE(1199, 24, 3);
		webp.writeUIntLE(627, 27, 3);
		expect(readImageInfo(webp)).toMatchObject({ format: 'WEBP', width: 1200, height: 628 });
	});

	it('knows a PDF or text is not an image', () => {
		expect(readImageInfo(Buffer.from('%PDF-1.7 …'))).toBeUndefined();
		expect(readImageInfo(Buffer.from('hello world, not an image'))).toBeUndefined();
	});
});

describe('checkImage', () => {
	it('accepts the sizes Google recommends', () => {
		expect(checkImage(png(1200, 628), 'MARKETING_IMAGE', 'f').width).toBe(1200);
		expect(checkImage(png(1200, 1200), 'SQUARE_MARKETING_IMAGE', 'f').width).toBe(1200);
		expect(checkImage(png(128, 128), 'LOGO', 'f').width).toBe(128);
		expect(checkImage(png(1200, 300), 'LANDSCAPE_LOGO', 'f').width).toBe(1200);
		expect(checkImage(png(960, 1200), 'PORTRAIT_MARKETING_IMAGE', 'f').width).toBe(960);
	});

	it('refuses a wrong ratio, naming the field, the size and what is needed', () => {
		const e = errorOf(() => checkImage(png(1200, 1200), 'MARKETING_IMAGE', 'assetGroup.images.landscape[0]'));
		expect(e.field).toBe('assetGroup.images.landscape[0]');
		expect(e.problem).toMatch(/is 1200×1200 \(ratio 1\.00:1\); a landscape image must be 1\.91:1/);
	});

	it('allows 1% ratio tolerance and no more', () => {
		expect(checkImage(png(600, 314), 'MARKETING_IMAGE', 'f').height).toBe(314); // 1.911
		expect(errorOf(() => checkImage(png(600, 330), 'MARKETING_IMAGE', 'f')).problem).toMatch(/ratio 1\.82:1/);
	});

	it('refuses images below the minimum size, too large files and non-images', () => {
		expect(errorOf(() => checkImage(png(100, 100), 'LOGO', 'logo')).problem).toBe('is 100×100; a square logo must be at least 128×128');
		expect(errorOf(() => checkImage(png(200, 200), 'SQUARE_MARKETING_IMAGE', 'sq')).problem).toMatch(/at least 300×300/);
		const big = Buffer.concat([png(1200, 1200), Buffer.alloc(MAX_IMAGE_BYTES)]);
		expect(errorOf(() => checkImage(big, 'SQUARE_MARKETING_IMAGE', 'sq')).problem).toMatch(/KB; Google takes images up to 5,120 KB/);
		expect(errorOf(() => checkImage(Buffer.from('%PDF'), 'LOGO', 'logo')).problem).toBe('is not a PNG, JPEG, GIF or WebP image');
		expect(errorOf(() => checkImage(Buffer.alloc(0), 'LOGO', 'logo')).problem).toBe('is an empty file');
	});
});
