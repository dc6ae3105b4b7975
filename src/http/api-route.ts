import type { Readable } from 'node:stream';
import type { FastifyRequest } from 'fastify';
import type { Static, TObject, TSchema } from 'typebox';
import type { Viewer } from '../auth/viewer.js';
import type { Scope } from '../domain/scope.js';
import type { Services } from '../services.js';
import type { PresentContext } from './present-context.js';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** Everything a handler gets: the request already authenticated, scoped and validated. */
export interface ApiCall<Q = Record<string, unknown>, B = unknown, P = Record<string, string>> {
  request: FastifyRequest;
  services: Services;
  viewer: Viewer;
  scope: Scope;
  ctx: PresentContext;
  params: P;
  query: Q;
  body: B;
}

export interface ApiResult {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  /**
   * A JSON body already serialized, sent as it is; only for a request whose negotiated format is
   * JSON, not pretty printed (a batch's body, made of its subrequests' texts).
   */
  json?: string;
  /** Bytes sent as they are (file content, images), instead of a negotiated body. */
  raw?: { contentType: string; body: Readable | Buffer };
}

/**
 * One resource method under /services/data/vNN.N (SPEC §6). Routes read as a pipeline
 * (STYLE #4): the registrar runs version → auth → quotas → method → body → scope/permission, then
 * the handler validates IDs, calls the domain and presents.
 */
export interface ApiRoute<
  Q extends TSchema = TSchema,
  B extends TSchema = TSchema,
  P extends TObject = TObject,
> {
  method: HttpMethod;
  /** The path after /services/data/vNN.N, with :params. */
  path: string;
  summary: string;
  /** 'none': no token needed (the versions list). Default 'user'. */
  auth?: 'user' | 'none';
  /** Guest users of a community may call it (SPEC §5). Default false: 401 with the guest message. */
  guests?: boolean;
  /** Also served under /connect/communities/{id|internal} (SPEC §5). Default true for /chatter paths. */
  communities?: boolean;
  /** External users may call it on the internal scope (the communities list). Default false. */
  externalOnInternal?: boolean;
  /**
   * A removed resource (SPEC §6, the feed-items family): answers 410 at the path stage of SPEC §2,
   * before authentication and whatever the method or body.
   */
  gone?: 'GONE_FEED_ITEMS';
  /** The first API version that serves the resource; below it, 404 NOT_FOUND (SPEC §12.8). */
  since?: number;
  /** Takes a multipart body, which its handler streams (uploads, SPEC §12.2); others answer 415. */
  multipart?: boolean;
  /** Root element of the XML rendering. */
  xmlRoot?: string;
  /**
   * `params` declares every `:param` of the path (record IDs with params.ts `recordId`); the
   * registrar adds the version and community prefix and validates them all before the handler.
   */
  schema?: { params?: P; querystring?: Q; body?: B };
  /** Body-less resources still accept a body-less POST (jsforce's `create('')`). */
  handler: (call: ApiCall<Static<Q>, Static<B>, Static<P>>) => Promise<ApiResult>;
}

// biome-ignore lint/suspicious/noExplicitAny: the registrar handles routes of every schema
export type AnyApiRoute = ApiRoute<any, any, any>;

export function defineRoute<Q extends TSchema, B extends TSchema, P extends TObject>(
  route: ApiRoute<Q, B, P>,
): ApiRoute<Q, B, P> {
  return route;
}
