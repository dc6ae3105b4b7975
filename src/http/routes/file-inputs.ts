import { unrecognizedField } from '../../errors/api-error.js';

/** The capabilities of a Feed Item or Comment Input that name files (F2 §2.4). */
interface FileCapabilities {
  files?: { items: { id: string; operationType?: string | undefined }[] } | undefined;
  content?: { contentDocumentId: string } | undefined;
}

/**
 * The files a new post names: `capabilities.files.items` from v36, `capabilities.content` before
 * (F2 §9: each key only in its versions, so the other is an unknown field, as the JSON binding of
 * that version reports it). Items to remove name nothing on a new post.
 */
export function postFileIds(capabilities: FileCapabilities | undefined, major: number): string[] | undefined {
  if (!capabilities) return undefined;
  if (major >= 36 && capabilities.content) throw unrecognizedField('content');
  if (major < 36 && capabilities.files) throw unrecognizedField('files');
  if (capabilities.files) {
    return capabilities.files.items
      .filter((item) => (item.operationType ?? 'Add').toLowerCase() === 'add')
      .map((item) => item.id);
  }
  return capabilities.content ? [capabilities.content.contentDocumentId] : undefined;
}

/** The file a new comment carries: `capabilities.content.contentDocumentId`, in every version. */
export function commentFileIds(capabilities: FileCapabilities | undefined): string[] | undefined {
  return capabilities?.content ? [capabilities.content.contentDocumentId] : undefined;
}
