import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Viewer } from '../auth/viewer.js';
import { subrequestMark, subrequestReservation } from '../batch/in-process.js';
import { isSubrequest } from '../batch/subrequest.js';
import { internalScope, type Scope } from '../domain/scope.js';
import { apiError, OAuthError, unrecognizedField, withHeaders } from '../errors/api-error.js';
import { parseId, to18 } from '../ids/salesforce-id.js';
import { countsHourly, Quotas } from '../limits/quotas.js';
import type { Services } from '../services.js';
import type { AnyApiRoute } from './api-route.js';
import { checkInputText } from './input-text.js';
import { instanceUrl } from './instance-url.js';
import { type Format, mediaType, requestFormat, sendBody, sendJsonText, wantsPretty } from './negotiation.js';
import { checkNumericParameters } from './numeric-parameters.js';
import { applyFaults, journalRequest } from './ops-hooks.js';
import { type PresentContext, textEncoder } from './present-context.js';
import { checkVersion, versionRefusal } from './versions.js';

/**
 * The order of checks of SPEC §2, one small function per stage, in the order a request meets them.
 * Each is run by the Fastify hook named beside it; the hooks are wired at the bottom of this file.
 *
 *   1. maintenance                    503        root onRequest     maintenance
 *   2. faults naming no user (§9)     any        root onRequest     applyFaults (ops-hooks.ts)
 *   3. path and version               404, 410   route onRequest    pathAndVersion
 *   4. authentication                 401        route onRequest    authenticate
 *   5. faults naming the user (§9)    any        route onRequest    applyFaults
 *   6. daily, then hourly quota       429, 503   route onRequest    countQuotas
 *   7. method                         405        route onRequest    methodAllowed
 *   8. body size, type and parsing    413,415,400  Fastify's reader  body-parsers.ts
 *   9. parameters taken from the query, unknown body fields   400   preValidation  takeParameters
 *  10. numbers written as text are plain decimals   400   root preValidation   checkNumericParameters
 *      (numeric-parameters.ts), then IDs and parameters: params, body and query schemas   400
 *      Fastify's validator (params.ts)
 *  11. NUL characters and lone surrogates in any input   400   root preHandler   checkInputText
 *      (input-text.ts; decision 0020)
 *  12. scope and the shared permission checks  403, 404, 401   route preHandler   permission
 *  13. the resource (permission and state of its own, 403/404/409)   handler   respond
 *
 * Unknown paths skip 3–13: the not-found handler answers them (error-response.ts `unknownPath`).
 * Stages that need no store run in the same tick as callback hooks (decision 0016).
 */

/** Per-request state of an API call, filled in stage by stage. */
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

const CONTROL_PREFIX = '/_chatterbox';

type Params = Record<string, string>;

/** 1. Maintenance (SPEC §9): every /services request is 503 while it lasts, OAuth in its own shape. */
function maintenance(services: Services, request: FastifyRequest): void {
  const { maintenance } = services.control;
  if (!maintenance.enabled || !request.url.startsWith('/services')) return;
  const headers = { 'Retry-After': String(maintenance.retryAfterSeconds) };
  if (request.url.startsWith('/services/oauth2/')) {
    throw new OAuthError('temporarily_unavailable', 'The server is down for maintenance.', 503, headers);
  }
  throw withHeaders(apiError('SERVER_UNAVAILABLE'), headers);
}

/** 3. Path and version: a retired version is 410, an unserved one 404, a removed resource 410. */
function pathAndVersion(request: FastifyRequest, route: AnyApiRoute, params: Params): ApiState {
  const version = checkVersion(params.version ?? '');
  if (version.kind !== 'ok') throw versionRefusal(version);
  if (route.gone) throw apiError(route.gone);
  if (route.since !== undefined && version.major < route.since) throw apiError('NOT_FOUND');
  const community = params.communityId;
  return {
    route,
    version: version.version,
    major: version.major,
    base: `/services/data/v${version.version}${community === undefined ? '' : `/connect/communities/${canonicalCommunity(community)}`}`,
    format: requestFormat(request),
    pretty: wantsPretty(request),
    viewer: undefined,
    scope: internalScope,
    dailyUsed: undefined,
    subrequest: isSubrequest(request),
  };
}

/** 4. Authentication: a bearer token, or with none the guest user of a community path (SPEC §4, §5). */
function authenticate(services: Services, request: FastifyRequest, params: Params): Promise<Viewer> {
  const header = request.headers.authorization;
  if (header === undefined) return services.communities.guestViewer(params.communityId);
  const match = /^(?:Bearer|OAuth)\s+(\S+)\s*$/i.exec(header);
  if (!match) throw apiError('INVALID_SESSION_ID');
  return services.sessions.verify(match[1] as string, subrequestMark(request));
}

/** 6. Quotas (SPEC §7): a batch's subrequests count hourly only, the batch daily only. */
async function countQuotas(
  quotas: Quotas,
  request: FastifyRequest,
  state: ApiState,
  viewer: Viewer,
): Promise<void> {
  const counted = { daily: !state.subrequest, hourly: countsHourly(state.route.path) };
  const reservation = state.subrequest ? subrequestReservation(request) : undefined;
  const { dailyUsed, refusal } = await quotas.count(viewer, counted, reservation);
  state.dailyUsed = dailyUsed;
  if (refusal) throw refusal;
}

/** 7. Method: the 405 routes of a path carry the methods it allows. */
function methodAllowed(request: FastifyRequest): void {
  const allow = request.routeOptions.config.allow;
  if (allow) {
    throw withHeaders(apiError('METHOD_NOT_ALLOWED', { method: request.method, allow }), { Allow: allow });
  }
}

/**
 * 9. Resources that document parameters take them from the query string when there is no body; a
 * field the input doesn't have is a parse error, found before any value is checked, as
 * Salesforce's JSON binding reports it (SPEC §2): so `{"x":1}` is not "missing aboutMe".
 */
function takeParameters(request: FastifyRequest, route: AnyApiRoute): void {
  // Stage 8 for multipart bodies: the multipart parser leaves them unread for the resources that
  // stream them (uploads); to every other resource they are a type it does not take.
  if (!route.multipart && request.isMultipart()) {
    throw apiError('UNSUPPORTED_MEDIA_TYPE', { contentType: mediaType(request) });
  }
  const schema = route.schema?.body;
  if (!schema) return;
  if (request.body === undefined || request.body === null) {
    // `_HttpMethod` chose the method (SPEC §1); it is not one of the resource's parameters.
    const { _HttpMethod, ...parameters } = request.query as Record<string, unknown>;
    request.body = parameters;
  }
  const unknown = unknownField(schema, request.body);
  if (unknown !== undefined) throw unrecognizedField(unknown);
}

/** 12. The checks every resource shares (SPEC §5): external users, guests. */
function permission(state: ApiState, viewer: Viewer): void {
  if (!state.scope.community && viewer.user.type === 'external' && !state.route.externalOnInternal) {
    throw apiError('EXTERNAL_USER_REFUSED');
  }
  if (viewer.isGuest && !state.route.guests) throw apiError('GUEST_NOT_ALLOWED');
}

/** 13. The resource: its handler decides, a presenter shapes, the negotiated format renders. */
async function respond(
  services: Services,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const state = request.api as ApiState;
  const { route } = state;
  const viewer = state.viewer as Viewer;
  const ctx: PresentContext = {
    viewer,
    version: state.version,
    major: state.major,
    base: state.base,
    origin: instanceUrl(request, services.config),
    communityId: state.scope.community?.id ?? null,
    text: textEncoder(request.headers['x-chatter-entity-encoding'] !== 'false'),
  };
  const result = await route.handler({
    request,
    services,
    viewer,
    scope: state.scope,
    ctx,
    params: request.params as Params,
    query: request.query,
    body: request.body,
  });
  for (const [name, value] of Object.entries(result.headers ?? {})) reply.header(name, value);
  if (result.raw) {
    return reply
      .code(result.status ?? 200)
      .header('content-type', result.raw.contentType)
      .send(result.raw.body);
  }
  if (result.json !== undefined) return sendJsonText(reply.code(result.status ?? 200), result.json);
  return sendBody(reply, result.status ?? 200, result.body, {
    format: state.format,
    pretty: state.pretty,
    xmlRoot: route.xmlRoot ?? 'response',
  });
}

/** Stages 1, 2, 10's numbers and 11, and the journal, for every request outside the control plane. */
export function registerRootStages(app: FastifyInstance, services: Services): void {
  const { faults } = services.control;
  // Callback-style hooks, not async ones: every request runs them, and a hook that settles no
  // promise costs less (Fastify runs it in the same tick). A synchronous throw reaches the error
  // handler as a rejection would.
  app.addHook('onRequest', (request, _reply, done) => {
    maintenance(services, request);
    // Unknown paths are answered by the not-found handler: there is no route for a fault to hit.
    if (faults.size === 0 || request.is404 || request.url.startsWith(CONTROL_PREFIX)) {
      done();
      return;
    }
    applyFaults(services, request, null).then(() => done(), done);
  });
  // Before the validator, which would take `0x10`, ` 5` or `1e309` for numbers.
  app.addHook('preValidation', (request, _reply, done) => {
    checkNumericParameters(request);
    done();
  });
  app.addHook('preHandler', (request, _reply, done) => {
    checkInputText(request);
    done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    journalRequest(services, request, reply);
    done();
  });
}

/** Stages 3–13 as the hooks of one API route. */
export function apiRouteStages(services: Services) {
  const quotas = new Quotas(services.usage, services.control, services.clock);
  return {
    onRequest: async (request: FastifyRequest): Promise<void> => {
      const route = request.routeOptions.config.api as AnyApiRoute;
      const params = request.params as Params;
      const state = pathAndVersion(request, route, params);
      request.api = state;
      if (route.auth === 'none') return;
      const viewer = await authenticate(services, request, params);
      state.viewer = viewer;
      if (services.control.faults.hasUserFaults) await applyFaults(services, request, viewer.user.username);
      await countQuotas(quotas, request, state, viewer);
      methodAllowed(request);
    },
    preValidation: (request: FastifyRequest, _reply: FastifyReply, done: () => void): void => {
      takeParameters(request, request.routeOptions.config.api as AnyApiRoute);
      done();
    },
    // Only a community path needs the store; the internal scope is decided in this tick.
    preHandler: (request: FastifyRequest, _reply: FastifyReply, done: (error?: Error) => void): void => {
      const state = request.api as ApiState;
      const viewer = state.viewer;
      if (!viewer) {
        done();
        return;
      }
      const community = (request.params as Params).communityId;
      if (community === undefined || community === 'internal') {
        permission(state, viewer);
        done();
        return;
      }
      services.communities
        .scopeFor(viewer, community)
        .then((scope) => {
          state.scope = scope;
          permission(state, viewer);
        })
        .then(() => done(), done);
    },
    onSend: (
      request: FastifyRequest,
      reply: FastifyReply,
      payload: unknown,
      done: (error: Error | null, payload?: unknown) => void,
    ): void => {
      // Sforce-Limit-Info on every authenticated response (SPEC §1), errors included.
      const state = request.api;
      if (!state?.viewer || state.subrequest) {
        done(null, payload);
        return;
      }
      // Returns nothing: a reply is thenable (it settles when sent), so a promise must not adopt it.
      const limit = (used: number): void => {
        reply.header('Sforce-Limit-Info', `api-usage=${used}/${services.control.limits.daily}`);
      };
      if (state.dailyUsed !== undefined) {
        limit(state.dailyUsed);
        done(null, payload);
        return;
      }
      // A fault naming the user answered before the quotas counted, or the counters' store is
      // down: show the usage as it stands. If it cannot be read, the answer goes without the header
      // (an error here would replace it with Fastify's own body, decision 0021).
      quotas
        .dailyUsed(state.viewer)
        .then(limit)
        .then(
          () => done(null, payload),
          () => done(null, payload),
        );
    },
    handler: (request: FastifyRequest, reply: FastifyReply) => respond(services, request, reply),
  };
}

function canonicalCommunity(raw: string): string {
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
