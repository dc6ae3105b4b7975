import type { Viewer } from '../auth/viewer.js';
import { apiError, invalidInput } from '../errors/api-error.js';
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

/**
 * The IDs of a resource-specific batch (`files/batch/{ids}`, `group-memberships/batch/{ids}`): 1 to
 * `max` comma-separated IDs (else 400 for the whole request), each parsed on its own, so that a bad
 * one is that item's 400 and not the request's.
 */
export function parseBatchIds(
  rawIds: string,
  name: string,
  max: number,
  prefix: string,
): { raw: string; id?: string; error?: Error }[] {
  const parts = rawIds.split(',').map((p) => p.trim());
  if (parts.length > max || parts.some((p) => p === '')) {
    throw invalidInput(`Invalid ${name}: specify between 1 and ${max} comma-separated IDs.`);
  }
  return parts.map((raw) => {
    try {
      return { raw, id: requireId(raw, prefix) };
    } catch (error) {
      return { raw, error: error as Error };
    }
  });
}
