import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, test } from 'node:test';
import { Redis } from 'ioredis';
import { RedisUsageCounters } from '../../src/limits/redis-usage.js';
import { StoreUsageCounters } from '../../src/limits/store-usage.js';
import { MemoryUsageCounters, type UsageCounters } from '../../src/limits/usage.js';
import { dropPostgresSchema } from '../../src/store/dialects/postgres.js';
import { migrate, openStore } from '../../src/store/open-store.js';
import { testDatabaseUrl, testStore } from './harness.js';

const REDIS_URL = process.env.CHATTERBOX_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * One test per usage backend (memory, the suite's store, Redis), each running `scenario` on fresh
 * counters and expecting the same answer: the backends must never drift (SPEC §7).
 */
export function onEachUsageBackend<T>(
  name: string,
  scenario: (usage: UsageCounters) => Promise<T>,
  expected: T,
): void {
  const cleanups: (() => Promise<void>)[] = [];
  after(async () => {
    for (const cleanup of cleanups) await cleanup();
  });

  test('memory', async () => {
    assert.deepEqual(await scenario(new MemoryUsageCounters()), expected);
  });

  test(`store (${testStore})`, async () => {
    const pgSchema = `cbtest_${name}_${randomBytes(4).toString('hex')}`;
    const store = await openStore({
      sqlitePath: ':memory:',
      databaseUrl: testStore === 'postgres' ? testDatabaseUrl : undefined,
      pgSchema,
      idInstance: 'Cb',
    });
    if (testStore === 'postgres') cleanups.push(() => dropPostgresSchema(testDatabaseUrl, pgSchema));
    await migrate(store);
    assert.deepEqual(await scenario(new StoreUsageCounters(store)), expected);
    await store.close();
  });

  test('Redis', async () => {
    const redis = new Redis(REDIS_URL);
    const usage = new RedisUsageCounters(redis, `cbtest:${randomBytes(4).toString('hex')}:`);
    cleanups.push(async () => {
      await usage.clear();
      await redis.quit();
    });
    assert.deepEqual(await scenario(usage), expected);
  });
}
