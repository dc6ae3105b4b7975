import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sortKeys } from '../../src/http/presenters/user.js';

/** Feed Item and Group bodies list their keys alphabetically, as the real service writes them. */
describe('sortKeys', () => {
  test('orders keys alphabetically and keeps every value', () => {
    const value = { url: 'u', actor: { z: 1, a: 2 }, isSharable: false, canShare: null, body: [1] };
    const sorted = sortKeys(value);
    assert.deepEqual(Object.keys(sorted), ['actor', 'body', 'canShare', 'isSharable', 'url']);
    assert.deepEqual(sorted, value);
    // Only the top level: a nested object is the same object.
    assert.equal(sorted.actor, value.actor);
  });

  test('each shape gets its own order, whichever came first', () => {
    const withCommunity = sortKeys({ type: 'x', community: 'c', actor: 'a' });
    const without = sortKeys({ type: 'x', actor: 'a' });
    const again = sortKeys({ type: 'y', community: 'd', actor: 'b' });
    assert.deepEqual(Object.keys(withCommunity), ['actor', 'community', 'type']);
    assert.deepEqual(Object.keys(without), ['actor', 'type']);
    assert.deepEqual(again, { actor: 'b', community: 'd', type: 'y' });
    assert.deepEqual(Object.keys(again), ['actor', 'community', 'type']);
  });
});
