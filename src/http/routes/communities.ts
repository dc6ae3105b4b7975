import { Type } from 'typebox';
import { defineRoute } from '../api-route.js';
import { CommunityParams } from '../params.js';
import { presentCommunity, presentCommunityPage } from '../presenters/community.js';

export const communityRoutes = [
  defineRoute({
    method: 'GET',
    path: '/connect/communities',
    summary: 'Communities of the caller (Community Page)',
    communities: false,
    externalOnInternal: true,
    xmlRoot: 'communityPage',
    schema: {
      querystring: Type.Object({
        status: Type.Optional(Type.Enum(['Live', 'Inactive', 'UnderConstruction'])),
      }),
    },
    handler: async ({ services, viewer, ctx, query }) => ({
      body: presentCommunityPage(ctx, await services.communities.list(viewer, query.status)),
    }),
  }),
  defineRoute({
    // The parameter is named communityId on purpose: the pipeline resolves it as a scope, which
    // checks the ID (400), the org (404) and membership (403), and lets a community's guest in.
    method: 'GET',
    path: '/connect/communities/:communityId',
    summary: 'Community',
    communities: false,
    externalOnInternal: true,
    xmlRoot: 'community',
    schema: { params: CommunityParams },
    handler: async ({ services, scope, ctx }) => ({
      body: presentCommunity(ctx, services.communities.get(scope)),
    }),
  }),
];
