import { Type } from 'typebox';
import type { AnyApiRoute, HttpMethod } from '../api-route.js';
import { defineRoute } from '../api-route.js';
import { PathText } from '../params.js';

/**
 * The feed-items family was removed in 32.0 (chatter-facts §2.6): every path of it answers 410
 * GONE at every supported version, for every method, before authentication (SPEC §2, §6).
 */
const PATHS = [
  '/chatter/feed-items',
  '/chatter/feed-items/*',
  '/chatter/feeds/:feedType/feed-items',
  '/chatter/feeds/:feedType/:subjectId/feed-items',
  '/chatter/feeds/:feedType/:subjectId/:keyPrefix/feed-items',
];
const METHODS: HttpMethod[] = ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'];

export const feedItemsGoneRoutes: AnyApiRoute[] = PATHS.flatMap((path) =>
  METHODS.map((method) =>
    defineRoute({
      method,
      path,
      summary: 'Removed in 32.0: use feed-elements',
      auth: 'none',
      gone: 'GONE_FEED_ITEMS',
      // Never validated (410 comes first), but declared as every route's are.
      schema: {
        params: Type.Object(Object.fromEntries([...path.matchAll(/:(\w+)/g)].map((m) => [m[1], PathText]))),
      },
      handler: async () => {
        throw new Error('unreachable: removed resources answer 410 before their handler');
      },
    }),
  ),
);
