import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ChangeFeed } from '../../src/store/change-feed.js';
import { SharedMark } from '../../src/store/shared-mark.js';
import { QueryCounter } from '../../src/store/store.js';

/** A feed whose marks count the round trips asked for (each mark() a new one). */
function feed(): ChangeFeed & { marks: number } {
  return {
    live: true,
    generation: 0,
    marks: 0,
    mark() {
      this.marks++;
      return this.marks;
    },
    caughtUp: () => true,
    onChange: () => undefined,
    close: async () => undefined,
  };
}

describe('SharedMark (a batch subrequest reuses the feed mark while no statement ends)', () => {
  test('a fresh mark until one has been caught up with', () => {
    const changes = feed();
    const shared = new SharedMark(new QueryCounter());
    assert.equal(shared.take(changes), 1);
    assert.equal(shared.take(changes), 2);
  });

  test('the caught-up mark again and again while the statement count stands still', () => {
    const changes = feed();
    const shared = new SharedMark(new QueryCounter());
    const mark = shared.take(changes);
    shared.caughtUp(mark);
    assert.deepEqual([shared.take(changes), shared.take(changes), shared.take(changes)], [1, 1, 1]);
    assert.equal(changes.marks, 1);
  });

  test('a statement ending (a read or a write from the store) makes the next take a fresh mark', () => {
    const changes = feed();
    const queries = new QueryCounter();
    const shared = new SharedMark(queries);
    shared.caughtUp(shared.take(changes));
    queries.count++;
    assert.equal(shared.take(changes), 2);
    // Not caught up with yet: still fresh ones.
    assert.equal(shared.take(changes), 3);
    shared.caughtUp(3);
    assert.equal(shared.take(changes), 3);
  });
});
