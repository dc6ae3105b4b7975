import type { CommunityRecord } from '../store/records.js';

/**
 * Where a request runs: the internal scope, or one community (SPEC §5). Groups and posts belong to
 * one scope; every Chatter path exists under /connect/communities/{id|internal}/.
 */
export interface Scope {
  community: CommunityRecord | null;
}

export const internalScope: Scope = { community: null };

export const scopeCommunityId = (scope: Scope): string | null => scope.community?.id ?? null;
