import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FaultOutcome } from '../control/faults.js';
import type { RetryKey } from '../control/journal.js';
import { ApiError, apiError, OAuthError, withHeaders } from '../errors/api-error.js';
import { type CatalogKey, wireErrorCode } from '../errors/catalog.js';
import type { Services } from '../services.js';
import { newErrorId } from './error-response.js';
import { captureExchange } from './journal-capture.js';
import { mediaType } from './negotiation.js';
import { normalizedPath } from './request-path.js';
import { checkVersion } from './versions.js';

/**
 * The operator's side of the pipeline (SPEC §9): injected faults, which pipeline.ts runs at its
 * stages 2 and 5, and the journal, written when the response has gone.
 */

const CONTROL_PREFIX = '/_chatterbox';

/** The journal's record of a finished request (SPEC §9); the control plane's own are left out. */
export function journalRequest(services: Services, request: FastifyRequest, reply: FastifyReply): void {
  const { control } = services;
  // As every stage saw it: decoded once, before routing (request-path.ts).
  const path = normalizedPath(request.raw);
  if (path.startsWith(CONTROL_PREFIX)) return;
  const durationMs = reply.elapsedTime;
  const viewer = request.api?.viewer;
  const form = path === '/services/oauth2/token' ? formOf(request.body) : undefined;
  control.journal.record(
    {
      time: services.clock.now() - durationMs,
      method: request.method,
      path,
      status: reply.statusCode,
      errorCode: request.errorCode,
      username: viewer?.user.username ?? form?.username ?? null,
      clientId: form?.client_id ?? null,
      appId: viewer?.appId ?? null,
      durationMs: Math.round(durationMs * 1000) / 1000,
    },
    () => captureExchange(request, reply, path),
    retryKey(request),
  );
}

/**
 * What makes two requests the same for the journal's `retryOf`: the session, the method, the
 * path with its query (a next page is not a retry of the first), and the body. Requests without a
 * session (the token endpoint, guests, refused tokens) have none.
 */
function retryKey(request: FastifyRequest): RetryKey {
  const tokenHash = request.api?.viewer?.tokenHash;
  if (!tokenHash) return undefined;
  return {
    request: `${tokenHash} ${request.method} ${request.originalUrl}`,
    length: String(request.headers['content-length'] ?? 0),
    // Undefined for a body never read (refused first, or none): then the length speaks for it.
    digest:
      request.body === undefined
        ? undefined
        : createHash('sha256').update(JSON.stringify(request.body)).digest('base64url'),
  };
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
): ApiError | OAuthError {
  const fault = outcome.failure as NonNullable<FaultOutcome['failure']>;
  const status = fault.status as number;
  const message =
    fault.message ??
    (outcome.defaultKey === undefined
      ? ''
      : catalogueDefault(outcome.defaultKey, request, services, version, fault.id).message);
  // SPEC §2: 429 and 503 answers carry Retry-After; an injected one has no window, so: soon.
  const headers: Record<string, string> = status === 429 || status === 503 ? { 'Retry-After': '1' } : {};
  // On the OAuth endpoints a fault that names its own errorCode (`invalid_grant`) answers it in
  // the OAuth shape; one that names only a status gets the OAuth code for that status.
  const ownCode = outcome.defaultKey === undefined || fault.errorCode !== wireErrorCode(outcome.defaultKey);
  if (ownCode && request.url.startsWith('/services/oauth2/'))
    return new OAuthError(fault.errorCode as string, message, status, headers);
  return withHeaders(new ApiError(status, fault.errorCode as string, message), headers);
}

/** The catalogue's error for a fault that names only a status, with this request's details. */
function catalogueDefault(
  key: CatalogKey,
  request: FastifyRequest,
  services: Services,
  version: string | undefined,
  faultId: string,
): ApiError {
  switch (key) {
    case 'INVALID_ID_FIELD':
    case 'SOBJECT_ID_NOT_FOUND':
      return apiError(key, { id: '' });
    case 'INVALID_FIELD':
      return apiError(key, { field: '', type: '' });
    case 'JSON_PARSER_ERROR':
    case 'INVALID_INPUT':
    case 'INVALID_FILTER_VALUE':
    case 'INSUFFICIENT_ACCESS':
    case 'DUPLICATE_VALUE':
      return apiError(key, { detail: 'Injected fault.' });
    case 'REQUIRED_FIELD_MISSING':
    case 'INVALID_FIELD_FOR_INSERT_UPDATE':
      return apiError(key, { fields: [] });
    case 'MALFORMED_ID':
    case 'INVALID_TYPE_ON_FIELD_IN_RECORD':
    case 'INVALID_EMAIL_ADDRESS':
      return apiError(key, { label: '', value: '' });
    case 'STRING_TOO_LONG':
      return apiError(key, { label: '', value: '', max: 0 });
    case 'SOBJECT_BODY_NOT_OBJECT':
      return apiError(key, { token: '' });
    case 'METHOD_NOT_ALLOWED':
      return apiError(key, { method: request.method, allow: 'none' });
    case 'GONE_VERSION':
      return apiError(key, { version: version ?? '0.0' });
    case 'REQUEST_ENTITY_TOO_LARGE':
      return apiError(key, { limit: services.config.maxBodyBytes });
    case 'FILE_TOO_LARGE':
      return apiError(key, { limit: services.control.limits.maxFileBytes });
    case 'RANGE_NOT_SATISFIABLE':
      return apiError(key, { size: 0 });
    case 'UNSUPPORTED_MEDIA_TYPE':
      return apiError(key, { contentType: mediaType(request) });
    case 'UNKNOWN_EXCEPTION': {
      const errorId = newErrorId();
      request.log.warn({ errorId, faultId }, 'injected fault');
      return apiError(key, { errorId });
    }
    default:
      return apiError(key);
  }
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
