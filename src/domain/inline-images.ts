import type { Viewer } from '../auth/viewer.js';
import { invalidInput, notFound } from '../errors/api-error.js';
import { imageHeader } from '../lib/images.js';
import type { AttachedFile } from '../store/file-repository.js';
import type { FeedElementRecord, FileRecord, ImageDetails, StoredSegment } from '../store/records.js';
import type { FileService } from './files.js';
import type { Scope } from './scope.js';

/** The bytes an image's header is read from (its size and format; decision 0033). */
const HEADER_BYTES = 1024 * 1024;

/**
 * The InlineImage segments of a body being written (SPEC §12.3, F2 §7), checked and completed:
 * each file must be one the author sees (404 NOT_FOUND otherwise, SPEC §3) and an image (400
 * INVALID_INPUT); a segment without alt text takes the file's title, and each keeps the image's
 * size and format as read now. Returns the segments and the distinct files, in body order, which
 * the post or comment then carries as inline attachments (so its readers see them).
 */
export async function resolveInlineImages(
  files: FileService,
  viewer: Viewer,
  scope: Scope,
  segments: StoredSegment[],
): Promise<{ segments: StoredSegment[]; fileIds: string[] }> {
  const fileIds = [...new Set(segments.flatMap((s) => (s.type === 'InlineImage' ? [s.fileId] : [])))];
  if (fileIds.length === 0) return { segments, fileIds };
  const views = await files.views(viewer, scope, fileIds);
  const details = new Map<string, ImageDetails | null>();
  for (const id of fileIds) {
    const file = views.get(id)?.file;
    if (!file) throw notFound();
    if (!file.isImage)
      throw invalidInput(
        `Invalid InlineImage segment: the file ${id} isn't an image (PNG, JPEG, GIF or WebP).`,
      );
    details.set(id, await headerOf(files, file));
  }
  return {
    segments: segments.map((s) =>
      s.type === 'InlineImage'
        ? {
            ...s,
            altText: s.altText ?? views.get(s.fileId)?.file.title ?? null,
            image: details.get(s.fileId) ?? null,
          }
        : s,
    ),
    fileIds,
  };
}

async function headerOf(files: FileService, file: FileRecord): Promise<ImageDetails | null> {
  const parts: Buffer[] = [];
  for await (const part of files.bytes(file, 0, Math.min(file.contentSize, HEADER_BYTES) - 1).chunks)
    parts.push(part);
  return (await imageHeader(Buffer.concat(parts))) ?? null;
}

/** The posts whose files (attached or inline, theirs or their comments') are worth a query. */
export function withFiles(elements: FeedElementRecord[]): string[] {
  return elements.filter((e) => e.attachedFiles > 0).map((e) => e.id);
}

/** The attached files (capabilities.files) of a post (commentId null) or a comment, in order. */
export function attachedOf(
  files: AttachedFile[],
  feedElementId: string,
  commentId: string | null,
): AttachedFile[] {
  return files.filter(
    (f) =>
      !f.attachment.inline &&
      f.attachment.feedElementId === feedElementId &&
      f.attachment.commentId === commentId,
  );
}

/** The file of an inline image of a post or comment body: null once deleted. */
export function inlineFileOf(
  files: AttachedFile[],
  feedElementId: string,
  commentId: string | null,
  fileId: string,
): FileRecord | null {
  const found = files.find(
    (f) =>
      f.attachment.inline &&
      f.attachment.fileId === fileId &&
      f.attachment.feedElementId === feedElementId &&
      f.attachment.commentId === commentId,
  );
  return found?.file ?? null;
}
