import type { PresentContext } from '../present-context.js';

/** Whose photo, and which: the photo's version ID, or null for the default picture. */
export interface PhotoOf {
  kind: 'user' | 'group';
  id: string;
  photoId: string | null;
}

/**
 * The served URL of one size of a photo (SPEC §12.8: absolute, under --public-url else the
 * request's origin): by the photo's 15-character version ID, or by the record's ID for its default
 * picture, as the real service keys `/profilephoto/729…/F` and `/profilephoto/005/F` (F2 §8).
 */
export function photoUrl(origin: string, of: Pick<PhotoOf, 'id' | 'photoId'>, size: 'F' | 'M' | 'T') {
  return `${origin}/profilephoto/${(of.photoId ?? of.id).slice(0, 15)}/${size}`;
}

/** The photo resource: `connect/user-profiles/{id}/photo` from v35 (F2 §8), `chatter/…` otherwise. */
export function photoResourceUrl(ctx: PresentContext, of: Pick<PhotoOf, 'kind' | 'id'>): string {
  if (of.kind === 'group') return `${ctx.base}/chatter/groups/${of.id}/photo`;
  return ctx.major >= 35
    ? `${ctx.base}/connect/user-profiles/${of.id}/photo`
    : `${ctx.base}/chatter/users/${of.id}/photo`;
}

/** Photo (F2 §8), as every User Summary and Group carries it and the photo resource answers it. */
export function presentPhoto(ctx: PresentContext, of: PhotoOf) {
  return {
    fullEmailPhotoUrl: photoUrl(ctx.origin, of, 'F'),
    largePhotoUrl: photoUrl(ctx.origin, of, 'F'),
    mediumPhotoUrl: photoUrl(ctx.origin, of, 'M'),
    photoVersionId: of.photoId,
    smallPhotoUrl: photoUrl(ctx.origin, of, 'T'),
    standardEmailPhotoUrl: photoUrl(ctx.origin, of, 'T'),
    url: photoResourceUrl(ctx, of),
  };
}
