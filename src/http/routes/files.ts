import { Readable } from 'node:stream';
import { Type } from 'typebox';
import { type FileInput, fileTooLarge, type Upload } from '../../domain/files.js';
import { apiError, invalidInput, notFound, unrecognizedField, withHeaders } from '../../errors/api-error.js';
import { KeyPrefix } from '../../ids/salesforce-id.js';
import { RENDITIONS, type RenditionType } from '../../lib/images.js';
import { defineRoute } from '../api-route.js';
import { batchParams, FeedElementParams, recordId, UserParams } from '../params.js';
import {
  presentFileCapabilities,
  presentFileDetail,
  presentFilePage,
  presentFileShares,
} from '../presenters/file.js';
import { presentBatchResults } from '../presenters/pages.js';
import { DEFAULT_PAGE_SIZE } from './feed-schemas.js';
import { contentHeaders, parseRange } from './file-content.js';
import { PageSize } from './integer-paging.js';
import { jsonPartObject, multipartError, multipartParts } from './multipart.js';

const FileParams = Type.Object({ fileId: recordId(KeyPrefix.file) });
const FILES_SINCE = 36;

const UploadQuery = Type.Object({
  title: Type.Optional(Type.String()),
  desc: Type.Optional(Type.String()),
});
/** Owned files and file shares: `page` is a keyset token from an earlier page (or 0, the first). */
const FilePageQuery = Type.Object({ page: Type.Optional(Type.String()), pageSize: PageSize(100) });
const RenameBody = Type.Object(
  {
    title: Type.Optional(Type.String()),
    description: Type.Optional(Type.Union([Type.String(), Type.Null()])),
    desc: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  },
  { additionalProperties: false },
);
const RenditionQuery = Type.Object({
  type: Type.Optional(Type.String({ default: 'THUMB120BY90' })),
  versionNumber: Type.Optional(Type.String()),
  page: Type.Optional(Type.Integer({ minimum: 0 })),
});
const ContentQuery = Type.Object({ versionNumber: Type.Optional(Type.String()) });

const MISSING_FILE = 'Missing required file data: send the file as a multipart part named fileData.';

/**
 * Files (SPEC §12.2): upload, list, read, rename, delete, bytes, renditions, batch, shares. The
 * upload reads the multipart body itself, part by part, and streams the file into the store.
 */
export const fileRoutes = [
  defineRoute({
    method: 'POST',
    path: '/connect/files/users/:userId',
    summary: 'Upload a file (multipart: fileData, optional json or title/desc)',
    since: FILES_SINCE,
    multipart: true,
    xmlRoot: 'file',
    schema: { params: UserParams, querystring: UploadQuery },
    handler: async ({ request, services, viewer, scope, ctx, params, query }) => {
      const limit = services.control.limits.maxFileBytes;
      if (!request.isMultipart()) throw invalidInput(MISSING_FILE);
      const input: FileInput = {
        ...(query.title !== undefined ? { title: query.title } : {}),
        ...(query.desc !== undefined ? { description: query.desc } : {}),
      };
      let upload: Upload | undefined;
      try {
        for await (const part of multipartParts(request, limit)) {
          if (part.type === 'file') {
            if (part.fieldname !== 'fileData' || upload) {
              part.file.resume();
              continue;
            }
            upload = await services.files.startUpload(viewer, scope, params.userId, {
              filename: part.filename,
              mimeType: part.mimetype,
            });
            for await (const chunk of part.file) await upload.write(chunk as Buffer);
            if (part.file.truncated) throw fileTooLarge(limit);
          } else if (part.fieldname === 'json') {
            Object.assign(input, fileInputJson(part.value));
          } else if (part.fieldname === 'title') {
            input.title = String(part.value);
          } else if (part.fieldname === 'desc') {
            input.description = String(part.value);
          }
        }
        if (!upload) throw invalidInput(MISSING_FILE);
        const view = await upload.finish(input);
        return { status: 201, body: presentFileDetail(ctx, view) };
      } catch (error) {
        await upload?.abort();
        throw multipartError(error, () => fileTooLarge(limit));
      }
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/connect/files/users/:userId',
    summary: "A user's files (File Summary Page)",
    since: FILES_SINCE,
    xmlRoot: 'fileSummaryPage',
    schema: { params: UserParams, querystring: FilePageQuery },
    handler: async ({ services, viewer, scope, ctx, params, query }) => {
      const pageSize = query.pageSize ?? DEFAULT_PAGE_SIZE;
      const page = await services.files.listOwned(viewer, scope, params.userId, {
        page: query.page,
        pageSize,
      });
      const userId = params.userId === 'me' ? viewer.user.id : params.userId;
      return { body: presentFilePage(ctx, userId, page, pageSize) };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/connect/files/batch/:fileIds',
    summary: 'Files by ID (Batch Results)',
    since: FILES_SINCE,
    xmlRoot: 'batchResults',
    schema: { params: batchParams('fileIds') },
    handler: async ({ services, viewer, scope, ctx, params }) => {
      const items = await services.files.batch(viewer, scope, params.fileIds);
      return { body: presentBatchResults(items, (v) => presentFileDetail(ctx, v)) };
    },
  }),
  defineRoute({
    method: 'DELETE',
    path: '/connect/files/batch/:fileIds',
    summary: 'Delete files by ID (Batch Results)',
    since: FILES_SINCE,
    xmlRoot: 'batchResults',
    schema: { params: batchParams('fileIds') },
    handler: async ({ services, viewer, scope, params }) => {
      const items = await services.files.deleteBatch(viewer, scope, params.fileIds);
      const body = presentBatchResults(items, () => null);
      return {
        body: {
          ...body,
          results: body.results.map((r) => (r.statusCode === 200 ? { result: null, statusCode: 204 } : r)),
        },
      };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/connect/files/:fileId',
    summary: 'File Detail',
    since: FILES_SINCE,
    xmlRoot: 'file',
    schema: { params: FileParams },
    handler: async ({ services, viewer, scope, ctx, params }) => {
      const view = await services.files.get(viewer, scope, params.fileId);
      return { body: presentFileDetail(ctx, view) };
    },
  }),
  defineRoute({
    method: 'PATCH',
    path: '/connect/files/:fileId',
    summary: 'Rename a file (title, description)',
    since: FILES_SINCE,
    xmlRoot: 'file',
    schema: { params: FileParams, body: RenameBody },
    handler: async ({ services, viewer, scope, ctx, params, body }) => {
      const description = body.description !== undefined ? body.description : body.desc;
      const view = await services.files.rename(viewer, scope, params.fileId, {
        title: body.title,
        description,
      });
      return { body: presentFileDetail(ctx, view) };
    },
  }),
  defineRoute({
    method: 'DELETE',
    path: '/connect/files/:fileId',
    summary: 'Delete a file',
    since: FILES_SINCE,
    schema: { params: FileParams },
    handler: async ({ services, viewer, scope, params }) => {
      await services.files.delete(viewer, scope, params.fileId);
      return { status: 204 };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/connect/files/:fileId/content',
    summary: "A file's bytes (Range requests answered 206)",
    since: FILES_SINCE,
    schema: { params: FileParams, querystring: ContentQuery },
    handler: async ({ request, services, viewer, scope, params }) => {
      const { file } = await services.files.get(viewer, scope, params.fileId);
      const headers = contentHeaders(file);
      if (request.headers['if-none-match'] === headers.ETag) return { status: 304, headers };
      const range = parseRange(request.headers.range, file.contentSize);
      if (range === 'unsatisfiable') {
        throw withHeaders(apiError('RANGE_NOT_SATISFIABLE', { size: file.contentSize }), {
          'Content-Range': `bytes */${file.contentSize}`,
        });
      }
      const bytes = services.files.bytes(file, range?.start, range?.end);
      const length = bytes.end - bytes.start + 1;
      return {
        status: range ? 206 : 200,
        headers: {
          ...headers,
          'Content-Length': String(Math.max(0, length)),
          ...(range ? { 'Content-Range': `bytes ${range.start}-${range.end}/${file.contentSize}` } : {}),
        },
        raw: { contentType: file.mimeType, body: Readable.from(bytes.chunks) },
      };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/connect/files/:fileId/rendition',
    summary: 'A thumbnail of an image file (PNG)',
    since: FILES_SINCE,
    schema: { params: FileParams, querystring: RenditionQuery },
    handler: async ({ services, viewer, scope, params, query }) => {
      const type = query.type ?? 'THUMB120BY90';
      if (!Object.hasOwn(RENDITIONS, type)) {
        throw invalidInput(
          `Invalid type: ${type}. Specify THUMB120BY90, THUMB240BY180, THUMB720BY480 or PDF.`,
        );
      }
      const { file } = await services.files.get(viewer, scope, params.fileId);
      if (!file.isImage) throw notFound();
      const png = await services.files.rendition(file, type as RenditionType);
      if (!png) throw notFound();
      return { raw: { contentType: 'image/png', body: png } };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/connect/files/:fileId/file-shares',
    summary: 'Who a file is shared with (File Shares Page)',
    since: FILES_SINCE,
    xmlRoot: 'fileSharesPage',
    schema: { params: FileParams, querystring: FilePageQuery },
    handler: async ({ services, viewer, scope, ctx, params, query }) => {
      const pageSize = query.pageSize ?? DEFAULT_PAGE_SIZE;
      const page = await services.fileShares.page(viewer, scope, params.fileId, {
        page: query.page,
        pageSize,
      });
      return { body: presentFileShares(ctx, page, pageSize) };
    },
  }),
];

/** `GET feed-elements/{id}/capabilities/files` (v37+): the Files Capability; 404 on a post without. */
export const filesCapabilityRoute = defineRoute({
  method: 'GET',
  path: '/chatter/feed-elements/:feedElementId/capabilities/files',
  summary: 'Files Capability of a feed element',
  since: 37,
  guests: true,
  xmlRoot: 'filesCapability',
  schema: { params: FeedElementParams },
  handler: async ({ services, viewer, scope, ctx, params }) => {
    const view = await services.feedElements.get(viewer, scope, params.feedElementId, {
      recentCommentCount: 0,
    });
    const { files } = presentFileCapabilities(ctx, view.files);
    if (!files) throw notFound();
    return { body: files };
  },
});

/** The `json` part: File Input (`title`, `desc` or `description`). */
function fileInputJson(raw: unknown): FileInput {
  const input: FileInput = {};
  for (const [key, field] of Object.entries(jsonPartObject(raw))) {
    if (key === 'title' && typeof field === 'string') input.title = field;
    else if ((key === 'desc' || key === 'description') && (typeof field === 'string' || field === null))
      input.description = field;
    else if (!['title', 'desc', 'description', 'isMajorVersion', 'contentModifiedDate'].includes(key))
      throw unrecognizedField(key);
  }
  return input;
}
