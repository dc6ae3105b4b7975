import type { FileShareEntity, FileSharesPage } from '../../domain/file-shares.js';
import { fileExtension, fileType } from '../../domain/file-upload.js';
import type { FileView } from '../../domain/files.js';
import type { AttachedFile } from '../../store/file-repository.js';
import type { FileRecord, ImageDetails } from '../../store/records.js';
import type { PresentContext } from '../present-context.js';
import { nullableText } from '../present-context.js';
import { pageUrl } from './comment.js';
import { presentGroup } from './group.js';
import { presentRecordSummary } from './record-summary.js';
import { presentUserSummary } from './user.js';

const fileMotif = {
  color: '939393',
  largeIconUrl: '/img/content/content64.png',
  mediumIconUrl: '/img/content/content32.png',
  smallIconUrl: '/img/icon/files16.png',
};

export function fileUrl(ctx: PresentContext, id: string): string {
  return `${ctx.base}/connect/files/${id}`;
}

/** The three thumbnail URLs of an image file; null for other files (no renditions, F2 §2.3). */
export function renditionUrls(ctx: PresentContext, id: string, isImage: boolean) {
  const url = (type: string) => (isImage ? `${fileUrl(ctx, id)}/rendition?type=${type}` : null);
  return {
    renditionUrl: url('THUMB120BY90'),
    renditionUrl240By180: url('THUMB240BY180'),
    renditionUrl720By480: url('THUMB720BY480'),
  };
}

/** File Summary (F2 §2.3): alphabetical, nulls kept, each key from the version that added it. */
export function presentFileSummary(ctx: PresentContext, view: FileView) {
  const { file } = view;
  const iso = (ms: number) => new Date(ms).toISOString();
  const status = file.isImage ? 'Success' : 'Na';
  const renditions = renditionUrls(ctx, file.id, file.isImage);
  const v = ctx.major;
  return {
    checksum: file.checksum,
    contentHubRepository: null,
    contentModifiedDate: iso(file.modifiedAt),
    contentSize: file.contentSize,
    contentUrl: null,
    ...(v >= 62 ? { contentVersionId: file.versionId } : {}),
    ...(v >= 41 ? { createdDate: iso(file.createdAt) } : {}),
    description: nullableText(ctx, file.description),
    downloadUrl: `${fileUrl(ctx, file.id)}/content?versionNumber=1`,
    externalDocumentUrl: null,
    externalFilePermissionInformation: null,
    fileExtension: fileExtension(file.name),
    fileType: fileType(file.name),
    flashRenditionStatus: 'Na',
    id: file.id,
    ...(v >= 46 ? { isFileAsset: false } : {}),
    isInMyFileSync: false,
    isMajorVersion: true,
    mimeType: file.mimeType,
    moderationFlags: null,
    modifiedDate: iso(file.modifiedAt),
    motif: fileMotif,
    mySubscription: null,
    name: ctx.text(file.name),
    origin: 'Chatter',
    owner: presentUserSummary(ctx, view.owner),
    parentFolder: null,
    pdfRenditionStatus: 'Na',
    publishStatus: view.shared ? 'PublicAccess' : 'PrivateAccess',
    ...renditions,
    repositoryFileId: null,
    repositoryFileUrl: null,
    sharingOption: 'Allowed',
    ...(v >= 41 ? { sharingPrivacy: 'None' } : {}),
    sharingRole: view.sharingRole,
    ...(v >= 41 ? { systemModstamp: iso(file.modifiedAt) } : {}),
    textPreview: null,
    thumb120By90RenditionStatus: status,
    thumb240By180RenditionStatus: status,
    thumb720By480RenditionStatus: status,
    title: ctx.text(file.title),
    type: 'ContentDocument',
    url: fileUrl(ctx, file.id),
    versionNumber: '1',
  };
}

/** File Detail = File Summary + fileAsset (38), pageCount, topics (37), in alphabetical order. */
export function presentFileDetail(ctx: PresentContext, view: FileView) {
  const summary = presentFileSummary(ctx, view);
  const detail: Record<string, unknown> = {
    ...summary,
    ...(ctx.major >= 38 ? { fileAsset: null } : {}),
    pageCount: 0,
    ...(ctx.major >= 37 ? { topics: { currentPageUrl: null, nextPageUrl: null, topics: [] } } : {}),
  };
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(detail).sort()) sorted[key] = detail[key];
  return sorted;
}

/**
 * `GET connect/files/users/{id}`: a File Summary Page, paged by keyset tokens (no previous page;
 * `pageSize` is carried in every link).
 */
export function presentFilePage(
  ctx: PresentContext,
  userId: string,
  page: { views: FileView[]; currentPageToken: string | null; nextPageToken: string | null },
  pageSize: number,
) {
  const url = `${ctx.base}/connect/files/users/${userId}`;
  return {
    currentPageUrl: pageUrl(url, page.currentPageToken, pageSize),
    files: page.views.map((v) => presentFileSummary(ctx, v)),
    nextPageUrl: page.nextPageToken ? pageUrl(url, page.nextPageToken, pageSize) : null,
    previousPageUrl: null,
  };
}

/**
 * `GET connect/files/{id}/file-shares`: the owner (`I`) and who sees it through posts (`V`), each
 * entity as its own resources show it; keyset page links (decision 0033).
 */
export function presentFileShares(ctx: PresentContext, page: FileSharesPage, pageSize: number) {
  const url = `${fileUrl(ctx, page.view.file.id)}/file-shares`;
  const entity = (e: FileShareEntity) =>
    e.kind === 'user'
      ? presentUserSummary(ctx, e.user)
      : e.kind === 'group'
        ? presentGroup(ctx, e.group)
        : presentRecordSummary(ctx, e.record);
  return {
    currentPageUrl: pageUrl(url, page.currentPageToken, pageSize),
    linkShare: null,
    nextPageUrl: page.nextPageToken ? pageUrl(url, page.nextPageToken, pageSize) : null,
    previousPageUrl: null,
    shares: [
      ...(page.owner ? [{ entity: presentUserSummary(ctx, page.owner), sharingType: 'I' }] : []),
      ...page.viewers.map((e) => ({ entity: entity(e), sharingType: 'V' })),
    ],
  };
}

/**
 * Content Capability (F2 §2.4): a file on a post or comment. A deleted file keeps its place with
 * every property null, `id` included (SPEC §12.8).
 */
export function presentContentCapability(ctx: PresentContext, attached: AttachedFile) {
  const { file } = attached;
  if (file === null) return NULL_CONTENT;
  const status = file.isImage ? 'Success' : 'Na';
  return {
    checksum: file.checksum,
    contentHubRepository: null,
    contentUrl: null,
    description: nullableText(ctx, file.description),
    downloadUrl: `${fileUrl(ctx, file.id)}/content?versionNumber=1`,
    externalDocumentUrl: null,
    fileExtension: fileExtension(file.name),
    fileSize: String(file.contentSize),
    fileType: fileType(file.name),
    hasPdfPreview: false,
    id: file.id,
    isInMyFileSync: false,
    mimeType: file.mimeType,
    ...renditionUrls(ctx, file.id, file.isImage),
    repositoryFileId: null,
    repositoryFileUrl: null,
    sharingOption: 'Allowed',
    textPreview: null,
    thumb120By90RenditionStatus: status,
    thumb240By180RenditionStatus: status,
    thumb720By480RenditionStatus: status,
    title: ctx.text(file.title),
    versionId: file.versionId,
  };
}

const NULL_CONTENT = Object.freeze(
  Object.fromEntries(
    [
      'checksum',
      'contentHubRepository',
      'contentUrl',
      'description',
      'downloadUrl',
      'externalDocumentUrl',
      'fileExtension',
      'fileSize',
      'fileType',
      'hasPdfPreview',
      'id',
      'isInMyFileSync',
      'mimeType',
      'renditionUrl',
      'renditionUrl240By180',
      'renditionUrl720By480',
      'repositoryFileId',
      'repositoryFileUrl',
      'sharingOption',
      'textPreview',
      'thumb120By90RenditionStatus',
      'thumb240By180RenditionStatus',
      'thumb720By480RenditionStatus',
      'title',
      'versionId',
    ].map((key) => [key, null]),
  ),
);

/**
 * The file keys of a post's capabilities: `files` (v36+, every file) or `content` (32–35, the
 * first); none when it carries no file.
 */
export function presentFileCapabilities(ctx: PresentContext, files: AttachedFile[]) {
  if (files.length === 0) return {};
  if (ctx.major >= 36) return { files: { items: files.map((f) => presentContentCapability(ctx, f)) } };
  return { content: presentContentCapability(ctx, files[0] as AttachedFile) };
}

/** The preview formats of an image's thumbnails (File Preview, F2 §7), by rendition. */
const PREVIEWS = [
  ['ThumbnailTiny', 'THUMB120BY90', 'tiny-thumbnail'],
  ['Thumbnail', 'THUMB240BY180', 'thumbnail'],
  ['ThumbnailBig', 'THUMB720BY480', 'big-thumbnail'],
] as const;

/**
 * Message Segment: Inline Image (F2 §7; decision 0033): each key from its version, alphabetical.
 * Once the file is deleted, only the alt text and text stay; every file property is null.
 */
export function presentInlineImage(
  ctx: PresentContext,
  segment: { fileId: string; altText: string | null; image: ImageDetails | null; file: FileRecord | null },
) {
  const { file, image } = segment;
  const base = file ? fileUrl(ctx, file.id) : '';
  return {
    altText: nullableText(ctx, segment.altText),
    contentSize: file ? file.contentSize : null,
    ...(ctx.major >= 37 ? { fileExtension: file ? fileExtension(file.name) : null } : {}),
    ...(ctx.major >= 41
      ? {
          imageDetails:
            file && image
              ? {
                  height: image.height,
                  imageFormat: image.format,
                  orientation: image.orientation === null ? null : String(image.orientation),
                  width: image.width,
                }
              : null,
        }
      : {}),
    text: ctx.text(segment.altText ?? segment.fileId),
    thumbnails: file
      ? {
          fileId: file.id,
          previews: PREVIEWS.map(([format, type, path]) => ({
            format,
            previewUrlCount: 1,
            previewUrls: [{ pageNumber: 1, previewUrl: `${base}/rendition?type=${type}` }],
            status: 'Available',
            url: `${base}/previews/${path}`,
          })),
          url: `${base}/previews`,
          ...(ctx.major >= 40 ? { versionNumber: '1' } : {}),
        }
      : null,
    type: 'InlineImage',
    url: file ? `${base}/content?versionNumber=1` : null,
  };
}
