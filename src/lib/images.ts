import { Readable } from 'node:stream';

/**
 * sharp (libvips, a native library) is loaded on the first image made: a server that never makes
 * one starts faster and smaller without it.
 */
const loadSharp = async () => (await import('sharp')).default;

/**
 * The sizes of a user's or group's photo, square, in pixels, by the letter of its URL
 * (`/profilephoto/{id}/{F|M|T}`): full (largePhotoUrl, fullEmailPhotoUrl), medium, thumbnail.
 */
export const PHOTO_SIZES = { F: 200, M: 160, T: 64 } as const;
export type PhotoSizeLetter = keyof typeof PHOTO_SIZES;

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
  const sharp = await loadSharp();
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
    png = loadSharp().then((sharp) => sharp(Buffer.from(svg)).png().toBuffer());
    defaults.set(key, png);
  }
  return png;
}

/** The most pixels an input image may have (a decompression bomb is refused, not decoded). */
const MAX_INPUT_PIXELS = 100_000_000;

/** Width and height of an image as shown (EXIF orientation applied); undefined when not an image. */
export async function imageSize(input: Buffer): Promise<{ width: number; height: number } | undefined> {
  const sharp = await loadSharp();
  try {
    const { autoOrient } = await sharp(input, { limitInputPixels: MAX_INPUT_PIXELS }).metadata();
    return autoOrient.width && autoOrient.height ? autoOrient : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The square at (left, top) of an image, as shown, scaled to each of `sizes` (square PNGs, in that
 * order). Decoded once: the square is scaled to the largest size, the others from that. Undefined
 * when the image can't be decoded to the end (a corrupt or cut file).
 */
export async function squareImages(
  input: Buffer,
  square: { left: number; top: number; size: number },
  sizes: readonly number[],
): Promise<Buffer[] | undefined> {
  const largest = Math.max(...sizes);
  const sharp = await loadSharp();
  try {
    const { data, info } = await sharp(input, { limitInputPixels: MAX_INPUT_PIXELS })
      .autoOrient()
      .extract({ left: square.left, top: square.top, width: square.size, height: square.size })
      .resize(largest, largest)
      .raw()
      .toBuffer({ resolveWithObject: true });
    const raw = { width: info.width, height: info.height, channels: info.channels };
    return await Promise.all(sizes.map((size) => sharp(data, { raw }).resize(size, size).png().toBuffer()));
  } catch {
    return undefined;
  }
}

/**
 * An image's size and format from its first bytes (its header; the rest may be cut off), or
 * undefined when sharp cannot read them. `width`/`height` as stored, before any EXIF rotation.
 */
export async function imageHeader(
  head: Buffer,
): Promise<{ width: number; height: number; format: string; orientation: number | null } | undefined> {
  const sharp = await loadSharp();
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
