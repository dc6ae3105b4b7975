/**
 * Expected wire bodies of the files resources (F2 §2.3, §2.4), written out independently of the
 * presenters: File Detail/Summary in their real key order, and the Content Capability of a post.
 */
import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { type Opts, type Person, userSummary } from './feed-shapes.js';

export interface FileFacts {
  id: string;
  name: string;
  title: string;
  description: string | null;
  mimeType: string;
  bytes: Buffer;
  image: boolean;
  owner: Person;
  /** ISO dates of creation and last change. */
  created: string;
  modified: string;
  sharingRole?: 'Owner' | 'Admin' | 'Viewer';
  shared?: boolean;
  fileType: string;
}

export const md5 = (bytes: Buffer) => createHash('md5').update(bytes).digest('hex');

/** File Summary at the version of `o` (keys from the versions that added them, F2 §2.3). */
export function fileSummary(o: Opts, f: FileFacts) {
  const url = `${o.base}/connect/files/${f.id}`;
  const rendition = (type: string) => (f.image ? `${url}/rendition?type=${type}` : null);
  const status = f.image ? 'Success' : 'Na';
  const dot = f.name.lastIndexOf('.');
  const body: Record<string, unknown> = {
    checksum: md5(f.bytes),
    contentHubRepository: null,
    contentModifiedDate: f.modified,
    contentSize: f.bytes.length,
    contentUrl: null,
  };
  if (o.major >= 41) body.createdDate = f.created;
  Object.assign(body, {
    description: f.description,
    downloadUrl: `${url}/content?versionNumber=1`,
    externalDocumentUrl: null,
    externalFilePermissionInformation: null,
    fileExtension: dot > 0 ? f.name.slice(dot + 1).toLowerCase() : '',
    fileType: f.fileType,
    flashRenditionStatus: 'Na',
    id: f.id,
  });
  if (o.major >= 46) body.isFileAsset = false;
  Object.assign(body, {
    isInMyFileSync: false,
    isMajorVersion: true,
    mimeType: f.mimeType,
    moderationFlags: null,
    modifiedDate: f.modified,
    motif: {
      color: '939393',
      largeIconUrl: '/img/content/content64.png',
      mediumIconUrl: '/img/content/content32.png',
      smallIconUrl: '/img/icon/files16.png',
    },
    mySubscription: null,
    name: f.name,
    origin: 'Chatter',
    owner: userSummary(o, f.owner),
    parentFolder: null,
    pdfRenditionStatus: 'Na',
    publishStatus: f.shared ? 'PublicAccess' : 'PrivateAccess',
    renditionUrl: rendition('THUMB120BY90'),
    renditionUrl240By180: rendition('THUMB240BY180'),
    renditionUrl720By480: rendition('THUMB720BY480'),
    repositoryFileId: null,
    repositoryFileUrl: null,
    sharingOption: 'Allowed',
  });
  if (o.major >= 41) body.sharingPrivacy = 'None';
  body.sharingRole = f.sharingRole ?? 'Owner';
  if (o.major >= 41) body.systemModstamp = f.modified;
  Object.assign(body, {
    textPreview: null,
    thumb120By90RenditionStatus: status,
    thumb240By180RenditionStatus: status,
    thumb720By480RenditionStatus: status,
    title: f.title,
    type: 'ContentDocument',
    url,
    versionNumber: '1',
  });
  return body;
}

/** File Detail: the summary plus fileAsset (38), pageCount, topics (37), all in alphabetical order. */
export function fileDetail(o: Opts, f: FileFacts) {
  const all: Record<string, unknown> = { ...fileSummary(o, f), pageCount: 0 };
  if (o.major >= 38) all.fileAsset = null;
  if (o.major >= 37) all.topics = { currentPageUrl: null, nextPageUrl: null, topics: [] };
  return Object.fromEntries(
    Object.keys(all)
      .sort()
      .map((k) => [k, all[k]]),
  );
}

/** A solid-colour PNG of the given size (a real image for renditions and photos). */
export function pngOf(width: number, height: number, colour = { r: 200, g: 30, b: 30 }): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: colour } })
    .png()
    .toBuffer();
}

/** Content Capability (F2 §2.4) of a file on a post or comment. */
export function contentCapability(o: Opts, f: FileFacts, versionId: string) {
  const url = `${o.base}/connect/files/${f.id}`;
  const rendition = (type: string) => (f.image ? `${url}/rendition?type=${type}` : null);
  const status = f.image ? 'Success' : 'Na';
  const dot = f.name.lastIndexOf('.');
  return {
    checksum: md5(f.bytes),
    contentHubRepository: null,
    contentUrl: null,
    description: f.description,
    downloadUrl: `${url}/content?versionNumber=1`,
    externalDocumentUrl: null,
    fileExtension: dot > 0 ? f.name.slice(dot + 1).toLowerCase() : '',
    fileSize: String(f.bytes.length),
    fileType: f.fileType,
    hasPdfPreview: false,
    id: f.id,
    isInMyFileSync: false,
    mimeType: f.mimeType,
    renditionUrl: rendition('THUMB120BY90'),
    renditionUrl240By180: rendition('THUMB240BY180'),
    renditionUrl720By480: rendition('THUMB720BY480'),
    repositoryFileId: null,
    repositoryFileUrl: null,
    sharingOption: 'Allowed',
    textPreview: null,
    thumb120By90RenditionStatus: status,
    thumb240By180RenditionStatus: status,
    thumb720By480RenditionStatus: status,
    title: f.title,
    versionId,
  };
}

/** The Content Capability of a deleted file: every property null, id included (SPEC §12.8). */
export function deletedContent() {
  const keys = Object.keys(contentCapability({ base: '', major: 58 }, NO_FILE, ''));
  return Object.fromEntries(keys.map((k) => [k, null]));
}

const NO_FILE = {
  id: '',
  name: '',
  title: '',
  description: null,
  mimeType: '',
  bytes: Buffer.alloc(0),
  image: false,
  owner: undefined as unknown as Person,
  created: '',
  modified: '',
  fileType: '',
};
