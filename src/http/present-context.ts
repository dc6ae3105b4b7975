import type { Viewer } from '../auth/viewer.js';
import { encodeEntities } from '../lib/entity-encoding.js';

/**
 * What a presenter needs besides the record: who is looking, at which version, and under which
 * URL prefix (the caller's community prefix is echoed in every URL, SPEC §1).
 */
export interface PresentContext {
  viewer: Viewer;
  /** '36.0' */
  version: string;
  major: number;
  /** '/services/data/v36.0' or '/services/data/v36.0/connect/communities/0DB…' */
  base: string;
  /** The server's public base URL (--public-url, else the request's origin): photo URLs are absolute. */
  origin: string;
  /** The community of the request's scope; null for the internal scope. */
  communityId: string | null;
  /** Entity-encodes user-entered text unless the request said X-Chatter-Entity-Encoding: false. */
  text: (value: string) => string;
}

export function textEncoder(enabled: boolean): (value: string) => string {
  return enabled ? encodeEntities : (value) => value;
}

export function nullableText(ctx: PresentContext, value: string | null): string | null {
  return value === null ? null : ctx.text(value);
}
