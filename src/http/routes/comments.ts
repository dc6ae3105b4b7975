import { defineRoute } from '../api-route.js';
import { CommentParams, FeedElementParams } from '../params.js';
import { presentComment, presentCommentPage } from '../presenters/comment.js';
import { CommentInput, CommentPageQuery, DEFAULT_PAGE_SIZE } from './feed-schemas.js';
import { commentFileIds } from './file-inputs.js';

/** Comments (SPEC §6): a post's comment items, and comments by ID. */
export const commentRoutes = [
  defineRoute({
    method: 'GET',
    path: '/chatter/feed-elements/:feedElementId/capabilities/comments/items',
    summary: 'Comments of a feed element (Comment Page)',
    guests: true,
    xmlRoot: 'commentPage',
    schema: { params: FeedElementParams, querystring: CommentPageQuery },
    handler: async ({ services, viewer, scope, ctx, params, query }) => {
      const page = await services.comments.list(viewer, scope, params.feedElementId, {
        page: query.page,
        pageSize: query.pageSize ?? DEFAULT_PAGE_SIZE,
      });
      return { body: presentCommentPage(ctx, page, { pageSize: query.pageSize }) };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/chatter/feed-elements/:feedElementId/capabilities/comments/items',
    summary: 'Comment on a feed element',
    xmlRoot: 'comment',
    schema: { params: FeedElementParams, body: CommentInput },
    handler: async ({ services, viewer, scope, ctx, params, body }) => {
      const fileIds = commentFileIds(body.capabilities);
      const view = await services.comments.post(viewer, scope, params.feedElementId, { ...body, fileIds });
      return { status: 201, body: presentComment(ctx, view) };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/chatter/comments/:commentId',
    summary: 'Comment',
    guests: true,
    xmlRoot: 'comment',
    schema: { params: CommentParams },
    handler: async ({ services, viewer, scope, ctx, params }) => {
      const view = await services.comments.get(viewer, scope, params.commentId);
      return { body: presentComment(ctx, view) };
    },
  }),
  defineRoute({
    method: 'PATCH',
    path: '/chatter/comments/:commentId',
    summary: 'Comment: edit the body',
    xmlRoot: 'comment',
    schema: { params: CommentParams, body: CommentInput },
    handler: async ({ services, viewer, scope, ctx, params, body }) => {
      const view = await services.comments.edit(viewer, scope, params.commentId, body);
      return { body: presentComment(ctx, view) };
    },
  }),
  defineRoute({
    method: 'DELETE',
    path: '/chatter/comments/:commentId',
    summary: 'Comment: delete',
    schema: { params: CommentParams },
    handler: async ({ services, viewer, scope, params }) => {
      await services.comments.delete(viewer, scope, params.commentId);
      return { status: 204 };
    },
  }),
];
