import type { FastifyRequest } from 'fastify';
import { apiError } from '../errors/api-error.js';

/**
 * Text is checked once, at the edge, so that every store keeps and returns the same characters
 * (SPEC §10; decisions 0006 and 0020). Two kinds of character no store keeps as sent are refused
 * with a 400 naming the field, before any resource sees them:
 * - U+0000: PostgreSQL cannot store it in a text column;
 * - a lone surrogate (`"\ud800"` in JSON): it is not Unicode, so it has no UTF-8 form, and each
 *   store wrote its own replacement (three U+FFFD on SQLite, one on PostgreSQL) while the segments
 *   of a post kept it raw.
 * In a path segment (a record ID everywhere here) either is an invalid identifier.
 */
export function checkInputText(request: FastifyRequest): void {
  for (const raw of Object.values((request.params ?? {}) as Record<string, unknown>)) {
    if (typeof raw === 'string' && refusedCharacter(raw) !== undefined) {
      throw apiError('INVALID_ID_FIELD', { id: raw });
    }
  }
  for (const source of [request.query, request.body]) {
    const found = refusedField(source);
    if (found !== undefined) {
      throw apiError('INVALID_INPUT', {
        detail: `Invalid ${found.field}: the value contains ${found.what}.`,
      });
    }
  }
}

// With the u flag, \p{Cs} matches only surrogates that are not half of a pair.
const LONE_SURROGATE = /\p{Cs}/u;

function refusedCharacter(text: string): string | undefined {
  if (text.includes('\u0000')) return "a NUL character (U+0000), which isn't allowed";
  const match = LONE_SURROGATE.exec(text);
  if (!match) return undefined;
  const code = (match[0].codePointAt(0) as number).toString(16).toUpperCase();
  return `a lone surrogate (U+${code}), which isn't a Unicode character`;
}

/** The dotted path of the first string (or key) holding a refused character; iterative, as bodies may nest deep. */
function refusedField(root: unknown): { field: string; what: string } | undefined {
  const pending: [unknown, string][] = [[root, '']];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [value, path] = next;
    if (typeof value === 'string') {
      const what = refusedCharacter(value);
      if (what !== undefined) return { field: path, what };
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    for (const [key, item] of Object.entries(value)) {
      const itemPath = path ? `${path}.${key}` : key;
      const what = refusedCharacter(key);
      if (what !== undefined) return { field: itemPath, what };
      pending.push([item, itemPath]);
    }
  }
  return undefined;
}
