import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { keptJsonText } from '../batch/in-process.js';
import { SUBREQUEST_HEADER } from '../batch/subrequest.js';
import type { JournalExchange, JournalMessage } from '../control/journal.js';

/**
 * What the journal keeps of each exchange (SPEC §9, the console's inspector): headers and the
 * first JOURNAL_BODY_CHARS characters of each body, with credentials replaced by REDACTED
 * before anything is stored, so no secret ever sits in the journal or leaves through it.
 */
export const JOURNAL_BODY_CHARS = 4096;
export const REDACTED = '[redacted]';

/**
 * Header names whose values are credentials; a batch's subrequests carry the process's subrequest
 * secret, which would let whoever reads it pose as a subrequest (subrequest.ts).
 */
const SECRET_HEADERS = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  SUBREQUEST_HEADER,
]);
/**
 * Field names whose values are credentials (OAuth parameters and answers, passwords, secrets):
 * exact names, so that `nextPageToken` and the like stay visible.
 */
const SECRET_NAMES =
  '(?:access_token|refresh_token|id_token|password|new_?password|old_?password|client_secret|clientSecret|secret|assertion|code|token)';
const SECRET_FIELD = new RegExp(`^${SECRET_NAMES}$`, 'i');
/** One of those names as a member's name in JSON text (as JSON.stringify writes it). */
const SECRET_KEY_IN_JSON = new RegExp(`"${SECRET_NAMES}":`, 'i');
/**
 * The same fields inside a body already serialized: a JSON string member, an XML element or a
 * form parameter. The bound may cut a value off, so a value without its end counts too.
 */
const SECRET_IN_TEXT = new RegExp(
  `("${SECRET_NAMES}"\\s*:\\s*)"(?:[^"\\\\]|\\\\.)*(?:"|\\\\?$)|(<${SECRET_NAMES}>)[^<]*|((?:^|&)${SECRET_NAMES}=)[^&]*`,
  'gi',
);

declare module 'fastify' {
  interface FastifyReply {
    /** The response body as sent, kept for the journal by the onSend hook below. */
    journalPayload: unknown;
  }
}

/** Keeps each response's payload for the journal (the onResponse hook no longer sees it). */
export function registerJournalCapture(app: FastifyInstance): void {
  app.decorateReply('journalPayload', null);
  app.addHook('onSend', (_request, reply, payload, done) => {
    reply.journalPayload = payload;
    done(null, payload);
  });
}

/**
 * The exchange as the journal keeps it: bounded, redacted. Of the responses, only the OAuth
 * endpoints' carry credentials (tokens); the API's never do, so their bodies are kept as sent and
 * the busiest path pays for no pattern scan (about half a JSON.parse of the body, measured).
 */
export function captureExchange(request: FastifyRequest, reply: FastifyReply, path: string): JournalExchange {
  const headers = redactHeaders(reply.getHeaders());
  // A batch subrequest kept its JSON text for the batch's body and sent none (keepJson): the
  // journal shows the response as it would have been sent on its own.
  const kept = keptJsonText(reply.raw);
  const payload = kept === undefined ? reply.journalPayload : kept;
  if (kept !== undefined) headers['content-length'] = String(Buffer.byteLength(payload as string));
  return {
    request: message(redactHeaders(request.headers), requestBody(request), true),
    response: message(headers, responseBody(payload), path.startsWith('/services/oauth2/')),
  };
}

function message(
  headers: Record<string, string>,
  body: { text: string; bytes: number } | null,
  mayHoldSecrets: boolean,
): JournalMessage {
  if (body === null) return { headers, body: null, bodyBytes: 0, truncated: false };
  const truncated = body.text.length > JOURNAL_BODY_CHARS;
  // A slice may share the whole page's characters, which is fine: the ring copies it as bytes
  // at once and nothing keeps the slice (decision 0041). UTF-16 slices keep every code unit, a
  // surrogate cut in half by the bound included.
  const text = truncated ? body.text.slice(0, JOURNAL_BODY_CHARS) : body.text;
  return { headers, body: mayHoldSecrets ? redactText(text) : text, bodyBytes: body.bytes, truncated };
}

/**
 * Every request runs this twice (its headers and its response's), so it walks the object in place
 * rather than through an array of entries, and converts only what is not a string already.
 */
export function redactHeaders(headers: Record<string, unknown>): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    const text = typeof value === 'string' ? value : Array.isArray(value) ? value.join(', ') : String(value);
    const lower = name.toLowerCase();
    if (!SECRET_HEADERS.has(lower)) kept[name] = text;
    else if (lower === 'authorization') kept[name] = `${text.split(' ')[0]} ${REDACTED}`;
    else kept[name] = REDACTED;
  }
  return kept;
}

/** Credentials in serialized text, whatever the format, replaced; also where the bound cut a value. */
export function redactText(text: string): string {
  return text.replace(SECRET_IN_TEXT, (_match, jsonKey, xmlOpen, formKey) => {
    if (jsonKey !== undefined) return `${jsonKey}"${REDACTED}"`;
    if (xmlOpen !== undefined) return `${xmlOpen}${REDACTED}`;
    return `${formKey}${REDACTED}`;
  });
}

/** The parsed body, serialized back as it came: form parameters as a form, anything else as JSON. */
function requestBody(request: FastifyRequest): { text: string; bytes: number } | null {
  const { body } = request;
  if (body === undefined || body === null) return null;
  const bytes = Number(request.headers['content-length'] ?? 0);
  const contentType = request.headers['content-type'] ?? '';
  if (contentType.startsWith('application/x-www-form-urlencoded') && typeof body === 'object') {
    // Redacted by redactText once serialized.
    return { text: new URLSearchParams(body as Record<string, string>).toString(), bytes };
  }
  const text = JSON.stringify(body);
  if (text === undefined) return null;
  // A replacer makes JSON.stringify call back for every member: only a body that names a secret
  // field pays for it (a batch's body, 25 subrequests, took 17 µs with it).
  if (!SECRET_KEY_IN_JSON.test(text)) return { text, bytes };
  const redacted = JSON.stringify(body, (key, value) =>
    key !== '' && SECRET_FIELD.test(key) && typeof value !== 'object' ? REDACTED : value,
  );
  return { text: redacted, bytes };
}

function responseBody(payload: unknown): { text: string; bytes: number } | null {
  if (typeof payload === 'string') return { text: payload, bytes: Buffer.byteLength(payload) };
  if (Buffer.isBuffer(payload)) {
    return { text: payload.subarray(0, JOURNAL_BODY_CHARS * 4).toString('utf8'), bytes: payload.length };
  }
  return null;
}
