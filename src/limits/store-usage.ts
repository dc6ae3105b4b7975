import { Coalescer } from '../lib/coalescer.js';
import { MAX_TAKES_PER_CALL } from '../store/dialects/dialect.js';
import type { Store } from '../store/store.js';
import type { UsageRepository } from '../store/usage-repository.js';
import {
  DAY_HOURS,
  dailyRetryAfterMs,
  HOUR_MS,
  hourOf,
  msToNextHour,
  type Take,
  type TakeRequest,
  type Takes,
  takeInTurn,
  type UsageCounters,
  windowHours,
} from './usage.js';

/** A take waiting for its org's statement (decision 0037). */
interface QueuedTake {
  request: TakeRequest;
  hour: number;
}

const dailyKey = (orgId: string, hour: number) => `d:${orgId}:${hour}`;
const hourlyKey = (userId: string, appId: string, hour: number) => `h:${userId}:${appId}:${hour}`;
const dailyLock = (orgId: string) => `d-lock:${orgId}`;

/**
 * Counters in the store's `usage_counters` table, for servers that share a database without Redis
 * (PostgreSQL, or SQLite with --workers). The hourly count is one conditional upsert; the daily
 * count sums 24 hourly buckets, so it first takes a lock of the org: concurrent requests of one
 * org, on any server, are counted one after the other.
 *
 * Where the dialect offers it (PostgreSQL's `chatterbox_take_quotas`, migration 019), one statement
 * does both counts, so a request costs at most one round trip (decision 0013); takes of one org
 * that arrive in one turn of the event loop, or while that org's statement runs, go together in
 * one statement, so a busy server sends fewer statements than requests (group commit, decisions
 * 0037 and 0042). Elsewhere (SQLite): one local transaction that starts by writing the org's lock
 * row (the database's write lock).
 */
export class StoreUsageCounters implements UsageCounters {
  readonly kind = 'store';
  #sweptHour = -1;
  readonly #coalescer = new Coalescer<QueuedTake, Takes>((queued) => {
    const takeQuotas = this.store.usage.takeQuotasAtOnce;
    if (!takeQuotas) throw new Error('The store counts quotas in a transaction');
    return this.#takeBatch(takeQuotas, queued);
  }, MAX_TAKES_PER_CALL);

  constructor(private readonly store: Store) {}

  async take(request: TakeRequest): Promise<Takes> {
    const { now, dailyLimit, hourlyLimit } = request;
    if (dailyLimit === undefined && hourlyLimit === undefined) return {};
    const hour = hourOf(now);
    await this.#sweep(now, hour);
    if (this.store.usage.takeQuotasAtOnce) return this.#takeAtOnce(request, hour);
    return this.store.transaction(async (tx) => {
      const usage = tx.usage;
      return takeInTurn(
        request,
        (r, limit) => this.#takeDaily(usage, r.orgId, now, hour, limit),
        (r, limit) => this.#takeHourly(usage, r.userId, r.appId, now, hour, limit),
      );
    });
  }

  /**
   * The request's takes in one statement with whatever other takes of its org and hour arrived in
   * its turn or queued while the previous statement for them ran (decisions 0037, 0042); each
   * gets its own answer.
   */
  #takeAtOnce(request: TakeRequest, hour: number): Promise<Takes> {
    return this.#coalescer.submit(`${request.orgId}:${hour}`, { request, hour });
  }

  async #takeBatch(
    takeQuotas: NonNullable<UsageRepository['takeQuotasAtOnce']>,
    queued: QueuedTake[],
  ): Promise<Takes[]> {
    const { request: first, hour } = queued[0] as QueuedTake;
    const hours = windowHours(hour);
    const results = await takeQuotas({
      lock: dailyLock(first.orgId),
      dailyKeys: hours.map((h) => dailyKey(first.orgId, h)),
      dailyExpiresAt: (hour + DAY_HOURS) * HOUR_MS,
      hourlyExpiresAt: (hour + 1) * HOUR_MS,
      takes: queued.map(({ request }) => ({
        dailyLimit: request.dailyLimit,
        hourly:
          request.hourlyLimit === undefined
            ? undefined
            : { key: hourlyKey(request.userId, request.appId, hour), limit: request.hourlyLimit },
      })),
    });
    return queued.map(({ request }, i) => {
      const result = results[i] ?? {};
      const takes: Takes = {};
      if (result.daily) {
        const { ok, used, counts } = result.daily;
        const buckets = hours.map((h, j): [number, number] => [h, counts?.[j] ?? 0]);
        takes.daily = {
          ok,
          used,
          retryAfterMs: ok ? 0 : dailyRetryAfterMs(buckets, request.dailyLimit as number, request.now),
        };
      }
      if (result.hourly) {
        const { ok, used } = result.hourly;
        takes.hourly = { ok, used, retryAfterMs: ok ? 0 : msToNextHour(request.now) };
      }
      return takes;
    });
  }

  /** Inside the transaction: the lock row first, so the org's requests are counted in turn. */
  async #takeDaily(
    usage: UsageRepository,
    orgId: string,
    now: number,
    hour: number,
    limit: number,
  ): Promise<Take> {
    await usage.lock(dailyLock(orgId));
    const hours = windowHours(hour);
    const counts = await usage.counts(hours.map((h) => dailyKey(orgId, h)));
    const buckets = hours.map((h): [number, number] => [h, counts.get(dailyKey(orgId, h)) ?? 0]);
    const total = buckets.reduce((sum, [, count]) => sum + count, 0);
    if (total >= limit)
      return { ok: false, used: total, retryAfterMs: dailyRetryAfterMs(buckets, limit, now) };
    await usage.increment(dailyKey(orgId, hour), (hour + DAY_HOURS) * HOUR_MS);
    return { ok: true, used: total + 1, retryAfterMs: 0 };
  }

  async #takeHourly(
    usage: UsageRepository,
    userId: string,
    appId: string,
    now: number,
    hour: number,
    limit: number,
  ): Promise<Take> {
    const refused = { ok: false, used: limit, retryAfterMs: msToNextHour(now) };
    if (limit <= 0) return refused;
    const count = await usage.incrementBelow(hourlyKey(userId, appId, hour), limit, (hour + 1) * HOUR_MS);
    return count === undefined ? refused : { ok: true, used: count, retryAfterMs: 0 };
  }

  async reserveHourly(
    userId: string,
    appId: string,
    now: number,
    limit: number,
    n: number,
  ): Promise<boolean> {
    if (n > limit) return false;
    const hour = hourOf(now);
    await this.#sweep(now, hour);
    const key = hourlyKey(userId, appId, hour);
    return (await this.store.usage.incrementBelow(key, limit, (hour + 1) * HOUR_MS, n)) !== undefined;
  }

  async releaseHourly(userId: string, appId: string, hour: number, n: number): Promise<void> {
    await this.store.usage.decrement(hourlyKey(userId, appId, hour), n);
  }

  async dailyUsed(orgId: string, now: number): Promise<number> {
    const keys = windowHours(hourOf(now)).map((h) => dailyKey(orgId, h));
    const counts = await this.store.usage.counts(keys);
    let total = 0;
    for (const count of counts.values()) total += count;
    return total;
  }

  async hourlyUsed(userId: string, appId: string, now: number): Promise<number> {
    const key = hourlyKey(userId, appId, hourOf(now));
    return (await this.store.usage.counts([key])).get(key) ?? 0;
  }

  /** Drops buckets that have left every window, once per clock hour and process. */
  async #sweep(now: number, hour: number): Promise<void> {
    if (hour === this.#sweptHour) return;
    this.#sweptHour = hour;
    await this.store.usage.deleteExpired(now - DAY_HOURS * HOUR_MS);
  }

  async clear(): Promise<void> {
    this.#sweptHour = -1;
    await this.store.usage.clear();
  }

  async close(): Promise<void> {}
}
