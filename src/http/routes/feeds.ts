import { DEFAULT_RECENT_COMMENTS } from '../../domain/feed-elements.js';
import type { FeedPageParams } from '../../domain/feeds.js';
import type { QuestionFilter } from '../../store/records.js';
import { defineRoute } from '../api-route.js';
import { FeedParams } from '../params.js';
import { feedPath, presentFeed, presentFeedDirectory } from '../presenters/feed.js';
import { presentFeedElementPage } from '../presenters/feed-element.js';
import { DEFAULT_PAGE_SIZE, FeedPageQuery } from './feed-schemas.js';

export type FeedQuery = {
  page?: string | undefined;
  pageSize?: number | undefined;
  recentCommentCount?: number | undefined;
  sort?: 'CreatedDateDesc' | 'LastModifiedDateDesc' | undefined;
  updatedSince?: string | undefined;
  elementsPerBundle?: number | undefined;
  filter?: QuestionFilter | undefined;
};

export function pageParams(query: FeedQuery): FeedPageParams {
  return {
    sort: query.sort ?? 'CreatedDateDesc',
    page: query.page,
    pageSize: query.pageSize ?? DEFAULT_PAGE_SIZE,
    recentCommentCount: query.recentCommentCount ?? DEFAULT_RECENT_COMMENTS,
    updatedSince: query.updatedSince,
    filter: query.filter,
  };
}

/** The request's own parameters, echoed in the page URLs (the page token is set per link). */
export function echoed(query: FeedQuery) {
  const { page: _page, ...rest } = query;
  return rest;
}

/**
 * Feeds (SPEC §6). `feeds/company` has no subject; the others name one (`me` allowed), and their
 * URLs carry its 18-character ID.
 */
export const feedRoutes = [
  defineRoute({
    method: 'GET',
    path: '/chatter/feeds',
    summary: 'Feed Directory',
    xmlRoot: 'feedDirectory',
    handler: async ({ ctx }) => ({ body: presentFeedDirectory(ctx) }),
  }),
  defineRoute({
    method: 'GET',
    path: '/chatter/feeds/company',
    summary: 'Feed: company',
    xmlRoot: 'feed',
    handler: async ({ services, viewer, scope, ctx }) => {
      const feed = await services.feeds.feed(viewer, scope, 'company', null);
      return { body: presentFeed(ctx, feed) };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/chatter/feeds/company/feed-elements',
    summary: 'Feed elements of the company feed (Feed Element Page)',
    xmlRoot: 'feedElementPage',
    schema: { querystring: FeedPageQuery },
    handler: async ({ services, viewer, scope, ctx, query }) => {
      const { feed, page } = await services.feeds.elements(viewer, scope, 'company', null, pageParams(query));
      return {
        body: presentFeedElementPage(ctx, `${feedPath(ctx, feed)}/feed-elements`, page, echoed(query)),
      };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/chatter/feeds/:feedType/:subjectId',
    summary: 'Feed: news, record, user-profile, groups, to',
    guests: true,
    xmlRoot: 'feed',
    schema: { params: FeedParams },
    handler: async ({ services, viewer, scope, ctx, params }) => {
      const feed = await services.feeds.feed(viewer, scope, params.feedType, params.subjectId);
      return { body: presentFeed(ctx, feed) };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/chatter/feeds/:feedType/:subjectId/feed-elements',
    summary: 'Feed elements of a feed (Feed Element Page)',
    guests: true,
    xmlRoot: 'feedElementPage',
    schema: { params: FeedParams, querystring: FeedPageQuery },
    handler: async ({ services, viewer, scope, ctx, params, query }) => {
      const { feed, page } = await services.feeds.elements(
        viewer,
        scope,
        params.feedType,
        params.subjectId,
        pageParams(query),
      );
      return {
        body: presentFeedElementPage(ctx, `${feedPath(ctx, feed)}/feed-elements`, page, echoed(query)),
      };
    },
  }),
];
