import { Type } from 'typebox';
import { RESPONSE_MESSAGE_MAX } from '../../domain/join-requests.js';
import { defineRoute } from '../api-route.js';
import { GroupParams, JoinRequestParams } from '../params.js';
import { presentJoinRequest, presentJoinRequests } from '../presenters/join-request.js';
import { NullableText } from './group-schemas.js';

export const joinRequestRoutes = [
  defineRoute({
    method: 'GET',
    path: '/chatter/groups/:groupId/members/requests',
    summary: "A group's membership requests (Group Membership Request Collection)",
    xmlRoot: 'groupMembershipRequests',
    schema: {
      params: GroupParams,
      querystring: Type.Object({ status: Type.Optional(Type.Enum(['Pending', 'Accepted', 'Declined'])) }),
    },
    handler: async ({ services, viewer, scope, ctx, params, query }) => {
      const views = await services.joinRequests.list(viewer, scope, params.groupId, query.status);
      return { body: presentJoinRequests(ctx, views) };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/chatter/groups/:groupId/members/requests',
    summary: 'Groups: ask to join (Group Membership Request)',
    xmlRoot: 'groupMembershipRequest',
    schema: { params: GroupParams },
    handler: async ({ services, viewer, scope, ctx, params }) => {
      const view = await services.joinRequests.request(viewer, scope, params.groupId);
      // Already a member: nothing to ask for (204, reference/chatter-facts.md §2.4).
      return view ? { status: 201, body: presentJoinRequest(ctx, view) } : { status: 204 };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/chatter/group-membership-requests/:requestId',
    summary: 'Group Membership Request',
    xmlRoot: 'groupMembershipRequest',
    schema: { params: JoinRequestParams },
    handler: async ({ services, viewer, scope, ctx, params }) => {
      const view = await services.joinRequests.get(viewer, scope, params.requestId);
      return { body: presentJoinRequest(ctx, view) };
    },
  }),
  defineRoute({
    method: 'PATCH',
    path: '/chatter/group-membership-requests/:requestId',
    summary: 'Group Membership Request: accept or decline',
    xmlRoot: 'groupMembershipRequest',
    schema: {
      params: JoinRequestParams,
      body: Type.Object(
        {
          status: Type.Enum(['Accepted', 'Declined']),
          responseMessage: Type.Optional(NullableText(RESPONSE_MESSAGE_MAX)),
        },
        { additionalProperties: false },
      ),
    },
    handler: async ({ services, viewer, scope, ctx, params, body }) => {
      const view = await services.joinRequests.decide(viewer, scope, params.requestId, body);
      return { body: presentJoinRequest(ctx, view) };
    },
  }),
];
