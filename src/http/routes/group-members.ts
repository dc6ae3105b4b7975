import { Type } from 'typebox';
import { defineRoute } from '../api-route.js';
import { pageUrls } from '../presenters/group.js';
import { presentGroupMember, presentMembershipReference } from '../presenters/group-member.js';
import { PageNumber, PageSize } from './group-schemas.js';

const AssignableRole = Type.Enum(['StandardMember', 'GroupManager']);

export const groupMemberRoutes = [
  defineRoute({
    method: 'GET',
    path: '/chatter/groups/:groupId/members',
    summary: "A group's members (Group Member Page)",
    xmlRoot: 'groupMemberPage',
    schema: { querystring: Type.Object({ page: PageNumber, pageSize: PageSize(1000) }) },
    handler: async ({ services, viewer, scope, ctx, params, query }) => {
      const page = query.page ?? 0;
      const pageSize = query.pageSize ?? 25;
      const { groupId, views, total, mine } = await services.groupMembers.list(
        viewer,
        scope,
        params.groupId as string,
        { page, pageSize },
      );
      return {
        body: {
          ...pageUrls(`${ctx.base}/chatter/groups/${groupId}/members`, {}, page, pageSize, total),
          members: views.map((v) => presentGroupMember(ctx, v)),
          myMembership: mine ? presentMembershipReference(ctx, mine.id) : null,
          totalMemberCount: total,
        },
      };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/chatter/groups/:groupId/members',
    summary: 'Groups: add a member (Group Member)',
    xmlRoot: 'groupMember',
    schema: {
      body: Type.Object(
        { userId: Type.String(), role: Type.Optional(AssignableRole) },
        { additionalProperties: false },
      ),
    },
    handler: async ({ services, viewer, scope, ctx, params, body }) => {
      const view = await services.groupMembers.add(viewer, scope, params.groupId as string, body);
      return { status: 201, body: presentGroupMember(ctx, view) };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/chatter/group-memberships/:membershipId',
    summary: 'Group Member',
    xmlRoot: 'groupMember',
    handler: async ({ services, viewer, scope, ctx, params }) => {
      const view = await services.groupMembers.get(viewer, scope, params.membershipId as string);
      return { body: presentGroupMember(ctx, view) };
    },
  }),
  defineRoute({
    method: 'PATCH',
    path: '/chatter/group-memberships/:membershipId',
    summary: "Group Member: change a member's role",
    xmlRoot: 'groupMember',
    schema: { body: Type.Object({ role: AssignableRole }, { additionalProperties: false }) },
    handler: async ({ services, viewer, scope, ctx, params, body }) => {
      const view = await services.groupMembers.setRole(
        viewer,
        scope,
        params.membershipId as string,
        body.role,
      );
      return { body: presentGroupMember(ctx, view) };
    },
  }),
  defineRoute({
    method: 'DELETE',
    path: '/chatter/group-memberships/:membershipId',
    summary: 'Group Member: leave the group, or remove the member',
    handler: async ({ services, viewer, scope, params }) => {
      await services.groupMembers.remove(viewer, scope, params.membershipId as string);
      return { status: 204 };
    },
  }),
];
