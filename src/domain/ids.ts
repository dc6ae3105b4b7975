import type { Viewer } from '../auth/viewer.js';
import { apiError } from '../errors/api-error.js';
import { parseId, prefixOf, to18 } from '../ids/salesforce-id.js';

/**
 * An ID from a path, query or body (SPEC §3): malformed or of the wrong type → 400
 * INVALID_ID_FIELD naming the ID exactly as supplied. Returns the canonical 18-character form.
 */
export function requireId(raw: string, ...prefixes: string[]): string {
  const id15 = parseId(raw);
  if (!id15 || (prefixes.length > 0 && !prefixes.includes(prefixOf(id15)))) {
    throw apiError('INVALID_ID_FIELD', { id: raw });
  }
  return to18(id15);
}

/** Like requireId, but `me` stands for the context user (SPEC §1). */
export function requireUserId(raw: string, viewer: Viewer): string {
  if (raw === 'me') return viewer.user.id;
  return requireId(raw, '005');
}

/** The prefix of an already parsed ID. */
export function idPrefix(id: string): string {
  return prefixOf(id);
}
