import assert from 'node:assert/strict';
import { randomBytes, scryptSync } from 'node:crypto';
import { test } from 'node:test';
import { runInNewContext } from 'node:vm';
import { scryptThreadsStarted, stopScryptThread } from '../../src/auth/scrypt-thread.js';
import { hashPassword, scryptCount, verifyPassword } from '../../src/auth/secrets.js';

/** A hash in the stored format made the way every stored one was, before the thread existed. */
function storedBefore(password: string): string {
  const salt = randomBytes(16);
  return `scrypt$${salt.toString('base64')}$${scryptSync(password, salt, 32).toString('base64')}`;
}

test('passwords hashed before the scrypt thread still verify, and only with the right password', async () => {
  const stored = storedBefore('demo-password-1');
  assert.equal(await verifyPassword('demo-password-1', stored), true);
  assert.equal(await verifyPassword('demo-password-2', stored), false);
});

test('a burst of logins runs on one scrypt thread, one scrypt at a time, each with its own answer', async () => {
  const threads = scryptThreadsStarted();
  const counted = scryptCount();
  const passwords = Array.from({ length: 6 }, (_, i) => `password-${i}`);
  const hashes = await Promise.all(passwords.map((p) => hashPassword(p)));
  const checks = await Promise.all([
    ...passwords.map((p, i) => verifyPassword(p, hashes[i] as string)),
    ...passwords.map((p, i) => verifyPassword(p, hashes[(i + 1) % 6] as string)),
  ]);
  assert.deepEqual(checks, [...passwords.map(() => true), ...passwords.map(() => false)]);
  assert.equal(scryptCount() - counted, 18);
  // At most one thread (none new when an earlier test started it): never more than one scrypt at once.
  assert.equal(scryptThreadsStarted(), Math.max(threads, 1));
});

test('a scrypt whose thread ends still answers, and the next one starts a new thread', async () => {
  const stored = storedBefore('secret-1');
  await verifyPassword('secret-1', stored);
  const threads = scryptThreadsStarted();
  const pending = [verifyPassword('secret-1', stored), verifyPassword('secret-2', stored)];
  await stopScryptThread();
  assert.deepEqual(await Promise.all(pending), [true, false]);
  assert.equal(await verifyPassword('secret-1', stored), true);
  assert.equal(scryptThreadsStarted(), threads + 1);
});

test('the scrypt thread keeps gc to itself: contexts made after it started have none', async () => {
  await stopScryptThread();
  const stored = storedBefore('secret-3');
  assert.equal(await verifyPassword('secret-3', stored), true);
  assert.equal(runInNewContext('typeof gc'), 'undefined');
  assert.equal(await verifyPassword('secret-4', stored), false);
});
