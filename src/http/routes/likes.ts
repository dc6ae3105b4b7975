import { defineRoute } from '../api-route.js';
import { CommentParams, FeedElementParams, LikeParams } from '../params.js';
import { presentLike, presentLikePage } from '../presenters/like.js';
import { LikePageQuery } from './feed-schemas.js';
import { integerPaging } from './integer-paging.js';

/**
 * Likes (SPEC §6). The POSTs take no body: jsforce's `create('')` sends none, with no content type
 * (a body, if any, is ignored).
 */
export const likeRoutes = [
  defineRoute({
    method: 'GET',
    path: '/chatter/feed-elements/:feedElementId/capabilities/chatter-likes/items',
    summary: 'Likes of a feed element (Like Page)',
    xmlRoot: 'likePage',
    schema: { params: FeedElementParams, querystring: LikePageQuery },
    handler: async ({ services, viewer, scope, ctx, params, query }) => {
      const paging = integerPaging(query);
      const page = await services.likes.listForElement(viewer, scope, params.feedElementId, paging);
      return { body: presentLikePage(ctx, page, paging) };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/chatter/feed-elements/:feedElementId/capabilities/chatter-likes/items',
    summary: 'Like a feed element',
    xmlRoot: 'like',
    schema: { params: FeedElementParams },
    handler: async ({ services, viewer, scope, ctx, params }) => {
      const view = await services.likes.likeElement(viewer, scope, params.feedElementId);
      return { status: 201, body: presentLike(ctx, view) };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/chatter/comments/:commentId/likes',
    summary: 'Likes of a comment (Like Page)',
    xmlRoot: 'likePage',
    schema: { params: CommentParams, querystring: LikePageQuery },
    handler: async ({ services, viewer, scope, ctx, params, query }) => {
      const paging = integerPaging(query);
      const page = await services.likes.listForComment(viewer, scope, params.commentId, paging);
      return { body: presentLikePage(ctx, page, paging) };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/chatter/comments/:commentId/likes',
    summary: 'Like a comment',
    xmlRoot: 'like',
    schema: { params: CommentParams },
    handler: async ({ services, viewer, scope, ctx, params }) => {
      const view = await services.likes.likeComment(viewer, scope, params.commentId);
      return { status: 201, body: presentLike(ctx, view) };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/chatter/likes/:likeId',
    summary: 'Like',
    xmlRoot: 'like',
    schema: { params: LikeParams },
    handler: async ({ services, viewer, scope, ctx, params }) => {
      const view = await services.likes.get(viewer, scope, params.likeId);
      return { body: presentLike(ctx, view) };
    },
  }),
  defineRoute({
    method: 'DELETE',
    path: '/chatter/likes/:likeId',
    summary: 'Unlike',
    schema: { params: LikeParams },
    handler: async ({ services, viewer, scope, params }) => {
      await services.likes.delete(viewer, scope, params.likeId);
      return { status: 204 };
    },
  }),
];
