import type { MemberReadView } from '../../domain/group-members.js';
import type { PresentContext } from '../present-context.js';
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
