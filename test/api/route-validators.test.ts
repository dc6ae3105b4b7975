import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { LazyValidators } from '../../src/http/lazy-validators.js';
import { createHarness, type Harness, JSON_TYPE } from '../helpers/harness.js';

// Route schemas compile on a route's first request (decision 0036); these prove that none is left
// that cannot compile, and that a lazily compiled validator still answers the catalogue's errors.
describe('route validators compiled on first use', () => {
  let h: Harness;
  const validators = new LazyValidators();
  before(async () => {
    h = await createHarness({}, { validators });
  });
  after(() => h.close());

  test('a bad record ID in the path is answered by the validator compiled for that request', async () => {
    const token = await h.login('alice@acme.example');
    const response = await h.request({
      method: 'GET',
      url: '/services/data/v36.0/chatter/users/005-not-an-id',
      token,
    });
    assert.equal(response.statusCode, 400);
    assert.equal(response.headers['content-type'], JSON_TYPE);
    assert.deepEqual(response.json(), [
      { errorCode: 'INVALID_ID_FIELD', message: 'Invalid identifier: 005-not-an-id' },
    ]);
  });

  test("every route's schemas compile with the app's Ajv options and keywords", () => {
    // Well over a hundred routes, each with its params and often a query or body schema.
    assert.ok(validators.compileAll() > 100);
    assert.equal(validators.compileAll(), 0);
  });
});
