import type { JoinRequestReadView } from '../../domain/join-requests.js';
import { isoDate } from '../../lib/clock.js';
import { nullableText, type PresentContext } from '../present-context.js';
import { groupUrl } from './group.js';
import { presentUserSummary } from './user.js';

/** Group Membership Request (reference/chatter-facts.md §2.4). */
export function presentJoinRequest(ctx: PresentContext, view: JoinRequestReadView) {
  const { request } = view;
  return {
    createdDate: isoDate(request.createdAt),
    id: request.id,
    lastUpdateDate: isoDate(request.modifiedAt),
    requestedGroup: { id: request.groupId, url: groupUrl(ctx, request.groupId) },
    responseMessage: nullableText(ctx, request.responseMessage),
    status: request.status,
    url: `${ctx.base}/chatter/group-membership-requests/${request.id}`,
    user: presentUserSummary(ctx, view.user),
  };
}

/** Group Membership Request Collection: `{ requests, total }`. */
export function presentJoinRequests(ctx: PresentContext, views: JoinRequestReadView[]) {
  return { requests: views.map((v) => presentJoinRequest(ctx, v)), total: views.length };
}
