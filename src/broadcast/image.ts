/**
 * An alert's picture: decoded from base64 (or a data: URL), at most 1 MB, and PNG or JPEG by its
 * first bytes, not by what the sender claims. Messenger and Zalo fetch it from
 * `/alerts/<id>/image` (src/broadcast/image-route.ts).
 *
 * @example
 * const result = decodeImage(body.image);
 * if (!result.ok) throw new AlertRefused(400, 'invalid_image', result.message);
 */
import { createHash } from 'node:crypto';
import type { ImageType } from './alert.js';

export const MAX_IMAGE_BYTES = 1024 * 1024;

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const JPEG = Buffer.from([0xff, 0xd8, 0xff]);

export type DecodedImage = { ok: true; type: ImageType; data: Buffer; sha256: string } | { ok: false; message: string };

/** What the first bytes say the file is. */
export function sniffImage(data: Buffer): ImageType | undefined {
  if (data.subarray(0, PNG.length).equals(PNG)) return 'image/png';
  if (data.subarray(0, JPEG.length).equals(JPEG)) return 'image/jpeg';
  return undefined;
}

export function decodeImage(text: string): DecodedImage {
  let base64 = text.trim();
  let claimed: string | undefined;
  const dataUrl = /^data:([a-z/+.-]+);base64,/i.exec(base64);
  if (dataUrl) {
    claimed = dataUrl[1]!.toLowerCase();
    base64 = base64.slice(dataUrl[0].length);
  }
  base64 = base64.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(base64) || base64.length === 0) {
    return { ok: false, message: 'image: not base64; send the picture file as base64 or a data: URL' };
  }
  const data = Buffer.from(base64, base64.includes('-') || base64.includes('_') ? 'base64url' : 'base64');
  if (data.length > MAX_IMAGE_BYTES) {
    return { ok: false, message: `image: ${(data.length / 1024 / 1024).toFixed(1)} MB is too large; at most 1 MB (make it smaller, e.g. 1080 px wide)` };
  }
  const type = sniffImage(data);
  if (!type) return { ok: false, message: 'image: not a PNG or JPEG picture (Messenger and Zalo show only these)' };
  if (claimed && claimed !== type && !(claimed === 'image/jpg' && type === 'image/jpeg')) {
    return { ok: false, message: `image: the data: URL says ${claimed} but the file is ${type}` };
  }
  return { ok: true, type, data, sha256: createHash('sha256').update(data).digest('hex') };
}
