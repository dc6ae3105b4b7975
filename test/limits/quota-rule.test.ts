import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { RedisUsageCounters } from '../../src/limits/redis-usage.js';
import { StoreUsageCounters } from '../../src/limits/store-usage.js';
import { HOUR_MS, MemoryUsageCounters, type Takes, type UsageCounters } from '../../src/limits/usage.js';
import { dropPostgresSchema } from '../../src/store/dialects/postgres.js';
import { migrate, openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { testDatabaseUrl } from '../helpers/harness.js';

/**
 * The quota rule (SPEC §7) is written once per engine, each in the atomic form that engine needs:
 * TypeScript in memory, TypeScript in a SQLite transaction, PL/pgSQL (`chatterbox_take_quota`,
 * migration 004) and Lua in Redis. This one table of cases drives all four, so none can drift.
 */

const REDIS_URL = process.env.CHATTERBOX_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
/** 10:30 UTC: half an hour into its clock hour. */
const NOW = Date.parse('2026-03-02T10:30:00.000Z');
const HOUR_START = NOW - HOUR_MS / 2;
/** Milliseconds from `at` hours after NOW until the hour of NOW + `bucket` hours leaves the 24-hour window. */
const untilBucketLeaves = (bucket: number, at: number) =>
  HOUR_START + (bucket + 24) * HOUR_MS - (NOW + at * HOUR_MS);
const toNextHour = (at: number) => HOUR_MS - ((NOW + at * HOUR_MS - HOUR_START) % HOUR_MS);

interface Step {
  /** Hours after NOW. */
  at?: number;
  org?: string;
  user?: string;
  app?: string;
  daily?: number;
  hourly?: number;
  expect: Takes;
}

const ok = (used: number) => ({ ok: true, used, retryAfterMs: 0 });
const refused = (used: number, retryAfterMs: number) => ({ ok: false, used, retryAfterMs });

const CASES: Record<string, Step[]> = {
  'no limit given: nothing is consulted': [{ expect: {} }],
  'daily: counted up to the limit, then refused until the oldest bucket leaves the window': [
    { daily: 2, expect: { daily: ok(1) } },
    { daily: 2, expect: { daily: ok(2) } },
    { daily: 2, expect: { daily: refused(2, untilBucketLeaves(0, 0)) } },
    { at: 23.4, daily: 2, expect: { daily: refused(2, untilBucketLeaves(0, 23.4)) } },
    { at: 23.5, daily: 2, expect: { daily: ok(1) } },
  ],
  'daily: a rolling window of hourly buckets, the retry waits for just enough of them to leave': [
    { daily: 3, expect: { daily: ok(1) } },
    { at: 5, daily: 3, expect: { daily: ok(2) } },
    { at: 5.2, daily: 3, expect: { daily: ok(3) } },
    { at: 12, daily: 3, expect: { daily: refused(3, untilBucketLeaves(0, 12)) } },
    { at: 12, daily: 2, expect: { daily: refused(3, untilBucketLeaves(5, 12)) } },
    { at: 24, daily: 3, expect: { daily: ok(3) } },
    { at: 24.1, daily: 3, expect: { daily: refused(3, untilBucketLeaves(5, 24.1)) } },
  ],
  'daily: a limit of 0 refuses, and retries at the next hour': [
    { daily: 0, expect: { daily: refused(0, toNextHour(0)) } },
  ],
  'daily: counted per org': [
    { org: 'a', daily: 1, expect: { daily: ok(1) } },
    { org: 'a', daily: 1, expect: { daily: refused(1, untilBucketLeaves(0, 0)) } },
    { org: 'b', daily: 1, expect: { daily: ok(1) } },
  ],
  'hourly: counted up to the limit in the clock hour, then refused until the next one': [
    { hourly: 2, expect: { hourly: ok(1) } },
    { at: 0.25, hourly: 2, expect: { hourly: ok(2) } },
    { at: 0.25, hourly: 2, expect: { hourly: refused(2, toNextHour(0.25)) } },
    { at: 0.5, hourly: 2, expect: { hourly: ok(1) } },
  ],
  'hourly: a limit of 0 refuses until the next hour': [
    { hourly: 0, expect: { hourly: refused(0, toNextHour(0)) } },
  ],
  'hourly: counted per user and connected app': [
    { user: 'u1', app: 'x', hourly: 1, expect: { hourly: ok(1) } },
    { user: 'u1', app: 'x', hourly: 1, expect: { hourly: refused(1, toNextHour(0)) } },
    { user: 'u2', app: 'x', hourly: 1, expect: { hourly: ok(1) } },
    { user: 'u1', app: 'y', hourly: 1, expect: { hourly: ok(1) } },
  ],
  'both: daily first; a daily refusal leaves the hourly quota unconsulted and uncounted': [
    { daily: 2, hourly: 5, expect: { daily: ok(1), hourly: ok(1) } },
    { daily: 2, hourly: 5, expect: { daily: ok(2), hourly: ok(2) } },
    { daily: 2, hourly: 5, expect: { daily: refused(2, untilBucketLeaves(0, 0)) } },
    { daily: 3, hourly: 5, expect: { daily: ok(3), hourly: ok(3) } },
  ],
  'both: an hourly refusal still counts the daily request': [
    { daily: 5, hourly: 1, expect: { daily: ok(1), hourly: ok(1) } },
    { daily: 5, hourly: 1, expect: { daily: ok(2), hourly: refused(1, toNextHour(0)) } },
  ],
};

interface Backend {
  name: string;
  open(): Promise<{ usage: UsageCounters; close(): Promise<void> }>;
}

async function storeBackend(store: Store, close: () => Promise<void>) {
  await migrate(store);
  return { usage: new StoreUsageCounters(store), close };
}

const BACKENDS: Backend[] = [
  {
    name: 'memory (TypeScript)',
    open: async () => ({ usage: new MemoryUsageCounters(), close: async () => {} }),
  },
  {
    name: 'store on SQLite (TypeScript in a transaction)',
    open: async () => {
      const store = await openStore({ sqlitePath: ':memory:', pgSchema: 'public', idInstance: 'Cb' });
      return storeBackend(store, () => store.close());
    },
  },
  {
    name: 'store on PostgreSQL (PL/pgSQL)',
    open: async () => {
      const pgSchema = `cbquota_${process.pid}_${randomBytes(4).toString('hex')}`;
      const store = await openStore({
        sqlitePath: '',
        databaseUrl: testDatabaseUrl,
        pgSchema,
        idInstance: 'Cb',
      });
      return storeBackend(store, async () => {
        await store.close();
        await dropPostgresSchema(testDatabaseUrl, pgSchema);
      });
    },
  },
  {
    name: 'Redis (Lua)',
    open: async () => {
      const redis = new Redis(REDIS_URL);
      const prefix = `cbquota:${process.pid}:${randomBytes(4).toString('hex')}:`;
      const usage = new RedisUsageCounters(redis, prefix);
      return {
        usage,
        close: async () => {
          await usage.clear();
          redis.disconnect();
        },
      };
    },
  },
];

describe('the quota rule: one table of cases, every engine (SPEC §7)', () => {
  for (const backend of BACKENDS) {
    describe(backend.name, () => {
      let opened: Awaited<ReturnType<Backend['open']>>;
      before(async () => {
        opened = await backend.open();
      });
      after(async () => {
        await opened.close();
      });
      for (const [name, steps] of Object.entries(CASES)) {
        test(name, async () => {
          await opened.usage.clear();
          for (const [i, step] of steps.entries()) {
            const takes = await opened.usage.take({
              orgId: `org-${step.org ?? 'a'}`,
              userId: `user-${step.user ?? 'u1'}`,
              appId: `app-${step.app ?? 'x'}`,
              now: NOW + (step.at ?? 0) * HOUR_MS,
              dailyLimit: step.daily,
              hourlyLimit: step.hourly,
            });
            assert.deepEqual(takes, step.expect, `step ${i + 1}`);
          }
        });
      }
    });
  }
});
