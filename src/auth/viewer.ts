import type { UserRecord } from '../store/records.js';

/** Who is calling: the context user of a request, with the app its session belongs to. */
export interface Viewer {
  user: UserRecord;
  orgId: string;
  /** The connected app of the session; null for a guest (no session). */
  appId: string | null;
  isGuest: boolean;
  /** Hash of the access token, so the session can be found again (revoke, journal). */
  tokenHash: string | null;
  /**
   * This request's mark in the store's change feed (decision 0031), taken as it arrived: a cache
   * kept by that feed is read once the feed caught up with it, which a request waits for once.
   */
  readMark?: number;
}

export const isAdmin = (viewer: Viewer): boolean => viewer.user.type === 'admin';
export const isExternal = (viewer: Viewer): boolean => viewer.user.type === 'external';
