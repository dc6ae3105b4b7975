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
 * shape is then built each time instead; what it cannot see is what `checkStatementShapes` is for:
 * the test suite turns it on, and every call is also built with its real values and compared.
 */
export class StatementShapes {
  readonly #compiled = new Map<string, Template | typeof NO_STATEMENT | typeof NOT_A_TEMPLATE>();
  /** The literal field names of each call site, as a set (made once per array). */
  readonly #literals = new WeakMap<readonly string[], ReadonlySet<string>>();

  constructor(
    private readonly db: Db,
    private readonly maxShapes = 256,
  ) {}

  /** The rows of `build(args)`, or none when it builds no statement (nothing to read). */
  async rows<A, R>(
    name: string,
    args: A,
    build: (args: A) => Compilable<R> | undefined,
    literal: readonly string[] = NONE,
  ): Promise<R[]> {
    const compiled = this.#compile(name, args, build, literal);
    if (compiled === undefined) return [];
    return (await this.db.executeQuery(compiled)).rows;
  }

  /** The compiled statement of `build(args)` with the values of `args` (undefined: none). */
  #compile<A, R>(
    name: string,
    args: A,
    build: (args: A) => Compilable<R> | undefined,
    literal: readonly string[] = NONE,
  ): CompiledQuery<R> | undefined {
    let literals = this.#literals.get(literal);
    if (literals === undefined) {
      literals = new Set(literal);
      this.#literals.set(literal, literals);
    }
    const shape = shapeOf(args, literals);
    if (shape === undefined) return build(args)?.compile();
    const key = `${name}\u0001${shape.key}`;
    let template = this.#compiled.get(key);
    if (template === undefined) {
      template = templateFor(build(placeholders(args, literals) as A), shape.values.length);
      if (this.#compiled.size < this.maxShapes) this.#compiled.set(key, template);
    }
    if (template === NOT_A_TEMPLATE) return build(args)?.compile();
    const filled = template === NO_STATEMENT ? undefined : fill<R>(template, shape.values);
    if (checking) check(name, filled, build(args)?.compile());
    return filled;
  }
}

const NONE: readonly string[] = [];
const NO_STATEMENT = Symbol('no statement');
const NOT_A_TEMPLATE = Symbol('not a template');
/** Placeholders are a NUL, a number and a NUL, which no ID, date, name or page size is. */
const NUL = '\u0000';
/** Above this many values (a feed of very many sources) a statement is compiled each time. */
const MAX_VALUES = 200;

/** A compiled statement, and for each parameter the index of the value it takes (-1: a constant). */
interface Template {
  compiled: CompiledQuery;
  slots: number[];
}

function fill<R>({ compiled, slots }: Template, values: unknown[]): CompiledQuery<R> {
  const parameters = compiled.parameters.map((p, i) => {
    const slot = slots[i] as number;
    return slot < 0 ? p : values[slot];
  });
  return { ...compiled, parameters } as CompiledQuery<R>;
}

/**
 * Where each placeholder went in the compiled statement; NOT_A_TEMPLATE when part of one reached
 * the SQL text or a parameter (the builder rewrote a value). A value may go unused: the feed page
 * names the org only in the branches that need it.
 */
function templateFor(
  built: Compilable<unknown> | undefined,
  count: number,
): Template | typeof NO_STATEMENT | typeof NOT_A_TEMPLATE {
  if (built === undefined) return NO_STATEMENT;
  const compiled = built.compile();
  if (compiled.sql.includes(NUL)) return NOT_A_TEMPLATE;
  const slots: number[] = [];
  for (const p of compiled.parameters) {
    if (typeof p === 'string' && p.includes(NUL)) {
      const slot = placeholderIndex(p);
      if (slot < 0 || slot >= count) return NOT_A_TEMPLATE;
      slots.push(slot);
    } else if (typeof p === 'object' && p !== null && JSON.stringify(p).includes('\\u0000')) {
      // An array or a JSON value as one parameter: its placeholders would stay inside it.
      return NOT_A_TEMPLATE;
    } else {
      slots.push(-1);
    }
  }
  return { compiled, slots };
}

/** n for the placeholder NUL n NUL, else -1. */
function placeholderIndex(parameter: string): number {
  const digits = parameter.slice(1, -1);
  const framed = parameter.startsWith(NUL) && parameter.endsWith(NUL) && /^\d+$/.test(digits);
  return framed ? Number(digits) : -1;
}

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
 * The key of the arguments' shape and their values in walk order (every string and number);
 * undefined when they hold something else (a Date, a Buffer) or very many values. Runs on every
 * statement, so it only reads: the copy with placeholders is made once per shape (placeholders).
 */
export function shapeOf(
  args: unknown,
  literal: ReadonlySet<string> = new Set(),
): { key: string; values: unknown[] } | undefined {
  const walk = new ShapeWalk(literal);
  if (!walk.visit(args) || walk.values.length > MAX_VALUES) return undefined;
  return { key: walk.key, values: walk.values };
}

/** The arguments with their n-th value (in shapeOf's walk order) replaced by the n-th placeholder. */
export function placeholders(args: unknown, literal: ReadonlySet<string> = new Set()): unknown {
  let next = 0;
  const copy = (value: unknown): unknown => {
    if (typeof value === 'string' || typeof value === 'number') return `${NUL}${next++}${NUL}`;
    if (Array.isArray(value)) return value.map(copy);
    if (value !== null && typeof value === 'object') {
      const result: Record<string, unknown> = {};
      for (const name in value) {
        const field = (value as Record<string, unknown>)[name];
        result[name] = isLiteral(literal, name, field) ? field : copy(field);
      }
      return result;
    }
    return value;
  };
  return copy(args);
}

function isLiteral(literal: ReadonlySet<string>, name: string, field: unknown): boolean {
  return literal.has(name) && (typeof field === 'string' || field === undefined);
}

/**
 * One walk of shapeOf. What the SQL may depend on goes into the key: list lengths, field names
 * (in their order: one call site builds its arguments in one order), null, undefined, booleans and
 * literal fields' values; strings and numbers go into `values`, with only their type in the key.
 */
class ShapeWalk {
  key = '';
  readonly values: unknown[] = [];

  constructor(private readonly literal: ReadonlySet<string>) {}

  visit(value: unknown): boolean {
    switch (typeof value) {
      case 'string':
        this.values.push(value);
        this.key += 's';
        return true;
      case 'number':
        this.values.push(value);
        this.key += 'n';
        return true;
      case 'boolean':
      case 'undefined':
        this.key += value === undefined ? 'u' : value ? 't' : 'f';
        return true;
      case 'object':
        return this.#object(value);
      default:
        return false;
    }
  }

  #object(value: object | null): boolean {
    if (value === null) {
      this.key += '0';
      return true;
    }
    if (Array.isArray(value)) {
      this.key += '[';
      for (const item of value) if (!this.visit(item)) return false;
      this.key += ']';
      return true;
    }
    if (Object.getPrototypeOf(value) !== Object.prototype) return false;
    this.key += '{';
    for (const name in value) {
      const field = (value as Record<string, unknown>)[name];
      if (isLiteral(this.literal, name, field)) {
        this.key += `${name}=${String(field)},`;
      } else {
        this.key += `${name}:`;
        if (!this.visit(field)) return false;
      }
    }
    this.key += '}';
    return true;
  }
}
