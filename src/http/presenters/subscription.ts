import type { SubscriptionReadView } from '../../domain/follows.js';
import type { PresentContext } from '../present-context.js';
import { presentCommunityReference } from './community.js';
import { presentGroup } from './group.js';
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
      subject.kind === 'user' ? presentUserSummary(ctx, subject.user) : presentGroup(ctx, subject.group),
    subscriber: presentUserSummary(ctx, view.subscriber),
    url: `${ctx.base}/chatter/subscriptions/${subscription.id}`,
  };
}
