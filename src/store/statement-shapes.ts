import type { Compilable, CompiledQuery } from 'kysely';
import type { Db } from './dialects/dialect.js';

/**
 * Statements compiled once per shape. Building a statement with Kysely and compiling it cost more
 * CPU than SQLite takes to run most of a request's statements (bench/profile.ts; the feed page's
 * own statement 358 µs a page, 22 µs from here), so each repository keeps its statements here.
 *
 * A statement's arguments are walked: every string and number becomes a placeholder, and what the
 * SQL text may depend on becomes the shape's key — the lengths of lists, the names of fields, null,
 * undefined and booleans, and the fields named in `literal` (a branch's kind, a sort), which are
 * kept as they are. The statement is built and compiled once from the placeholders, and each call
 * swaps its own values into the compiled parameter list.
 *
 * A builder may only pass the values it is given into the statement: one that computes with a
 * value (a pattern from a search text) or picks its SQL by one would be wrong here. What the first
 * compile can see is checked (no parameter and no SQL text holds part of a placeholder), and that
 * shape is then built each time instead; what it cannot see is what
 * `checkStatementShapes` is for: the test suite turns it on, and every call is also built with its
 * real values and compared.
 */
export class StatementShapes {
  readonly #compiled = new Map<string, CompiledQuery | typeof NO_STATEMENT | typeof NOT_A_TEMPLATE>();

  constructor(
    private readonly db: Db,
    private readonly maxShapes = 256,
  ) {}

  /** The rows of `build(args)`, or none when it builds no statement (nothing to read). */
  async rows<A, R>(
    name: string,
    args: A,
    build: (args: A) => Compilable<R> | undefined,
    literal: readonly string[] = [],
  ): Promise<R[]> {
    const compiled = this.compile(name, args, build, literal);
    if (compiled === undefined) return [];
    return (await this.db.executeQuery(compiled)).rows;
  }

  /** The compiled statement of `build(args)` with the values of `args` (undefined: none). */
  compile<A, R>(
    name: string,
    args: A,
    build: (args: A) => Compilable<R> | undefined,
    literal: readonly string[] = [],
  ): CompiledQuery<R> | undefined {
    const template = templateOf(args, new Set(literal));
    if (template === undefined) return build(args)?.compile();
    const key = `${name}\u0001${template.key}`;
    let compiled = this.#compiled.get(key);
    if (compiled === undefined) {
      const built = build(template.args as A);
      compiled = built === undefined ? NO_STATEMENT : built.compile();
      if (compiled !== NO_STATEMENT && !fits(compiled, template.values)) compiled = NOT_A_TEMPLATE;
      if (this.#compiled.size < this.maxShapes) this.#compiled.set(key, compiled);
    }
    if (compiled === NOT_A_TEMPLATE) return build(args)?.compile();
    const { values } = template;
    const filled =
      compiled === NO_STATEMENT
        ? undefined
        : ({
            ...compiled,
            parameters: compiled.parameters.map((p) =>
              typeof p === 'string' && values.has(p) ? values.get(p) : p,
            ),
          } as CompiledQuery<R>);
    if (checking) check(name, filled, build(args)?.compile());
    return filled;
  }
}

const NO_STATEMENT = Symbol('no statement');
const NOT_A_TEMPLATE = Symbol('not a template');
/** Placeholders are a NUL, a number and a NUL, which no ID, date, name or page size is. */
const NUL = '\u0000';
/** Above this many values (a feed of very many sources) a statement is compiled each time. */
const MAX_VALUES = 200;

let checking = false;

/**
 * Every statement of a known shape is also built with its real values and compared with the one
 * made from its compiled shape; a difference throws. The test suite turns it on (it doubles the
 * cost of every read); it proves no builder picks its SQL by a value.
 */
export function checkStatementShapes(on: boolean): void {
  checking = on;
}

function check(name: string, filled: CompiledQuery | undefined, built: CompiledQuery | undefined): void {
  const same =
    filled === undefined || built === undefined
      ? filled === built
      : filled.sql === built.sql &&
        filled.parameters.length === built.parameters.length &&
        filled.parameters.every((p, i) => Object.is(p, built.parameters[i]));
  if (!same) {
    throw new Error(
      `statement ${name}: its compiled shape differs from the statement built with its values\n` +
        `${JSON.stringify(filled)}\n${JSON.stringify(built)}`,
    );
  }
}

/**
 * No parameter or SQL text holds part of a placeholder (a value the builder rewrote). A value may go
 * unused: the feed page names the org only in the branches that need it.
 */
function fits(compiled: CompiledQuery, values: Map<string, unknown>): boolean {
  if (compiled.sql.includes(NUL)) return false;
  return compiled.parameters.every((p) => {
    if (typeof p === 'string') return !p.includes(NUL) || values.has(p);
    // An array or a JSON value as one parameter: its placeholders would stay inside it.
    if (typeof p === 'object' && p !== null) return !JSON.stringify(p).includes('\\u0000');
    return true;
  });
}

/**
 * The arguments with every string and number replaced by a placeholder, the placeholders' values,
 * and the key of the shape; undefined when they hold something else (a Date, a Buffer) or very
 * many values.
 */
export function templateOf(
  args: unknown,
  literal: ReadonlySet<string> = new Set(),
): { key: string; args: unknown; values: Map<string, unknown> } | undefined {
  const key: string[] = [];
  const values = new Map<string, unknown>();
  const walk = (value: unknown): unknown => {
    if (typeof value === 'string' || typeof value === 'number') {
      const placeholder = `${NUL}${values.size}${NUL}`;
      values.set(placeholder, value);
      key.push(typeof value === 'string' ? 's' : 'n');
      return placeholder;
    }
    if (Array.isArray(value)) {
      key.push('[');
      const items = value.map(walk);
      key.push(']');
      return items;
    }
    if (value !== null && typeof value === 'object') {
      if (Object.getPrototypeOf(value) !== Object.prototype) throw NOT_PLAIN;
      const copy: Record<string, unknown> = {};
      key.push('{');
      for (const name of Object.keys(value).sort()) {
        const field = (value as Record<string, unknown>)[name];
        key.push(name);
        if (literal.has(name) && (typeof field === 'string' || field === undefined)) {
          key.push(`=${String(field)}`);
          copy[name] = field;
        } else {
          key.push(':');
          copy[name] = walk(field);
        }
      }
      key.push('}');
      return copy;
    }
    if (value === undefined || value === null || typeof value === 'boolean') {
      key.push(String(value));
      return value;
    }
    throw NOT_PLAIN;
  };
  try {
    const template = walk(args);
    if (values.size > MAX_VALUES) return undefined;
    return { key: key.join(' '), args: template, values };
  } catch (error) {
    if (error === NOT_PLAIN) return undefined;
    throw error;
  }
}

const NOT_PLAIN = Symbol('not plain data');
