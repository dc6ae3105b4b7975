import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CircuitBreaker } from '../../src/dependencies/circuit-breaker.js';
import { DependencyUnavailable } from '../../src/dependencies/dependency-error.js';

const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
const unique = Object.assign(new Error('duplicate key'), { code: '23505' });

function breaker() {
  let now = 0;
  const trips: unknown[] = [];
  const b = new CircuitBreaker('store', { cooldownMs: 1_000, now: () => now, onTrip: (e) => trips.push(e) });
  return { b, trips, advance: (ms: number) => (now += ms) };
}

test('an unreachable dependency opens the breaker: calls fail at once until the cooldown ends', async () => {
  const { b, trips, advance } = breaker();
  await assert.rejects(
    b.run(() => Promise.reject(refused)),
    (e) => e instanceof DependencyUnavailable && e.dependency === 'store' && e.cause === refused,
  );
  assert.deepEqual(trips, [refused]);
  let called = false;
  const call = () => {
    called = true;
    return Promise.resolve('ok');
  };
  await assert.rejects(b.run(call), (e) => e instanceof DependencyUnavailable && e.retryAfterSeconds === 1);
  assert.equal(called, false);
  advance(1_000);
  // The cooldown is over: one call probes, and its success closes the breaker.
  assert.equal(await b.run(call), 'ok');
  assert.equal(b.isOpen, false);
});

test('while a probe is out, other calls still fail fast; a failed probe opens it again', async () => {
  const { b, advance } = breaker();
  await assert.rejects(b.run(() => Promise.reject(refused)));
  advance(1_000);
  let fail: (e: unknown) => void = () => {};
  const probe = b.run(() => new Promise((_, reject) => (fail = reject)));
  await assert.rejects(
    b.run(async () => 'ok'),
    DependencyUnavailable,
  );
  fail(reset);
  await assert.rejects(probe, DependencyUnavailable);
  assert.equal(b.isOpen, true);
  assert.equal(b.trips, 2);
});

test('a broken connection fails its call without opening; an answer of the dependency is its own error', async () => {
  const { b } = breaker();
  await assert.rejects(
    b.run(() => Promise.reject(reset)),
    DependencyUnavailable,
  );
  assert.equal(b.isOpen, false);
  await assert.rejects(
    b.run(() => Promise.reject(unique)),
    (e) => e === unique,
  );
  assert.equal(b.isOpen, false);
  assert.equal(b.trips, 0);
});
