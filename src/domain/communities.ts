import type { Viewer } from '../auth/viewer.js';
import { apiError, insufficientAccess, notFound } from '../errors/api-error.js';
import { KeyPrefix, parseId, prefixOf, to18 } from '../ids/salesforce-id.js';
import type { CommunityRecord } from '../store/records.js';
import type { Store } from '../store/store.js';
import { internalScope, type Scope } from './scope.js';

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

  /**
   * The guest user of a community that enables guest access (SPEC §5): who a request without an
   * Authorization header is, on that community's paths. Anything else is 401.
   */
  async guestViewer(community: string | undefined): Promise<Viewer> {
    const communityId = community && community !== 'internal' ? parseId(community) : undefined;
    if (communityId) {
      const record = await this.store.orgs.findCommunityAnyOrg(to18(communityId));
      if (record?.guestAccess && record.guestUserId) {
        const user = await this.store.users.find(record.orgId, record.guestUserId);
        if (user) return { user, orgId: record.orgId, appId: null, isGuest: true, tokenHash: null };
      }
    }
    throw apiError('INVALID_SESSION_ID');
  }

  /**
   * The scope a community path names (SPEC §5): 400 for a bad ID, 404 for another org's community,
   * and a caller who isn't a member (admins are members of all) is refused: guests of another
   * community 401, external users 403 with their message, others 403.
   */
  async scopeFor(viewer: Viewer, community: string): Promise<Scope> {
    if (community === 'internal') return internalScope;
    const id = parseId(community);
    if (!id || prefixOf(id) !== KeyPrefix.community) throw apiError('INVALID_ID_FIELD', { id: community });
    const record = await this.store.orgs.findCommunity(viewer.orgId, to18(id));
    if (!record) throw notFound();
    if (viewer.isGuest) {
      if (record.guestUserId !== viewer.user.id) throw apiError('GUEST_NOT_ALLOWED');
      return { community: record };
    }
    if (
      viewer.user.type !== 'admin' &&
      !(await this.store.orgs.isCommunityMember(record.id, viewer.user.id))
    ) {
      if (viewer.user.type === 'external') throw apiError('EXTERNAL_USER_REFUSED');
      throw insufficientAccess("You aren't a member of this community.");
    }
    return { community: record };
  }
}
