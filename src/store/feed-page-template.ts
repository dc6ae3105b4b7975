import type { FeedPageQuery } from './records.js';

/**
 * A feed page query with every value (an ID, a date, the page size) replaced by a placeholder, and
 * the key of its shape: what the SQL text depends on (the branches' kinds, how many IDs each names,
 * which options are set, the sort, a question filter). Queries of one key compile to the same SQL
 * text, so FeedRepository compiles it once and swaps the placeholders in the parameter list for
 * `values`. Undefined when the query is not worth keeping: a text search (its value is rewritten
 * into a pattern before it becomes a parameter) or one naming very many IDs.
 */
export function feedPageTemplate(
  query: FeedPageQuery,
): { key: string; query: FeedPageQuery; values: Map<string, unknown> } | undefined {
  if (query.textContains !== undefined) return undefined;
  const values = new Map<string, unknown>();
  const key: string[] = [query.sort, query.questions ?? ''];
  const { sort, questions, ...rest } = query;
  const template = walk(rest, key, values) as Omit<FeedPageQuery, 'sort' | 'questions'>;
  if (values.size > MAX_VALUES) return undefined;
  return { key: key.join(','), query: { ...template, sort, questions }, values };
}

/** Placeholders start with NUL, which no ID, date or page size does. */
const PLACEHOLDER = '\u0000';
/** Above this many values (a feed of very many sources) the query is compiled each time. */
const MAX_VALUES = 200;

function walk(value: unknown, key: string[], values: Map<string, unknown>): unknown {
  if (typeof value === 'string' || typeof value === 'number') {
    const placeholder = `${PLACEHOLDER}${values.size}`;
    values.set(placeholder, value);
    key.push(typeof value === 'string' ? 's' : 'n');
    return placeholder;
  }
  if (Array.isArray(value)) {
    key.push('[');
    const items = value.map((item) => walk(item, key, values));
    key.push(']');
    return items;
  }
  if (value !== null && typeof value === 'object') {
    const copy: Record<string, unknown> = {};
    key.push('{');
    for (const name of Object.keys(value).sort()) {
      const field = (value as Record<string, unknown>)[name];
      // A branch's kind picks its SQL; it is part of the shape, never a value.
      if (name === 'kind') {
        copy[name] = field;
        key.push(`kind=${String(field)}`);
      } else {
        key.push(`${name}:`);
        copy[name] = walk(field, key, values);
      }
    }
    key.push('}');
    return copy;
  }
  // null, undefined, a boolean: they shape the SQL (`is null`, the To feed's byOthers).
  key.push(String(value));
  return value;
}
