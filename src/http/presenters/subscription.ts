import type { SubscriptionReadView } from '../../domain/follows.js';
import type { PresentContext } from '../present-context.js';
import { presentCommunityReference } from './community.js';
import { presentGroup } from './group.js';
import { type IntegerPaging, pageUrls } from './pages.js';
import { presentRecordSummary } from './record-summary.js';
import { presentUserSummary } from './user.js';

/**
 * Subscription (reference/chatter-facts.md §2.3): the subject is the followed person's User
 * Summary or the followed group's Group.
 */
export function presentSubscription(ctx: PresentContext, view: SubscriptionReadView) {
  const { subscription, subject } = view;
  return {
    community: presentCommunityReference(ctx, subscription.communityId),
    id: subscription.id,
    subject:
      subject.kind === 'user'
        ? presentUserSummary(ctx, subject.user)
        : subject.kind === 'group'
          ? presentGroup(ctx, subject.group)
          : presentRecordSummary(ctx, subject.record),
    subscriber: presentUserSummary(ctx, view.subscriber),
    url: `${ctx.base}/chatter/subscriptions/${subscription.id}`,
  };
}

interface SubscriptionPage {
  userId: string;
  views: SubscriptionReadView[];
  total: number;
}

/** Following Page (reference/chatter-facts.md §2.3): what a user follows, filtered by `filterType`. */
export function presentFollowingPage(
  ctx: PresentContext,
  page: SubscriptionPage,
  paging: IntegerPaging,
  filterType: string | undefined,
) {
  return {
    ...pageUrls(`${ctx.base}/chatter/users/${page.userId}/following`, { filterType }, paging, page.total),
    following: page.views.map((v) => presentSubscription(ctx, v)),
    total: page.total,
  };
}

/** Follower Page (reference/chatter-facts.md §2.3). */
export function presentFollowerPage(
  ctx: PresentContext,
  page: SubscriptionPage,
  paging: IntegerPaging,
  of: 'users' | 'records' = 'users',
) {
  return {
    ...pageUrls(`${ctx.base}/chatter/${of}/${page.userId}/followers`, {}, paging, page.total),
    followers: page.views.map((v) => presentSubscription(ctx, v)),
    total: page.total,
  };
}
