import type { Viewer } from '../auth/viewer.js';
import { type ApiError, apiError, insufficientAccess, notFound } from '../errors/api-error.js';
import type { CommentRecord, FeedElementRecord, LikeRecord } from '../store/records.js';
import { type GroupAccess, hiddenGroupError } from './group-access.js';
import { type Scope, scopeCommunityId } from './scope.js';

/**
 * Who may read, edit and delete posts, comments and likes (SPEC §5). Group visibility itself is
 * decided in group-access.ts; this file maps it onto feed records.
 */

/** An admin moderates everything in the internal scope (SPEC §5), not in communities. */
export function moderates(viewer: Viewer, communityId: string | null): boolean {
  return viewer.user.type === 'admin' && !viewer.isGuest && communityId === null;
}

/**
 * Why a group's content is closed to the viewer, or null when it is open: hidden → 404 (401 for a
 * guest asking for a private group, group-access.ts decides), visible but closed → 403 `detail`.
 */
export function groupFeedRefusal(
  viewer: Viewer,
  scope: Scope,
  access: GroupAccess | undefined,
  detail: string,
): ApiError | null {
  if (!access?.visible) return hiddenGroupError(viewer, scope, access?.group);
  return access.canReadContent ? null : insufficientAccess(detail);
}

/**
 * Why the viewer may not read a post, or null when they may. A post belongs to the scope of its
 * subject (SPEC §5): another scope or org is 404, like a record that does not exist.
 */
export function readRefusal(
  viewer: Viewer,
  scope: Scope,
  element: FeedElementRecord,
  access: ReadonlyMap<string, GroupAccess>,
): ApiError | null {
  if (element.orgId !== viewer.orgId || element.communityId !== scopeCommunityId(scope)) return notFound();
  if (element.subjectKind === 'group') {
    return groupFeedRefusal(
      viewer,
      scope,
      access.get(element.subjectId),
      "You don't have permission to view this feed element.",
    );
  }
  // Guests read public groups' feeds only (SPEC §5).
  if (viewer.isGuest) return apiError('GUEST_NOT_ALLOWED');
  return null;
}

export function canEditElement(viewer: Viewer, element: FeedElementRecord): boolean {
  return !viewer.isGuest && (element.authorId === viewer.user.id || moderates(viewer, element.communityId));
}

/** The author, the group's owner and managers, an admin (SPEC §5). */
export function canDeleteElement(
  viewer: Viewer,
  element: FeedElementRecord,
  access: ReadonlyMap<string, GroupAccess>,
): boolean {
  if (viewer.isGuest) return false;
  if (element.authorId === viewer.user.id || moderates(viewer, element.communityId)) return true;
  return element.subjectKind === 'group' && access.get(element.subjectId)?.canManage === true;
}

export function canEditComment(viewer: Viewer, comment: CommentRecord, element: FeedElementRecord): boolean {
  return !viewer.isGuest && (comment.authorId === viewer.user.id || moderates(viewer, element.communityId));
}

/** The comment's author, the post's author, an admin (SPEC §5). */
export function canDeleteComment(
  viewer: Viewer,
  comment: CommentRecord,
  element: FeedElementRecord,
): boolean {
  if (viewer.isGuest) return false;
  return (
    comment.authorId === viewer.user.id ||
    element.authorId === viewer.user.id ||
    moderates(viewer, element.communityId)
  );
}

/** Unliking is for the one who liked (or an admin cleaning up). */
export function canDeleteLike(viewer: Viewer, like: LikeRecord, element: FeedElementRecord): boolean {
  return !viewer.isGuest && (like.userId === viewer.user.id || moderates(viewer, element.communityId));
}
