import type { Selectable } from 'kysely';
import type { Db } from './dialects/dialect.js';
import type { FileAttachmentRecord, FileRecord, SubjectKind } from './records.js';
import type { Database } from './schema.js';
import { StatementShapes } from './statement-shapes.js';

/** A file on a post or comment, and the file itself (null once deleted). */
export interface AttachedFile {
  attachment: FileAttachmentRecord;
  file: FileRecord | null;
}

/** What an upload knows at its start; size, checksum and kind are known at its end. */
export interface NewFile {
  id: string;
  orgId: string;
  ownerId: string;
  versionId: string;
  name: string;
  title: string;
  description: string | null;
  mimeType: string;
  chunkSize: number;
  createdAt: number;
}

/** What an upload learns by its end. */
export interface FinishedFile {
  title: string;
  description: string | null;
  contentSize: number;
  checksum: string;
  isImage: boolean;
}

/**
 * Files and their bytes (decision 0009). An upload is `begin` (a hidden row), `appendChunk` per
 * chunk as the bytes arrive, then `finish` (shown) or `discard` (every row gone). Each call is its
 * own statement: no transaction stays open while a client sends, which would hold SQLite's one
 * writer for the length of an upload.
 */
export class FileRepository {
  /** The statements a feed page reads with, compiled once per shape (statement-shapes.ts). */
  readonly #shapes: StatementShapes;

  constructor(private readonly db: Db) {
    this.#shapes = new StatementShapes(db);
  }

  async begin(file: NewFile): Promise<void> {
    await this.db
      .insertInto('files')
      .values({
        id: file.id,
        org_id: file.orgId,
        owner_id: file.ownerId,
        version_id: file.versionId,
        status: 'uploading',
        name: file.name,
        title: file.title,
        description: file.description,
        mime_type: file.mimeType,
        content_size: 0,
        checksum: '',
        is_image: 0,
        chunk_size: file.chunkSize,
        created_at: file.createdAt,
        modified_at: file.createdAt,
      })
      .execute();
  }

  /**
   * One more chunk of an upload, and its heartbeat: the row's `modified_at` says when the upload
   * last wrote, so a start-up sweep can tell a live upload from one whose server died. False when
   * the row is gone (swept or discarded): the caller stops and removes what it wrote.
   */
  async appendChunk(fileId: string, seq: number, data: Uint8Array, at: number): Promise<boolean> {
    const beat = await this.db
      .updateTable('files')
      .set({ modified_at: at })
      .where('id', '=', fileId)
      .where('status', '=', 'uploading')
      .executeTakeFirst();
    if (Number(beat.numUpdatedRows) === 0) return false;
    await this.db.insertInto('file_chunks').values({ file_id: fileId, seq, data }).execute();
    return true;
  }

  /**
   * Removes uploads no server has written to since `idleSince` (their server died mid-upload) and
   * their chunks; returns how many. Ready files are never touched.
   */
  async sweepUploads(idleSince: number): Promise<number> {
    const stale = await this.db
      .selectFrom('files')
      .select('id')
      .where('status', '=', 'uploading')
      .where('modified_at', '<', idleSince)
      .execute();
    const ids = stale.map((r) => r.id);
    if (ids.length === 0) return 0;
    await this.db.deleteFrom('file_chunks').where('file_id', 'in', ids).execute();
    await this.db.deleteFrom('files').where('id', 'in', ids).where('status', '=', 'uploading').execute();
    return ids.length;
  }

  async finish(fileId: string, done: FinishedFile): Promise<void> {
    await this.db
      .updateTable('files')
      .set({
        status: 'ready',
        title: done.title,
        description: done.description,
        content_size: done.contentSize,
        checksum: done.checksum,
        is_image: done.isImage ? 1 : 0,
      })
      .where('id', '=', fileId)
      .execute();
  }

  /**
   * Removes a file, its bytes and its renditions, whatever its status; attachments stay (posts
   * show it nulled).
   */
  async discard(fileId: string): Promise<void> {
    await this.db.deleteFrom('file_renditions').where('file_id', '=', fileId).execute();
    await this.db.deleteFrom('file_chunks').where('file_id', '=', fileId).execute();
    await this.db.deleteFrom('files').where('id', '=', fileId).execute();
  }

  /** Files that are fully uploaded, of one org, in any order; missing ones are left out. */
  async findMany(orgId: string, ids: readonly string[]): Promise<FileRecord[]> {
    if (ids.length === 0) return [];
    const rows = await this.db
      .selectFrom('files')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('id', 'in', [...new Set(ids)])
      .where('status', '=', 'ready')
      .execute();
    return rows.map(toFile);
  }

  /**
   * The files a user owns, newest first: the `limit` just after the keyset cursor (the created date
   * and ID of the last file of the page before), read through `files_owner_created`.
   */
  async ownedPage(
    orgId: string,
    ownerId: string,
    after: { at: number; id: string } | undefined,
    limit: number,
  ): Promise<FileRecord[]> {
    let q = this.db
      .selectFrom('files')
      .selectAll()
      .where('owner_id', '=', ownerId)
      .where('org_id', '=', orgId)
      .where('status', '=', 'ready');
    if (after) q = q.where((eb) => eb(eb.refTuple('created_at', 'id'), '<', eb.tuple(after.at, after.id)));
    const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
    return rows.map(toFile);
  }

  async rename(fileId: string, title: string, description: string | null, modifiedAt: number): Promise<void> {
    await this.db
      .updateTable('files')
      .set({ title, description, modified_at: modifiedAt })
      .where('id', '=', fileId)
      .execute();
  }

  /** Chunks `from`..`to` (inclusive) of a file, in order. */
  async chunks(fileId: string, from: number, to: number): Promise<Uint8Array[]> {
    const rows = await this.db
      .selectFrom('file_chunks')
      .select('data')
      .where('file_id', '=', fileId)
      .where('seq', '>=', from)
      .where('seq', '<=', to)
      .orderBy('seq')
      .execute();
    return rows.map((r) => r.data);
  }

  /**
   * Ties files to a post (commentId null) or a comment, in the order given: attached files
   * (capabilities.files) or, `inline`, the files of the body's InlineImage segments.
   */
  async attach(
    orgId: string,
    feedElementId: string,
    commentId: string | null,
    fileIds: readonly string[],
    inline = false,
  ): Promise<void> {
    if (fileIds.length === 0) return;
    await this.#count(feedElementId, fileIds.length);
    await this.db
      .insertInto('file_attachments')
      .values(
        fileIds.map((fileId, position) => ({
          file_id: fileId,
          org_id: orgId,
          feed_element_id: feedElementId,
          comment_id: commentId ?? '',
          inline: inline ? 1 : 0,
          position,
        })),
      )
      .execute();
  }

  /** An edited body's inline images replace the ones before (the attached files stay). */
  async replaceInline(
    orgId: string,
    feedElementId: string,
    commentId: string | null,
    fileIds: readonly string[],
  ): Promise<void> {
    const removed = await this.db
      .deleteFrom('file_attachments')
      .where('feed_element_id', '=', feedElementId)
      .where('comment_id', '=', commentId ?? '')
      .where('inline', '=', 1)
      .executeTakeFirst();
    const gone = Number(removed.numDeletedRows);
    if (gone > 0) await this.#count(feedElementId, -gone);
    await this.attach(orgId, feedElementId, commentId, fileIds, true);
  }

  /** Keeps the post's count of files (its own and its comments') in step. */
  async #count(feedElementId: string, delta: number): Promise<void> {
    await this.db
      .updateTable('feed_elements')
      .set((eb) => ({ attached_files: eb('attached_files', '+', delta) }))
      .where('id', '=', feedElementId)
      .execute();
  }

  /**
   * What a file is shared with through the live posts (and their comments) that carry it: each
   * post's subject but `except` (the owner) once, in subject ID order, the `limit` just after
   * `afterId` (a keyset page).
   */
  async sharedWith(
    fileId: string,
    except: string,
    afterId: string | undefined,
    limit: number,
  ): Promise<{ subjectKind: SubjectKind; subjectId: string }[]> {
    let q = this.db
      .selectFrom('file_attachments as a')
      .innerJoin('feed_elements as e', 'e.id', 'a.feed_element_id')
      .select(['e.subject_kind', 'e.subject_id'])
      .where('a.file_id', '=', fileId)
      .where('e.subject_id', '!=', except)
      .where('e.deleted_at', 'is', null);
    if (afterId !== undefined) q = q.where('e.subject_id', '>', afterId);
    const rows = await q
      .groupBy(['e.subject_id', 'e.subject_kind'])
      .orderBy('e.subject_id')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ subjectKind: r.subject_kind as SubjectKind, subjectId: r.subject_id }));
  }

  /** A thumbnail made before (by any server), or undefined. */
  async rendition(fileId: string, type: string): Promise<Uint8Array | undefined> {
    const row = await this.db
      .selectFrom('file_renditions')
      .select('data')
      .where('file_id', '=', fileId)
      .where('type', '=', type)
      .executeTakeFirst();
    return row?.data;
  }

  /**
   * Keeps a thumbnail for the next request; two servers making the same one at once keep the
   * first. Written only while the file is there, so a delete racing it leaves no orphan.
   */
  async saveRendition(fileId: string, type: string, data: Uint8Array): Promise<void> {
    await this.db
      .insertInto('file_renditions')
      .columns(['file_id', 'type', 'data'])
      .expression((eb) =>
        eb
          .selectFrom('files')
          .select([eb.val(fileId).as('file_id'), eb.val(type).as('type'), eb.val(data).as('data')])
          .where('id', '=', fileId)
          .where('status', '=', 'ready'),
      )
      .onConflict((oc) => oc.columns(['file_id', 'type']).doNothing())
      .execute();
  }

  /**
   * The files on these posts and on their comments, in list order, in one query: each attachment
   * with its file, or null where the file was deleted (its Content Capability stays, nulled).
   */
  async attachedFiles(feedElementIds: readonly string[]): Promise<AttachedFile[]> {
    if (feedElementIds.length === 0) return [];
    const rows = await this.#shapes.rows('attached', [...new Set(feedElementIds)], (ids) =>
      this.db
        .selectFrom('file_attachments as a')
        .leftJoin('files as f', (join) => join.onRef('f.id', '=', 'a.file_id').on('f.status', '=', 'ready'))
        .select([
          'a.file_id',
          'a.feed_element_id',
          'a.comment_id',
          'a.inline',
          'a.position',
          'f.id',
          'f.org_id',
          'f.owner_id',
          'f.version_id',
          'f.status',
          'f.name',
          'f.title',
          'f.description',
          'f.mime_type',
          'f.content_size',
          'f.checksum',
          'f.is_image',
          'f.chunk_size',
          'f.created_at',
          'f.modified_at',
        ])
        .where('a.feed_element_id', 'in', ids)
        .orderBy('a.feed_element_id')
        .orderBy('a.comment_id')
        .orderBy('a.inline')
        .orderBy('a.position'),
    );
    return rows.map((row) => ({
      attachment: toAttachment(row),
      file:
        row.id === null
          ? null
          : toFile({
              ...(row as Selectable<Database['files']>),
              id: row.id,
            }),
    }));
  }

  /** Where files are attached (the posts and comments that carry them). */
  async attachmentsFor(fileIds: readonly string[]): Promise<FileAttachmentRecord[]> {
    if (fileIds.length === 0) return [];
    const rows = await this.db
      .selectFrom('file_attachments')
      .selectAll()
      .where('file_id', 'in', [...new Set(fileIds)])
      .orderBy('feed_element_id')
      .orderBy('comment_id')
      .orderBy('inline')
      .orderBy('position')
      .execute();
    return rows.map(toAttachment);
  }
}

function toFile(row: Selectable<Database['files']>): FileRecord {
  return {
    id: row.id,
    orgId: row.org_id,
    ownerId: row.owner_id,
    versionId: row.version_id,
    name: row.name,
    title: row.title,
    description: row.description,
    mimeType: row.mime_type,
    contentSize: Number(row.content_size),
    checksum: row.checksum,
    isImage: row.is_image === 1,
    chunkSize: row.chunk_size,
    createdAt: Number(row.created_at),
    modifiedAt: Number(row.modified_at),
  };
}

function toAttachment(
  row: Pick<
    Selectable<Database['file_attachments']>,
    'file_id' | 'feed_element_id' | 'comment_id' | 'inline' | 'position'
  >,
): FileAttachmentRecord {
  return {
    fileId: row.file_id,
    feedElementId: row.feed_element_id,
    commentId: row.comment_id === '' ? null : row.comment_id,
    inline: row.inline === 1,
    position: row.position,
  };
}
