import type { FastifyRequest } from 'fastify';
import { apiError, invalidInput } from '../../errors/api-error.js';

// Multipart bodies of the resources that stream them (file uploads and photos, SPEC §12.2).

/** The multipart parts of an upload, bounded: the file by the file limit, fields by small sizes. */
export function multipartParts(request: FastifyRequest, limit: number) {
  return request.parts({
    limits: { fileSize: limit, fields: 20, fieldSize: 64 * 1024, parts: 40, headerPairs: 100 },
  });
}

/**
 * A `json` part as an object. The parser has already read it when the part said
 * `application/json`; otherwise it is text.
 */
export function jsonPartObject(raw: unknown): Record<string, unknown> {
  let value: unknown = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      throw invalidJsonPart();
    }
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw apiError('JSON_PARSER_ERROR', { detail: 'The json part must be a JSON object.' });
  return value as Record<string, unknown>;
}

const invalidJsonPart = () => apiError('JSON_PARSER_ERROR', { detail: 'The json part is not valid JSON.' });

/** The multipart parser's own errors as the catalogue's (a cut body: the client is gone anyway). */
export function multipartError(error: unknown, tooLarge: () => Error): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'FST_REQ_FILE_TOO_LARGE') return tooLarge();
  if (code === 'FST_INVALID_JSON_FIELD_ERROR') return invalidJsonPart();
  if (typeof code === 'string' && code.startsWith('FST_'))
    return invalidInput(`The multipart body is malformed: ${(error as Error).message}.`);
  if (
    error instanceof Error &&
    /Unexpected end of (form|multipart data)|Malformed part header|Part terminated early/.test(error.message)
  )
    return invalidInput(`The multipart body is malformed: ${error.message}.`);
  return error;
}
