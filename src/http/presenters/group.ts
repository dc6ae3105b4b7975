import type { GroupReadView } from '../../domain/groups.js';
import { isoDate } from '../../lib/clock.js';
import { nullableText, type PresentContext } from '../present-context.js';
import { presentAnnouncement } from './announcement.js';
import { presentCommunityReference } from './community.js';
import { presentMembershipReference } from './group-member.js';
import { type IntegerPaging, pageUrls } from './pages.js';
import { presentPhoto } from './photo.js';
import { presentUserSummary, sortKeys } from './user.js';

export const groupMotif = {
  color: '1797C0',
  largeIconUrl: '/img/icon/groups64.png',
  mediumIconUrl: '/img/icon/groups32.png',
  smallIconUrl: '/img/icon/groups16.png',
};

export function groupUrl(ctx: PresentContext, groupId: string): string {
  return `${ctx.base}/chatter/groups/${groupId}`;
}

/** The viewer's role in the group (Group.myRole, reference/chatter-facts.md §2.4). */
function myRole(view: GroupReadView): string {
  if (view.access.role !== null) return view.access.role;
  return view.requested ? 'NotAMemberPrivateRequested' : 'NotAMember';
}

/** Group (reference/chatter-facts.md §2.4); `bannerPhoto` and `isBroadcast` from 36.0. */
export function presentGroup(ctx: PresentContext, view: GroupReadView) {
  const { group } = view.access;
  const url = groupUrl(ctx, group.id);
  const body: Record<string, unknown> = {
    additionalLabel: null,
    announcement: view.announcement ? presentAnnouncement(ctx, view.announcement) : null,
    canHaveChatterGuests: group.canHaveChatterGuests,
    community: presentCommunityReference(ctx, group.communityId),
    description: nullableText(ctx, group.description),
    emailToChatterAddress: null,
    id: group.id,
    isArchived: group.isArchived,
    isAutoArchiveDisabled: group.isAutoArchiveDisabled,
    lastFeedElementPostDate: group.lastPostAt === null ? null : isoDate(group.lastPostAt),
    memberCount: view.memberCount,
    motif: groupMotif,
    myRole: myRole(view),
    mySubscription: view.membership ? presentMembershipReference(ctx, view.membership.id) : null,
    name: ctx.text(group.name),
    owner: presentUserSummary(ctx, view.owner),
    photo: presentPhoto(ctx, { kind: 'group', id: group.id, photoId: group.photoId }),
    type: 'CollaborationGroup',
    url,
    visibility: group.visibility,
  };
  if (ctx.major >= 36) {
    body.bannerPhoto = { bannerPhotoUrl: null, bannerPhotoVersionId: null, url: `${url}/banner-photo` };
    body.isBroadcast = group.isBroadcast;
  }
  return sortKeys(body);
}

/** Group Detail = Group + `fileCount` and `information` (null when the viewer can't read the group's content). */
export function presentGroupDetail(ctx: PresentContext, view: GroupReadView) {
  const { group, canReadContent } = view.access;
  return sortKeys({
    ...presentGroup(ctx, view),
    fileCount: 0,
    information: canReadContent
      ? { text: nullableText(ctx, group.informationText), title: nullableText(ctx, group.informationTitle) }
      : null,
  });
}

/** Group Page (reference/chatter-facts.md §2.4): a list or search, its URLs echoing the filters. */
export function presentGroupPage(
  ctx: PresentContext,
  page: { views: GroupReadView[]; total: number },
  paging: IntegerPaging,
  filters: { q: string | undefined; archiveStatus: string | undefined },
) {
  return {
    ...pageUrls(`${ctx.base}/chatter/groups`, filters, paging, page.total),
    groups: page.views.map((v) => presentGroup(ctx, v)),
  };
}

/** User Group Page (reference/chatter-facts.md §2.4): the groups a user belongs to. */
export function presentUserGroupPage(
  ctx: PresentContext,
  page: { userId: string; views: GroupReadView[]; total: number },
  paging: IntegerPaging,
) {
  return {
    ...pageUrls(`${ctx.base}/chatter/users/${page.userId}/groups`, {}, paging, page.total),
    groups: page.views.map((v) => presentGroup(ctx, v)),
    total: page.total,
  };
}
