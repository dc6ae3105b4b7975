import type { Redis } from 'ioredis';
import { deleteKeys, escapeGlob } from '../lib/redis-keys.js';
import {
  DAY_HOURS,
  dailyRetryAfterMs,
  HOUR_MS,
  hourOf,
  msToNextHour,
  type Take,
  type UsageCounters,
} from './usage.js';

/**
 * Daily count: one hash per org, field = clock hour, value = requests in that hour. The script
 * drops hours that left the window, sums the rest and counts one more only when the sum is below
 * the limit; Redis runs a script alone, so check and count are one step for every server.
 * Returns {1, total} or {0, total, hour1, count1, hour2, count2, …}.
 */
const TAKE_DAILY = `
local hour = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local all = redis.call('HGETALL', KEYS[1])
local total = 0
local buckets = {}
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
if total >= limit then
  local refused = {0, total}
  for _, v in ipairs(buckets) do table.insert(refused, v) end
  return refused
end
redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
redis.call('PEXPIRE', KEYS[1], ${(DAY_HOURS + 1) * HOUR_MS})
return {1, total + 1}
`;

/** Hourly count: one key per user × app × hour. Returns {1, count} or {0, count}. */
const TAKE_HOURLY = `
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
if count >= tonumber(ARGV[1]) then return {0, count} end
count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return {1, count}
`;

type ScriptRedis = Redis & {
  chatterboxTakeDaily(key: string, hour: number, limit: number): Promise<number[]>;
  chatterboxTakeHourly(key: string, limit: number, ttlMs: number): Promise<number[]>;
};

/** Counters in Redis (--redis-url), shared by every server using the same --redis-prefix. */
export class RedisUsageCounters implements UsageCounters {
  readonly kind = 'redis';
  readonly #redis: ScriptRedis;

  constructor(
    redis: Redis,
    private readonly prefix: string,
  ) {
    redis.defineCommand('chatterboxTakeDaily', { numberOfKeys: 1, lua: TAKE_DAILY });
    redis.defineCommand('chatterboxTakeHourly', { numberOfKeys: 1, lua: TAKE_HOURLY });
    this.#redis = redis as ScriptRedis;
  }

  #dailyKey(orgId: string): string {
    return `${this.prefix}usage:daily:${orgId}`;
  }

  async takeDaily(orgId: string, now: number, limit: number): Promise<Take> {
    const [ok, total, ...rest] = await this.#redis.chatterboxTakeDaily(
      this.#dailyKey(orgId),
      hourOf(now),
      limit,
    );
    if (ok === 1) return { ok: true, used: Number(total), retryAfterMs: 0 };
    const buckets: [number, number][] = [];
    for (let i = 0; i + 1 < rest.length; i += 2) buckets.push([Number(rest[i]), Number(rest[i + 1])]);
    return { ok: false, used: Number(total), retryAfterMs: dailyRetryAfterMs(buckets, limit, now) };
  }

  async dailyUsed(orgId: string, now: number): Promise<number> {
    const hour = hourOf(now);
    const all = await this.#redis.hgetall(this.#dailyKey(orgId));
    let total = 0;
    for (const [h, count] of Object.entries(all)) {
      if (Number(h) > hour - DAY_HOURS && Number(h) <= hour) total += Number(count);
    }
    return total;
  }

  async takeHourly(userId: string, appId: string, now: number, limit: number): Promise<Take> {
    const hour = hourOf(now);
    const key = `${this.prefix}usage:hourly:${userId}:${appId}:${hour}`;
    const [ok, count] = await this.#redis.chatterboxTakeHourly(key, limit, HOUR_MS + 60_000);
    return ok === 1
      ? { ok: true, used: Number(count), retryAfterMs: 0 }
      : { ok: false, used: Number(count), retryAfterMs: msToNextHour(now) };
  }

  async clear(): Promise<void> {
    await deleteKeys(this.#redis, `${escapeGlob(this.prefix)}usage:*`);
  }

  async close(): Promise<void> {}
}
