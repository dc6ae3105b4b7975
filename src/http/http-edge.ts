import type { IncomingMessage, ServerOptions } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { apiError } from '../errors/api-error.js';

/**
 * What Node's HTTP server would answer on its own, bypassing the catalogue (issue 9): a bare 400
 * for an HTTP/1.1 request without `Host`, a bare 417 for an `Expect` other than `100-continue`,
 * and no limit at all on how long a request may take to arrive. Here the server lets such
 * requests through to the app, which answers them in the catalogue's shape (the OAuth shape on
 * the OAuth endpoints, as every error there), and bounds the time a request may take.
 */

/**
 * Node's server options: requests that lack `Host` reach the app; a request (headers and body)
 * must arrive within `requestTimeoutMs`, checked every second at most, so that slow clients
 * trickling bodies cannot hold connections for ever. 0 turns the limit off.
 */
export function httpServerOptions(requestTimeoutMs: number): {
  requestTimeout: number;
  http: ServerOptions;
} {
  const http: ServerOptions = { requireHostHeader: false };
  if (requestTimeoutMs > 0) {
    http.headersTimeout = Math.min(60_000, requestTimeoutMs);
    http.connectionsCheckingInterval = Math.max(100, Math.min(1_000, Math.floor(requestTimeoutMs / 4)));
  }
  return { requestTimeout: requestTimeoutMs, http };
}

const UNMET_EXPECTATION = Symbol('chatterbox.unmetExpectation');
type RawWithExpectation = IncomingMessage & { [UNMET_EXPECTATION]?: string };

/** Lets requests Node would refuse bare reach the app, and refuses them there (first of all hooks). */
export function registerHttpEdge(app: FastifyInstance): void {
  // Without a listener Node answers 417 itself; with one, the request is the app's to answer.
  app.server.on('checkExpectation', (req: RawWithExpectation, res) => {
    req[UNMET_EXPECTATION] = String(req.headers.expect);
    app.server.emit('request', req, res);
  });
  app.addHook('onRequest', (request, _reply, done) => {
    checkHttpEdge(request);
    done();
  });
}

function checkHttpEdge(request: FastifyRequest): void {
  // RFC 9112 §3.2: an HTTP/1.1 request without Host is a 400.
  if (request.raw.httpVersion === '1.1' && request.headers.host === undefined) {
    throw apiError('INVALID_INPUT', { detail: 'The request has no Host header.' });
  }
  const expectation = (request.raw as RawWithExpectation)[UNMET_EXPECTATION];
  if (expectation !== undefined) {
    // SPEC §2 has no 417: this is invalid input, as other malformed requests are (decision 0006).
    throw apiError('INVALID_INPUT', {
      detail: `Expect: ${expectation.slice(0, 200)} is not supported. Send Expect: 100-continue, or no Expect header.`,
    });
  }
}
