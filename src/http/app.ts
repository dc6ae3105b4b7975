import '@fastify/swagger';
import multipart from '@fastify/multipart';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance, type FastifyServerOptions, LogController } from 'fastify';
import { apiError, withHeaders } from '../errors/api-error.js';
import type { Services } from '../services.js';
import { CHATTERBOX_VERSION } from '../version.js';
import type { AnyApiRoute } from './api-route.js';
import { registerBodyParsers } from './body-parsers.js';
import { registerConsole } from './console-assets.js';
import { clientErrorHandler, handleError, unknownPath } from './error-response.js';
import { httpServerOptions, registerHttpEdge } from './http-edge.js';
import { registerJournalCapture } from './journal-capture.js';
import { LazyValidators } from './lazy-validators.js';
import { registerMetrics } from './metrics.js';
import { JSON_CONTENT_TYPE, requestFormat, rewriteUrl, sendBody, wantsPretty } from './negotiation.js';
import { recordIdKeyword } from './params.js';
import { registerRootStages } from './pipeline.js';
import { registerProfilePhotos } from './profile-photos.js';
import { registerApiRoutes } from './register-api.js';
import { registerRequestLog } from './request-log.js';
import { announcementRoutes } from './routes/announcements.js';
import { batchRoutes } from './routes/batch.js';
import { commentRoutes } from './routes/comments.js';
import { communityRoutes } from './routes/communities.js';
import { registerControlRoutes } from './routes/control.js';
import { directoryRoutes } from './routes/directories.js';
import { feedElementRoutes } from './routes/feed-elements.js';
import { feedItemsGoneRoutes } from './routes/feed-items-gone.js';
import { feedRoutes } from './routes/feeds.js';
import { fileRoutes, filesCapabilityRoute } from './routes/files.js';
import { followRoutes } from './routes/follows.js';
import { groupMemberRoutes } from './routes/group-members.js';
import { groupRoutes } from './routes/groups.js';
import { joinRequestRoutes } from './routes/join-requests.js';
import { likeRoutes } from './routes/likes.js';
import { limitRoutes } from './routes/limits.js';
import { mentionRoutes } from './routes/mentions.js';
import { registerOAuthRoutes } from './routes/oauth.js';
import { photoRoutes } from './routes/photos.js';
import { postCapabilityRoutes } from './routes/post-capabilities.js';
import { recordRoutes } from './routes/records.js';
import { sObjectRoutes } from './routes/sobjects.js';
import { streamRoutes } from './routes/streams.js';
import { topicRoutes } from './routes/topics.js';
import { userSettingsRoutes } from './routes/user-settings.js';
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
  ...sObjectRoutes,
  ...recordRoutes,
  ...fileRoutes,
  ...photoRoutes,
  filesCapabilityRoute,
  ...postCapabilityRoutes,
  ...mentionRoutes,
  ...topicRoutes,
  ...userSettingsRoutes,
  ...streamRoutes,
  ...announcementRoutes,
];

export interface AppOptions {
  logger?: FastifyServerOptions['logger'];
  /** A ready logger (main.ts: JSON or pretty lines, lib/logger.ts) instead of `logger` options. */
  loggerInstance?: FastifyServerOptions['loggerInstance'];
  /** Back to the start state (SPEC §9); main.ts provides it, since it knows how the store was seeded. */
  reset: () => Promise<void>;
  /** Where the console's built files are (default: dist/web beside package.json). */
  consoleDir?: string;
  /** `/_chatterbox/metrics` and its per-request hook (default on; off only to measure its cost). */
  metrics?: boolean;
  /** Compiles the routes' validators on first use (default: a new one; a test passes its own). */
  validators?: LazyValidators;
}

/** Builds the whole HTTP app without listening (tests inject requests into it, STYLE #11). */
export async function buildApp(services: Services, options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    ...(options.loggerInstance
      ? { loggerInstance: options.loggerInstance }
      : { logger: options.logger ?? false }),
    bodyLimit: services.config.maxBodyBytes,
    ...httpServerOptions(services.config.requestTimeoutMs),
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
        keywords: [recordIdKeyword],
        // 1e309 in a JSON body parses as Infinity, which is not an integer nor any number.
        strictNumbers: true,
      },
      // Schemas compile on a route's first request, not all at start-up (decision 0036).
      onCreate: (options.validators ?? new LazyValidators()).install,
    },
  });
  // First of all hooks: what Node would have refused bare (no Host, an unmet Expect).
  registerHttpEdge(app);
  app.decorateRequest('api', null);
  app.decorateRequest('errorCode', null);
  registerBodyParsers(app);
  // Multipart bodies (file uploads, SPEC §12.2) are left unread here: the resource streams them.
  // The file limit is checked by the resource (a truncated part), so the error is the catalogue's.
  await app.register(multipart, { throwFileSizeLimit: false });
  app.setErrorHandler((error, request, reply) => handleError(error, request, reply));
  app.setNotFoundHandler(async (request) => {
    throw unknownPath(request.url);
  });

  // The stages of SPEC §2 that every request meets, routed or not (pipeline.ts).
  registerRootStages(app, services);
  registerRequestLog(app);
  if (options.metrics !== false) registerMetrics(app, services);
  // The journal's copy of each response body (journal-capture.ts).
  registerJournalCapture(app);

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
  registerProfilePhotos(app, services);
  return app;
}

export { JSON_CONTENT_TYPE };
