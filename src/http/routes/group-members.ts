import { Type } from 'typebox';
import { defineRoute } from '../api-route.js';
import { batchParams, GroupParams, MembershipParams } from '../params.js';
import { presentGroupMember, presentGroupMemberPage } from '../presenters/group-member.js';
import { presentBatchResults } from '../presenters/pages.js';
import { integerPaging, PageNumber, PageSize } from './integer-paging.js';

const AssignableRole = Type.Enum(['StandardMember', 'GroupManager']);

export const groupMemberRoutes = [
  defineRoute({
    method: 'GET',
    path: '/chatter/groups/:groupId/members',
    summary: "A group's members (Group Member Page)",
    xmlRoot: 'groupMemberPage',
    schema: { params: GroupParams, querystring: Type.Object({ page: PageNumber, pageSize: PageSize(1000) }) },
    handler: async ({ services, viewer, scope, ctx, params, query }) => {
      const paging = integerPaging(query);
      const page = await services.groupMembers.list(viewer, scope, params.groupId, paging);
      return { body: presentGroupMemberPage(ctx, page, paging) };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/chatter/groups/:groupId/members',
    summary: 'Groups: add a member (Group Member)',
    xmlRoot: 'groupMember',
    schema: {
      params: GroupParams,
      body: Type.Object(
        { userId: Type.String(), role: Type.Optional(AssignableRole) },
        { additionalProperties: false },
      ),
    },
    handler: async ({ services, viewer, scope, ctx, params, body }) => {
      const view = await services.groupMembers.add(viewer, scope, params.groupId, body);
      return { status: 201, body: presentGroupMember(ctx, view) };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/chatter/group-memberships/batch/:membershipIds',
    summary: 'Group Members by ID (Batch Results)',
    xmlRoot: 'batchResults',
    schema: { params: batchParams('membershipIds') },
    handler: async ({ services, viewer, scope, ctx, params }) => {
      const items = await services.groupMembers.batch(viewer, scope, params.membershipIds);
      return { body: presentBatchResults(items, (v) => presentGroupMember(ctx, v)) };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/chatter/group-memberships/:membershipId',
    summary: 'Group Member',
    xmlRoot: 'groupMember',
    schema: { params: MembershipParams },
    handler: async ({ services, viewer, scope, ctx, params }) => {
      const view = await services.groupMembers.get(viewer, scope, params.membershipId);
      return { body: presentGroupMember(ctx, view) };
    },
  }),
  defineRoute({
    method: 'PATCH',
    path: '/chatter/group-memberships/:membershipId',
    summary: "Group Member: change a member's role",
    xmlRoot: 'groupMember',
    schema: {
      params: MembershipParams,
      body: Type.Object({ role: AssignableRole }, { additionalProperties: false }),
    },
    handler: async ({ services, viewer, scope, ctx, params, body }) => {
      const view = await services.groupMembers.setRole(viewer, scope, params.membershipId, body.role);
      return { body: presentGroupMember(ctx, view) };
    },
  }),
  defineRoute({
    method: 'DELETE',
    path: '/chatter/group-memberships/:membershipId',
    summary: 'Group Member: leave the group, or remove the member',
    schema: { params: MembershipParams },
    handler: async ({ services, viewer, scope, params }) => {
      await services.groupMembers.remove(viewer, scope, params.membershipId);
      return { status: 204 };
    },
  }),
];
