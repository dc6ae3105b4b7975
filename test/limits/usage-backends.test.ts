import assert from 'node:assert/strict';
import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { after, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { RedisUsageCounters } from '../../src/limits/redis-usage.js';
import { StoreUsageCounters } from '../../src/limits/store-usage.js';
import { MemoryUsageCounters, type UsageCounters } from '../../src/limits/usage.js';
import { dropPostgresSchema } from '../../src/store/dialects/postgres.js';
import { migrate, openStore } from '../../src/store/open-store.js';
import { testDatabaseUrl, testStore } from '../helpers/harness.js';
import { type Accepted, fireTakes, type TakeKind } from '../helpers/usage-takes.js';

const REDIS_URL = process.env.CHATTERBOX_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const PROCESSES = 5;
const N = 7;
const NOW = Date.parse('2026-03-02T10:30:00.000Z');
const KINDS: TakeKind[] = ['hourly', 'daily', 'both'];

/**
 * What 5N concurrent takes at a quota of N must give: exactly N accepted; with both quotas, the
 * hourly one (limit N - 3) consulted only for the N the daily one accepted, and accepting N - 3.
 */
const EXPECTED: Record<TakeKind, Accepted> = {
  hourly: { daily: 0, hourly: N, hourlyConsulted: 5 * N },
  daily: { daily: N, hourly: 0, hourlyConsulted: 0 },
  both: { daily: N, hourly: N - 3, hourlyConsulted: N },
};

/**
 * Starts PROCESSES workers on one backend, lets them all go at once, each firing N takes
 * concurrently (5N in all against a limit of N), and returns how many were accepted in all.
 */
async function acrossProcesses(options: Record<string, unknown>): Promise<Accepted> {
  const workers: ChildProcessByStdio<Writable, Readable, null>[] = [];
  const lines: AsyncIterator<string>[] = [];
  const exits: Promise<unknown>[] = [];
  for (let i = 0; i < PROCESSES; i++) {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'test/helpers/usage-worker.ts',
        JSON.stringify({ ...options, takes: N, limit: N, now: NOW }),
      ],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    workers.push(child);
    exits.push(new Promise((resolve) => child.once('exit', resolve)));
    lines.push(createInterface({ input: child.stdout })[Symbol.asyncIterator]());
  }
  for (const line of lines) assert.equal((await line.next()).value, 'ready');
  for (const child of workers) child.stdin.end('go\n');
  const accepted: Accepted = { daily: 0, hourly: 0, hourlyConsulted: 0 };
  for (const line of lines) {
    const one = JSON.parse((await line.next()).value as string) as Accepted;
    accepted.daily += one.daily;
    accepted.hourly += one.hourly;
    accepted.hourlyConsulted += one.hourlyConsulted;
  }
  await Promise.all(exits);
  return accepted;
}

/** 5N concurrent takes of each kind in this process, the counters cleared before each kind. */
async function inProcess(usage: UsageCounters): Promise<void> {
  for (const kind of KINDS) {
    await usage.clear();
    assert.deepEqual(await fireTakes(usage, kind, 5 * N, N, NOW), EXPECTED[kind], kind);
  }
}

/** The same across PROCESSES processes; `clear` empties the shared counters before each kind. */
async function inProcesses(options: Record<string, unknown>, clear: () => Promise<void>): Promise<void> {
  for (const kind of KINDS) {
    await clear();
    assert.deepEqual(await acrossProcesses({ ...options, kind }), EXPECTED[kind], kind);
  }
}

describe('usage counters are exact under concurrency (SPEC §7)', () => {
  const cleanups: (() => Promise<void>)[] = [];
  after(async () => {
    for (const cleanup of cleanups) await cleanup();
  });

  if (testStore === 'sqlite') {
    test('memory: a quota of N under 5N concurrent takes accepts exactly N', async () => {
      await inProcess(new MemoryUsageCounters());
    });

    test('store on one SQLite file (--workers): 5 processes, 5N takes, exactly N accepted', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'chatterbox-usage-'));
      cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
      const sqlitePath = join(dir, 'usage.db');
      const store = await openStore({ sqlitePath, pgSchema: 'public', idInstance: 'Cb' });
      await migrate(store);
      const usage = new StoreUsageCounters(store);
      await inProcesses({ backend: 'store', sqlitePath }, () => usage.clear());
      await store.close();
    });
  }

  if (testStore === 'postgres') {
    test('store on PostgreSQL: 5 processes, 5N takes, exactly N accepted', async () => {
      const pgSchema = `cbtest_usage_${randomBytes(4).toString('hex')}`;
      const store = await openStore({
        sqlitePath: ':memory:',
        databaseUrl: testDatabaseUrl,
        pgSchema,
        idInstance: 'Cb',
      });
      cleanups.push(() => dropPostgresSchema(testDatabaseUrl, pgSchema));
      await migrate(store);
      const usage = new StoreUsageCounters(store);
      // One process with a pool of connections is concurrent too.
      await inProcess(usage);
      await inProcesses({ backend: 'store', databaseUrl: testDatabaseUrl, pgSchema }, () => usage.clear());
      await store.close();
    });
  }

  test('Redis: 5 processes, 5N takes, exactly N accepted; clear() empties only its prefix', async () => {
    const prefix = `cbtest:${randomBytes(4).toString('hex')}:`;
    const redis = new Redis(REDIS_URL);
    cleanups.push(async () => {
      await redis.quit();
    });
    const usage = new RedisUsageCounters(redis, prefix);
    await inProcess(usage);
    await inProcesses({ backend: 'redis', redisUrl: REDIS_URL, prefix }, () => usage.clear());
    const other = `cbtest:${randomBytes(4).toString('hex')}:`;
    await redis.set(`${other}usage:keep`, '1');
    await usage.clear();
    assert.deepEqual(await redis.keys(`${prefix}*`), []);
    assert.equal(await redis.get(`${other}usage:keep`), '1');
    await redis.del(`${other}usage:keep`);
  });
});
