import { randomInt } from 'node:crypto';
import { type IncomingMessage, maxHeaderSize } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { DependencyUnavailable, failureKind } from '../dependencies/dependency-error.js';
import {
  ApiError,
  apiError,
  entityBodyRequired,
  OAuthError,
  unrecognizedField,
  withHeaders,
} from '../errors/api-error.js';
import { JSON_CONTENT_TYPE, mediaType, requestFormat, sendBody, wantsPretty } from './negotiation.js';
import { normalizePath } from './request-path.js';
import { checkVersion, versionRefusal } from './versions.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The errorCode of the error answer, once one was sent. */
    errorCode: string | null;
  }
}

/**
 * The one place where errors become responses (STYLE #2). Known errors keep their catalogue entry;
 * every error Fastify or a library raises is mapped into the catalogue; anything else is a 500
 * UNKNOWN_EXCEPTION whose ErrorId is logged with the stack.
 */
export function handleError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  let known: ApiError | OAuthError;
  try {
    known = toKnownError(error, request) ?? unknownException(error, request);
  } catch (mappingError) {
    // Mapping must never be the reason a response is Fastify-shaped: the unmappable is a 500.
    known = unknownException(mappingError, request);
  }
  const surface = surfaceOf(request.url);
  if (surface === 'oauth' && !(known instanceof OAuthError))
    known = new OAuthError(oauthCodeFor(known.status), known.message, known.status, known.headers);
  // The journal (SPEC §9) records which error a request got: the code it was answered.
  request.errorCode = known instanceof OAuthError ? known.error : known.errorCode;
  if (known instanceof OAuthError) return sendOAuthError(reply, known);
  for (const [name, value] of Object.entries(known.headers)) reply.header(name, value);
  const format = surface === 'api' ? requestFormat(request) : 'json';
  return sendBody(reply, known.status, [known.toWire()], {
    format,
    pretty: wantsPretty(request),
    xmlRoot: 'Errors',
  });
}

/**
 * Requests Node's HTTP parser rejects before the app sees them (malformed HTTP, headers over the
 * limit, bad chunked encoding, a request too slow to arrive) are answered on the socket. Fastify's
 * default writes its own JSON shape there; this writes the catalogue's (SPEC §2): 400
 * INVALID_INPUT, or on the OAuth endpoints their own shape (SPEC §4) with `invalid_request`.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const detail =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? `The request headers exceed the limit of ${maxHeaderSize} bytes.`
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? 'The request was not received in time.'
        : 'The request is not valid HTTP.';
  const body =
    surfaceOf(normalizePath(clientErrorPath(error, socket))) === 'oauth'
      ? JSON.stringify({ error: 'invalid_request', error_description: detail })
      : JSON.stringify([apiError('INVALID_INPUT', { detail }).toWire()]);
  const response = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (socket.writable && !response?.headersSent) {
    socket.write(
      `HTTP/1.1 400 Bad Request\r\nContent-Type: ${JSON_CONTENT_TYPE}\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}

/**
 * The path of a request Node's parser gave up on, as far as it got: the request's URL once its
 * headers were parsed, the part of the request line read so far (llhttp hands it over in pieces
 * when the headers span packets), or the request line in the bytes that failed; '' if none.
 */
function clientErrorPath(error: Error, socket: Duplex): string {
  const parser = (socket as Duplex & { parser?: { incoming?: IncomingMessage | null; _url?: string } })
    .parser;
  const url = parser?.incoming?.url ?? (parser?._url || undefined);
  if (url !== undefined) return url.split('?')[0] as string;
  const raw = (error as Error & { rawPacket?: Buffer }).rawPacket;
  const line = raw ? /^[A-Z]+ ([^ ?]+)/.exec(raw.subarray(0, 8192).toString('latin1')) : null;
  return line?.[1] ?? '';
}

export function sendOAuthError(reply: FastifyReply, error: OAuthError): FastifyReply {
  for (const [name, value] of Object.entries(error.headers)) reply.header(name, value);
  return reply
    .code(error.status)
    .header('content-type', JSON_CONTENT_TYPE)
    .send(JSON.stringify({ error: error.error, error_description: error.description }));
}

function surfaceOf(url: string): 'api' | 'oauth' | 'control' {
  if (url.startsWith('/services/oauth2/')) return 'oauth';
  if (url.startsWith('/_chatterbox')) return 'control';
  return 'api';
}

/**
 * PostgreSQL or Redis down, partitioned or too slow (decision 0021): 503 SERVER_UNAVAILABLE, as in
 * maintenance, with a Retry-After of the seconds until the dependency is tried again. A driver
 * error that escaped the breakers (a control-plane call to Redis) is recognised here too.
 */
function dependencyUnavailable(error: unknown, request: FastifyRequest): ApiError | OAuthError | undefined {
  if (!(error instanceof DependencyUnavailable) && failureKind(error) === undefined) return undefined;
  const dependency = error instanceof DependencyUnavailable ? error.dependency : 'a dependency';
  const cause = error instanceof DependencyUnavailable ? error.cause : error;
  const headers = {
    'Retry-After': String(error instanceof DependencyUnavailable ? error.retryAfterSeconds : 1),
  };
  request.log.warn({ err: cause, dependency }, 'dependency unavailable');
  if (surfaceOf(request.url) === 'oauth') {
    return new OAuthError('temporarily_unavailable', 'The server is down for maintenance.', 503, headers);
  }
  return withHeaders(apiError('SERVER_UNAVAILABLE'), headers);
}

function oauthCodeFor(status: number): string {
  if (status === 503) return 'temporarily_unavailable';
  if (status >= 500) return 'server_error';
  if (status === 401) return 'invalid_token';
  return 'invalid_request';
}

function toKnownError(error: unknown, request: FastifyRequest): ApiError | OAuthError | undefined {
  if (error instanceof ApiError || error instanceof OAuthError) return error;
  const unavailable = dependencyUnavailable(error, request);
  if (unavailable) return unavailable;
  const fe = error as FastifyError & {
    validation?: ValidationIssue[];
    validationContext?: string;
    body?: unknown;
  };
  if (fe.validation) return validationError(fe.validation, fe.validationContext);
  switch (fe.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return apiError('REQUEST_ENTITY_TOO_LARGE', { limit: request.routeOptions.bodyLimit ?? 0 });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return apiError('UNSUPPORTED_MEDIA_TYPE', { contentType: mediaType(request) });
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return entityBodyRequired();
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return apiError('INVALID_INPUT', { detail: 'The request body does not match its Content-Length.' });
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return apiError('JSON_PARSER_ERROR', { detail: fe.message });
    // The router could not match the path: its percent-encoding is broken, or a segment is longer
    // than any resource takes. Either way no such resource exists.
    case 'FST_ERR_BAD_URL':
    case 'FST_ERR_MAX_PARAM_LENGTH':
    case 'FST_ERR_ASYNC_CONSTRAINT':
      return unknownPath(request.url);
    case 'ERR_HTTP_REQUEST_TIMEOUT':
    case 'ECONNRESET':
      return apiError('INVALID_INPUT', { detail: 'The request body could not be read.' });
  }
  // Errors raised by the body reader itself carry an HTTP status below 500 (aborted, bad encoding).
  if (
    typeof fe.statusCode === 'number' &&
    fe.statusCode >= 400 &&
    fe.statusCode < 500 &&
    fe.code?.startsWith('FST_')
  ) {
    return apiError('INVALID_INPUT', { detail: fe.message });
  }
  return undefined;
}

/**
 * A path no route serves: 404, except that a retired version is 410 even on a path that does not
 * exist (SPEC §2: path and version are checked together, before anything else).
 */
export function unknownPath(url: string): ApiError {
  const segment = /^\/services\/data\/([^/?]+)/.exec(url)?.[1];
  const version = segment ? checkVersion(segment) : undefined;
  return version && version.kind !== 'ok' ? versionRefusal(version) : apiError('NOT_FOUND');
}

/** A new ErrorId in Salesforce's shape: <digits>-<digits> (<signed int>). */
export function newErrorId(): string {
  return `${Date.now() % 10_000_000_000}-${randomInt(100_000, 999_999)} (${randomInt(-2_147_483_648, 2_147_483_647)})`;
}

function unknownException(error: unknown, request: FastifyRequest): ApiError {
  const errorId = newErrorId();
  request.log.error({ err: error, errorId }, 'unexpected error');
  return apiError('UNKNOWN_EXCEPTION', { errorId });
}

interface ValidationIssue {
  keyword: string;
  instancePath: string;
  message?: string;
  params: Record<string, unknown>;
  data?: unknown;
  parentSchema?: Record<string, unknown>;
}

/** Schema validation failures, in the catalogue's words: the field and what is allowed. */
function validationError(issues: ValidationIssue[], context: string | undefined): ApiError {
  // In a union (`null` or a string of at most N characters), a value that has one branch's type
  // fails the other branch's type too: the constraint it broke is the error to name.
  const issue =
    issues.find((i) => i.keyword !== 'type' && i.keyword !== 'anyOf') ?? (issues[0] as ValidationIssue);
  // A path parameter's schema is a record ID's (params.ts): malformed or of the wrong type (SPEC §3).
  if (context === 'params') return apiError('INVALID_ID_FIELD', { id: String(issue.data) });
  const path = issue.instancePath.split('/').filter(Boolean);
  const field = path.length > 0 ? path.join('.') : context === 'body' ? 'body' : 'parameter';
  const value = describeValue(issue.data);
  const schema = issue.parentSchema ?? {};
  switch (issue.keyword) {
    case 'required':
      return apiError('INVALID_INPUT', {
        detail: `Missing required field: ${String(issue.params.missingProperty)}.`,
      });
    case 'additionalProperties':
      if (context === 'body') {
        return unrecognizedField(String(issue.params.additionalProperty));
      }
      return apiError('INVALID_INPUT', {
        detail: `Unrecognized parameter: ${String(issue.params.additionalProperty)}.`,
      });
    case 'minimum':
    case 'maximum': {
      // A bound may be open on one side: say only the bound there is.
      const range =
        schema.maximum === undefined
          ? `of at least ${schema.minimum}`
          : schema.minimum === undefined
            ? `of at most ${schema.maximum}`
            : `between ${schema.minimum} and ${schema.maximum}`;
      return apiError('INVALID_INPUT', { detail: `Invalid ${field}: ${value}. Specify a value ${range}.` });
    }
    case 'type': {
      // A union (`string` or `null`) fails once per branch: name every type it allows.
      const types = issues
        .filter((other) => other.keyword === 'type' && other.instancePath === issue.instancePath)
        .map((other) => String(other.params.type));
      return apiError('INVALID_INPUT', {
        detail: `Invalid ${field}: ${value}. Specify a value of type ${[...new Set(types)].join(' or ')}.`,
      });
    }
    case 'const': {
      // A union of literals fails once per literal: name them all.
      const allowed = issues
        .filter((other) => other.keyword === 'const' && other.instancePath === issue.instancePath)
        .map((other) => String(other.params.allowedValue));
      return apiError('INVALID_INPUT', {
        detail: `Invalid ${field}: ${value}. Specify one of: ${allowed.join(', ')}.`,
      });
    }
    case 'enum':
      return apiError('INVALID_INPUT', {
        detail: `Invalid ${field}: ${value}. Specify one of: ${(issue.params.allowedValues as unknown[]).join(', ')}.`,
      });
    case 'maxLength':
      return apiError('INVALID_INPUT', {
        detail: `Invalid ${field}: specify at most ${String(issue.params.limit)} characters.`,
      });
    case 'minLength':
      return apiError('INVALID_INPUT', {
        detail: `Invalid ${field}: specify at least ${String(issue.params.limit)} characters.`,
      });
    default:
      return apiError('INVALID_INPUT', { detail: `Invalid ${field}: ${issue.message ?? 'not allowed'}.` });
  }
}

const MAX_ECHOED_VALUE = 200;

/**
 * The offending value as a message shows it: as sent, but never more than a few hundred
 * characters (a body may be megabytes, or nested deeper than JSON.stringify can follow).
 */
function describeValue(data: unknown): string {
  let text: string;
  try {
    // JSON.stringify writes Infinity (a JSON 1e309) as null; the message names it.
    text =
      typeof data === 'string' || (typeof data === 'number' && !Number.isFinite(data))
        ? String(data)
        : (JSON.stringify(data) ?? String(data));
  } catch {
    text = Array.isArray(data) ? '[…]' : '{…}';
  }
  return text.length > MAX_ECHOED_VALUE ? `${text.slice(0, MAX_ECHOED_VALUE)}…` : text;
}
