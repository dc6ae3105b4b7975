import '@fastify/swagger';
import swagger from '@fastify/swagger';
import Fastify, {
  type FastifyInstance,
  type FastifyRequest,
  type FastifyServerOptions,
  LogController,
} from 'fastify';
import { apiError, withHeaders } from '../errors/api-error.js';
import { jsonErrorOffset } from '../lib/json-error-offset.js';
import type { Services } from '../services.js';
import type { AnyApiRoute } from './api-route.js';
import { registerConsole } from './console-assets.js';
import { clientErrorHandler, handleError, unknownPath } from './error-response.js';
import { JSON_CONTENT_TYPE, requestFormat, rewriteUrl, sendBody, wantsPretty } from './negotiation.js';
import { registerOpsHooks } from './ops-hooks.js';
import { registerApiRoutes } from './register-api.js';
import { batchRoutes } from './routes/batch.js';
import { commentRoutes } from './routes/comments.js';
import { communityRoutes } from './routes/communities.js';
import { CHATTERBOX_VERSION, registerControlRoutes } from './routes/control.js';
import { directoryRoutes } from './routes/directories.js';
import { feedElementRoutes } from './routes/feed-elements.js';
import { feedItemsGoneRoutes } from './routes/feed-items-gone.js';
import { feedRoutes } from './routes/feeds.js';
import { followRoutes } from './routes/follows.js';
import { groupMemberRoutes } from './routes/group-members.js';
import { groupRoutes } from './routes/groups.js';
import { joinRequestRoutes } from './routes/join-requests.js';
import { likeRoutes } from './routes/likes.js';
import { limitRoutes } from './routes/limits.js';
import { registerOAuthRoutes } from './routes/oauth.js';
import { userRoutes } from './routes/users.js';
import { supportedVersions } from './versions.js';

export const apiRoutes: AnyApiRoute[] = [
  ...directoryRoutes,
  ...userRoutes,
  ...limitRoutes,
  ...communityRoutes,
  ...groupRoutes,
  ...groupMemberRoutes,
  ...joinRequestRoutes,
  ...followRoutes,
  ...feedElementRoutes,
  ...feedRoutes,
  ...commentRoutes,
  ...likeRoutes,
  ...feedItemsGoneRoutes,
  ...batchRoutes,
];

export interface AppOptions {
  logger?: FastifyServerOptions['logger'];
  /** Back to the start state (SPEC §9); main.ts provides it, since it knows how the store was seeded. */
  reset: () => Promise<void>;
  /** Where the console's built files are (default: dist/web beside package.json). */
  consoleDir?: string;
}

/** Builds the whole HTTP app without listening (tests inject requests into it, STYLE #11). */
export async function buildApp(services: Services, options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: services.config.maxBodyBytes,
    // A segment may be as long as a whole request line (Node's default header limit), so that an
    // overlong `users/batch/{ids}` reaches the resource and gets its INVALID_INPUT.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 16_384 },
    rewriteUrl,
    // Paths the router cannot even match (bad percent-encoding, overlong segments) are answered
    // by the one error serializer too, never with Fastify's own body (SPEC §2).
    frameworkErrors: (error, request, reply) => handleError(error, request, reply),
    clientErrorHandler,
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
  app.decorateRequest('errorCode', null);
  registerBodyParsers(app);
  // After parsing and schema validation, before any resource looks at the input (SPEC §2: IDs
  // and parameters come before permission and state).
  app.addHook('preHandler', (request, _reply, done) => {
    rejectNulCharacters(request);
    done();
  });
  app.setErrorHandler((error, request, reply) => handleError(error, request, reply));
  app.setNotFoundHandler(async (request) => {
    throw unknownPath(request.url);
  });

  // Maintenance, faults and the journal (SPEC §9) wrap every request outside the control plane.
  registerOpsHooks(app, services);

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
      // Negotiated as every other resource (SPEC §1).
      return sendBody(reply, 200, supportedVersions(), {
        format: requestFormat(request),
        pretty: wantsPretty(request),
        xmlRoot: 'Versions',
      });
    },
  );

  app.route({
    method: app.supportedMethods.filter((m) => m !== 'GET' && m !== 'HEAD'),
    url: '/services/data',
    schema: { hide: true },
    handler: async (request) => {
      throw withHeaders(apiError('METHOD_NOT_ALLOWED', { method: request.method, allow: 'GET,HEAD' }), {
        Allow: 'GET,HEAD',
      });
    },
  });

  registerApiRoutes(app, services, apiRoutes);
  registerOAuthRoutes(app, services);
  registerControlRoutes(app, services, options.reset);
  registerConsole(app, options.consoleDir);
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
      // A UTF-8 byte order mark is not JSON, but Jackson skips it, and some clients send one.
      return JSON.parse(body.charCodeAt(0) === 0xfeff ? body.slice(1) : body);
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

/**
 * U+0000 in any input text is refused (400): PostgreSQL cannot store it in a text column, and
 * both stores must answer alike (SPEC §10), so no store ever sees one. In a path segment (a record
 * ID everywhere here) it is an invalid identifier; in a parameter or body field, invalid input.
 */
function rejectNulCharacters(request: FastifyRequest): void {
  for (const raw of Object.values((request.params ?? {}) as Record<string, unknown>)) {
    if (typeof raw === 'string' && raw.includes('\u0000')) throw apiError('INVALID_ID_FIELD', { id: raw });
  }
  for (const source of [request.query, request.body]) {
    const field = nulField(source, '');
    if (field !== undefined) {
      throw apiError('INVALID_INPUT', {
        detail: `Invalid ${field}: the value contains a NUL character (U+0000), which isn't allowed.`,
      });
    }
  }
}

/** The dotted path of the first string (or key) holding U+0000; iterative, as bodies may nest deep. */
function nulField(root: unknown, rootName: string): string | undefined {
  const pending: [unknown, string][] = [[root, rootName]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [value, path] = next;
    if (typeof value === 'string') {
      if (value.includes('\u0000')) return path;
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    for (const [key, item] of Object.entries(value)) {
      const itemPath = path ? `${path}.${key}` : key;
      if (key.includes('\u0000')) return itemPath;
      pending.push([item, itemPath]);
    }
  }
  return undefined;
}

/**
 * `Expected ':' after property name at [line:1, column:12]`: V8's message with the position as
 * line and column (1-based), as Salesforce's Jackson reports it. Where V8 leaves the position out
 * (`Unexpected token 'x', "…" is not valid JSON`), it is found by scanning the body.
 */
function jsonErrorDetail(body: string, message: string): string {
  const position = /at position (\d+)/.exec(message);
  const offset = position ? Number(position[1]) : (jsonErrorOffset(body) ?? body.length);
  const before = body.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  const reason = message
    .replace(/\s*(?:in JSON )?at position \d+.*$/s, '')
    .replace(/, ".*" is not valid JSON$/s, '');
  return `${reason} at [line:${line}, column:${column}]`;
}

export { JSON_CONTENT_TYPE };
