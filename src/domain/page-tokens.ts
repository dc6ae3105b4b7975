import { invalidInput } from '../errors/api-error.js';
import { parseId, prefixOf, to18 } from '../ids/salesforce-id.js';

/**
 * Opaque page tokens of feeds and comment pages (chatter-facts §2.9) are keyset cursors: the sort
 * date and ID of the last record seen, `2015-05-22T17:32:10.000Z,0D5…` — never an OFFSET, so a deep
 * page costs what the first does. `,newer` turns a comment cursor around (previous pages, 44.0+).
 */
export interface KeysetCursor {
  at: number;
  id: string;
  direction: 'older' | 'newer';
}

export function keysetToken(cursor: KeysetCursor): string {
  const token = `${new Date(cursor.at).toISOString()},${cursor.id}`;
  return cursor.direction === 'newer' ? `${token},newer` : token;
}

const TOKEN = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z),([0-9A-Za-z]{15}(?:[0-9A-Za-z]{3})?)(,newer)?$/;

/** A token from an earlier response, for records of one key prefix; anything else is 400 INVALID_INPUT. */
export function parseKeysetToken(raw: string, prefix: string, options: { newer: boolean }): KeysetCursor {
  const match = TOKEN.exec(raw);
  const at = match ? Date.parse(match[1] as string) : Number.NaN;
  const id = match ? parseId(match[2] as string) : undefined;
  const valid =
    match !== null &&
    !Number.isNaN(at) &&
    new Date(at).toISOString() === match[1] &&
    id !== undefined &&
    prefixOf(id) === prefix &&
    (options.newer || match[3] === undefined);
  if (!valid || !id) {
    throw invalidInput(`Invalid page: ${raw}. Specify a page token from an earlier response.`);
  }
  return { at, id: to18(id), direction: match?.[3] ? 'newer' : 'older' };
}

/** `updatedSince`: an updatesToken, `2:<epoch ms>` (the feeds that take it, chatter-facts §2.6). */
export function parseUpdatesToken(raw: string): number {
  const match = /^2:(\d{1,15})$/.exec(raw);
  if (!match) throw invalidInput(`Invalid updatedSince: ${raw}. Specify a token from an earlier response.`);
  return Number(match[1]);
}
