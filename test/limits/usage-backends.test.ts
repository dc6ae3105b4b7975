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

const REDIS_URL = process.env.CHATTERBOX_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const PROCESSES = 5;
const N = 7;
const NOW = Date.parse('2026-03-02T10:30:00.000Z');

/**
 * Starts PROCESSES workers on one backend, lets them all go at once, each firing N takes
 * concurrently (5N in all against a limit of N), and returns how many were accepted in all.
 */
async function acrossProcesses(options: Record<string, unknown>): Promise<number> {
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
  let accepted = 0;
  for (const line of lines) accepted += Number((await line.next()).value);
  await Promise.all(exits);
  return accepted;
}

async function inProcess(usage: UsageCounters, kind: 'hourly' | 'daily'): Promise<number> {
  const takes = await Promise.all(
    Array.from({ length: 5 * N }, () =>
      kind === 'hourly' ? usage.takeHourly('005A', '0HA', NOW, N) : usage.takeDaily('00DA', NOW, N),
    ),
  );
  return takes.filter((t) => t.ok).length;
}

describe('usage counters are exact under concurrency (SPEC §7)', () => {
  const cleanups: (() => Promise<void>)[] = [];
  after(async () => {
    for (const cleanup of cleanups) await cleanup();
  });

  if (testStore === 'sqlite') {
    test('memory: a quota of N under 5N concurrent takes accepts exactly N', async () => {
      assert.equal(await inProcess(new MemoryUsageCounters(), 'hourly'), N);
      assert.equal(await inProcess(new MemoryUsageCounters(), 'daily'), N);
    });

    test('store on one SQLite file (--workers): 5 processes, 5N takes, exactly N accepted', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'chatterbox-usage-'));
      cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
      const sqlitePath = join(dir, 'usage.db');
      const store = await openStore({ sqlitePath, pgSchema: 'public', idInstance: 'Cb' });
      await migrate(store);
      await store.close();
      for (const kind of ['hourly', 'daily']) {
        assert.equal(await acrossProcesses({ backend: 'store', sqlitePath, kind }), N, kind);
      }
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
      // One process with a pool of connections is concurrent too.
      assert.equal(await inProcess(new StoreUsageCounters(store), 'hourly'), N);
      assert.equal(await inProcess(new StoreUsageCounters(store), 'daily'), N);
      await new StoreUsageCounters(store).clear();
      await store.close();
      for (const kind of ['hourly', 'daily']) {
        assert.equal(
          await acrossProcesses({ backend: 'store', databaseUrl: testDatabaseUrl, pgSchema, kind }),
          N,
          kind,
        );
      }
    });
  }

  test('Redis: 5 processes, 5N takes, exactly N accepted; clear() empties only its prefix', async () => {
    const prefix = `cbtest:${randomBytes(4).toString('hex')}:`;
    const redis = new Redis(REDIS_URL);
    cleanups.push(async () => {
      await redis.quit();
    });
    const usage = new RedisUsageCounters(redis, prefix);
    assert.equal(await inProcess(usage, 'hourly'), N);
    assert.equal(await inProcess(usage, 'daily'), N);
    await usage.clear();
    for (const kind of ['hourly', 'daily']) {
      assert.equal(await acrossProcesses({ backend: 'redis', redisUrl: REDIS_URL, prefix, kind }), N, kind);
    }
    const other = `cbtest:${randomBytes(4).toString('hex')}:`;
    await redis.set(`${other}usage:keep`, '1');
    await usage.clear();
    assert.deepEqual(await redis.keys(`${prefix}*`), []);
    assert.equal(await redis.get(`${other}usage:keep`), '1');
    await redis.del(`${other}usage:keep`);
  });
});
