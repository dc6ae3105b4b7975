import type { Db } from './dialects/dialect.js';

/** The sizes a photo is stored at, by the letter of its URL (`/profilephoto/{id}/{F|M|T}`). */
export type PhotoSize = 'F' | 'M' | 'T';

/** A new photo of a user or group: the cropped square as PNG at each size. */
export interface NewPhoto {
  id: string;
  orgId: string;
  subjectId: string;
  subjectKind: 'user' | 'group';
  images: Record<PhotoSize, Uint8Array>;
  createdAt: number;
}

const COLUMN = { F: 'large', M: 'medium', T: 'small' } as const;

/**
 * Photos of users and groups (migration 015). A subject has at most one photo row: setting one
 * deletes the others of the subject, removing one deletes them all, so no replaced photo's bytes
 * stay behind. Both are meant to run in one transaction.
 */
export class PhotoRepository {
  constructor(private readonly db: Db) {}

  /** Makes `photo` the subject's photo and deletes every earlier one. */
  async set(photo: NewPhoto): Promise<void> {
    await this.db
      .insertInto('photos')
      .values({
        id: photo.id,
        org_id: photo.orgId,
        subject_id: photo.subjectId,
        large: photo.images.F,
        medium: photo.images.M,
        small: photo.images.T,
        created_at: photo.createdAt,
      })
      .execute();
    await this.point(photo.subjectKind, photo.subjectId, photo.id);
    // After the subject's row is updated (and so locked on PostgreSQL): a concurrent set that
    // committed first is seen here and its photo deleted too.
    await this.db
      .deleteFrom('photos')
      .where('subject_id', '=', photo.subjectId)
      .where('id', '<>', photo.id)
      .execute();
  }

  /** Back to the default picture: the subject's photos are deleted. */
  async remove(subjectKind: 'user' | 'group', subjectId: string): Promise<void> {
    await this.point(subjectKind, subjectId, null);
    await this.db.deleteFrom('photos').where('subject_id', '=', subjectId).execute();
  }

  /** One size of a photo, by the photo's ID in any org (photo URLs are served without a session). */
  async image(photoId: string, size: PhotoSize): Promise<Uint8Array | undefined> {
    const row = await this.db
      .selectFrom('photos')
      .select(COLUMN[size])
      .where('id', '=', photoId)
      .executeTakeFirst();
    return row?.[COLUMN[size]];
  }

  private async point(kind: 'user' | 'group', subjectId: string, photoId: string | null): Promise<void> {
    await this.db
      .updateTable(kind === 'user' ? 'users' : 'groups')
      .set({ photo_id: photoId })
      .where('id', '=', subjectId)
      .execute();
  }
}
