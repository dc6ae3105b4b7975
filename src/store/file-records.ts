// ---- files (SPEC §12.2, migration 011, decision 0009) -----------------------------------------

/** A file (migration 011): its metadata; its bytes are read through FileRepository.chunks. */
export interface FileRecord {
  id: string;
  orgId: string;
  ownerId: string;
  /** The ContentVersion ID of its one version. */
  versionId: string;
  /** The file name as uploaded (`report.pdf`). */
  name: string;
  title: string;
  description: string | null;
  mimeType: string;
  contentSize: number;
  /** MD5 of the bytes, in hex. */
  checksum: string;
  isImage: boolean;
  /** The size of every chunk but the last. */
  chunkSize: number;
  createdAt: number;
  modifiedAt: number;
}

/** A file on a post (commentId null) or a comment, at its place in the list. */
export interface FileAttachmentRecord {
  fileId: string;
  feedElementId: string;
  commentId: string | null;
  /** The file of an InlineImage segment of the body (not in capabilities.files). */
  inline: boolean;
  position: number;
}
