import type { MemberReadView } from '../../domain/group-members.js';
import type { PresentContext } from '../present-context.js';
import { type IntegerPaging, pageUrls } from './pages.js';
import { presentUserSummary } from './user.js';

export function membershipUrl(ctx: PresentContext, membershipId: string): string {
  return `${ctx.base}/chatter/group-memberships/${membershipId}`;
}

/** Reference to a membership (Group.mySubscription, Group Member Page.myMembership). */
export function presentMembershipReference(ctx: PresentContext, membershipId: string) {
  return { id: membershipId, url: membershipUrl(ctx, membershipId) };
}

/** Group Member (reference/chatter-facts.md §2.4). */
export function presentGroupMember(ctx: PresentContext, view: MemberReadView) {
  return {
    id: view.membership.id,
    role: view.membership.role,
    url: membershipUrl(ctx, view.membership.id),
    user: presentUserSummary(ctx, view.user),
  };
}

/** Group Member Page (reference/chatter-facts.md §2.4), with the caller's own membership. */
export function presentGroupMemberPage(
  ctx: PresentContext,
  page: { groupId: string; views: MemberReadView[]; total: number; mine: { id: string } | null },
  paging: IntegerPaging,
) {
  return {
    ...pageUrls(`${ctx.base}/chatter/groups/${page.groupId}/members`, {}, paging, page.total),
    members: page.views.map((v) => presentGroupMember(ctx, v)),
    myMembership: page.mine ? presentMembershipReference(ctx, page.mine.id) : null,
    totalMemberCount: page.total,
  };
}
