import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { KeyPrefix, parseId, prefixOf, to18 } from '../ids/salesforce-id.js';
import { defaultPhoto, PHOTO_SIZES, type PhotoSizeLetter } from '../lib/images.js';
import type { Services } from '../services.js';
import { unknownPath } from './error-response.js';

/**
 * `GET /profilephoto/{15-character ID}/{F|M|T}`: the photo URLs every User Summary and Group
 * carries (SPEC §12.2, §12.8), served without a session as real PNGs, so no URL Chatterbox hands
 * out is dead. A set photo is keyed by its version ID (`729…`) and read from the store, so every
 * server of a deployment serves it; its bytes never change under that ID, so caches may keep them.
 * Users and groups without a photo of their own get the default picture of their kind.
 */
export function registerProfilePhotos(app: FastifyInstance, services: Services): void {
  app.get(
    '/profilephoto/:key/:size',
    {
      schema: {
        summary: 'Profile photo (a set photo by its version ID, or a default picture)',
        tags: ['photos'],
        params: Type.Object({ key: Type.String(), size: Type.String() }),
      },
    },
    async (request, reply) => {
      const { key, size } = request.params as { key: string; size: string };
      const id = parseId(key);
      const kind = id === undefined ? undefined : prefixOf(id);
      if (id === undefined || !Object.hasOwn(PHOTO_SIZES, size)) throw unknownPath(request.url);
      const letter = size as PhotoSizeLetter;
      if (kind === KeyPrefix.photo) {
        const png = await services.store.photos.image(to18(id), letter);
        if (!png) throw unknownPath(request.url);
        return reply
          .header('content-type', 'image/png')
          .header('cache-control', 'public, max-age=31536000, immutable')
          .send(Buffer.from(png.buffer, png.byteOffset, png.byteLength));
      }
      if (kind !== KeyPrefix.user && kind !== KeyPrefix.group) throw unknownPath(request.url);
      const png = await defaultPhoto(kind === KeyPrefix.user ? 'user' : 'group', PHOTO_SIZES[letter]);
      return reply
        .header('content-type', 'image/png')
        .header('cache-control', 'public, max-age=86400')
        .send(png);
    },
  );
}
