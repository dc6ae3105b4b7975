import { Type } from 'typebox';
import type { Completion } from '../../domain/mentions.js';
import { defineRoute } from '../api-route.js';
import type { PresentContext } from '../present-context.js';
import { photoUrl } from '../presenters/photo.js';

const CompletionsQuery = Type.Object(
  {
    q: Type.String(),
    type: Type.Optional(Type.Enum(['All', 'Group', 'User'])),
    contextId: Type.Optional(Type.String()),
    page: Type.Optional(Type.Integer({ minimum: 0, maximum: 100000 })),
    pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  },
  { additionalProperties: false },
);

const ValidationsQuery = Type.Object(
  {
    parentId: Type.String(),
    recordIds: Type.String(),
    visibility: Type.Enum(['AllUsers', 'InternalUsers']),
  },
  { additionalProperties: false },
);

/** Mention Completion (F2 §3): a user or a group the viewer may mention. */
function presentCompletion(ctx: PresentContext, c: Completion) {
  const id = c.kind === 'user' ? c.user.id : c.group.id;
  const internal = c.kind === 'user' && (c.user.type === 'standard' || c.user.type === 'admin');
  return {
    additionalLabel: c.kind === 'user' && !internal ? '(Customer)' : null,
    description: c.kind === 'user' && internal && c.user.title !== null ? ctx.text(c.user.title) : null,
    name: ctx.text(c.kind === 'user' ? `${c.user.firstName} ${c.user.lastName}`.trim() : c.group.name),
    ...(ctx.major >= 40 ? { outOfOffice: null } : {}),
    photoUrl: photoUrl(ctx.origin, c.kind === 'user' ? c.user : c.group, 'T'),
    recordId: id,
    ...(ctx.major >= 30 ? { userType: c.kind === 'group' ? null : internal ? 'Internal' : 'Portal' } : {}),
  };
}

/** @-mentions (SPEC §12.4): completions and validations. */
export const mentionRoutes = [
  defineRoute({
    method: 'GET',
    path: '/chatter/mentions/completions',
    summary: 'Mention Completion Page',
    xmlRoot: 'mentionCompletionPage',
    schema: { querystring: CompletionsQuery },
    handler: async ({ services, viewer, scope, ctx, query }) => {
      const page = query.page ?? 0;
      const pageSize = query.pageSize ?? 25;
      const result = await services.mentions.completions(viewer, scope, {
        q: query.q,
        type: query.type ?? 'All',
        page,
        pageSize,
      });
      const link = (n: number) => {
        const params = { q: query.q, type: query.type, contextId: query.contextId, page: n, pageSize };
        const pairs = Object.entries(params).filter(([, v]) => v !== undefined);
        return `${ctx.base}/chatter/mentions/completions?${pairs.map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`).join('&')}`;
      };
      return {
        body: {
          currentPageUrl: link(page),
          mentionCompletions: result.items.map((c) => presentCompletion(ctx, c)),
          nextPageUrl: result.hasNext ? link(page + 1) : null,
          previousPageUrl: page > 0 ? link(page - 1) : null,
        },
      };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/chatter/mentions/validations',
    summary: 'Mention Validations',
    xmlRoot: 'mentionValidations',
    schema: { querystring: ValidationsQuery },
    handler: async ({ services, viewer, scope, query }) => {
      const items = await services.mentions.validations(viewer, scope, query);
      return {
        body: {
          hasErrors: items.some((i) => i.status === 'Disallowed'),
          mentionValidations: items.map((i) => ({ recordId: i.recordId, validationStatus: i.status })),
        },
      };
    },
  }),
];
