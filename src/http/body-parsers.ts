import type { FastifyInstance } from 'fastify';
import { apiError, entityBodyRequired } from '../errors/api-error.js';
import { jsonErrorOffset } from '../lib/json-error-offset.js';
import { mediaType } from './negotiation.js';

/**
 * Request bodies: JSON (with the parser's position in the error, as Salesforce's Jackson reports
 * it), form parameters, and JSON sent without a Content-Type (jsforce sends string bodies so).
 * Anything else is 415.
 */
export function registerBodyParsers(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  const parseJson = (body: string) => {
    if (body.trim() === '') throw entityBodyRequired();
    try {
      // A UTF-8 byte order mark is not JSON, but Jackson skips it, and some clients send one.
      return JSON.parse(body.charCodeAt(0) === 0xfeff ? body.slice(1) : body);
    } catch (error) {
      throw apiError('JSON_PARSER_ERROR', { detail: jsonErrorDetail(body, (error as Error).message) });
    }
  };
  const json = (body: string, done: (error: Error | null, body?: unknown) => void): void => {
    try {
      done(null, parseJson(body));
    } catch (error) {
      done(error as Error, undefined);
    }
  };
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    json(body as string, done);
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
      json(body as string, done);
      return;
    }
    done(apiError('UNSUPPORTED_MEDIA_TYPE', { contentType: mediaType(request) }), undefined);
  });
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
