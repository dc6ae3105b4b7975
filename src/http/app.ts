import '@fastify/swagger';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance, type FastifyServerOptions, LogController } from 'fastify';
import { apiError, OAuthError, withHeaders } from '../errors/api-error.js';
import type { Services } from '../services.js';
import type { AnyApiRoute } from './api-route.js';
import { handleError } from './error-response.js';
import { JSON_CONTENT_TYPE, rewriteUrl, sendBody } from './negotiation.js';
import { registerApiRoutes } from './register-api.js';
import { communityRoutes } from './routes/communities.js';
import { CHATTERBOX_VERSION, registerControlRoutes } from './routes/control.js';
import { directoryRoutes } from './routes/directories.js';
import { followRoutes } from './routes/follows.js';
import { groupMemberRoutes } from './routes/group-members.js';
import { groupRoutes } from './routes/groups.js';
import { joinRequestRoutes } from './routes/join-requests.js';
import { limitRoutes } from './routes/limits.js';
import { registerOAuthRoutes } from './routes/oauth.js';
import { userRoutes } from './routes/users.js';
import { checkVersion, supportedVersions } from './versions.js';

export const apiRoutes: AnyApiRoute[] = [
  ...directoryRoutes,
  ...userRoutes,
  ...limitRoutes,
  ...communityRoutes,
  ...groupRoutes,
  ...groupMemberRoutes,
  ...joinRequestRoutes,
  ...followRoutes,
];

export interface AppOptions {
  logger?: FastifyServerOptions['logger'];
  /** Back to the start state (SPEC §9); main.ts provides it, since it knows how the store was seeded. */
  reset: () => Promise<void>;
}

/** Builds the whole HTTP app without listening (tests inject requests into it, STYLE #11). */
export async function buildApp(services: Services, options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: services.config.maxBodyBytes,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 10_000 },
    rewriteUrl,
    exposeHeadRoutes: true,
    // Per-request lines would cost more than the requests; the journal (SPEC §9) records them.
    logController: new LogController({ disableRequestLogging: true }),
    ajv: {
      customOptions: {
        removeAdditional: false,
        coerceTypes: 'array',
        useDefaults: true,
        allErrors: false,
        verbose: true,
      },
    },
  });
  app.decorateRequest('api', null);
  registerBodyParsers(app);
  app.setErrorHandler((error, request, reply) => handleError(error, request, reply));
  app.setNotFoundHandler(async (request) => {
    // Order of checks (SPEC §2): a retired version is 410 even on a path that does not exist.
    const segment = /^\/services\/data\/([^/?]+)/.exec(request.url)?.[1];
    const version = segment ? checkVersion(segment) : undefined;
    if (version?.kind === 'retired') throw apiError('GONE_VERSION', { version: version.version });
    throw apiError('NOT_FOUND');
  });

  // Maintenance answers before anything else, on every /services path (SPEC §9).
  app.addHook('onRequest', async (request) => {
    const { maintenance } = services.control;
    if (!maintenance.enabled || !request.url.startsWith('/services')) return;
    const headers = { 'Retry-After': String(maintenance.retryAfterSeconds) };
    if (request.url.startsWith('/services/oauth2/')) {
      throw new OAuthError('temporarily_unavailable', 'The server is down for maintenance.', 503, headers);
    }
    throw withHeaders(apiError('SERVER_UNAVAILABLE'), headers);
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Chatterbox',
        version: CHATTERBOX_VERSION,
        description: 'The Salesforce Chatter / Connect REST API, self-hosted, and its control plane.',
      },
    },
  });

  // The versions list needs no token and is never counted (SPEC §1, §7).
  app.get(
    '/services/data',
    { schema: { summary: 'API versions', tags: ['versions'] } },
    async (request, reply) => {
      const format = /application\/xml|text\/xml/.test(request.headers.accept ?? '') ? 'xml' : 'json';
      return sendBody(reply, 200, supportedVersions(), {
        format,
        pretty: request.headers['x-prettyprint'] === '1',
        xmlRoot: 'Versions',
      });
    },
  );

  registerApiRoutes(app, services, apiRoutes);
  registerOAuthRoutes(app, services);
  registerControlRoutes(app, services, options.reset);
  return app;
}

/**
 * Request bodies: JSON (with the parser's position in the error, as Salesforce's Jackson reports
 * it), form parameters, and JSON sent without a Content-Type (jsforce sends string bodies so).
 * Anything else is 415.
 */
function registerBodyParsers(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  const parseJson = (body: string) => {
    if (body.trim() === '') {
      throw apiError('JSON_PARSER_ERROR', {
        detail: 'The HTTP entity body is required, but this request has no entity body.',
      });
    }
    try {
      return JSON.parse(body);
    } catch (error) {
      throw apiError('JSON_PARSER_ERROR', { detail: jsonErrorDetail(body, (error as Error).message) });
    }
  };
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, parseJson(body as string));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    (_request, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)));
    },
  );
  app.addContentTypeParser('*', { parseAs: 'string' }, (request, body, done) => {
    if (request.headers['content-type'] === undefined) {
      try {
        done(null, parseJson(body as string));
      } catch (error) {
        done(error as Error, undefined);
      }
      return;
    }
    const contentType = (request.headers['content-type'] ?? '').split(';')[0]?.trim() ?? '';
    done(apiError('UNSUPPORTED_MEDIA_TYPE', { contentType }), undefined);
  });
}

/** `Unexpected token … at [line:1, column:18]`: V8's message with the position as line and column. */
function jsonErrorDetail(body: string, message: string): string {
  const position = /at position (\d+)/.exec(message);
  const offset = position ? Number(position[1]) : body.length;
  const before = body.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  const reason = message
    .replace(/\s*in JSON at position \d+.*$/s, '')
    .replace(/, ".*" is not valid JSON$/s, '');
  return `${reason} at [line:${line}, column:${column}]`;
}

export { JSON_CONTENT_TYPE };
