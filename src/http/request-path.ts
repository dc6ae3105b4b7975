import type { IncomingMessage } from 'node:http';

/**
 * The one spelling of a request path that every stage sees: maintenance, faults, routing and the
 * journal (decision 0019). It is made once, before routing (negotiation.ts's rewriteUrl), so that
 * `/%73ervices/…` can no longer slip past maintenance nor `/users/%6De` past a fault on
 * `/users/me`: each stage would otherwise decode (or not) on its own.
 *
 * Percent-escapes are decoded, except those whose character would change the path's structure or
 * is not printable: `/` `?` `#` `%`, controls, space and DEL stay escaped (hex in upper case), so
 * that the segments the router splits are the ones the client meant. A UTF-8 sequence is decoded
 * to its character; broken escapes (`%ZZ`, a cut or overlong sequence) are left as they are, and
 * the router answers them 404 as before.
 *
 * Repeated slashes count as one (SPEC §1): `sf org login access-token` keeps the instance URL with
 * a trailing `/`, so every later call asks for `//services/data/…`, and real orgs serve it. An
 * escaped slash (`%2F`) stays escaped, so decoding never makes a new `//`.
 */
export function normalizePath(path: string): string {
  const single = path.includes('//') ? path.replace(/\/{2,}/g, '/') : path;
  if (!single.includes('%')) return single;
  return single.replace(ESCAPE_RUN, decodeRun);
}

const ESCAPE_RUN = /(?:%[0-9A-Fa-f]{2})+/g;

/** ASCII bytes that stay escaped: `/ ? # %` (structure), controls, space and DEL (invisible). */
function keepsEscape(byte: number): boolean {
  return byte <= 0x20 || byte === 0x7f || byte === 0x23 || byte === 0x25 || byte === 0x2f || byte === 0x3f;
}

/** The length of the UTF-8 sequence a lead byte starts (0: not a lead byte). */
function sequenceLength(lead: number): number {
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 0;
}

function decodeRun(run: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < run.length; i += 3) bytes.push(Number.parseInt(run.slice(i + 1, i + 3), 16));
  let out = '';
  let i = 0;
  while (i < bytes.length) {
    const byte = bytes[i] as number;
    if (byte < 0x80) {
      out += keepsEscape(byte) ? escaped(byte) : String.fromCharCode(byte);
      i++;
      continue;
    }
    const length = sequenceLength(byte);
    const sequence = bytes.slice(i, i + length);
    const character = length > 0 && sequence.length === length ? utf8Character(sequence) : undefined;
    if (character === undefined) {
      out += escaped(byte);
      i++;
      continue;
    }
    out += character;
    i += length;
  }
  return out;
}

/** One character from its UTF-8 bytes; undefined for an invalid sequence (overlong, surrogate…). */
function utf8Character(sequence: number[]): string | undefined {
  try {
    return decodeURIComponent(sequence.map(escaped).join(''));
  } catch {
    return undefined;
  }
}

function escaped(byte: number): string {
  return `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
}

const NORMALIZED_PATH = Symbol('chatterbox.normalizedPath');
type RawWithPath = IncomingMessage & { [NORMALIZED_PATH]?: string };

/** Keeps the normalized path (with its `.xml`/`.json` suffix) for the stages after routing. */
export function rememberPath(req: IncomingMessage, path: string): void {
  (req as RawWithPath)[NORMALIZED_PATH] = path;
}

/** The path as normalized before routing (query removed); the raw URL's path if it never was. */
export function normalizedPath(req: IncomingMessage): string {
  const remembered = (req as RawWithPath)[NORMALIZED_PATH];
  if (remembered !== undefined) return remembered;
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}
