import { type Static, type TObject, Type } from 'typebox';
import type { TopicHolder } from '../../domain/topics.js';
import { KeyPrefix } from '../../ids/salesforce-id.js';
import type { TopicRecord } from '../../store/records.js';
import { defineRoute } from '../api-route.js';
import { FeedElementParams, PathText, recordId } from '../params.js';
import type { PresentContext } from '../present-context.js';
import { presentTopic, presentTopicCollection, topicsUrl } from '../presenters/topic.js';

const TopicParams = Type.Object({ topicId: recordId(KeyPrefix.topic) });

const ListQuery = Type.Object(
  {
    q: Type.Optional(Type.String()),
    exactMatch: Type.Optional(Type.Boolean()),
    sort: Type.Optional(Type.Enum(['popularDesc', 'alphaAsc'])),
    page: Type.Optional(Type.String()),
    pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
    fallBackToRenamedTopics: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
const TopicInput = Type.Object(
  { name: Type.Optional(Type.String()), description: Type.Optional(Type.String()) },
  { additionalProperties: false },
);
const TrendingQuery = Type.Object(
  { maxResults: Type.Optional(Type.Integer({ minimum: 1, maximum: 99 })) },
  { additionalProperties: false },
);
const AssignInput = Type.Object(
  { topicId: Type.Optional(Type.String()), topicName: Type.Optional(Type.String()) },
  { additionalProperties: false },
);
/** PUT records/{id}/topics (F2 §4): the names the record's topics become. */
const ReplaceInput = Type.Object({ topicNames: Type.Array(Type.String()) }, { additionalProperties: false });
const UnassignQuery = Type.Object({ topicId: Type.String() }, { additionalProperties: false });
/** A record ID: the domain checks which kind (400 for a user, a group or any other ID). */
const RecordParams = Type.Object({ recordId: PathText });

/**
 * POST (assign a topic: 201 the Topic) and DELETE `?topicId=` (unassign: 204) on what holds
 * topics: a post's Topics Capability, a record's topics. `name` is the holder's ID parameter.
 */
function assignmentRoutes<P extends TObject>(
  holder: TopicHolder,
  path: string,
  params: P,
  name: keyof Static<P>,
) {
  const what = holder === 'post' ? 'Topics Capability' : "A record's topics";
  const idOf = (p: Static<P>) => p[name] as string;
  return [
    defineRoute({
      method: 'POST',
      path,
      summary: `${what}: assign a topic`,
      xmlRoot: 'topic',
      schema: { params, body: AssignInput },
      handler: async ({ services, viewer, scope, ctx, params: p, body }) => ({
        status: 201,
        body: presentTopic(ctx, await services.topics.assign(viewer, scope, holder, idOf(p), body)),
      }),
    }),
    defineRoute({
      method: 'DELETE',
      path,
      summary: `${what}: unassign a topic`,
      schema: { params, querystring: UnassignQuery },
      handler: async ({ services, viewer, scope, params: p, query }) => {
        await services.topics.unassign(viewer, scope, holder, idOf(p), query.topicId);
        return { status: 204 };
      },
    }),
  ];
}

/** A record's topics as a Topic Collection: all of them (at most 100), one page. */
function recordTopics(ctx: PresentContext, of: { recordId: string; topics: TopicRecord[] }) {
  return presentTopicCollection(ctx, of.topics, `${ctx.base}/connect/records/${of.recordId}/topics`, null);
}

/** Topics (SPEC §12.4, F2 §4). */
export const topicRoutes = [
  defineRoute({
    method: 'GET',
    path: '/connect/topics',
    summary: 'Topics: list and search (Topic Collection)',
    xmlRoot: 'topicCollection',
    schema: { querystring: ListQuery },
    handler: async ({ services, viewer, ctx, query }) => {
      const pageSize = query.pageSize ?? 25;
      const page = await services.topics.list(viewer, {
        q: query.q,
        exactMatch: query.exactMatch ?? false,
        sort: query.sort ?? 'popularDesc',
        page: query.page,
        pageSize,
      });
      const link = (token: string | undefined) => {
        const params = { q: query.q, exactMatch: query.exactMatch, sort: query.sort, page: token, pageSize };
        const pairs = Object.entries(params).filter(([, v]) => v !== undefined);
        return `${topicsUrl(ctx)}?${pairs.map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`).join('&')}`;
      };
      return {
        body: presentTopicCollection(
          ctx,
          page.topics,
          link(query.page),
          page.nextPage ? link(page.nextPage) : null,
        ),
      };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/connect/topics',
    summary: 'Topics: create',
    xmlRoot: 'topic',
    schema: { body: TopicInput },
    handler: async ({ services, viewer, ctx, body }) => ({
      status: 201,
      body: presentTopic(ctx, await services.topics.create(viewer, body)),
    }),
  }),
  defineRoute({
    method: 'GET',
    path: '/connect/topics/trending',
    summary: 'Topics: trending (Topic Collection)',
    xmlRoot: 'topicCollection',
    schema: { querystring: TrendingQuery },
    handler: async ({ services, viewer, ctx, query }) => {
      const max = query.maxResults ?? 5;
      const topics = await services.topics.trending(viewer, max);
      return {
        body: presentTopicCollection(ctx, topics, `${topicsUrl(ctx)}/trending?maxResults=${max}`, null),
      };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/connect/topics/:topicId',
    summary: 'Topic',
    xmlRoot: 'topic',
    schema: { params: TopicParams },
    handler: async ({ services, viewer, ctx, params }) => ({
      body: presentTopic(ctx, await services.topics.get(viewer, params.topicId)),
    }),
  }),
  defineRoute({
    method: 'PATCH',
    path: '/connect/topics/:topicId',
    summary: 'Topic: rename or describe (admins)',
    xmlRoot: 'topic',
    schema: { params: TopicParams, body: TopicInput },
    handler: async ({ services, viewer, ctx, params, body }) => ({
      body: presentTopic(ctx, await services.topics.update(viewer, params.topicId, body)),
    }),
  }),
  defineRoute({
    method: 'DELETE',
    path: '/connect/topics/:topicId',
    summary: 'Topic: delete (admins)',
    schema: { params: TopicParams },
    handler: async ({ services, viewer, params }) => {
      await services.topics.delete(viewer, params.topicId);
      return { status: 204 };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/chatter/feed-elements/:feedElementId/capabilities/topics',
    summary: 'Topics Capability',
    xmlRoot: 'topicsCapability',
    schema: { params: FeedElementParams },
    handler: async ({ services, viewer, scope, ctx, params }) => {
      const topics = await services.topics.ofPost(viewer, scope, params.feedElementId);
      return {
        body: {
          canAssignTopics:
            !viewer.isGuest && (viewer.user.type === 'standard' || viewer.user.type === 'admin'),
          items: topics.map((t) => presentTopic(ctx, t)),
        },
      };
    },
  }),
  ...assignmentRoutes(
    'post',
    '/chatter/feed-elements/:feedElementId/capabilities/topics',
    FeedElementParams,
    'feedElementId',
  ),
  defineRoute({
    method: 'GET',
    path: '/connect/records/:recordId/topics',
    summary: "A record's topics (Topic Collection)",
    xmlRoot: 'topicCollection',
    schema: { params: RecordParams },
    handler: async ({ services, viewer, scope, ctx, params }) => {
      return { body: recordTopics(ctx, await services.topics.ofRecord(viewer, scope, params.recordId)) };
    },
  }),
  ...assignmentRoutes('record', '/connect/records/:recordId/topics', RecordParams, 'recordId'),
  defineRoute({
    method: 'PUT',
    path: '/connect/records/:recordId/topics',
    summary: "A record's topics: replace them all (Topic Collection)",
    since: 35,
    xmlRoot: 'topicCollection',
    schema: { params: RecordParams, body: ReplaceInput },
    handler: async ({ services, viewer, scope, ctx, params, body }) => {
      const replaced = await services.topics.replaceOfRecord(viewer, scope, params.recordId, body.topicNames);
      return { body: recordTopics(ctx, replaced) };
    },
  }),
];
