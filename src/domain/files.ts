import type { Viewer } from '../auth/viewer.js';
import { apiError, insufficientAccess, invalidInput, notFound } from '../errors/api-error.js';
import { KeyPrefix } from '../ids/salesforce-id.js';
import type { Clock } from '../lib/clock.js';
import { RENDITIONS, type RenditionType, thumbnail } from '../lib/images.js';
import type { FileRecord } from '../store/records.js';
import type { Store } from '../store/store.js';
import { readRefusal } from './feed-access.js';
import { ChunkWriter, FILE_CHUNK_BYTES, titleOf } from './file-upload.js';
import { loadGroupAccess } from './group-access.js';
import { parseBatchIds, requireId, requireUserId } from './ids.js';
import { keysetToken, parseKeysetToken } from './page-tokens.js';
import type { Scope } from './scope.js';
import { type UserSummaryView, userSummaries } from './user-summaries.js';
import type { BatchItem, UserService } from './users.js';

export const FILE_TITLE_MAX = 255;
export const FILE_DESCRIPTION_MAX = 1000;
export const FILES_BATCH_MAX = 500;
/** Files one post or comment may carry (SPEC §12.2). */
export const FILES_PER_ELEMENT_MAX = 10;

/** A file as one viewer sees it. */
export interface FileView {
  file: FileRecord;
  owner: UserSummaryView;
  /** Owner, Admin (an admin who isn't the owner) or Viewer (through a post or comment). */
  sharingRole: 'Owner' | 'Admin' | 'Viewer';
  /** Attached to a post or comment: PublicAccess, else PrivateAccess. */
  shared: boolean;
}

/** Title and description of an upload or a rename (File Input). */
export interface FileInput {
  title?: string | undefined;
  description?: string | null | undefined;
}

/** The bytes between two offsets of a file, inclusive, as the store gives them out. */
export interface FileBytes {
  start: number;
  end: number;
  chunks: AsyncIterable<Buffer>;
}

/** Files (SPEC §12.2): uploads, reads, renames, deletes, and who sees them. */
export class FileService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly users: UserService,
  ) {}

  /**
   * Starts an upload to a user's files (only one's own): the row is hidden until `finish`, and
   * `abort` (or any failure) removes every row it wrote.
   */
  async startUpload(
    viewer: Viewer,
    scope: Scope,
    rawUserId: string,
    part: { filename: string; mimeType: string },
  ): Promise<Upload> {
    const ownerId = requireUserId(rawUserId, viewer);
    if (ownerId !== viewer.user.id) {
      const target = await this.users.summaries(viewer, scope, [ownerId], { visibleOnly: true });
      if (!target.has(ownerId)) throw notFound();
      throw insufficientAccess("You can't upload files for another user.");
    }
    const name = part.filename === '' ? 'file' : part.filename;
    const id = await this.store.newId(KeyPrefix.file);
    const versionId = await this.store.newId(KeyPrefix.fileVersion);
    await this.store.files.begin({
      id,
      orgId: viewer.orgId,
      ownerId,
      versionId,
      name,
      title: titleOf(name),
      description: null,
      mimeType: part.mimeType || 'application/octet-stream',
      chunkSize: FILE_CHUNK_BYTES,
      createdAt: this.clock.now(),
    });
    return new Upload(this.store, this.clock, id, titleOf(name), async () => this.get(viewer, scope, id));
  }

  /** The file if the viewer may see it: its owner, an admin, or a reader of a post that carries it. */
  async get(viewer: Viewer, scope: Scope, rawId: string): Promise<FileView> {
    const id = requireId(rawId, KeyPrefix.file);
    const view = (await this.views(viewer, scope, [id])).get(id);
    if (!view) throw notFound();
    return view;
  }

  /** Views of the files the viewer may see, by ID; the others are left out. */
  async views(viewer: Viewer, scope: Scope, ids: readonly string[]): Promise<Map<string, FileView>> {
    const files = await this.store.files.findMany(viewer.orgId, ids);
    const attachments = await this.store.files.attachmentsFor(files.map((f) => f.id));
    const elements = await this.store.posts.findElements(
      viewer.orgId,
      attachments.map((a) => a.feedElementId),
    );
    const access = await loadGroupAccess(
      this.store,
      viewer,
      scope,
      elements.filter((e) => e.subjectKind === 'group').map((e) => e.subjectId),
    );
    const readable = new Set(
      elements.filter((e) => readRefusal(viewer, scope, e, access) === null).map((e) => e.id),
    );
    const shared = new Set(
      attachments.filter((a) => elements.some((e) => e.id === a.feedElementId)).map((a) => a.fileId),
    );
    const seenThroughPost = new Set(
      attachments.filter((a) => readable.has(a.feedElementId)).map((a) => a.fileId),
    );
    const admin = viewer.user.type === 'admin' && !viewer.isGuest;
    const owners = await userSummaries(
      this.users,
      this.store,
      viewer,
      scope,
      files.map((f) => f.ownerId),
    );
    const views = new Map<string, FileView>();
    for (const file of files) {
      const owns = file.ownerId === viewer.user.id;
      if (!owns && !admin && !seenThroughPost.has(file.id)) continue;
      const owner = owners.get(file.ownerId);
      if (!owner) continue;
      views.set(file.id, {
        file,
        owner,
        sharingRole: owns ? 'Owner' : admin ? 'Admin' : 'Viewer',
        shared: shared.has(file.id),
      });
    }
    return views;
  }

  /**
   * The files a post or comment is to carry, checked: at most 10, each a file the author sees
   * (400 INVALID_INPUT otherwise); repeats count once. Returns their canonical IDs in order.
   */
  async attachable(viewer: Viewer, scope: Scope, rawIds: readonly string[]): Promise<string[]> {
    const ids = [...new Set(rawIds.map((raw) => requireId(raw, KeyPrefix.file)))];
    if (ids.length > FILES_PER_ELEMENT_MAX)
      throw invalidInput(`You can't attach more than ${FILES_PER_ELEMENT_MAX} files to a feed element.`);
    const views = await this.views(viewer, scope, ids);
    const missing = ids.find((id) => !views.has(id));
    if (missing !== undefined)
      throw invalidInput(`You can't attach a file that doesn't exist or that you can't see: ${missing}.`);
    return ids;
  }

  /**
   * A user's own files, newest first, a keyset page (others see only the files shown to them, so
   * their pages may be shorter). `page` is a token from an earlier page, or `0` for the first one
   * (what integer-paging clients send).
   */
  async listOwned(
    viewer: Viewer,
    scope: Scope,
    rawUserId: string,
    paging: { page?: string | undefined; pageSize: number },
  ): Promise<{ views: FileView[]; currentPageToken: string | null; nextPageToken: string | null }> {
    const ownerId = requireUserId(rawUserId, viewer);
    const cursor =
      paging.page === undefined || paging.page === '0'
        ? undefined
        : parseKeysetToken(paging.page, KeyPrefix.file, { newer: false });
    if (ownerId !== viewer.user.id) {
      const target = await this.users.summaries(viewer, scope, [ownerId], { visibleOnly: true });
      if (!target.has(ownerId)) throw notFound();
    }
    const files = await this.store.files.ownedPage(viewer.orgId, ownerId, cursor, paging.pageSize + 1);
    const page = files.slice(0, paging.pageSize);
    const last = page.at(-1);
    const views = await this.views(
      viewer,
      scope,
      page.map((f) => f.id),
    );
    return {
      views: page.flatMap((f) => views.get(f.id) ?? []),
      currentPageToken: cursor ? keysetToken(cursor) : null,
      nextPageToken:
        files.length > paging.pageSize && last
          ? keysetToken({ at: last.createdAt, id: last.id, direction: 'older' })
          : null,
    };
  }

  /** PATCH: a new title and description, by the owner or an admin. */
  async rename(viewer: Viewer, scope: Scope, rawId: string, input: FileInput): Promise<FileView> {
    const view = await this.get(viewer, scope, rawId);
    if (view.sharingRole === 'Viewer')
      throw insufficientAccess("You don't have permission to edit this file.");
    const title = input.title === undefined ? view.file.title : checkTitle(input.title);
    const description =
      input.description === undefined ? view.file.description : checkDescription(input.description);
    await this.store.files.rename(view.file.id, title, description, this.clock.now());
    return this.get(viewer, scope, view.file.id);
  }

  /** DELETE: the file and its bytes (posts keep a nulled capability), by its owner or an admin. */
  async delete(viewer: Viewer, scope: Scope, rawId: string): Promise<void> {
    const view = await this.get(viewer, scope, rawId);
    if (view.sharingRole === 'Viewer')
      throw insufficientAccess("You don't have permission to delete this file.");
    await this.store.transaction((tx) => tx.files.discard(view.file.id));
  }

  /** files/batch/{ids}: one result per ID, in order. */
  async batch(viewer: Viewer, scope: Scope, rawIds: string): Promise<BatchItem<FileView>[]> {
    const parsed = parseBatchIds(rawIds, 'fileIds', FILES_BATCH_MAX, KeyPrefix.file);
    const views = await this.views(
      viewer,
      scope,
      parsed.flatMap((p) => (p.id ? [p.id] : [])),
    );
    return parsed.map((p) => {
      if (!p.id) return { error: p.error as Error };
      const view = views.get(p.id);
      return view ? { value: view } : { error: notFound() };
    });
  }

  /** DELETE files/batch/{ids}: each file deleted where the viewer may, one result per ID. */
  async deleteBatch(viewer: Viewer, scope: Scope, rawIds: string): Promise<BatchItem<null>[]> {
    const items: BatchItem<null>[] = [];
    for (const p of parseBatchIds(rawIds, 'fileIds', FILES_BATCH_MAX, KeyPrefix.file)) {
      try {
        if (!p.id) throw p.error as Error;
        await this.delete(viewer, scope, p.id);
        items.push({ value: null });
      } catch (error) {
        items.push({ error: error as Error });
      }
    }
    return items;
  }

  /**
   * A thumbnail of an image file (PNG), made once per file and size and kept in the store, where
   * every server finds it (decision 0033); undefined when sharp cannot read the image.
   */
  async rendition(file: FileRecord, type: RenditionType): Promise<Buffer | undefined> {
    const kept = await this.store.files.rendition(file.id, type);
    if (kept) return Buffer.from(kept);
    const png = await thumbnail(this.bytes(file).chunks, RENDITIONS[type]);
    if (png) await this.store.files.saveRendition(file.id, type, png);
    return png;
  }

  /** The bytes of a file, whole or a range [start, end] (already checked against its size). */
  bytes(file: FileRecord, start = 0, end = file.contentSize - 1): FileBytes {
    const store = this.store;
    const size = file.chunkSize;
    async function* chunks(): AsyncGenerator<Buffer> {
      if (end < start) return;
      const first = Math.floor(start / size);
      const last = Math.floor(end / size);
      // One chunk a query: 256 KiB in memory at a time (512 KiB of hex text on PostgreSQL).
      for (let from = first; from <= last; from += CHUNKS_PER_READ) {
        const to = Math.min(last, from + CHUNKS_PER_READ - 1);
        const rows = await store.files.chunks(file.id, from, to);
        for (let i = 0; i < rows.length; i++) {
          const seq = from + i;
          const data = Buffer.from(rows[i] as Uint8Array);
          const offset = seq * size;
          const lo = Math.max(0, start - offset);
          const hi = Math.min(data.length, end - offset + 1);
          yield data.subarray(lo, hi);
        }
      }
    }
    return { start, end, chunks: chunks() };
  }
}

const CHUNKS_PER_READ = 1;

/** An upload under way (FileService.startUpload). */
export class Upload {
  readonly #writer: ChunkWriter;
  #done = false;

  constructor(
    private readonly store: Store,
    clock: Clock,
    readonly fileId: string,
    private readonly defaultTitle: string,
    private readonly read: () => Promise<FileView>,
  ) {
    this.#writer = new ChunkWriter(store, fileId, clock);
  }

  get size(): number {
    return this.#writer.size;
  }

  write(data: Buffer): Promise<void> {
    return this.#writer.write(data);
  }

  /** The last bytes are in: the file is shown, with its title and description. */
  async finish(input: FileInput): Promise<FileView> {
    const title = input.title === undefined ? this.defaultTitle : checkTitle(input.title);
    const description = input.description === undefined ? null : checkDescription(input.description);
    const { checksum, isImage, size } = await this.#writer.end();
    await this.store.files.finish(this.fileId, { title, description, contentSize: size, checksum, isImage });
    this.#done = true;
    return this.read();
  }

  /** Removes whatever the upload wrote (a refused or cut upload leaves nothing). */
  async abort(): Promise<void> {
    if (this.#done) return;
    this.#done = true;
    await this.store.files.discard(this.fileId);
  }
}

function checkTitle(title: string): string {
  if (title.trim() === '') throw invalidInput('Invalid title: specify a title for the file.');
  if (title.length > FILE_TITLE_MAX)
    throw invalidInput(`Invalid title: specify at most ${FILE_TITLE_MAX} characters.`);
  return title;
}

function checkDescription(description: string | null): string | null {
  if (description !== null && description.length > FILE_DESCRIPTION_MAX)
    throw invalidInput(`Invalid description: specify at most ${FILE_DESCRIPTION_MAX} characters.`);
  return description === '' ? null : description;
}

/** 413 for an upload over the file limit (SPEC §12.2), naming the limit in bytes. */
export const fileTooLarge = (limit: number) => apiError('FILE_TOO_LARGE', { limit });
