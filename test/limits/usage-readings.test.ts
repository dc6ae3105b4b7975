import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { RedisUsageCounters } from '../../src/limits/redis-usage.js';
import { StoreUsageCounters } from '../../src/limits/store-usage.js';
import { HOUR_MS, MemoryUsageCounters, type UsageCounters } from '../../src/limits/usage.js';
import { dropPostgresSchema } from '../../src/store/dialects/postgres.js';
import { migrate, openStore } from '../../src/store/open-store.js';
import { testDatabaseUrl, testStore } from '../helpers/harness.js';

const REDIS_URL = process.env.CHATTERBOX_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const NOW = Date.parse('2026-03-02T10:30:00.000Z');

/** Three hourly and two daily takes, then what each reading says now and an hour later. */
async function readings(usage: UsageCounters) {
  const take = (userId: string, appId: string, hourlyLimit?: number) =>
    usage.take({ orgId: 'org1', userId, appId, now: NOW, dailyLimit: 100, hourlyLimit });
  await take('u1', 'a1', 10);
  await take('u1', 'a1', 10);
  await take('u1', 'a1', 10);
  await take('u1', 'a2');
  await take('u2', 'a1', 10);
  return {
    now: [
      await usage.hourlyUsed('u1', 'a1', NOW),
      await usage.hourlyUsed('u1', 'a2', NOW),
      await usage.hourlyUsed('u2', 'a1', NOW),
      await usage.dailyUsed('org1', NOW),
    ],
    nextHour: [
      await usage.hourlyUsed('u1', 'a1', NOW + HOUR_MS),
      await usage.dailyUsed('org1', NOW + HOUR_MS),
    ],
  };
}

const EXPECTED = { now: [3, 0, 1, 5], nextHour: [0, 5] };

describe('usage counters read back (the console gauges)', () => {
  const cleanups: (() => Promise<void>)[] = [];
  after(async () => {
    for (const cleanup of cleanups) await cleanup();
  });

  test('memory', async () => {
    assert.deepEqual(await readings(new MemoryUsageCounters()), EXPECTED);
  });

  test(`store (${testStore})`, async () => {
    const pgSchema = `cbtest_readings_${randomBytes(4).toString('hex')}`;
    const store = await openStore({
      sqlitePath: ':memory:',
      databaseUrl: testStore === 'postgres' ? testDatabaseUrl : undefined,
      pgSchema,
      idInstance: 'Cb',
    });
    if (testStore === 'postgres') cleanups.push(() => dropPostgresSchema(testDatabaseUrl, pgSchema));
    await migrate(store);
    assert.deepEqual(await readings(new StoreUsageCounters(store)), EXPECTED);
    await store.close();
  });

  test('Redis', async () => {
    const redis = new Redis(REDIS_URL);
    const usage = new RedisUsageCounters(redis, `cbtest:${randomBytes(4).toString('hex')}:`);
    cleanups.push(async () => {
      await usage.clear();
      await redis.quit();
    });
    assert.deepEqual(await readings(usage), EXPECTED);
  });
});
