import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { setImmediate as endOfTurn } from 'node:timers/promises';
import { Coalescer } from '../../src/lib/coalescer.js';

/** A call that answers each item doubled once `release()` is called, recording what it carried. */
function held() {
  const calls: number[][] = [];
  const pending: (() => void)[] = [];
  const coalescer = new Coalescer<number, number>((items) => {
    calls.push(items);
    return new Promise((resolve) => pending.push(() => resolve(items.map((i) => i * 2))));
  }, 3);
  const release = () => {
    for (const done of pending.splice(0)) done();
  };
  return { calls, coalescer, release };
}

describe('Coalescer (group commit at the end of a turn, decision 0042)', () => {
  test('items submitted in one turn go together, at most maxPerCall a call, in their order', async () => {
    const { calls, coalescer, release } = held();
    const answers = [1, 2, 3, 4, 5].map((i) => coalescer.submit('org', i));
    // Nothing is sent in the turn the items arrived in.
    assert.deepEqual(calls, []);
    await endOfTurn();
    assert.deepEqual(calls, [[1, 2, 3]]);
    release();
    assert.deepEqual(await Promise.all(answers.slice(0, 3)), [2, 4, 6]);
    await endOfTurn();
    assert.deepEqual(calls, [
      [1, 2, 3],
      [4, 5],
    ]);
    release();
    assert.deepEqual(await Promise.all(answers.slice(3)), [8, 10]);
  });

  test('items that arrive while a call runs go in the next one, sent at the end of the turn it returned in', async () => {
    const { calls, coalescer, release } = held();
    const first = coalescer.submit('org', 1);
    await endOfTurn();
    const later = [coalescer.submit('org', 2), coalescer.submit('org', 3)];
    await endOfTurn();
    assert.deepEqual(calls, [[1]]);
    release();
    assert.equal(await first, 2);
    // The call returned; one more arrives in the same turn and goes with the two that waited.
    later.push(coalescer.submit('org', 4));
    assert.deepEqual(calls, [[1]]);
    await endOfTurn();
    assert.deepEqual(calls, [[1], [2, 3, 4]]);
    release();
    assert.deepEqual(await Promise.all(later), [4, 6, 8]);
  });

  test('keys do not wait for each other', async () => {
    const { calls, coalescer, release } = held();
    const answers = [coalescer.submit('a', 1), coalescer.submit('b', 2), coalescer.submit('a', 3)];
    await endOfTurn();
    assert.deepEqual(calls, [[1, 3], [2]]);
    release();
    assert.deepEqual(await Promise.all(answers), [2, 4, 6]);
  });

  test('a call that fails fails each of its items with its error; those queued behind it go in the next', async () => {
    const failure = new Error('statement failed');
    let fail = true;
    const calls: number[][] = [];
    const coalescer = new Coalescer<number, number>(async (items) => {
      calls.push(items);
      await endOfTurn();
      if (fail) {
        fail = false;
        throw failure;
      }
      return items;
    }, 16);
    const failed = [coalescer.submit('org', 1), coalescer.submit('org', 2)];
    await endOfTurn();
    const queued = coalescer.submit('org', 3);
    const outcomes = await Promise.allSettled([...failed, queued]);
    assert.deepEqual(outcomes, [
      { status: 'rejected', reason: failure },
      { status: 'rejected', reason: failure },
      { status: 'fulfilled', value: 3 },
    ]);
    assert.deepEqual(calls, [[1, 2], [3]]);
  });
});
