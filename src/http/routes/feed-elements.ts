import { type Static, Type } from 'typebox';
import { DEFAULT_RECENT_COMMENTS } from '../../domain/feed-elements.js';
import { type ApiCall, defineRoute } from '../api-route.js';
import { batchParams, FeedElementParams } from '../params.js';
import {
  presentCapabilities,
  presentChatterLikesCapability,
  presentCommentsCapability,
} from '../presenters/capabilities.js';
import { presentFeedElementPage, presentFeedItem } from '../presenters/feed-element.js';
import { presentBatchResults } from '../presenters/pages.js';
import {
  DEFAULT_PAGE_SIZE,
  FeedItemEditInput,
  FeedItemInput,
  FeedPageQuery,
  RecentCommentsQuery,
} from './feed-schemas.js';
import { postFileIds } from './file-inputs.js';

const SearchQuery = Type.Object({ ...FeedPageQuery.properties, q: Type.String() });

type ElementRead = ApiCall<Static<typeof RecentCommentsQuery>, unknown, Static<typeof FeedElementParams>>;

/** The feed element a read names, with as many recent comments as it asks for (default 3). */
function readElement({ services, viewer, scope, params, query }: ElementRead) {
  return services.feedElements.get(viewer, scope, params.feedElementId, {
    recentCommentCount: query.recentCommentCount ?? DEFAULT_RECENT_COMMENTS,
  });
}

/** Feed elements (SPEC §6): post, read, edit, delete, search, batch, capabilities. */
export const feedElementRoutes = [
  defineRoute({
    method: 'POST',
    path: '/chatter/feed-elements',
    summary: 'Feed elements: post a Feed Item',
    xmlRoot: 'feedItem',
    schema: { body: FeedItemInput },
    handler: async ({ services, viewer, scope, ctx, body }) => {
      const fileIds = postFileIds(body.capabilities, ctx.major);
      const view = await services.feedElements.post(viewer, scope, { ...body, fileIds });
      return { status: 201, body: presentFeedItem(ctx, view) };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/chatter/feed-elements',
    summary: 'Feed elements: search (Feed Element Page)',
    xmlRoot: 'feedElementPage',
    schema: { querystring: SearchQuery },
    handler: async ({ services, viewer, scope, ctx, query }) => {
      const page = await services.feeds.search(viewer, scope, query.q, {
        sort: query.sort ?? 'CreatedDateDesc',
        page: query.page,
        pageSize: query.pageSize ?? DEFAULT_PAGE_SIZE,
        recentCommentCount: query.recentCommentCount ?? DEFAULT_RECENT_COMMENTS,
        updatedSince: query.updatedSince,
        filter: query.filter,
      });
      const { page: _token, ...params } = query;
      return { body: presentFeedElementPage(ctx, `${ctx.base}/chatter/feed-elements`, page, params) };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/chatter/feed-elements/batch/:feedElementIds',
    summary: 'Feed elements: several by ID (Batch Results)',
    guests: true,
    xmlRoot: 'batchResults',
    schema: { params: batchParams('feedElementIds'), querystring: RecentCommentsQuery },
    handler: async ({ services, viewer, scope, ctx, params, query }) => {
      const items = await services.feedElements.batch(viewer, scope, params.feedElementIds, {
        recentCommentCount: query.recentCommentCount ?? DEFAULT_RECENT_COMMENTS,
      });
      return { body: presentBatchResults(items, (v) => presentFeedItem(ctx, v)) };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/chatter/feed-elements/:feedElementId',
    summary: 'Feed Item',
    guests: true,
    xmlRoot: 'feedItem',
    schema: { params: FeedElementParams, querystring: RecentCommentsQuery },
    handler: async (call) => ({ body: presentFeedItem(call.ctx, await readElement(call)) }),
  }),
  defineRoute({
    method: 'PATCH',
    path: '/chatter/feed-elements/:feedElementId',
    summary: 'Feed Item: edit the body',
    xmlRoot: 'feedItem',
    schema: { params: FeedElementParams, body: FeedItemEditInput },
    handler: async ({ services, viewer, scope, ctx, params, body }) => {
      const view = await services.feedElements.edit(viewer, scope, params.feedElementId, body);
      return { body: presentFeedItem(ctx, view) };
    },
  }),
  defineRoute({
    method: 'DELETE',
    path: '/chatter/feed-elements/:feedElementId',
    summary: 'Feed Item: delete',
    schema: { params: FeedElementParams },
    handler: async ({ services, viewer, scope, params }) => {
      await services.feedElements.delete(viewer, scope, params.feedElementId);
      return { status: 204 };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/chatter/feed-elements/:feedElementId/capabilities',
    summary: 'Feed Element Capabilities',
    guests: true,
    xmlRoot: 'capabilities',
    schema: { params: FeedElementParams, querystring: RecentCommentsQuery },
    handler: async (call) => ({ body: presentCapabilities(call.ctx, await readElement(call)) }),
  }),
  defineRoute({
    method: 'GET',
    path: '/chatter/feed-elements/:feedElementId/capabilities/comments',
    summary: 'Comments Capability',
    guests: true,
    xmlRoot: 'commentsCapability',
    schema: { params: FeedElementParams, querystring: RecentCommentsQuery },
    handler: async (call) => ({ body: presentCommentsCapability(call.ctx, await readElement(call)) }),
  }),
  defineRoute({
    method: 'GET',
    path: '/chatter/feed-elements/:feedElementId/capabilities/chatter-likes',
    summary: 'Chatter Likes Capability',
    xmlRoot: 'chatterLikesCapability',
    schema: { params: FeedElementParams },
    handler: async ({ services, viewer, scope, ctx, params }) => {
      const view = await services.feedElements.get(viewer, scope, params.feedElementId, {
        recentCommentCount: 0,
      });
      return { body: presentChatterLikesCapability(ctx, view) };
    },
  }),
];
