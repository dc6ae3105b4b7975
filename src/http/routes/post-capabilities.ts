import { Type } from 'typebox';
import { flag } from '../../domain/post-marks.js';
import { isoDate } from '../../lib/clock.js';
import { defineRoute } from '../api-route.js';
import { FeedElementParams } from '../params.js';
import {
  presentBookmarksCapability,
  presentEditability,
  presentEditCapability,
  presentMuteCapability,
  presentPollCapability,
  presentQuestionCapability,
  presentReadByCapability,
} from '../presenters/capabilities.js';
import { presentUserSummary } from '../presenters/user.js';

const BookmarkInput = Type.Object(
  { isBookmarkedByCurrentUser: Type.Unknown() },
  { additionalProperties: false },
);
const MuteInput = Type.Object({ isMutedByMe: Type.Unknown() }, { additionalProperties: false });
const ReadByInput = Type.Object(
  { isReadByMe: Type.Unknown(), lastReadDateByMe: Type.Optional(Type.String()) },
  { additionalProperties: false },
);
const PollVoteInput = Type.Object({ myChoiceId: Type.String() }, { additionalProperties: false });
/** `{bestAnswerId}` (F2 §6); null or "" removes the best answer (decision 0034). */
const BestAnswerInput = Type.Object(
  { bestAnswerId: Type.Union([Type.String(), Type.Null()]) },
  { additionalProperties: false },
);
const ReadByPageQuery = Type.Object({
  page: Type.Optional(Type.String()),
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
});

const capability = (name: string) => `/chatter/feed-elements/:feedElementId/capabilities/${name}`;

/** The capabilities with state behind them (SPEC §12.5): bookmarks, mute, edit, poll, questions, read-by. */
export const postCapabilityRoutes = [
  defineRoute({
    method: 'GET',
    path: capability('bookmarks'),
    summary: 'Bookmarks Capability',
    xmlRoot: 'bookmarksCapability',
    schema: { params: FeedElementParams },
    handler: async ({ services, viewer, scope, params }) => ({
      body: presentBookmarksCapability(await services.postMarks.view(viewer, scope, params.feedElementId)),
    }),
  }),
  defineRoute({
    method: 'PATCH',
    path: capability('bookmarks'),
    summary: 'Bookmarks Capability: bookmark or unbookmark',
    xmlRoot: 'bookmarksCapability',
    schema: { params: FeedElementParams, body: BookmarkInput },
    handler: async ({ services, viewer, scope, params, body }) => {
      const on = flag('isBookmarkedByCurrentUser', body.isBookmarkedByCurrentUser);
      const view = await services.postMarks.bookmark(viewer, scope, params.feedElementId, on);
      return { body: presentBookmarksCapability(view) };
    },
  }),
  defineRoute({
    method: 'GET',
    path: capability('mute'),
    summary: 'Mute Capability',
    xmlRoot: 'muteCapability',
    schema: { params: FeedElementParams },
    handler: async ({ services, viewer, scope, params }) => ({
      body: presentMuteCapability(await services.postMarks.view(viewer, scope, params.feedElementId)),
    }),
  }),
  defineRoute({
    method: 'PATCH',
    path: capability('mute'),
    summary: 'Mute Capability: mute or unmute',
    xmlRoot: 'muteCapability',
    schema: { params: FeedElementParams, body: MuteInput },
    handler: async ({ services, viewer, scope, params, body }) => {
      const on = flag('isMutedByMe', body.isMutedByMe);
      const view = await services.postMarks.mute(viewer, scope, params.feedElementId, on);
      return { body: presentMuteCapability(view) };
    },
  }),
  defineRoute({
    method: 'GET',
    path: capability('edit'),
    summary: 'Edit Capability',
    xmlRoot: 'editCapability',
    schema: { params: FeedElementParams },
    handler: async ({ services, viewer, scope, ctx, params }) => ({
      body: presentEditCapability(ctx, await services.postMarks.view(viewer, scope, params.feedElementId)),
    }),
  }),
  defineRoute({
    method: 'GET',
    path: capability('edit/is-editable-by-me'),
    summary: 'Feed Entity Is Editable',
    xmlRoot: 'feedEntityIsEditable',
    schema: { params: FeedElementParams },
    handler: async ({ services, viewer, scope, ctx, params }) => ({
      body: presentEditability(ctx, await services.postMarks.view(viewer, scope, params.feedElementId)),
    }),
  }),
  defineRoute({
    method: 'GET',
    path: capability('poll'),
    summary: 'Poll Capability',
    xmlRoot: 'pollCapability',
    schema: { params: FeedElementParams },
    handler: async ({ services, viewer, scope, ctx, params }) => ({
      body: presentPollCapability(ctx, await services.postMarks.poll(viewer, scope, params.feedElementId)),
    }),
  }),
  defineRoute({
    method: 'PATCH',
    path: capability('poll'),
    summary: 'Poll Capability: vote or change a vote',
    xmlRoot: 'pollCapability',
    schema: { params: FeedElementParams, body: PollVoteInput },
    handler: async ({ services, viewer, scope, ctx, params, body }) => ({
      body: presentPollCapability(
        ctx,
        await services.postMarks.vote(viewer, scope, params.feedElementId, body.myChoiceId),
      ),
    }),
  }),
  defineRoute({
    method: 'GET',
    path: capability('question-and-answers'),
    summary: 'Question and Answers Capability',
    xmlRoot: 'questionAndAnswersCapability',
    schema: { params: FeedElementParams },
    handler: async ({ services, viewer, scope, ctx, params }) => ({
      body: presentQuestionCapability(
        ctx,
        await services.postMarks.question(viewer, scope, params.feedElementId),
      ),
    }),
  }),
  defineRoute({
    method: 'PATCH',
    path: capability('question-and-answers'),
    summary: 'Question and Answers Capability: choose or remove the best answer',
    xmlRoot: 'questionAndAnswersCapability',
    schema: { params: FeedElementParams, body: BestAnswerInput },
    handler: async ({ services, viewer, scope, ctx, params, body }) => ({
      body: presentQuestionCapability(
        ctx,
        await services.postMarks.selectBestAnswer(viewer, scope, params.feedElementId, body.bestAnswerId),
      ),
    }),
  }),
  defineRoute({
    method: 'GET',
    path: capability('read-by'),
    summary: 'Read By Capability',
    xmlRoot: 'readByCapability',
    schema: { params: FeedElementParams },
    handler: async ({ services, viewer, scope, ctx, params }) => ({
      body: presentReadByCapability(ctx, await services.postMarks.view(viewer, scope, params.feedElementId)),
    }),
  }),
  defineRoute({
    method: 'PATCH',
    path: capability('read-by'),
    summary: 'Read By Capability: mark read or unread',
    xmlRoot: 'readByCapability',
    schema: { params: FeedElementParams, body: ReadByInput },
    handler: async ({ services, viewer, scope, ctx, params, body }) => {
      const view = await services.postMarks.read(viewer, scope, params.feedElementId, {
        isReadByMe: flag('isReadByMe', body.isReadByMe),
        lastReadDateByMe: body.lastReadDateByMe,
      });
      return { body: presentReadByCapability(ctx, view) };
    },
  }),
  defineRoute({
    method: 'GET',
    path: capability('read-by/items'),
    summary: 'Read By Page',
    xmlRoot: 'readByPage',
    schema: { params: FeedElementParams, querystring: ReadByPageQuery },
    handler: async ({ services, viewer, scope, ctx, params, query }) => {
      const pageSize = query.pageSize ?? 25;
      const page = await services.postMarks.readers(viewer, scope, params.feedElementId, {
        page: query.page,
        pageSize,
      });
      const url = `${ctx.base}/chatter/feed-elements/${params.feedElementId}/capabilities/read-by/items`;
      const link = (token: string | null) =>
        `${url}?${token ? `page=${encodeURIComponent(token)}&` : ''}pageSize=${pageSize}`;
      return {
        body: {
          currentPageToken: page.currentPageToken,
          currentPageUrl: link(page.currentPageToken),
          items: page.items.map((i) => ({
            lastReadDate: isoDate(i.lastReadAt),
            user: presentUserSummary(ctx, i.user),
          })),
          nextPageToken: page.nextPageToken,
          nextPageUrl: page.nextPageToken ? link(page.nextPageToken) : null,
          previousPageToken: null,
          previousPageUrl: null,
          total: page.total,
        },
      };
    },
  }),
];
