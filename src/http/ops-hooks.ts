import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FaultOutcome } from '../control/faults.js';
import { ApiError, apiError, OAuthError, withHeaders } from '../errors/api-error.js';
import { catalog } from '../errors/catalog.js';
import type { Services } from '../services.js';
import { newErrorId } from './error-response.js';
import { captureExchange, registerJournalCapture } from './journal-capture.js';
import { checkVersion } from './versions.js';

const CONTROL_PREFIX = '/_chatterbox';

/**
 * The operator's stages that wrap every request outside the control plane (SPEC §2, §9):
 * maintenance first, then the faults that name no user right after routing, and the journal
 * when the response has gone.
 */
export function registerOpsHooks(app: FastifyInstance, services: Services): void {
  const { control } = services;

  // Callback-style hooks, not async ones: every request runs them, and a hook that settles no
  // promise costs less (Fastify runs it in the same tick). A synchronous throw reaches the error
  // handler as a rejection would.
  app.addHook('onRequest', (request, _reply, done) => {
    const { maintenance } = control;
    if (maintenance.enabled && request.url.startsWith('/services')) {
      const headers = { 'Retry-After': String(maintenance.retryAfterSeconds) };
      if (request.url.startsWith('/services/oauth2/')) {
        throw new OAuthError('temporarily_unavailable', 'The server is down for maintenance.', 503, headers);
      }
      throw withHeaders(apiError('SERVER_UNAVAILABLE'), headers);
    }
    // Unknown paths are answered by the not-found handler: there is no route for a fault to hit.
    if (control.faults.size === 0 || request.is404 || request.url.startsWith(CONTROL_PREFIX)) {
      done();
      return;
    }
    applyFaults(services, request, null).then(() => done(), done);
  });

  registerJournalCapture(app);
  app.addHook('onResponse', (request, reply, done) => {
    journalRequest(services, request, reply);
    done();
  });
}

/** The journal's record of a finished request (SPEC §9); the control plane's own are left out. */
function journalRequest(services: Services, request: FastifyRequest, reply: FastifyReply): void {
  const { control } = services;
  const path = pathOf(request.originalUrl);
  if (path.startsWith(CONTROL_PREFIX)) return;
  const durationMs = reply.elapsedTime;
  const viewer = request.api?.viewer;
  const form = path === '/services/oauth2/token' ? formOf(request.body) : undefined;
  control.journal.record({
    time: services.clock.now() - durationMs,
    method: request.method,
    path,
    status: reply.statusCode,
    errorCode: request.errorCode,
    username: viewer?.user.username ?? form?.username ?? null,
    clientId: form?.client_id ?? null,
    appId: viewer?.appId ?? null,
    durationMs: Math.round(durationMs * 1000) / 1000,
    exchange: captureExchange(request, reply, path),
  });
}

/**
 * Runs the faults that fire for this request: waits their delays, then throws the failure, if any.
 * `username` null: the faults that name no user; else the faults that name this user.
 */
export async function applyFaults(
  services: Services,
  request: FastifyRequest,
  username: string | null,
): Promise<void> {
  const { match, version } = faultPath(request.url);
  if (match === undefined) return;
  const outcome = await services.control.faults.fire(request.method, match, username);
  if (outcome.delayMs > 0) await sleep(outcome.delayMs);
  if (outcome.failure) throw faultError(outcome, request, services, version);
}

/**
 * The path a fault's glob is matched against: the part after /services/data/vNN.N for API paths
 * (undefined when the version is not served: its 404/410 comes first), the whole path otherwise.
 */
export function faultPath(url: string): { match: string | undefined; version: string | undefined } {
  const path = pathOf(url);
  const api = /^\/services\/data\/([^/]+)(\/.*)?$/.exec(path);
  if (!api) return { match: path, version: undefined };
  const version = checkVersion(api[1] as string);
  if (version.kind !== 'ok') return { match: undefined, version: undefined };
  const rest = (api[2] ?? '').replace(/\/+$/, '');
  return { match: rest === '' ? '/' : rest, version: version.version };
}

function faultError(
  outcome: FaultOutcome,
  request: FastifyRequest,
  services: Services,
  version: string | undefined,
): ApiError {
  const fault = outcome.failure as NonNullable<FaultOutcome['failure']>;
  const status = fault.status as number;
  let message = fault.message;
  if (message === null && outcome.defaultKey !== undefined) {
    // The catalogue's message for the status, with this request's details where it has blanks.
    const errorId = newErrorId();
    if (status === 500) request.log.warn({ errorId, faultId: fault.id }, 'injected fault');
    message = (catalog[outcome.defaultKey].message as (p: unknown) => string)({
      detail: 'Injected fault.',
      id: '',
      method: request.method,
      allow: 'none',
      version: version ?? '0.0',
      limit: services.config.maxBodyBytes,
      contentType: (request.headers['content-type'] ?? '').split(';')[0]?.trim() ?? '',
      errorId,
    });
  }
  const error = new ApiError(status, fault.errorCode as string, message as string);
  // SPEC §2: 429 and 503 answers carry Retry-After; an injected one has no window, so: soon.
  return status === 429 || status === 503 ? withHeaders(error, { 'Retry-After': '1' }) : error;
}

function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}

function formOf(body: unknown): { username?: string; client_id?: string } | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const { username, client_id } = body as Record<string, unknown>;
  return {
    ...(typeof username === 'string' ? { username } : {}),
    ...(typeof client_id === 'string' ? { client_id } : {}),
  };
}
