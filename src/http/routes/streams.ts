import { Type } from 'typebox';
import { invalidInput } from '../../errors/api-error.js';
import { defineRoute } from '../api-route.js';
import { StreamParams } from '../params.js';
import { feedPath, presentFeed } from '../presenters/feed.js';
import { presentFeedElementPage } from '../presenters/feed-element.js';
import { presentStream, presentStreamCollection } from '../presenters/stream.js';
import { FeedPageQuery } from './feed-schemas.js';
import { echoed, pageParams } from './feeds.js';
import { integerPaging, PageNumber, PageSize } from './integer-paging.js';

const Entity = Type.Object({ entityId: Type.String() }, { additionalProperties: false });
/** A list of `{entityId}`, or the documented `{"subscriptions": […]}` (SPEC §12.8). */
const EntityList = Type.Union([
  Type.Array(Entity),
  Type.Object({ subscriptions: Type.Array(Entity) }, { additionalProperties: false }),
]);

/** Chatter Stream Input (F2 §8); limits are checked by the domain, with its messages. */
const StreamInput = Type.Object(
  {
    name: Type.Optional(Type.String()),
    description: Type.Optional(Type.Union([Type.String(), Type.Null()])),
    subscriptionsToAdd: Type.Optional(EntityList),
    subscriptionsToRemove: Type.Optional(EntityList),
  },
  { additionalProperties: false },
);

const StreamPageQuery = Type.Object({
  page: PageNumber,
  pageSize: PageSize(250),
  sort: Type.Optional(Type.Enum(['Ascending', 'Descending', 'MostRecentlyViewed'])),
});

/** Shared by every stream resource: v39+ (SPEC §12.8), the internal scope only (decision 0035). */
const STREAMS = { since: 39, communities: false } as const;

/** Chatter streams and their feed (SPEC §12.6, F2 §8). */
export const streamRoutes = [
  defineRoute({
    method: 'GET',
    path: '/chatter/streams',
    summary: 'Chatter Stream Collection',
    xmlRoot: 'streamCollection',
    ...STREAMS,
    schema: { querystring: StreamPageQuery },
    handler: async ({ services, viewer, scope, ctx, query }) => {
      const paging = integerPaging(query);
      // 5 to 100 at 39.0, 1 to 250 later (F2 §8).
      if (ctx.major < 40 && (paging.pageSize < 5 || paging.pageSize > 100)) {
        throw invalidInput(`Invalid pageSize: ${paging.pageSize}. Specify a value between 5 and 100.`);
      }
      const sort = query.sort === 'Ascending' ? 'Ascending' : 'Descending';
      const page = await services.streams.list(viewer, scope, { sort, ...paging });
      return { body: presentStreamCollection(ctx, page, paging, query.sort) };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/chatter/streams',
    summary: 'Chatter streams: create one',
    xmlRoot: 'stream',
    ...STREAMS,
    schema: { body: StreamInput },
    handler: async ({ services, viewer, scope, ctx, body }) => {
      const view = await services.streams.create(viewer, scope, body);
      return { status: 201, body: presentStream(ctx, view) };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/chatter/streams/:streamId',
    summary: 'Chatter Stream',
    xmlRoot: 'stream',
    ...STREAMS,
    schema: { params: StreamParams },
    handler: async ({ services, viewer, scope, ctx, params }) => ({
      body: presentStream(ctx, await services.streams.get(viewer, scope, params.streamId)),
    }),
  }),
  defineRoute({
    method: 'PATCH',
    path: '/chatter/streams/:streamId',
    summary: 'Chatter Stream: rename, describe, add and remove subscriptions',
    xmlRoot: 'stream',
    ...STREAMS,
    schema: { params: StreamParams, body: StreamInput },
    handler: async ({ services, viewer, scope, ctx, params, body }) => ({
      body: presentStream(ctx, await services.streams.update(viewer, scope, params.streamId, body)),
    }),
  }),
  defineRoute({
    method: 'DELETE',
    path: '/chatter/streams/:streamId',
    summary: 'Chatter Stream: delete it',
    ...STREAMS,
    schema: { params: StreamParams },
    handler: async ({ services, viewer, params }) => {
      await services.streams.delete(viewer, params.streamId);
      return { status: 204 };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/chatter/feeds/streams/:streamId',
    summary: 'Feed: a Chatter stream',
    xmlRoot: 'feed',
    ...STREAMS,
    schema: { params: StreamParams },
    handler: async ({ services, viewer, scope, ctx, params }) => ({
      body: presentFeed(ctx, await services.feeds.feed(viewer, scope, 'streams', params.streamId)),
    }),
  }),
  defineRoute({
    method: 'GET',
    path: '/chatter/feeds/streams/:streamId/feed-elements',
    summary: 'Feed elements of a Chatter stream (Feed Element Page)',
    xmlRoot: 'feedElementPage',
    ...STREAMS,
    schema: { params: StreamParams, querystring: FeedPageQuery },
    handler: async ({ services, viewer, scope, ctx, params, query }) => {
      const { feed, page } = await services.feeds.elements(
        viewer,
        scope,
        'streams',
        params.streamId,
        pageParams(query),
      );
      return {
        body: presentFeedElementPage(ctx, `${feedPath(ctx, feed)}/feed-elements`, page, echoed(query)),
      };
    },
  }),
];
