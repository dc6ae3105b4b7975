import type { IncomingMessage } from 'node:http';
import { createRequire } from 'node:module';
import type { XMLBuilder } from 'fast-xml-parser';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { keepJson } from '../batch/in-process.js';
import { normalizePath, rememberPath } from './request-path.js';

export const JSON_CONTENT_TYPE = 'application/json;charset=UTF-8';
export const XML_CONTENT_TYPE = 'application/xml;charset=UTF-8';

export type Format = 'json' | 'xml';

const FORMAT = Symbol('chatterbox.format');
type RawWithFormat = IncomingMessage & { [FORMAT]?: Format };

/**
 * Runs before routing (Fastify's rewriteUrl): the path gets its one normalized spelling
 * (request-path.ts), a `.xml`/`.json` suffix picks the format and is removed from the path
 * (SPEC §1), and `POST …?_HttpMethod=PATCH|DELETE` becomes that method.
 */
export function rewriteUrl(req: IncomingMessage): string {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  let path = normalizePath(q < 0 ? url : url.slice(0, q));
  rememberPath(req, path);
  const query = q < 0 ? '' : url.slice(q);
  const suffix = /\.(xml|json)(\/?)$/.exec(path);
  if (suffix && path.startsWith('/services/data/')) {
    (req as RawWithFormat)[FORMAT] = suffix[1] as Format;
    path = path.slice(0, suffix.index) + (suffix[2] ?? '');
  }
  if (req.method === 'POST' && query.includes('_HttpMethod=')) {
    const override = new URLSearchParams(query.slice(1)).get('_HttpMethod')?.toUpperCase();
    if (override === 'PATCH' || override === 'DELETE' || override === 'PUT' || override === 'GET')
      req.method = override;
  }
  return path + query;
}

/** The request body's media type as the client named it (`text/plain`), without parameters. */
export function mediaType(request: FastifyRequest): string {
  return (request.headers['content-type'] ?? '').split(';')[0]?.trim() ?? '';
}

/** The response format: a path suffix wins, then Accept; no Accept or *\/* means JSON. */
export function requestFormat(request: FastifyRequest): Format {
  const fromSuffix = (request.raw as RawWithFormat)[FORMAT];
  if (fromSuffix) return fromSuffix;
  const accept = request.headers.accept;
  if (!accept) return 'json';
  const xml = accept.search(/application\/xml|text\/xml/);
  if (xml < 0) return 'json';
  const json = accept.indexOf('application/json');
  return json >= 0 && json < xml ? 'json' : 'xml';
}

let xmlBuilder: XMLBuilder | undefined;

/**
 * The XML builder, made on the first XML response. It comes from fast-xml-parser's CommonJS
 * build, one bundled file: its ES module build is a tree of files that cost about 30 ms of every
 * server start (issue 15), for a format few clients ask for.
 */
function xml(): XMLBuilder {
  if (!xmlBuilder) {
    const { XMLBuilder } = createRequire(import.meta.url)(
      'fast-xml-parser',
    ) as typeof import('fast-xml-parser');
    xmlBuilder = new XMLBuilder({ ignoreAttributes: true, format: false, suppressEmptyNode: false });
  }
  return xmlBuilder;
}

/**
 * XML rendering of a wire body: the root element is named by the resource; arrays repeat their
 * element name, as Salesforce's XML does; null becomes an empty element.
 */
export function toXml(root: string, body: unknown): string {
  const content = Array.isArray(body) ? { [itemName(root)]: body.map(normalize) } : normalize(body);
  // A literal CR reaches an XML reader as LF (XML 1.0 §2.11: `\r\n` reads back as `\n`); as a
  // character reference it survives. The builder writes no CR of its own (`format: false`, and
  // element names are XML names), so every CR here is one of the text's.
  const document = xml().build({ [root]: content }) as string;
  return `<?xml version="1.0" encoding="UTF-8"?>${document.replaceAll('\r', '&#13;')}`;
}

function itemName(root: string): string {
  if (root === 'Errors') return 'Error';
  if (root === 'Versions') return 'Version';
  return 'item';
}

function normalize(value: unknown): unknown {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return xmlText(value);
  if (Array.isArray(value)) return value.map(normalize);
  if (typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [xmlName(k), normalize(v)]),
    );
  }
  return value;
}

// Characters XML 1.0 cannot carry even escaped (controls, lone surrogates, U+FFFE/U+FFFF).
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** User text may hold characters XML cannot: they become U+FFFD, so the document stays well-formed. */
function xmlText(text: string): string {
  return text.replace(NOT_XML_CHAR, '\uFFFD');
}

/**
 * Keys become element names; one that is not an XML name (or that the builder would take for an
 * attribute or a text node: `@_x`, `#text`) is spelled with `_` so the document stays well-formed.
 */
function xmlName(key: string): string {
  const name = key.replace(/[^A-Za-z0-9_.-]/g, '_');
  return /^[A-Za-z_]/.test(name) ? name : `_${name}`;
}

export interface SendOptions {
  format: Format;
  pretty: boolean;
  xmlRoot: string;
}

/** Writes a body in the negotiated format. The wire format is built here, never in handlers. */
export function sendBody(
  reply: FastifyReply,
  status: number,
  body: unknown,
  options: SendOptions,
): FastifyReply {
  reply.code(status);
  if (status === 204 || body === undefined) return reply.send();
  if (options.format === 'xml') {
    return reply.header('content-type', XML_CONTENT_TYPE).send(toXml(options.xmlRoot, body));
  }
  const json = options.pretty ? JSON.stringify(body, null, 2) : JSON.stringify(body);
  // A batch subrequest: its value and text go into the batch's body as they are.
  if (keepJson(reply.raw, body, json)) return reply.header('content-type', JSON_CONTENT_TYPE).send('');
  return sendJsonText(reply, json);
}

/** Writes a JSON body already serialized (the status is set). */
export function sendJsonText(reply: FastifyReply, json: string): FastifyReply {
  return reply
    .header('content-type', JSON_CONTENT_TYPE)
    .send(json.length < LARGE_BODY ? json : Buffer.from(json));
}

/**
 * From this length (UTF-16 code units) a JSON body is sent as bytes, encoded once. Handed a
 * string, Fastify measures its UTF-8 length, then Node joins it to the headers and encodes the
 * whole again: three passes over a body that one non-ASCII character (a feed page's em dash) makes
 * V8 hold as UTF-16. A small body is cheaper as a string, written with its headers in one piece.
 */
const LARGE_BODY = 16_384;

export function wantsPretty(request: FastifyRequest): boolean {
  const value = request.headers['x-prettyprint'];
  return value === '1' || value === 'true';
}
