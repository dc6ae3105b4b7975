import type { CommunityRecord } from '../../store/records.js';
import { nullableText, type PresentContext } from '../present-context.js';

/** A community's own URL: the Connect resource, whatever prefix the request came in on. */
export function communityUrl(ctx: PresentContext, communityId: string): string {
  return `/services/data/v${ctx.version}/connect/communities/${communityId}`;
}

/**
 * The `community` of a group, feed element or subscription (SPEC §6): a Reference to the community
 * it belongs to, or null for the internal scope.
 */
export function presentCommunityReference(ctx: PresentContext, communityId: string | null) {
  return communityId === null ? null : { id: communityId, url: communityUrl(ctx, communityId) };
}

/** Community (SPEC §6). */
export function presentCommunity(ctx: PresentContext, community: CommunityRecord) {
  return {
    allowMembersToFlag: community.allowMembersToFlag,
    description: nullableText(ctx, community.description),
    guestAccess: community.guestAccess,
    id: community.id,
    name: ctx.text(community.name),
    status: community.status,
    url: communityUrl(ctx, community.id),
    urlPathPrefix: community.urlPathPrefix,
  };
}

/** Community Page: `{ communities, total }`. */
export function presentCommunityPage(ctx: PresentContext, communities: CommunityRecord[]) {
  return { communities: communities.map((c) => presentCommunity(ctx, c)), total: communities.length };
}
