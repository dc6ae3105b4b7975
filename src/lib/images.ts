import { Readable } from 'node:stream';
import sharp from 'sharp';

/** The three thumbnail renditions of an image file (SPEC §12.2), by their `type` parameter. */
export const RENDITIONS = {
  THUMB120BY90: { width: 120, height: 90 },
  THUMB240BY180: { width: 240, height: 180 },
  THUMB720BY480: { width: 720, height: 480 },
} as const;
export type RenditionType = keyof typeof RENDITIONS;

/**
 * A PNG that fits the box, the image's proportions kept and never enlarged. Undefined when the
 * bytes are not an image sharp can read (a file that only looks like one).
 */
export async function thumbnail(
  bytes: AsyncIterable<Buffer>,
  box: { width: number; height: number },
): Promise<Buffer | undefined> {
  const pipeline = sharp({ limitInputPixels: 100_000_000 })
    .rotate()
    .resize(box.width, box.height, { fit: 'inside', withoutEnlargement: true })
    .png();
  Readable.from(bytes)
    .on('error', (error) => pipeline.destroy(error))
    .pipe(pipeline);
  try {
    return await pipeline.toBuffer();
  } catch {
    return undefined;
  }
}

const defaults = new Map<string, Promise<Buffer>>();

/** The default picture of a user or group (a plain disc of its motif colour), made once per size. */
export function defaultPhoto(kind: 'user' | 'group', size: number): Promise<Buffer> {
  const key = `${kind}:${size}`;
  let png = defaults.get(key);
  if (!png) {
    const colour = kind === 'user' ? '#1797C0' : '#7F8DE1';
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}"><rect width="100%" height="100%" fill="#ffffff"/><circle cx="${size / 2}" cy="${size / 2}" r="${size / 2}" fill="${colour}"/></svg>`;
    png = sharp(Buffer.from(svg)).png().toBuffer();
    defaults.set(key, png);
  }
  return png;
}

/**
 * An image's size and format from its first bytes (its header; the rest may be cut off), or
 * undefined when sharp cannot read them. `width`/`height` as stored, before any EXIF rotation.
 */
export async function imageHeader(
  head: Buffer,
): Promise<{ width: number; height: number; format: string; orientation: number | null } | undefined> {
  try {
    const meta = await sharp(head, { failOn: 'none' }).metadata();
    if (!meta.width || !meta.height || !meta.format) return undefined;
    return {
      width: meta.width,
      height: meta.height,
      format: meta.format,
      orientation: meta.orientation ?? null,
    };
  } catch {
    return undefined;
  }
}
