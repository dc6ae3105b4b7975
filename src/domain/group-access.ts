import type { Viewer } from '../auth/viewer.js';
import { type ApiError, apiError, insufficientAccess, notFound } from '../errors/api-error.js';
import type { GroupListFilter, GroupRecord, GroupRole, GroupVisibility } from '../store/records.js';
import type { Store } from '../store/store.js';
import { type Scope, scopeCommunityId } from './scope.js';

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

/** Access to several groups in one query, whatever their number (no N+1). */
export async function loadGroupAccess(
  store: Store,
  viewer: Viewer,
  scope: Scope,
  groupIds: readonly string[],
): Promise<Map<string, GroupAccess>> {
  const rows = await store.groups.findManyWithRoles(
    viewer.orgId,
    groupIds,
    viewer.isGuest ? null : viewer.user.id,
  );
  return new Map(rows.map(({ group, role }) => [group.id, groupAccess(viewer, scope, group, role)]));
}

/**
 * Access to every group of the scope (one query), and the IDs of the ones whose posts the viewer
 * may not read, deleted ones included.
 */
export async function loadScopeAccess(
  store: Store,
  viewer: Viewer,
  scope: Scope,
): Promise<{ access: Map<string, GroupAccess>; hidden: string[] }> {
  const rows = await store.groups.inScopeWithRoles(
    viewer.orgId,
    scopeCommunityId(scope),
    viewer.isGuest ? null : viewer.user.id,
  );
  const access = new Map<string, GroupAccess>();
  const hidden: string[] = [];
  for (const { id, group, role } of rows) {
    const a = group && groupAccess(viewer, scope, group, role);
    if (a) access.set(id, a);
    if (!a?.canReadContent) hidden.push(id);
  }
  return { access, hidden };
}

/**
 * The answer for a group the viewer may not see: 404, as if it did not exist — except for a guest
 * asking for a private group of its own community, which is 401 with the guest message (SPEC §5:
 * guests may read public groups only; "private groups → 401").
 */
export function hiddenGroupError(viewer: Viewer, scope: Scope, group: GroupRecord | undefined): ApiError {
  const inScope =
    group !== undefined && group.orgId === viewer.orgId && group.communityId === scopeCommunityId(scope);
  if (viewer.isGuest && inScope && group.visibility === 'PrivateAccess') return apiError('GUEST_NOT_ALLOWED');
  return notFound();
}

/** The access to a group the viewer may see; otherwise throws hiddenGroupError. */
export function requireVisibleGroup(
  viewer: Viewer,
  scope: Scope,
  access: GroupAccess | undefined,
): GroupAccess {
  if (!access?.visible) throw hiddenGroupError(viewer, scope, access?.group);
  return access;
}

/**
 * The access to a group whose content (feed, members, information) the viewer may read; a visible
 * group whose content is closed to the viewer is 403 with `refusal` as the message.
 */
export function requireGroupContent(
  viewer: Viewer,
  scope: Scope,
  access: GroupAccess | undefined,
  refusal: string,
): GroupAccess {
  const visible = requireVisibleGroup(viewer, scope, access);
  if (!visible.canReadContent) throw insufficientAccess(refusal);
  return visible;
}

const VISIBILITIES: readonly GroupVisibility[] = ['PublicAccess', 'PrivateAccess', 'Unlisted'];

/**
 * The groups of the scope a list shows the viewer (group lists, users/{id}/groups, follows), as a
 * filter the store can apply in SQL so that pages and totals are exact. It is derived from
 * groupAccess() itself, by asking it about a group of each visibility with and without membership,
 * so the rule stays in one place: `visible` depends only on the scope, the visibility, membership
 * and the viewer.
 */
export function groupListFilter(viewer: Viewer, scope: Scope): GroupListFilter {
  const communityId = scopeCommunityId(scope);
  const probe = (visibility: GroupVisibility, role: GroupRole | null) =>
    groupAccess(viewer, scope, { ...PROBE_GROUP, orgId: viewer.orgId, communityId, visibility }, role)
      .visible;
  return {
    communityId,
    open: VISIBILITIES.filter((v) => probe(v, null)),
    membersOnly: VISIBILITIES.filter((v) => !probe(v, null) && probe(v, 'StandardMember')),
    viewerId: viewer.isGuest ? null : viewer.user.id,
  };
}

const PROBE_GROUP: GroupRecord = {
  id: '',
  orgId: '',
  communityId: null,
  name: '',
  description: null,
  informationTitle: null,
  informationText: null,
  visibility: 'PublicAccess',
  ownerId: '',
  photoId: null,
  canHaveChatterGuests: false,
  isArchived: false,
  isAutoArchiveDisabled: false,
  isBroadcast: false,
  lastPostAt: null,
  createdAt: 0,
  modifiedAt: 0,
};
