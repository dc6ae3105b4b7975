/** What Fastify's Ajv instance is to this module: only its compile step (Fastify's `ajv.onCreate`). */
interface AjvCompiler {
  compile(schema: object, meta?: boolean): Validator;
}

/** An Ajv validate function as Fastify calls it: a boolean, and `errors` read after a failure. */
interface Validator {
  (data: unknown): boolean | PromiseLike<unknown>;
  errors?: unknown;
}

/**
 * Route validators compiled on their first request instead of at start-up (decision 0036).
 *
 * Fastify compiles every route's schemas with Ajv when the app becomes ready: about 0.4 s of CPU
 * for Chatterbox's routes, a quarter of `chatterbox serve`'s whole start, for routes most runs never
 * call. `install` (Fastify's documented `ajv.onCreate` hook) makes Ajv's `compile` hand back a
 * validator that compiles its schema on first use, with the same options, keywords and errors.
 * A schema with an `$id` is compiled at once: Ajv must see it before another schema refers to it.
 * `compileAll` compiles whatever is still pending, so a test proves that every schema compiles.
 */
export class LazyValidators {
  private readonly pending = new Set<() => Validator>();

  readonly install = (ajv: AjvCompiler): void => {
    const compile = ajv.compile.bind(ajv);
    ajv.compile = (schema, meta) => {
      if (meta || '$id' in schema) return compile(schema, meta);
      let validate: Validator | undefined;
      const compileOnce = (): Validator => {
        this.pending.delete(compileOnce);
        validate ??= compile(schema);
        return validate;
      };
      this.pending.add(compileOnce);
      const lazy: Validator = (data) => {
        const compiled = validate ?? compileOnce();
        const result = compiled(data);
        lazy.errors = compiled.errors;
        return result;
      };
      return lazy;
    };
  };

  /** Compiles every validator not compiled yet; throws what Ajv throws for a bad schema. */
  compileAll(): number {
    const pending = [...this.pending];
    for (const compileOnce of pending) compileOnce();
    return pending.length;
  }
}
