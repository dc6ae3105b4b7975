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
