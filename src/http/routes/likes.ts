import { defineRoute } from '../api-route.js';
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
    schema: { querystring: LikePageQuery },
    handler: async ({ services, viewer, scope, ctx, params, query }) => {
      const paging = integerPaging(query);
      const page = await services.likes.listForElement(viewer, scope, params.feedElementId as string, paging);
      return { body: presentLikePage(ctx, page, paging) };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/chatter/feed-elements/:feedElementId/capabilities/chatter-likes/items',
    summary: 'Like a feed element',
    xmlRoot: 'like',
    handler: async ({ services, viewer, scope, ctx, params }) => {
      const view = await services.likes.likeElement(viewer, scope, params.feedElementId as string);
      return { status: 201, body: presentLike(ctx, view) };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/chatter/comments/:commentId/likes',
    summary: 'Likes of a comment (Like Page)',
    xmlRoot: 'likePage',
    schema: { querystring: LikePageQuery },
    handler: async ({ services, viewer, scope, ctx, params, query }) => {
      const paging = integerPaging(query);
      const page = await services.likes.listForComment(viewer, scope, params.commentId as string, paging);
      return { body: presentLikePage(ctx, page, paging) };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/chatter/comments/:commentId/likes',
    summary: 'Like a comment',
    xmlRoot: 'like',
    handler: async ({ services, viewer, scope, ctx, params }) => {
      const view = await services.likes.likeComment(viewer, scope, params.commentId as string);
      return { status: 201, body: presentLike(ctx, view) };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/chatter/likes/:likeId',
    summary: 'Like',
    xmlRoot: 'like',
    handler: async ({ services, viewer, scope, ctx, params }) => {
      const view = await services.likes.get(viewer, scope, params.likeId as string);
      return { body: presentLike(ctx, view) };
    },
  }),
  defineRoute({
    method: 'DELETE',
    path: '/chatter/likes/:likeId',
    summary: 'Unlike',
    handler: async ({ services, viewer, scope, params }) => {
      await services.likes.delete(viewer, scope, params.likeId as string);
      return { status: 204 };
    },
  }),
];
