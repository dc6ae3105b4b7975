import { Type } from 'typebox';
import { defineRoute } from '../api-route.js';
import { SubscriptionParams, UserParams } from '../params.js';
import {
  presentFollowerPage,
  presentFollowingPage,
  presentSubscription,
} from '../presenters/subscription.js';
import { integerPaging, PageNumber, PageSize } from './integer-paging.js';

export const followRoutes = [
  defineRoute({
    method: 'GET',
    path: '/chatter/users/:userId/following',
    summary: 'What a user follows (Following Page)',
    xmlRoot: 'followingPage',
    schema: {
      params: UserParams,
      querystring: Type.Object({
        page: PageNumber,
        pageSize: PageSize(1000),
        filterType: Type.Optional(Type.String()),
      }),
    },
    handler: async ({ services, viewer, scope, ctx, params, query }) => {
      const paging = integerPaging(query);
      const page = await services.follows.following(viewer, scope, params.userId, {
        filterType: query.filterType,
        ...paging,
      });
      return { body: presentFollowingPage(ctx, page, paging, query.filterType) };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/chatter/users/:userId/following',
    summary: 'Follow a person or a group (Subscription)',
    xmlRoot: 'subscription',
    schema: {
      params: UserParams,
      body: Type.Object({ subjectId: Type.String() }, { additionalProperties: false }),
    },
    handler: async ({ services, viewer, scope, ctx, params, body }) => {
      const view = await services.follows.follow(viewer, scope, params.userId, body.subjectId);
      return { status: 201, body: presentSubscription(ctx, view) };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/chatter/users/:userId/followers',
    summary: "A user's followers (Follower Page)",
    xmlRoot: 'followerPage',
    schema: { params: UserParams, querystring: Type.Object({ page: PageNumber, pageSize: PageSize(1000) }) },
    handler: async ({ services, viewer, scope, ctx, params, query }) => {
      const paging = integerPaging(query);
      const page = await services.follows.followers(viewer, scope, params.userId, paging);
      return { body: presentFollowerPage(ctx, page, paging) };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/chatter/subscriptions/:subscriptionId',
    summary: 'Subscription',
    xmlRoot: 'subscription',
    schema: { params: SubscriptionParams },
    handler: async ({ services, viewer, scope, ctx, params }) => {
      const view = await services.follows.get(viewer, scope, params.subscriptionId);
      return { body: presentSubscription(ctx, view) };
    },
  }),
  defineRoute({
    method: 'DELETE',
    path: '/chatter/subscriptions/:subscriptionId',
    summary: 'Unfollow',
    schema: { params: SubscriptionParams },
    handler: async ({ services, viewer, scope, params }) => {
      await services.follows.unfollow(viewer, scope, params.subscriptionId);
      return { status: 204 };
    },
  }),
];
