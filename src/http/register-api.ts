import type { FastifyInstance, RouteOptions } from 'fastify';
import { type TObject, type TSchema, Type } from 'typebox';
import { KeyPrefix } from '../ids/salesforce-id.js';
import type { Services } from '../services.js';
import type { AnyApiRoute } from './api-route.js';
import { recordId } from './params.js';
import { apiRouteStages } from './pipeline.js';

const COMMUNITY_PREFIX = '/connect/communities/:communityId';

/** The path parameters every API route has before its own: the version, and the community prefix. */
const VERSION_PARAM = { version: Type.String() };
const COMMUNITY_PARAM = { communityId: recordId(KeyPrefix.community, 'internal') };

/** Registers API routes at their root and community paths, each with 405 for unsupported methods. */
export function registerApiRoutes(app: FastifyInstance, services: Services, routes: AnyApiRoute[]): void {
  const byPath = new Map<string, AnyApiRoute[]>();
  for (const route of routes) {
    const list = byPath.get(route.path) ?? [];
    list.push(route);
    byPath.set(route.path, list);
  }
  const stages = apiRouteStages(services);
  for (const [path, group] of byPath) {
    const first = group[0] as AnyApiRoute;
    const prefixes = servedInCommunities(first) ? ['', COMMUNITY_PREFIX] : [''];
    const methods: string[] = group.map((r) => r.method);
    const supported = [...methods, ...(methods.includes('GET') ? ['HEAD'] : [])];
    const allow = [...supported].sort().join(',');
    // Every other method the server knows (OPTIONS, TRACE, HEAD without GET…) is 405 on a path
    // that exists (SPEC §2), not 404.
    const others = app.supportedMethods.filter((m) => !supported.includes(m));
    for (const prefix of prefixes) {
      const url = `/services/data/:version${prefix}${path}`;
      for (const route of group) {
        app.route({
          method: route.method,
          url,
          schema: {
            params: pathParams(route, prefix !== ''),
            ...(route.schema?.querystring ? { querystring: route.schema.querystring } : {}),
            ...(route.schema?.body ? { body: route.schema.body } : {}),
            summary: route.summary,
            tags: [path.split('/')[1] ?? 'api'],
          },
          config: { api: route },
          onRequest: stages.onRequest,
          preValidation: stages.preValidation,
          preHandler: stages.preHandler,
          onSend: stages.onSend,
          handler: stages.handler,
        } as RouteOptions);
      }
      if (others.length > 0) {
        app.route({
          method: others,
          url,
          schema: { hide: true },
          config: { api: first, allow },
          onRequest: stages.onRequest,
          onSend: stages.onSend,
          handler: stages.handler,
        } as RouteOptions);
      }
    }
  }
}

/**
 * The params schema of a route at one of its URLs, in the order the URL names them (the first
 * that fails is the one answered). A route must declare every `:param` of its path: checked here,
 * at start-up.
 */
function pathParams(route: AnyApiRoute, inCommunity: boolean): TObject {
  const declared: Record<string, TSchema> = route.schema?.params?.properties ?? {};
  const names = [...route.path.matchAll(/:(\w+)/g)].map((m) => m[1] as string);
  const undeclared = names.find((name) => !(name in declared));
  if (undeclared !== undefined)
    throw new Error(`${route.method} ${route.path}: no schema for :${undeclared}`);
  const own = Object.fromEntries(names.map((name) => [name, declared[name] as TSchema]));
  return Type.Object({ ...VERSION_PARAM, ...(inCommunity ? COMMUNITY_PARAM : {}), ...own });
}

/** Whether a route is also served under /connect/communities/{id} (SPEC §5). */
export function servedInCommunities(route: AnyApiRoute): boolean {
  return route.communities ?? route.path.startsWith('/chatter');
}
