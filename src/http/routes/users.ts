import { Type } from 'typebox';
import { ABOUT_ME_MAX } from '../../domain/users.js';
import { apiError } from '../../errors/api-error.js';
import { defineRoute } from '../api-route.js';
import { batchParams, UserParams } from '../params.js';
import { presentBatchResults } from '../presenters/pages.js';
import { presentUserDetail, presentUserPage } from '../presenters/user.js';
import { integerPaging, PageNumber, PageSize } from './integer-paging.js';

const PageQuery = Type.Object({ page: PageNumber, pageSize: PageSize(250), q: Type.Optional(Type.String()) });

// Null first: with type coercion on, a string-first union would turn null into "" (and the clear
// into an empty aboutMe); this way "" becomes null, as Salesforce stores empty text.
const UserInput = Type.Object(
  { aboutMe: Type.Union([Type.Null(), Type.String({ maxLength: ABOUT_ME_MAX })]) },
  { additionalProperties: false },
);

export const userRoutes = [
  defineRoute({
    method: 'GET',
    path: '/chatter/users',
    summary: 'Users: search and list (User Page)',
    guests: true,
    xmlRoot: 'userPage',
    schema: { querystring: PageQuery },
    handler: async ({ services, viewer, scope, ctx, query }) => {
      const paging = integerPaging(query);
      const page = await services.users.list(viewer, scope, { q: query.q, ...paging });
      return { body: presentUserPage(ctx, page, paging, query.q) };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/chatter/users/batch/:userIds',
    summary: 'Users: several by ID (Batch Results)',
    guests: true,
    xmlRoot: 'batchResults',
    schema: { params: batchParams('userIds') },
    handler: async ({ services, viewer, scope, ctx, params }) => {
      const items = await services.users.batch(viewer, scope, params.userIds);
      return { body: presentBatchResults(items, (v) => presentUserDetail(ctx, v, v.stats)) };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/chatter/users/:userId',
    summary: 'User Detail',
    guests: true,
    xmlRoot: 'user',
    schema: { params: UserParams },
    handler: async ({ services, viewer, scope, ctx, params }) => {
      // Guests may read user summaries, but have no profile of their own (SPEC §5).
      if (viewer.isGuest && params.userId === 'me') throw apiError('GUEST_NOT_ALLOWED');
      // A read-only request: the user and counts may come from memory (decision 0031).
      const view = await services.users.get(viewer, scope, params.userId, true);
      return { body: presentUserDetail(ctx, view, view.stats) };
    },
  }),
  defineRoute({
    method: 'PATCH',
    path: '/chatter/users/:userId',
    summary: 'User Detail: update aboutMe',
    xmlRoot: 'user',
    schema: { params: UserParams, body: UserInput },
    handler: async ({ services, viewer, scope, ctx, params, body }) => {
      const view = await services.users.updateAboutMe(viewer, scope, params.userId, body.aboutMe);
      services.sessions.refreshUser(view.user);
      return { body: presentUserDetail(ctx, view, view.stats) };
    },
  }),
];
