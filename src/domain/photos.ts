import type { Viewer } from '../auth/viewer.js';
import { insufficientAccess, invalidInput } from '../errors/api-error.js';
import { KeyPrefix } from '../ids/salesforce-id.js';
import type { Clock } from '../lib/clock.js';
import { imageSize, PHOTO_SIZES, squareImages } from '../lib/images.js';
import type { Store } from '../store/store.js';
import { isImageHead } from './file-upload.js';
import type { FileService } from './files.js';
import type { GroupService } from './groups.js';
import { requireId, requireUserId } from './ids.js';
import type { Scope } from './scope.js';
import type { UserService } from './users.js';

/** Whose photo: a user (`connect/user-profiles/{id}/photo`, `chatter/users/{id}/photo`) or a group. */
export interface PhotoSubject {
  kind: 'user' | 'group';
  id: string;
  /** The photo's version ID; null while the subject has the default picture. */
  photoId: string | null;
}

/** Photo Input's crop (F2 §8): a square of `cropSize` pixels whose top left is (cropX, cropY). */
export interface PhotoCrop {
  cropX?: number | undefined;
  cropY?: number | undefined;
  cropSize?: number | undefined;
}

/**
 * User and group photos (SPEC §12.2): anyone who sees the user or group reads its photo; the user
 * themself or an admin, and a group's owner, managers or an admin, change it. The image is cropped
 * to a square and scaled to the three sizes its URLs serve; nothing is written unless all of that
 * succeeded.
 */
export class PhotoService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly users: UserService,
    private readonly groups: GroupService,
    private readonly files: FileService,
  ) {}

  /** The subject as the viewer sees it (404 when it doesn't). */
  async get(viewer: Viewer, scope: Scope, kind: PhotoSubject['kind'], rawId: string): Promise<PhotoSubject> {
    if (kind === 'group') {
      const { group } = await this.groups.access(viewer, scope, rawId);
      return { kind, id: group.id, photoId: group.photoId };
    }
    const { user } = await this.users.get(viewer, scope, rawId);
    return { kind, id: user.id, photoId: user.photoId };
  }

  /** The subject, if the viewer may change its photo: 404 when it is hidden, else 403. */
  async changeable(
    viewer: Viewer,
    scope: Scope,
    kind: PhotoSubject['kind'],
    rawId: string,
  ): Promise<PhotoSubject> {
    if (kind === 'group') {
      const access = await this.groups.access(viewer, scope, rawId);
      if (!access.canManage)
        throw insufficientAccess("You don't have permission to change this group's photo.");
      return { kind, id: access.group.id, photoId: access.group.photoId };
    }
    const subject = await this.get(viewer, scope, kind, rawId);
    if (subject.id !== viewer.user.id && (viewer.user.type !== 'admin' || viewer.isGuest)) {
      throw insufficientAccess("You don't have permission to change this user's photo.");
    }
    return subject;
  }

  /** POST with `fileId`: a file the viewer sees (404 otherwise) becomes the photo. */
  async setFromFile(
    viewer: Viewer,
    scope: Scope,
    kind: PhotoSubject['kind'],
    rawId: string,
    rawFileId: string,
    crop: PhotoCrop,
  ): Promise<PhotoSubject> {
    // IDs before permission (SPEC §2): a malformed subject or file ID is 400 whoever asks.
    if (kind === 'user') requireUserId(rawId, viewer);
    const fileId = requireId(rawFileId, KeyPrefix.file);
    const subject = await this.changeable(viewer, scope, kind, rawId);
    const { file } = await this.files.get(viewer, scope, fileId);
    const refusal = invalidInput(
      `Invalid fileId: ${rawFileId}. Specify an image file (PNG, JPEG, GIF or WebP).`,
    );
    if (!file.isImage) throw refusal;
    const parts: Buffer[] = [];
    for await (const chunk of this.files.bytes(file).chunks) parts.push(chunk);
    return this.set(viewer, subject, Buffer.concat(parts), crop, refusal);
  }

  /** POST with a `fileUpload` part: the uploaded image (already read, bounded) becomes the photo. */
  setFromUpload(
    viewer: Viewer,
    subject: PhotoSubject,
    image: Buffer,
    crop: PhotoCrop,
  ): Promise<PhotoSubject> {
    const refusal = invalidInput('Invalid fileUpload: specify an image (PNG, JPEG, GIF or WebP).');
    return this.set(viewer, subject, image, crop, refusal);
  }

  /** DELETE: back to the default picture. */
  async remove(
    viewer: Viewer,
    scope: Scope,
    kind: PhotoSubject['kind'],
    rawId: string,
  ): Promise<PhotoSubject> {
    const subject = await this.changeable(viewer, scope, kind, rawId);
    await this.store.transaction((tx) => tx.photos.remove(kind, subject.id));
    return { ...subject, photoId: null };
  }

  private async set(
    viewer: Viewer,
    subject: PhotoSubject,
    image: Buffer,
    crop: PhotoCrop,
    notAnImage: Error,
  ): Promise<PhotoSubject> {
    const size = isImageHead(image.subarray(0, 16)) ? await imageSize(image) : undefined;
    if (!size) throw notAnImage;
    const square = cropSquare(size, crop);
    const letters = Object.keys(PHOTO_SIZES) as (keyof typeof PHOTO_SIZES)[];
    const images = await squareImages(
      image,
      square,
      letters.map((letter) => PHOTO_SIZES[letter]),
    );
    if (!images) throw notAnImage;
    const [F, M, T] = images as [Buffer, Buffer, Buffer];
    const photoId = await this.store.transaction(async (tx) => {
      const id = await tx.newId(KeyPrefix.photo);
      await tx.photos.set({
        id,
        orgId: viewer.orgId,
        subjectId: subject.id,
        subjectKind: subject.kind,
        images: { F, M, T },
        createdAt: this.clock.now(),
      });
      return id;
    });
    return { ...subject, photoId };
  }
}

/**
 * The square to crop (F2 §8): where the input leaves a value out, the largest square that fits at
 * the given position, centred along each axis whose position is not given; without any, the
 * centred largest square. A square that doesn't fit in the image is 400 INVALID_INPUT.
 */
export function cropSquare(
  image: { width: number; height: number },
  crop: PhotoCrop,
): { left: number; top: number; size: number } {
  const size = crop.cropSize ?? Math.min(image.width - (crop.cropX ?? 0), image.height - (crop.cropY ?? 0));
  const left = crop.cropX ?? Math.floor((image.width - size) / 2);
  const top = crop.cropY ?? Math.floor((image.height - size) / 2);
  if (size < 1 || left < 0 || top < 0 || left + size > image.width || top + size > image.height) {
    throw invalidInput(
      `Invalid crop: a square of ${size} pixels at (${left}, ${top}) doesn't fit in the image of ${image.width} by ${image.height} pixels. Specify cropX, cropY and cropSize inside the image.`,
    );
  }
  return { left, top, size };
}
