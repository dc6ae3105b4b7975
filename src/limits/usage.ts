/**
 * API usage counters (SPEC §7): the org's rolling 24-hour count (hourly buckets) and the hourly
 * Chatter count per user × connected app × clock hour. This in-memory implementation serves one
 * process; servers that share a database share counters through the same interface.
 */
export interface UsageCounters {
  /** Adds one to the org's current hourly bucket; returns the 24-hour total after the increment. */
  countDaily(orgId: string, now: number): Promise<number>;
  dailyUsed(orgId: string, now: number): Promise<number>;
  countHourly(userId: string, appId: string, now: number): Promise<number>;
  hourlyUsed(userId: string, appId: string, now: number): Promise<number>;
  clear(): Promise<void>;
}

const HOUR_MS = 3_600_000;
export const hourOf = (now: number): number => Math.floor(now / HOUR_MS);
export const msToNextHour = (now: number): number => (hourOf(now) + 1) * HOUR_MS - now;

export class MemoryUsageCounters implements UsageCounters {
  readonly #daily = new Map<string, Map<number, number>>();
  readonly #hourly = new Map<string, { hour: number; count: number }>();

  async countDaily(orgId: string, now: number): Promise<number> {
    const hour = hourOf(now);
    let buckets = this.#daily.get(orgId);
    if (!buckets) {
      buckets = new Map();
      this.#daily.set(orgId, buckets);
    }
    buckets.set(hour, (buckets.get(hour) ?? 0) + 1);
    return this.#sum(buckets, hour);
  }

  async dailyUsed(orgId: string, now: number): Promise<number> {
    const buckets = this.#daily.get(orgId);
    return buckets ? this.#sum(buckets, hourOf(now)) : 0;
  }

  #sum(buckets: Map<number, number>, hour: number): number {
    let total = 0;
    for (const [h, count] of buckets) {
      // Buckets older than 24 hours are dropped as they are met, so memory stays bounded.
      if (h <= hour - 24) buckets.delete(h);
      else if (h <= hour) total += count;
    }
    return total;
  }

  async countHourly(userId: string, appId: string, now: number): Promise<number> {
    const key = `${userId}:${appId}`;
    const hour = hourOf(now);
    const entry = this.#hourly.get(key);
    if (!entry || entry.hour !== hour) {
      this.#hourly.set(key, { hour, count: 1 });
      return 1;
    }
    entry.count += 1;
    return entry.count;
  }

  async hourlyUsed(userId: string, appId: string, now: number): Promise<number> {
    const entry = this.#hourly.get(`${userId}:${appId}`);
    return entry && entry.hour === hourOf(now) ? entry.count : 0;
  }

  async clear(): Promise<void> {
    this.#daily.clear();
    this.#hourly.clear();
  }
}
