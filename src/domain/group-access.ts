import type { Viewer } from '../auth/viewer.js';
import type { GroupRecord, GroupRole } from '../store/group-repository.js';
import type { Store } from '../store/store.js';
import type { Scope } from './scope.js';

/**
 * What a viewer may do with a group (SPEC §5). The one place these rules live: groups, feeds,
 * posts, comments and likes all ask here.
 */
export interface GroupAccess {
  group: GroupRecord;
  /** The viewer's role, or null when the viewer is not a member. */
  role: GroupRole | null;
  /** Knows the group exists (false → 404: unlisted, other scope, other org). */
  visible: boolean;
  /** May read the feed, the members and `information` (false on a visible group → 403). */
  canReadContent: boolean;
  /** May post to the group's feed. */
  canPost: boolean;
  /** Owner, manager, or an admin in the internal scope: manages members, requests and posts. */
  canManage: boolean;
}

export function groupAccess(
  viewer: Viewer,
  scope: Scope,
  group: GroupRecord,
  role: GroupRole | null,
): GroupAccess {
  const inScope = group.orgId === viewer.orgId && group.communityId === (scope.community?.id ?? null);
  const adminHere = viewer.user.type === 'admin' && !viewer.isGuest && group.communityId === null;
  const member = role !== null;
  let visible = inScope;
  if (visible && group.visibility === 'Unlisted') visible = member || adminHere;
  // External users see public groups and the private ones they belong to; guests public ones only.
  if (visible && group.visibility !== 'PublicAccess' && (viewer.isGuest || viewer.user.type === 'external')) {
    visible = member;
  }
  const canReadContent = visible && (group.visibility === 'PublicAccess' || member || adminHere);
  return {
    group,
    role,
    visible,
    canReadContent,
    canPost: canReadContent && !viewer.isGuest && (member || adminHere),
    canManage: visible && !viewer.isGuest && (role === 'GroupOwner' || role === 'GroupManager' || adminHere),
  };
}

/** Access to several groups in two queries, whatever their number (no N+1). */
export async function loadGroupAccess(
  store: Store,
  viewer: Viewer,
  scope: Scope,
  groupIds: readonly string[],
): Promise<Map<string, GroupAccess>> {
  const [groups, roles] = await Promise.all([
    store.groups.findMany(viewer.orgId, groupIds),
    viewer.isGuest
      ? Promise.resolve(new Map<string, GroupRole>())
      : store.groups.rolesOf(viewer.user.id, groupIds),
  ]);
  return new Map(groups.map((g) => [g.id, groupAccess(viewer, scope, g, roles.get(g.id) ?? null)]));
}
