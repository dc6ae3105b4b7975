import { Type } from 'typebox';
import { GROUP_LIMITS } from '../../domain/groups.js';
import { defineRoute } from '../api-route.js';
import { batchParams, GroupParams, UserParams } from '../params.js';
import {
  presentGroup,
  presentGroupDetail,
  presentGroupPage,
  presentUserGroupPage,
} from '../presenters/group.js';
import { presentBatchResults } from '../presenters/pages.js';
import { NullableText } from './group-schemas.js';
import { integerPaging, PageNumber, PageSize } from './integer-paging.js';

const GroupPageQuery = Type.Object({
  page: PageNumber,
  pageSize: PageSize(250),
  q: Type.Optional(Type.String()),
  archiveStatus: Type.Optional(Type.Enum(['All', 'Archived', 'NotArchived'])),
});

const Visibility = Type.Enum(['PublicAccess', 'PrivateAccess', 'Unlisted']);

/** Group Input (reference/chatter-facts.md §2.4); `owner` is PATCH-only. */
const groupFields = {
  description: Type.Optional(NullableText(GROUP_LIMITS.description)),
  information: Type.Optional(
    Type.Object(
      {
        title: Type.Optional(NullableText(GROUP_LIMITS.informationTitle)),
        text: Type.Optional(NullableText(GROUP_LIMITS.informationText)),
      },
      { additionalProperties: false },
    ),
  ),
  canHaveChatterGuests: Type.Optional(Type.Boolean()),
  isArchived: Type.Optional(Type.Boolean()),
  isAutoArchiveDisabled: Type.Optional(Type.Boolean()),
  isBroadcast: Type.Optional(Type.Boolean()),
};

const NewGroupInput = Type.Object(
  { name: Type.String({ maxLength: GROUP_LIMITS.name }), visibility: Visibility, ...groupFields },
  { additionalProperties: false },
);

const GroupChangesInput = Type.Object(
  {
    name: Type.Optional(Type.String({ maxLength: GROUP_LIMITS.name })),
    visibility: Type.Optional(Visibility),
    owner: Type.Optional(Type.String()),
    ...groupFields,
  },
  { additionalProperties: false },
);

export const groupRoutes = [
  defineRoute({
    method: 'GET',
    path: '/chatter/groups',
    summary: 'Groups: list and search (Group Page)',
    guests: true,
    xmlRoot: 'groupPage',
    schema: { querystring: GroupPageQuery },
    handler: async ({ services, viewer, scope, ctx, query }) => {
      const paging = integerPaging(query);
      const archiveStatus = query.archiveStatus ?? 'NotArchived';
      const page = await services.groups.list(viewer, scope, { q: query.q, archiveStatus, ...paging });
      const filters = { q: query.q, archiveStatus: query.archiveStatus };
      return { body: presentGroupPage(ctx, page, paging, filters) };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/chatter/groups',
    summary: 'Groups: create one (Group Detail)',
    xmlRoot: 'group',
    schema: { body: NewGroupInput },
    handler: async ({ services, viewer, scope, ctx, body }) => {
      const view = await services.groups.create(viewer, scope, body, ctx.major);
      return { status: 201, body: presentGroupDetail(ctx, view) };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/chatter/groups/batch/:groupIds',
    summary: 'Groups: several by ID (Batch Results)',
    guests: true,
    xmlRoot: 'batchResults',
    schema: { params: batchParams('groupIds') },
    handler: async ({ services, viewer, scope, ctx, params }) => {
      const items = await services.groups.batch(viewer, scope, params.groupIds);
      return { body: presentBatchResults(items, (v) => presentGroup(ctx, v)) };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/chatter/groups/:groupId',
    summary: 'Group Detail',
    guests: true,
    xmlRoot: 'group',
    schema: { params: GroupParams },
    handler: async ({ services, viewer, scope, ctx, params }) => {
      const view = await services.groups.get(viewer, scope, params.groupId);
      const announcement = await services.announcements.current(viewer, scope, view.access);
      return { body: presentGroupDetail(ctx, { ...view, announcement }) };
    },
  }),
  defineRoute({
    method: 'PATCH',
    path: '/chatter/groups/:groupId',
    summary: 'Group Detail: change a group',
    xmlRoot: 'group',
    schema: { params: GroupParams, body: GroupChangesInput },
    handler: async ({ services, viewer, scope, ctx, params, body }) => {
      const view = await services.groups.update(viewer, scope, params.groupId, body, ctx.major);
      return { body: presentGroupDetail(ctx, view) };
    },
  }),
  defineRoute({
    method: 'DELETE',
    path: '/chatter/groups/:groupId',
    summary: 'Groups: delete one',
    schema: { params: GroupParams },
    handler: async ({ services, viewer, scope, params }) => {
      await services.groups.delete(viewer, scope, params.groupId);
      return { status: 204 };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/chatter/users/:userId/groups',
    summary: "A user's groups (User Group Page)",
    xmlRoot: 'userGroupPage',
    schema: { params: UserParams, querystring: Type.Object({ page: PageNumber, pageSize: PageSize(250) }) },
    handler: async ({ services, viewer, scope, ctx, params, query }) => {
      const paging = integerPaging(query);
      const page = await services.groups.groupsOf(viewer, scope, params.userId, paging);
      return { body: presentUserGroupPage(ctx, page, paging) };
    },
  }),
];
