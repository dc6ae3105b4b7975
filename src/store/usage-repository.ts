import { sql } from 'kysely';
import type { Db } from './store.js';

/** Rows of `usage_counters`: a named count that may be dropped after `expires_at` (SPEC §7). */
export class UsageRepository {
  constructor(private readonly db: Db) {}

  /**
   * Writes a lock row and so holds it until the transaction ends: PostgreSQL locks the row,
   * SQLite takes the database's write lock. Transactions that start with the same lock run one
   * after the other, across processes.
   */
  async lock(key: string): Promise<void> {
    await this.db
      .insertInto('usage_counters')
      .values({ key, count: 0, expires_at: Number.MAX_SAFE_INTEGER })
      .onConflict((oc) => oc.column('key').doUpdateSet({ count: sql`usage_counters.count` }))
      .execute();
  }

  async counts(keys: readonly string[]): Promise<Map<string, number>> {
    if (keys.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('usage_counters')
      .select(['key', 'count'])
      .where('key', 'in', [...keys])
      .execute();
    return new Map(rows.map((r) => [r.key, Number(r.count)]));
  }

  async increment(key: string, expiresAt: number): Promise<number> {
    const row = await this.db
      .insertInto('usage_counters')
      .values({ key, count: 1, expires_at: expiresAt })
      .onConflict((oc) => oc.column('key').doUpdateSet({ count: sql`usage_counters.count + 1` }))
      .returning('count')
      .executeTakeFirstOrThrow();
    return Number(row.count);
  }

  /**
   * Adds one when the count is below `limit`, in one statement (the conflicting row is locked
   * while the condition is checked); undefined when the count had reached the limit.
   */
  async incrementBelow(key: string, limit: number, expiresAt: number): Promise<number | undefined> {
    const row = await this.db
      .insertInto('usage_counters')
      .values({ key, count: 1, expires_at: expiresAt })
      .onConflict((oc) =>
        oc
          .column('key')
          .doUpdateSet({ count: sql`usage_counters.count + 1` })
          .where('usage_counters.count', '<', limit),
      )
      .returning('count')
      .executeTakeFirst();
    return row === undefined ? undefined : Number(row.count);
  }

  /**
   * PostgreSQL only: both quotas of a request in one statement, through the `chatterbox_take_quota`
   * function (migration 003). The daily count takes a transaction-level advisory lock named by
   * `lock`, sums `daily.keys` (the org's 24 buckets, oldest first) and, below the limit, adds one to
   * the last; then, unless the daily count refused, the hourly count adds one to `hourly.key` when
   * it is below its limit. A refused daily count also returns the count of each of its keys.
   */
  async takeQuotas(request: {
    lock: string;
    daily?: { keys: string[]; limit: number; expiresAt: number } | undefined;
    hourly?: { key: string; limit: number; expiresAt: number } | undefined;
  }): Promise<{
    daily?: { ok: boolean; used: number; counts?: number[] };
    hourly?: { ok: boolean; used: number };
  }> {
    const { lock, daily, hourly } = request;
    const { rows } = await sql<{
      daily_ok: boolean | null;
      daily_used: number | string | null;
      daily_counts: (number | string)[] | null;
      hourly_ok: boolean | null;
      hourly_used: number | string | null;
    }>`select * from chatterbox_take_quota(${lock}, ${daily?.keys ?? null}::text[], ${daily?.limit ?? null}::bigint, ${daily?.expiresAt ?? null}::bigint, ${hourly?.key ?? null}::text, ${hourly?.limit ?? null}::bigint, ${hourly?.expiresAt ?? null}::bigint)`.execute(
      this.db,
    );
    const row = rows[0];
    const result: Awaited<ReturnType<UsageRepository['takeQuotas']>> = {};
    if (row?.daily_ok != null) {
      result.daily = { ok: row.daily_ok, used: Number(row.daily_used) };
      if (row.daily_counts) result.daily.counts = row.daily_counts.map(Number);
    }
    if (row?.hourly_ok != null) result.hourly = { ok: row.hourly_ok, used: Number(row.hourly_used) };
    return result;
  }

  async deleteExpired(now: number): Promise<void> {
    await this.db.deleteFrom('usage_counters').where('expires_at', '<=', now).execute();
  }

  async clear(): Promise<void> {
    await this.db.deleteFrom('usage_counters').execute();
  }
}
