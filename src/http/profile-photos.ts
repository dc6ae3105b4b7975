import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { KeyPrefix, parseId, prefixOf } from '../ids/salesforce-id.js';
import { defaultPhoto } from '../lib/images.js';
import { unknownPath } from './error-response.js';

/** The photo sizes of the URLs a Photo carries: full, medium, thumbnail (square, in pixels). */
const SIZES = { F: 200, M: 160, T: 64 } as const;

/**
 * `GET /profilephoto/{15-character ID}/{F|M|T}`: the photo URLs every User Summary and Group
 * carries (SPEC §12.2), served without a session as real PNGs, so no URL Chatterbox hands out is
 * dead. Users and groups without a photo of their own get the default picture of their kind.
 */
export function registerProfilePhotos(app: FastifyInstance): void {
  app.get(
    '/profilephoto/:key/:size',
    {
      schema: {
        summary: 'Profile photo (default picture)',
        tags: ['photos'],
        params: Type.Object({ key: Type.String(), size: Type.String() }),
      },
    },
    async (request, reply) => {
      const { key, size } = request.params as { key: string; size: string };
      const id = parseId(key);
      const kind = id === undefined ? undefined : prefixOf(id);
      if (!Object.hasOwn(SIZES, size) || (kind !== KeyPrefix.user && kind !== KeyPrefix.group)) {
        throw unknownPath(request.url);
      }
      const png = await defaultPhoto(
        kind === KeyPrefix.user ? 'user' : 'group',
        SIZES[size as keyof typeof SIZES],
      );
      return reply
        .header('content-type', 'image/png')
        .header('cache-control', 'public, max-age=86400')
        .send(png);
    },
  );
}
