import type { FastifyInstance, FastifyRequest } from 'fastify';

/**
 * One `info` line per answered request (issue 15): what an operator greps for, and nothing a
 * client sent as a credential — no headers, no body but the token endpoint's `username` and
 * `client_id`, no query string (tokens may travel in it). Registered only when `info` is enabled,
 * so a quieter server pays nothing per request. The request ID is Fastify's `reqId`.
 */
export function registerRequestLog(app: FastifyInstance): void {
  if (!['info', 'debug', 'trace'].includes(app.log.level)) return;
  app.addHook('onResponse', (request, reply, done) => {
    const url = request.originalUrl;
    const q = url.indexOf('?');
    const viewer = request.api?.viewer;
    const form = viewer ? undefined : loginOf(request);
    request.log.info(
      {
        method: request.method,
        path: q < 0 ? url : url.slice(0, q),
        status: reply.statusCode,
        errorCode: request.errorCode ?? undefined,
        user: viewer?.user.username ?? form?.username,
        app: viewer?.appId ?? form?.clientId,
        durationMs: Math.round(reply.elapsedTime * 1000) / 1000,
      },
      'request',
    );
    done();
  });
}

/** Who a token request was for: the form's username and client_id, never its secrets. */
function loginOf(request: FastifyRequest): { username?: string; clientId?: string } | undefined {
  const body = request.body;
  if (typeof body !== 'object' || body === null || !request.url.startsWith('/services/oauth2/'))
    return undefined;
  const { username, client_id: clientId } = body as Record<string, unknown>;
  return {
    username: typeof username === 'string' ? username : undefined,
    clientId: typeof clientId === 'string' ? clientId : undefined,
  };
}
