import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LazyValidators } from '../../src/http/lazy-validators.js';

/** An Ajv stand-in: records what it compiles; its validators accept `true` and fail with errors. */
function fakeAjv() {
  const compiled: object[] = [];
  const ajv = {
    compile(schema: object, _meta?: boolean) {
      compiled.push(schema);
      const validate = Object.assign(
        (data: unknown) => {
          validate.errors = data === true ? null : [{ schema, data }];
          return data === true;
        },
        { errors: null as unknown },
      );
      return validate;
    },
  };
  return { ajv, compiled };
}

test('a schema is compiled on its validator’s first call, once, and its errors are passed on', () => {
  const { ajv, compiled } = fakeAjv();
  const validators = new LazyValidators();
  validators.install(ajv);
  const schema = { type: 'string' };
  const validate = ajv.compile(schema);
  assert.deepEqual(compiled, []);
  assert.equal(validate(false), false);
  assert.deepEqual(validate.errors, [{ schema, data: false }]);
  assert.equal(validate(true), true);
  assert.equal(validate.errors, null);
  assert.deepEqual(compiled, [schema]);
  assert.equal(validators.compileAll(), 0);
});

test('a schema with an $id, and a meta-schema, are compiled at once', () => {
  const { ajv, compiled } = fakeAjv();
  new LazyValidators().install(ajv);
  const named = { $id: 'urn:chatterbox:named', type: 'string' };
  const meta = { type: 'object' };
  ajv.compile(named);
  ajv.compile(meta, true);
  assert.deepEqual(compiled, [named, meta]);
});

test('compileAll compiles every schema not compiled yet, and only those', () => {
  const { ajv, compiled } = fakeAjv();
  const validators = new LazyValidators();
  validators.install(ajv);
  const [a, b, c] = [{ minLength: 1 }, { minLength: 2 }, { minLength: 3 }];
  ajv.compile(a)(true);
  const validateB = ajv.compile(b);
  ajv.compile(c);
  assert.equal(validators.compileAll(), 2);
  assert.deepEqual(compiled, [a, b, c]);
  assert.equal(validateB(true), true);
  assert.equal(validators.compileAll(), 0);
  assert.deepEqual(compiled, [a, b, c]);
});
