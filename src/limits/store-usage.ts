import type { Store } from '../store/store.js';
import { UsageRepository } from '../store/usage-repository.js';
import {
  DAY_HOURS,
  dailyRetryAfterMs,
  HOUR_MS,
  hourOf,
  msToNextHour,
  type Take,
  type UsageCounters,
  windowHours,
} from './usage.js';

const dailyKey = (orgId: string, hour: number) => `d:${orgId}:${hour}`;
const hourlyKey = (userId: string, appId: string, hour: number) => `h:${userId}:${appId}:${hour}`;

/**
 * Counters in the store's `usage_counters` table, for servers that share a database without Redis
 * (PostgreSQL, or SQLite with --workers). The hourly count is one conditional upsert; the daily
 * count sums 24 hourly buckets, so it runs in a transaction that first takes the org's lock row:
 * concurrent requests of one org, on any server, are counted one after the other.
 */
export class StoreUsageCounters implements UsageCounters {
  readonly kind = 'store';
  #sweptHour = -1;

  constructor(private readonly store: Store) {}

  async takeDaily(orgId: string, now: number, limit: number): Promise<Take> {
    const hour = hourOf(now);
    await this.#sweep(now, hour);
    return this.store.transaction(async (tx) => {
      const usage = new UsageRepository(tx.db);
      await usage.lock(`d-lock:${orgId}`);
      const hours = windowHours(hour);
      const counts = await usage.counts(hours.map((h) => dailyKey(orgId, h)));
      const buckets = hours.map((h): [number, number] => [h, counts.get(dailyKey(orgId, h)) ?? 0]);
      const total = buckets.reduce((sum, [, count]) => sum + count, 0);
      if (total >= limit)
        return { ok: false, used: total, retryAfterMs: dailyRetryAfterMs(buckets, limit, now) };
      await usage.increment(dailyKey(orgId, hour), (hour + DAY_HOURS) * HOUR_MS);
      return { ok: true, used: total + 1, retryAfterMs: 0 };
    });
  }

  async dailyUsed(orgId: string, now: number): Promise<number> {
    const keys = windowHours(hourOf(now)).map((h) => dailyKey(orgId, h));
    const counts = await new UsageRepository(this.store.db).counts(keys);
    let total = 0;
    for (const count of counts.values()) total += count;
    return total;
  }

  async takeHourly(userId: string, appId: string, now: number, limit: number): Promise<Take> {
    const hour = hourOf(now);
    const refused = { ok: false, used: limit, retryAfterMs: msToNextHour(now) };
    if (limit <= 0) return refused;
    const count = await new UsageRepository(this.store.db).incrementBelow(
      hourlyKey(userId, appId, hour),
      limit,
      (hour + 1) * HOUR_MS,
    );
    return count === undefined ? refused : { ok: true, used: count, retryAfterMs: 0 };
  }

  /** Drops buckets that have left every window, once per clock hour and process. */
  async #sweep(now: number, hour: number): Promise<void> {
    if (hour === this.#sweptHour) return;
    this.#sweptHour = hour;
    await new UsageRepository(this.store.db).deleteExpired(now - DAY_HOURS * HOUR_MS);
  }

  async clear(): Promise<void> {
    this.#sweptHour = -1;
    await new UsageRepository(this.store.db).clear();
  }

  async close(): Promise<void> {}
}
