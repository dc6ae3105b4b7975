/**
 * API usage counters (SPEC §7): the org's rolling 24-hour count (hourly buckets) and the hourly
 * Chatter count per user × connected app × clock hour. Every backend offers the same atomic
 * "check and count": a request beyond the limit is refused and not counted, and no request beyond
 * the limit gets through, however many arrive at once (memory: one process; store and Redis: every
 * server sharing them).
 */
export interface UsageCounters {
  readonly kind: 'memory' | 'store' | 'redis';
  /**
   * Both quotas of one request, in one call (one round trip for the shared backends): first the
   * daily one, when `dailyLimit` is given — below the limit, one more request is counted in the
   * current hour; then, unless the daily quota refused, the hourly one, when `hourlyLimit` is given.
   */
  take(request: TakeRequest): Promise<Takes>;
  /**
   * The hourly quota of `n` requests at once (a batch's subrequests, decision 0016): all `n` are
   * counted in the clock hour of `now` when the count plus `n` stays within `limit`, else none.
   * True when they were counted.
   */
  reserveHourly(userId: string, appId: string, now: number, limit: number, n: number): Promise<boolean>;
  /** Takes back `n` requests that reserveHourly counted in the clock hour `hour` and none used. */
  releaseHourly(userId: string, appId: string, hour: number, n: number): Promise<void>;
  dailyUsed(orgId: string, now: number): Promise<number>;
  /** The user × app count of the clock hour of `now` (the console's gauges). */
  hourlyUsed(userId: string, appId: string, now: number): Promise<number>;
  clear(): Promise<void>;
  close(): Promise<void>;
}

export interface TakeRequest {
  orgId: string;
  userId: string;
  appId: string;
  now: number;
  /** The org's daily limit, when the request counts towards the daily quota. */
  dailyLimit?: number | undefined;
  /** The user × app hourly limit, when the request counts towards the hourly quota. */
  hourlyLimit?: number | undefined;
}

/** What each quota said; a quota that was not consulted has no entry. */
export interface Takes {
  daily?: Take;
  hourly?: Take;
}

export interface Take {
  ok: boolean;
  /** The count after this request (or, when refused, as it stands). */
  used: number;
  /** When refused: milliseconds until a request would be accepted again. */
  retryAfterMs: number;
}

export const HOUR_MS = 3_600_000;
export const DAY_HOURS = 24;
export const hourOf = (now: number): number => Math.floor(now / HOUR_MS);
export const msToNextHour = (now: number): number => (hourOf(now) + 1) * HOUR_MS - now;

/** The hours whose buckets make up the rolling 24 hours ending at `hour`. */
export function windowHours(hour: number): number[] {
  return Array.from({ length: DAY_HOURS }, (_, i) => hour - DAY_HOURS + 1 + i);
}

/**
 * A refused daily request may retry once enough of the oldest buckets have left the window for
 * the total to drop below the limit (each bucket leaves 24 hours after its hour began).
 */
export function dailyRetryAfterMs(
  buckets: [hour: number, count: number][],
  limit: number,
  now: number,
): number {
  const sorted = buckets.filter(([, count]) => count > 0).sort((a, b) => a[0] - b[0]);
  let total = sorted.reduce((sum, [, count]) => sum + count, 0);
  for (const [hour, count] of sorted) {
    total -= count;
    if (total < limit) return Math.max(1, (hour + DAY_HOURS) * HOUR_MS - now);
  }
  // A limit of 0 never opens by itself; the next hour is as good an answer as any.
  return msToNextHour(now);
}

/**
 * The daily quota, then — unless it refused — the hourly one, each only when its limit is given:
 * for backends whose two takes are each atomic and cheap on their own.
 */
export async function takeInTurn(
  request: TakeRequest,
  takeDaily: (request: TakeRequest, limit: number) => Take | Promise<Take>,
  takeHourly: (request: TakeRequest, limit: number) => Take | Promise<Take>,
): Promise<Takes> {
  const takes: Takes = {};
  if (request.dailyLimit !== undefined) {
    takes.daily = await takeDaily(request, request.dailyLimit);
    if (!takes.daily.ok) return takes;
  }
  if (request.hourlyLimit !== undefined) takes.hourly = await takeHourly(request, request.hourlyLimit);
  return takes;
}

/**
 * One process's counters, in memory. Check and increment happen with no await in between, so
 * concurrent requests of this process are counted exactly; and no store round trip is spent.
 */
export class MemoryUsageCounters implements UsageCounters {
  readonly kind = 'memory';
  readonly #daily = new Map<string, Map<number, number>>();
  readonly #hourly = new Map<string, { hour: number; count: number }>();

  async take(request: TakeRequest): Promise<Takes> {
    return takeInTurn(
      request,
      (r, limit) => this.#takeDaily(r.orgId, r.now, limit),
      (r, limit) => this.#takeHourly(r.userId, r.appId, r.now, limit),
    );
  }

  #takeDaily(orgId: string, now: number, limit: number): Take {
    const hour = hourOf(now);
    let buckets = this.#daily.get(orgId);
    if (!buckets) {
      buckets = new Map();
      this.#daily.set(orgId, buckets);
    }
    const total = this.#sum(buckets, hour);
    if (total >= limit) {
      const inWindow = [...buckets].filter(([h]) => h <= hour);
      return { ok: false, used: total, retryAfterMs: dailyRetryAfterMs(inWindow, limit, now) };
    }
    buckets.set(hour, (buckets.get(hour) ?? 0) + 1);
    return { ok: true, used: total + 1, retryAfterMs: 0 };
  }

  async reserveHourly(
    userId: string,
    appId: string,
    now: number,
    limit: number,
    n: number,
  ): Promise<boolean> {
    const entry = this.#hourlyEntry(userId, appId, hourOf(now));
    if (entry.count + n > limit) return false;
    entry.count += n;
    return true;
  }

  async releaseHourly(userId: string, appId: string, hour: number, n: number): Promise<void> {
    const entry = this.#hourly.get(`${userId}:${appId}`);
    if (entry?.hour === hour) entry.count = Math.max(0, entry.count - n);
  }

  async dailyUsed(orgId: string, now: number): Promise<number> {
    const buckets = this.#daily.get(orgId);
    return buckets ? this.#sum(buckets, hourOf(now)) : 0;
  }

  async hourlyUsed(userId: string, appId: string, now: number): Promise<number> {
    const entry = this.#hourly.get(`${userId}:${appId}`);
    return entry?.hour === hourOf(now) ? entry.count : 0;
  }

  #sum(buckets: Map<number, number>, hour: number): number {
    let total = 0;
    for (const [h, count] of buckets) {
      // Buckets older than 24 hours are dropped as they are met, so memory stays bounded.
      if (h <= hour - DAY_HOURS) buckets.delete(h);
      else if (h <= hour) total += count;
    }
    return total;
  }

  #hourlyEntry(userId: string, appId: string, hour: number): { hour: number; count: number } {
    const key = `${userId}:${appId}`;
    let entry = this.#hourly.get(key);
    if (!entry || entry.hour !== hour) {
      entry = { hour, count: 0 };
      this.#hourly.set(key, entry);
    }
    return entry;
  }

  #takeHourly(userId: string, appId: string, now: number, limit: number): Take {
    const entry = this.#hourlyEntry(userId, appId, hourOf(now));
    if (entry.count >= limit) return { ok: false, used: entry.count, retryAfterMs: msToNextHour(now) };
    entry.count += 1;
    return { ok: true, used: entry.count, retryAfterMs: 0 };
  }

  async clear(): Promise<void> {
    this.#daily.clear();
    this.#hourly.clear();
  }

  async close(): Promise<void> {}
}
