import { sql } from 'kysely';
import type { Db, QuotaTakeBatch, QuotaTakeResult, StoreDialect } from './dialects/dialect.js';

/** Rows of `usage_counters`: a named count that may be dropped after `expires_at` (SPEC §7). */
export class UsageRepository {
  constructor(
    private readonly db: Db,
    private readonly dialect: StoreDialect,
  ) {}

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

  /** Takes `by` off the count of `key`, when it is still there. */
  async decrement(key: string, by: number): Promise<void> {
    await this.db
      .updateTable('usage_counters')
      .set({ count: sql`usage_counters.count - ${by}` })
      .where('key', '=', key)
      .execute();
  }

  /**
   * Adds one (or `by`) when the count stays within `limit`, in one statement (the conflicting row is locked
   * while the condition is checked); undefined when the count had reached the limit.
   */
  async incrementBelow(key: string, limit: number, expiresAt: number, by = 1): Promise<number | undefined> {
    const row = await this.db
      .insertInto('usage_counters')
      .values({ key, count: by, expires_at: expiresAt })
      .onConflict((oc) =>
        oc
          .column('key')
          .doUpdateSet({ count: sql`usage_counters.count + ${by}` })
          .where('usage_counters.count', '<=', limit - by),
      )
      .returning('count')
      .executeTakeFirst();
    return row === undefined ? undefined : Number(row.count);
  }

  /**
   * The quotas of several requests of one org in one round trip, each answered as if counted on
   * its own in that order, where the dialect offers it (decisions 0013, 0037).
   */
  get takeQuotasAtOnce(): ((batch: QuotaTakeBatch) => Promise<QuotaTakeResult[]>) | undefined {
    const take = this.dialect.takeQuotas;
    return take && ((batch) => take(this.db, batch));
  }

  async deleteExpired(now: number): Promise<void> {
    await this.db.deleteFrom('usage_counters').where('expires_at', '<=', now).execute();
  }

  async clear(): Promise<void> {
    await this.db.deleteFrom('usage_counters').execute();
  }
}
