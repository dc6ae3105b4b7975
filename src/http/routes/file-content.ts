import type { FileRecord } from '../../store/records.js';

/** Content-Disposition, ETag and Accept-Ranges of a file's bytes. */
export function contentHeaders(file: FileRecord): Record<string, string> {
  const ascii = file.name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return {
    'Content-Disposition': `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(file.name)}`,
    ETag: `"${file.checksum}"`,
    'Accept-Ranges': 'bytes',
  };
}

/**
 * A `Range: bytes=…` header (RFC 9110 §14.1.2): one range → its inclusive bounds; none, several
 * or an unknown unit → undefined (the whole file, 200); a range wholly past the end → unsatisfiable.
 */
export function parseRange(
  header: string | undefined,
  size: number,
): { start: number; end: number } | 'unsatisfiable' | undefined {
  if (header === undefined) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match) return undefined;
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return undefined;
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (last !== '' && Number(last) < start) return undefined;
  if (start >= size) return 'unsatisfiable';
  return { start, end };
}
