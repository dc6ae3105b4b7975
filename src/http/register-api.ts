import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import type { Viewer } from '../auth/viewer.js';
import { isSubrequest } from '../batch/subrequest.js';
import { requireId } from '../domain/ids.js';
import { internalScope, type Scope } from '../domain/scope.js';
import { apiError, insufficientAccess, withHeaders } from '../errors/api-error.js';
import { KeyPrefix, parseId, prefixOf, to18 } from '../ids/salesforce-id.js';
import { countsHourly, Quotas } from '../limits/quotas.js';
import type { Services } from '../services.js';
import type { AnyApiRoute } from './api-route.js';
import { type Format, requestFormat, sendBody, wantsPretty } from './negotiation.js';
import { applyFaults } from './ops-hooks.js';
import { type PresentContext, textEncoder } from './present-context.js';
import { checkVersion } from './versions.js';

/** Per-request state of an API call, filled in stage by stage by the pipeline below. */
export interface ApiState {
  route: AnyApiRoute;
  version: string;
  major: number;
  /** '/services/data/v36.0' (+ '/connect/communities/<id>' when the caller used a prefix) */
  base: string;
  format: Format;
  pretty: boolean;
  viewer: Viewer | undefined;
  scope: Scope;
  /** The org's 24-hour usage after this request was counted (for Sforce-Limit-Info). */
  dailyUsed: number | undefined;
  /** Set on batch subrequests, which count towards the hourly quota only (SPEC §7). */
  subrequest: boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    api: ApiState | null;
  }
  interface FastifyContextConfig {
    api?: AnyApiRoute;
    /** The methods a path supports, on the routes that answer 405 for the others. */
    allow?: string;
  }
}

const COMMUNITY_PREFIX = '/connect/communities/:communityId';

/** Registers API routes at their root and community paths, each with 405 for unsupported methods. */
export function registerApiRoutes(app: FastifyInstance, services: Services, routes: AnyApiRoute[]): void {
  const byPath = new Map<string, AnyApiRoute[]>();
  for (const route of routes) {
    const list = byPath.get(route.path) ?? [];
    list.push(route);
    byPath.set(route.path, list);
  }
  const pipeline = new Pipeline(services);
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
            ...(route.schema?.querystring ? { querystring: route.schema.querystring } : {}),
            ...(route.schema?.body ? { body: route.schema.body } : {}),
            summary: route.summary,
            tags: [path.split('/')[1] ?? 'api'],
          },
          config: { api: route },
          onRequest: pipeline.onRequest,
          preValidation: pipeline.preValidation,
          preHandler: pipeline.preHandler,
          onSend: pipeline.onSend,
          handler: pipeline.handler,
        } as RouteOptions);
      }
      if (others.length > 0) {
        app.route({
          method: others,
          url,
          schema: { hide: true },
          config: { api: first, allow },
          onRequest: pipeline.onRequest,
          onSend: pipeline.onSend,
          handler: pipeline.handler,
        } as RouteOptions);
      }
    }
  }
}

/**
 * The key prefixes (SPEC §3) of the record IDs that path parameters name, by parameter name: a
 * route's path IDs are checked here, before scope and permission, so that a malformed or
 * wrong-type ID is 400 even where the caller would also be refused (SPEC §2 order: IDs and
 * parameters, then permission and state). Handlers check them again with requireId; lists
 * (`userIds`) are answered per item by their resources.
 */
const PATH_ID_PREFIXES: Record<string, { prefixes: string[]; also?: string }> = {
  communityId: { prefixes: [KeyPrefix.community], also: 'internal' },
  userId: { prefixes: [KeyPrefix.user], also: 'me' },
  groupId: { prefixes: [KeyPrefix.group] },
  membershipId: { prefixes: [KeyPrefix.groupMember] },
  requestId: { prefixes: [KeyPrefix.joinRequest] },
  subscriptionId: { prefixes: [KeyPrefix.subscription] },
  feedElementId: { prefixes: [KeyPrefix.feedElement] },
  commentId: { prefixes: [KeyPrefix.comment] },
  likeId: { prefixes: [KeyPrefix.like] },
};

function checkPathIds(params: Record<string, string>): void {
  for (const [name, raw] of Object.entries(params)) {
    const rule = PATH_ID_PREFIXES[name];
    if (rule && raw !== rule.also) requireId(raw, ...rule.prefixes);
  }
}

/** Whether a route is also served under /connect/communities/{id} (SPEC §5). */
export function servedInCommunities(route: AnyApiRoute): boolean {
  return route.communities ?? route.path.startsWith('/chatter');
}

/** The order of checks of SPEC §2, one stage per Fastify hook. */
class Pipeline {
  private readonly quotas: Quotas;

  constructor(private readonly services: Services) {
    this.quotas = new Quotas(services.usage, services.control, services.clock);
  }

  /**
   * version (404/410) → authentication (401) → faults naming the user → daily quota (429) → hourly
   * quota (503) → method (405); before the body is read. Maintenance and the faults that name no
   * user ran just before, in the root hooks (ops-hooks.ts).
   */
  onRequest = async (request: FastifyRequest): Promise<void> => {
    const route = request.routeOptions.config.api as AnyApiRoute;
    const params = request.params as Record<string, string>;
    const version = checkVersion(params.version ?? '');
    if (version.kind === 'retired') throw apiError('GONE_VERSION', { version: version.version });
    if (version.kind === 'unknown') throw apiError('NOT_FOUND');
    if (route.gone) throw apiError(route.gone);
    const community = params.communityId;
    const state: ApiState = {
      route,
      version: version.version,
      major: version.major,
      base: `/services/data/v${version.version}${community === undefined ? '' : `/connect/communities/${normalizeCommunity(community)}`}`,
      format: requestFormat(request),
      pretty: wantsPretty(request),
      viewer: undefined,
      scope: internalScope,
      dailyUsed: undefined,
      subrequest: isSubrequest(request),
    };
    request.api = state;
    if (route.auth === 'none') return;
    state.viewer = await this.authenticate(request, community);
    if (this.services.control.faults.hasUserFaults) {
      await applyFaults(this.services, request, state.viewer.user.username);
    }
    await this.count(state, state.viewer);
    const allow = request.routeOptions.config.allow;
    if (allow) {
      throw withHeaders(apiError('METHOD_NOT_ALLOWED', { method: request.method, allow }), { Allow: allow });
    }
  };

  /** Resources that document parameters take them from the query string when there is no body. */
  preValidation = (request: FastifyRequest, _reply: FastifyReply, done: () => void): void => {
    this.#takeParameters(request);
    done();
  };

  #takeParameters(request: FastifyRequest): void {
    const route = request.routeOptions.config.api as AnyApiRoute;
    const schema = route.schema?.body;
    if (!schema) return;
    if (request.body === undefined || request.body === null) {
      // `_HttpMethod` chose the method (SPEC §1); it is not one of the resource's parameters.
      const { _HttpMethod, ...parameters } = request.query as Record<string, unknown>;
      request.body = parameters;
    }
    // A field the input doesn't have is a parse error, found before any value is checked, as
    // Salesforce's JSON binding reports it (SPEC §2): so `{"x":1}` is not "missing aboutMe".
    const unknown = unknownField(schema, request.body);
    if (unknown !== undefined) {
      throw apiError('JSON_PARSER_ERROR', { detail: `Unrecognized field "${unknown}"` });
    }
  }

  /**
   * Scope and the permission checks every resource shares (external and guest users, SPEC §5).
   * Only a community path needs the store; the internal scope is decided in this tick.
   */
  preHandler = (request: FastifyRequest, _reply: FastifyReply, done: (error?: Error) => void): void => {
    const state = request.api as ApiState;
    const viewer = state.viewer;
    if (!viewer) {
      done();
      return;
    }
    const params = request.params as Record<string, string>;
    checkPathIds(params);
    const community = params.communityId;
    if (community === undefined || community === 'internal') {
      this.#checkViewer(state, viewer);
      done();
      return;
    }
    this.resolveScope(viewer, community)
      .then((scope) => {
        state.scope = scope;
        this.#checkViewer(state, viewer);
      })
      .then(() => done(), done);
  };

  #checkViewer(state: ApiState, viewer: Viewer): void {
    if (!state.scope.community && viewer.user.type === 'external' && !state.route.externalOnInternal) {
      throw apiError('EXTERNAL_USER_REFUSED');
    }
    if (viewer.isGuest && !state.route.guests) throw apiError('GUEST_NOT_ALLOWED');
  }

  /** Sforce-Limit-Info on every authenticated response (SPEC §1), errors included. */
  onSend = (
    request: FastifyRequest,
    reply: FastifyReply,
    payload: unknown,
    done: (error: Error | null, payload?: unknown) => void,
  ): void => {
    const state = request.api;
    if (!state?.viewer || state.subrequest) {
      done(null, payload);
      return;
    }
    // Returns nothing: a reply is thenable (it settles when sent), so a promise must not adopt it.
    const limit = (used: number): void => {
      reply.header('Sforce-Limit-Info', `api-usage=${used}/${this.services.control.limits.daily}`);
    };
    if (state.dailyUsed !== undefined) {
      limit(state.dailyUsed);
      done(null, payload);
      return;
    }
    // A fault naming the user answered before the quotas counted, or the counters' store is
    // down: show the usage as it stands. If it cannot be read, the answer goes without the header
    // (an error here would replace it with Fastify's own body, decision 0021).
    this.quotas
      .dailyUsed(state.viewer)
      .then(limit)
      .then(
        () => done(null, payload),
        () => done(null, payload),
      );
  };

  handler = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const state = request.api as ApiState;
    const route = state.route;
    const viewer = state.viewer as Viewer;
    const ctx: PresentContext = {
      viewer,
      version: state.version,
      major: state.major,
      base: state.base,
      communityId: state.scope.community?.id ?? null,
      text: textEncoder(request.headers['x-chatter-entity-encoding'] !== 'false'),
    };
    const result = await route.handler({
      request,
      services: this.services,
      viewer,
      scope: state.scope,
      ctx,
      params: request.params as Record<string, string>,
      query: request.query,
      body: request.body,
    });
    for (const [name, value] of Object.entries(result.headers ?? {})) reply.header(name, value);
    return sendBody(reply, result.status ?? 200, result.body, {
      format: state.format,
      pretty: state.pretty,
      xmlRoot: route.xmlRoot ?? 'response',
    });
  };

  private async authenticate(request: FastifyRequest, community: string | undefined): Promise<Viewer> {
    const header = request.headers.authorization;
    if (header !== undefined) {
      const match = /^(?:Bearer|OAuth)\s+(\S+)\s*$/i.exec(header);
      if (!match) throw apiError('INVALID_SESSION_ID');
      return this.services.sessions.verify(match[1] as string);
    }
    // No Authorization header: the guest user of a community that enables guest access (SPEC §5).
    const communityId = community && community !== 'internal' ? parseId(community) : undefined;
    if (communityId) {
      const record = await this.services.store.orgs.findCommunityAnyOrg(to18(communityId));
      if (record?.guestAccess && record.guestUserId) {
        const user = await this.services.store.users.find(record.orgId, record.guestUserId);
        if (user) return { user, orgId: record.orgId, appId: null, isGuest: true, tokenHash: null };
      }
    }
    throw apiError('INVALID_SESSION_ID');
  }

  /** The quota stage (SPEC §7): a batch's subrequests count hourly only, the batch daily only. */
  private async count(state: ApiState, viewer: Viewer): Promise<void> {
    const { dailyUsed, refusal } = await this.quotas.count(viewer, {
      daily: !state.subrequest,
      hourly: countsHourly(state.route.path),
    });
    state.dailyUsed = dailyUsed;
    if (refusal) throw refusal;
  }

  private async resolveScope(viewer: Viewer, community: string | undefined): Promise<Scope> {
    if (community === undefined || community === 'internal') return internalScope;
    const id = parseId(community);
    if (!id || prefixOf(id) !== '0DB') throw apiError('INVALID_ID_FIELD', { id: community });
    const record = await this.services.store.orgs.findCommunity(viewer.orgId, to18(id));
    if (!record) throw apiError('NOT_FOUND');
    if (viewer.isGuest) {
      if (record.guestUserId !== viewer.user.id) throw apiError('GUEST_NOT_ALLOWED');
      return { community: record };
    }
    if (
      viewer.user.type !== 'admin' &&
      !(await this.services.store.orgs.isCommunityMember(record.id, viewer.user.id))
    ) {
      if (viewer.user.type === 'external') throw apiError('EXTERNAL_USER_REFUSED');
      throw insufficientAccess("You aren't a member of this community.");
    }
    return { community: record };
  }
}

function normalizeCommunity(raw: string): string {
  if (raw === 'internal') return raw;
  const id = parseId(raw);
  return id ? to18(id) : raw;
}

interface ObjectSchema {
  type?: unknown;
  properties?: Record<string, ObjectSchema>;
  additionalProperties?: unknown;
  items?: ObjectSchema;
}

/** The first field of `value` that a closed object schema (additionalProperties: false) lacks. */
function unknownField(schema: ObjectSchema, value: unknown): string | undefined {
  if (Array.isArray(value)) {
    if (schema.type !== 'array' || !schema.items) return undefined;
    for (const item of value) {
      const found = unknownField(schema.items, item);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (schema.type !== 'object' || value === null || typeof value !== 'object') return undefined;
  for (const [key, field] of Object.entries(value)) {
    const declared =
      schema.properties && Object.hasOwn(schema.properties, key) ? schema.properties[key] : undefined;
    if (!declared) {
      if (schema.additionalProperties === false) return key;
      continue;
    }
    const found = unknownField(declared, field);
    if (found !== undefined) return found;
  }
  return undefined;
}
