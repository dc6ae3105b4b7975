import type { FeedEntityView, StreamView } from '../../domain/streams.js';
import { isoDate } from '../../lib/clock.js';
import { nullableText, type PresentContext } from '../present-context.js';
import { presentCommunityReference } from './community.js';
import { groupMotif, groupUrl } from './group.js';
import { presentMembershipReference } from './group-member.js';
import { type IntegerPaging, pageUrls } from './pages.js';
import { presentRecordSummary } from './record-summary.js';
import { presentUserSummary } from './user.js';

export function streamUrl(ctx: PresentContext, id: string): string {
  return `${ctx.base}/chatter/streams/${id}`;
}

/** Feed Enabled Entity Summary (F2 §8): what a stream subscribes to. */
function presentFeedEntity(ctx: PresentContext, view: FeedEntityView) {
  if (view.kind === 'group') {
    const { group } = view;
    return {
      id: group.id,
      motif: groupMotif,
      mySubscription: view.membershipId ? presentMembershipReference(ctx, view.membershipId) : null,
      name: ctx.text(group.name),
      url: groupUrl(ctx, group.id),
    };
  }
  const { id, motif, mySubscription, name, url } =
    view.kind === 'user' ? presentUserSummary(ctx, view.user) : presentRecordSummary(ctx, view.record);
  return { id, motif, mySubscription, name, url };
}

/** Chatter Stream (F2 §8); `community` from 41.0. */
export function presentStream(ctx: PresentContext, view: StreamView) {
  const { stream } = view;
  return {
    ...(ctx.major >= 41 ? { community: presentCommunityReference(ctx, null) } : {}),
    createdDate: isoDate(stream.createdAt),
    description: nullableText(ctx, stream.description),
    id: stream.id,
    name: ctx.text(stream.name),
    subscriptions: view.entities.map((e) => presentFeedEntity(ctx, e)),
    url: streamUrl(ctx, stream.id),
  };
}

/** Chatter Stream Collection (F2 §8): `nextPageUrl` is always null at 39.0. */
export function presentStreamCollection(
  ctx: PresentContext,
  page: { views: StreamView[]; total: number },
  paging: IntegerPaging,
  sort: string | undefined,
) {
  const urls = pageUrls(`${ctx.base}/chatter/streams`, { sort }, paging, page.total);
  return {
    currentPageUrl: urls.currentPageUrl,
    items: page.views.map((v) => presentStream(ctx, v)),
    nextPageUrl: ctx.major >= 40 ? urls.nextPageUrl : null,
    total: page.total,
  };
}
