import type { Viewer } from '../auth/viewer.js';
import { notFound } from '../errors/api-error.js';
import type { CommunityRecord } from '../store/records.js';
import type { Store } from '../store/store.js';
import type { Scope } from './scope.js';

export type CommunityStatus = 'Live' | 'Inactive' | 'UnderConstruction';

/** Communities (networks) of the caller's org (SPEC §5, §6). */
export class CommunityService {
  constructor(private readonly store: Store) {}

  /** connect/communities: the communities the caller belongs to; admins see all of the org's. */
  async list(viewer: Viewer, status: CommunityStatus | undefined): Promise<CommunityRecord[]> {
    const communities = await this.store.orgs.listCommunities(
      viewer.orgId,
      viewer.user.type === 'admin' ? undefined : viewer.user.id,
    );
    return status === undefined ? communities : communities.filter((c) => c.status === status);
  }

  /**
   * connect/communities/{id}: the request pipeline has already resolved the ID as a scope (400 for
   * a bad ID, 404 for another org's, 403 for a community the caller doesn't belong to); `internal`
   * is a scope but no community, so it is 404 here.
   */
  get(scope: Scope): CommunityRecord {
    if (!scope.community) throw notFound();
    return scope.community;
  }
}
