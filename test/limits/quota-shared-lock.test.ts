import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { sql } from 'kysely';
import { StoreUsageCounters } from '../../src/limits/store-usage.js';
import type { Store } from '../../src/store/store.js';
import { testStore } from '../helpers/harness.js';
import { openTestStore, rawDatabase, type TestStore } from '../helpers/store.js';
import { type Accepted, fireTakes } from '../helpers/usage-takes.js';

const NOW = Date.parse('2026-03-02T10:30:00.000Z');
const POOLS = 3;

/**
 * PostgreSQL counts an org's daily quota under its advisory lock in shared mode while the count is
 * at least max_connections below the limit, and exclusively nearer (decision 0029): a limit of
 * max_connections + 40 has the first ~40 takes go the shared way and the rest the exclusive one.
 */
describe('PostgreSQL quota: shared lock far from the limit, exclusive near it (decision 0029)', () => {
  if (testStore !== 'postgres') return;
  let shared: TestStore | undefined;
  /** The servers of the first test, on one database; the second test reuses two of them. */
  const stores: Store[] = [];
  after(() => shared?.close());

  test('several pools firing at once across the shared and exclusive ways: exactly the limit accepted', async () => {
    shared = await openTestStore();
    const first = shared.store;
    const peers = shared;
    const pools = [first, ...(await Promise.all(Array.from({ length: POOLS - 1 }, () => peers.openPeer())))];
    stores.push(...pools);
    const db = rawDatabase(first);
    const { rows } = await sql<{ max: string }>`select current_setting('max_connections') as max`.execute(db);
    const limit = Number(rows[0]?.max) + 40;
    const perPool = Math.ceil((limit + 60) / POOLS);
    for (const kind of ['daily', 'both'] as const) {
      await new StoreUsageCounters(first).clear();
      const results = await Promise.all(
        pools.map((store) => fireTakes(new StoreUsageCounters(store), kind, perPool, limit, NOW)),
      );
      const sum = results.reduce<Accepted>(
        (total, one) => ({
          daily: total.daily + one.daily,
          hourly: total.hourly + one.hourly,
          hourlyConsulted: total.hourlyConsulted + one.hourlyConsulted,
        }),
        { daily: 0, hourly: 0, hourlyConsulted: 0 },
      );
      assert.deepEqual(
        sum,
        kind === 'daily'
          ? { daily: limit, hourly: 0, hourlyConsulted: 0 }
          : { daily: limit, hourly: limit - 3, hourlyConsulted: limit },
        kind,
      );
    }
  });

  test('a count that came near the limit while waiting for the lock: retry asked, nothing written; unlogged table', async () => {
    const [holder, caller] = stores as [Store, Store];
    await new StoreUsageCounters(holder).clear();
    const hour = Math.floor(NOW / 3_600_000);
    const keys = Array.from({ length: 24 }, (_, i) => `d:00Dx:${hour - 23 + i}`);
    const limit = 1000;
    let call: Promise<unknown> | undefined;
    await rawDatabase(holder)
      .transaction()
      .execute(async (tx) => {
        // Holds the org's lock exclusively, as a take near the limit would.
        await sql`select pg_advisory_xact_lock(hashtextextended(current_schema() || ':d-lock:00Dx', 0))`.execute(
          tx,
        );
        // Far below the limit at its first read: the call waits for the lock in shared mode.
        call = sql<{ daily_ok: boolean | null; retry: boolean }>`select daily_ok, retry from
          chatterbox_take_quota_2(${'d-lock:00Dx'}, ${keys}::text[], ${limit}::bigint,
          ${(hour + 24) * 3_600_000}::bigint, null, null, null, false)`.execute(rawDatabase(caller));
        // Until the call waits for this lock: a fixed pause lost the race on a loaded machine, where
        // the call could first read after the commit below and so never meet the lock.
        for (let waited = 0; ; waited += 20) {
          const { rows } = await sql<{ waiting: number }>`select count(*)::int as waiting from pg_locks
            where locktype = 'advisory' and not granted and pg_backend_pid() = any(pg_blocking_pids(pid))`.execute(
            tx,
          );
          if (rows[0]?.waiting === 1) break;
          assert.ok(waited < 60_000, 'the call never waited for the lock');
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        // Meanwhile the count comes within max_connections of the limit.
        await sql`insert into usage_counters (key, count, expires_at)
          values (${keys[23]}, ${limit} - current_setting('max_connections')::bigint + 1, 0)`.execute(tx);
      });
    const result = (await call) as { rows: unknown[] };
    assert.deepEqual(result.rows, [{ daily_ok: null, retry: true }]);
    const db = rawDatabase(holder);
    const counts = await sql<{
      count: string;
    }>`select count from usage_counters where key = ${keys[23]}`.execute(db);
    const { rows } = await sql<{ max: string }>`select current_setting('max_connections') as max`.execute(db);
    assert.deepEqual(counts.rows, [{ count: limit - Number(rows[0]?.max) + 1 }]);
    const persistence = await sql<{ relpersistence: string }>`select relpersistence from pg_class
      where oid = to_regclass(current_schema() || '.usage_counters')`.execute(db);
    assert.deepEqual(persistence.rows, [{ relpersistence: 'u' }]);
  });
});
