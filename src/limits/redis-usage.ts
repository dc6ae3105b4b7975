import type { Redis } from 'ioredis';
import { CircuitBreaker } from '../dependencies/circuit-breaker.js';
import { deleteKeys, escapeGlob } from '../lib/redis-keys.js';
import {
  DAY_HOURS,
  dailyRetryAfterMs,
  HOUR_MS,
  hourOf,
  msToNextHour,
  type TakeRequest,
  type Takes,
  type UsageCounters,
} from './usage.js';

/**
 * Both quotas of a request in one script, so one round trip; Redis runs a script alone, so every
 * check and its count are one step for every server.
 *
 * Daily (when ARGV[2] is not empty): KEYS[1] is one hash per org, field = clock hour, value =
 * requests in that hour. The script drops hours that left the window, sums the rest and counts one
 * more only when the sum is below the limit ARGV[2]. Hourly (when ARGV[3] is not empty, and unless
 * the daily count refused): KEYS[2] is one key per user × app × hour, counted below the limit
 * ARGV[3], expiring after ARGV[4] ms.
 *
 * Returns {daily, dailyTotal, hourly, hourlyCount, hour1, count1, hour2, count2, …}: daily and
 * hourly are 1 (counted), 0 (refused) or -1 (not consulted); the hours and counts of the window
 * follow only when the daily count refused.
 */
const TAKE = `
local hour = tonumber(ARGV[1])
local daily, total, hourly, count = -1, 0, -1, 0
local buckets = {}
if ARGV[2] ~= '' then
  local all = redis.call('HGETALL', KEYS[1])
  for i = 1, #all, 2 do
    local h = tonumber(all[i])
    local c = tonumber(all[i + 1])
    if h <= hour - ${DAY_HOURS} then
      redis.call('HDEL', KEYS[1], all[i])
    elseif h <= hour then
      total = total + c
      table.insert(buckets, h)
      table.insert(buckets, c)
    end
  end
  if total >= tonumber(ARGV[2]) then
    local refused = {0, total, -1, 0}
    for _, v in ipairs(buckets) do table.insert(refused, v) end
    return refused
  end
  redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
  redis.call('PEXPIRE', KEYS[1], ${(DAY_HOURS + 1) * HOUR_MS})
  daily, total = 1, total + 1
end
if ARGV[3] ~= '' then
  count = tonumber(redis.call('GET', KEYS[2]) or '0')
  if count >= tonumber(ARGV[3]) then
    hourly = 0
  else
    count = redis.call('INCR', KEYS[2])
    if count == 1 then redis.call('PEXPIRE', KEYS[2], ARGV[4]) end
    hourly = 1
  end
end
return {daily, total, hourly, count}
`;

/** KEYS[1] the user × app × hour key: ARGV[1] more when the count stays within ARGV[2]; 1 or 0. */
const RESERVE = `
local n = tonumber(ARGV[1])
if tonumber(redis.call('GET', KEYS[1]) or '0') + n > tonumber(ARGV[2]) then return 0 end
if redis.call('INCRBY', KEYS[1], n) == n then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
return 1
`;

/** KEYS[1] the user × app × hour key: ARGV[1] fewer, when the key is still there. */
const RELEASE = `
if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('DECRBY', KEYS[1], ARGV[1]) end
return 1
`;

type ScriptRedis = Redis & {
  chatterboxReserve(hourlyKey: string, n: number, limit: number, ttlMs: number): Promise<number>;
  chatterboxRelease(hourlyKey: string, n: number): Promise<number>;
  chatterboxTake(
    dailyKey: string,
    hourlyKey: string,
    hour: number,
    dailyLimit: number | '',
    hourlyLimit: number | '',
    hourlyTtlMs: number,
  ): Promise<number[]>;
};

/** Counters in Redis (--redis-url), shared by every server using the same --redis-prefix. */
export class RedisUsageCounters implements UsageCounters {
  readonly kind = 'redis';
  readonly #redis: ScriptRedis;

  constructor(
    redis: Redis,
    private readonly prefix: string,
    /** Fails fast while Redis is known down (decision 0021): a 503 at once, not a wait per request. */
    private readonly breaker = new CircuitBreaker('redis'),
  ) {
    redis.defineCommand('chatterboxTake', { numberOfKeys: 2, lua: TAKE });
    redis.defineCommand('chatterboxReserve', { numberOfKeys: 1, lua: RESERVE });
    redis.defineCommand('chatterboxRelease', { numberOfKeys: 1, lua: RELEASE });
    this.#redis = redis as ScriptRedis;
  }

  #dailyKey(orgId: string): string {
    return `${this.prefix}usage:daily:${orgId}`;
  }

  async take(request: TakeRequest): Promise<Takes> {
    const { orgId, userId, appId, now, dailyLimit, hourlyLimit } = request;
    if (dailyLimit === undefined && hourlyLimit === undefined) return {};
    const hour = hourOf(now);
    const [daily, total, hourly, count, ...rest] = await this.breaker.run(() =>
      this.#redis.chatterboxTake(
        this.#dailyKey(orgId),
        this.#hourlyKey(userId, appId, hour),
        hour,
        dailyLimit ?? '',
        hourlyLimit ?? '',
        HOUR_MS + 60_000,
      ),
    );
    const takes: Takes = {};
    if (daily === 1) takes.daily = { ok: true, used: Number(total), retryAfterMs: 0 };
    if (daily === 0) {
      const buckets: [number, number][] = [];
      for (let i = 0; i + 1 < rest.length; i += 2) buckets.push([Number(rest[i]), Number(rest[i + 1])]);
      const retryAfterMs = dailyRetryAfterMs(buckets, dailyLimit as number, now);
      takes.daily = { ok: false, used: Number(total), retryAfterMs };
    }
    if (hourly === 1) takes.hourly = { ok: true, used: Number(count), retryAfterMs: 0 };
    if (hourly === 0) takes.hourly = { ok: false, used: Number(count), retryAfterMs: msToNextHour(now) };
    return takes;
  }

  async reserveHourly(
    userId: string,
    appId: string,
    now: number,
    limit: number,
    n: number,
  ): Promise<boolean> {
    const key = this.#hourlyKey(userId, appId, hourOf(now));
    const ttl = HOUR_MS + 60_000;
    return (await this.breaker.run(() => this.#redis.chatterboxReserve(key, n, limit, ttl))) === 1;
  }

  async releaseHourly(userId: string, appId: string, hour: number, n: number): Promise<void> {
    const key = this.#hourlyKey(userId, appId, hour);
    await this.breaker.run(() => this.#redis.chatterboxRelease(key, n));
  }

  async dailyUsed(orgId: string, now: number): Promise<number> {
    const hour = hourOf(now);
    const all = await this.breaker.run(() => this.#redis.hgetall(this.#dailyKey(orgId)));
    let total = 0;
    for (const [h, count] of Object.entries(all)) {
      if (Number(h) > hour - DAY_HOURS && Number(h) <= hour) total += Number(count);
    }
    return total;
  }

  async hourlyUsed(userId: string, appId: string, now: number): Promise<number> {
    return Number(
      (await this.breaker.run(() => this.#redis.get(this.#hourlyKey(userId, appId, hourOf(now))))) ?? 0,
    );
  }

  #hourlyKey(userId: string, appId: string, hour: number): string {
    return `${this.prefix}usage:hourly:${userId}:${appId}:${hour}`;
  }

  async clear(): Promise<void> {
    await this.breaker.run(() => deleteKeys(this.#redis, `${escapeGlob(this.prefix)}usage:*`));
  }

  async close(): Promise<void> {}
}
