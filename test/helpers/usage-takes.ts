import type { UsageCounters } from '../../src/limits/usage.js';

/**
 * What the concurrent quota tests count against: the hourly quota alone, the daily one alone, or
 * both in one take (the daily limit, and an hourly limit 3 lower).
 */
export type TakeKind = 'hourly' | 'daily' | 'both';

export interface Accepted {
  /** Takes the daily quota accepted. */
  daily: number;
  /** Takes the hourly quota accepted. */
  hourly: number;
  /** Takes the hourly quota was consulted for (it is not after a daily refusal). */
  hourlyConsulted: number;
}

/** Fires `count` takes at once, one org, user and app; returns how many each quota accepted. */
export async function fireTakes(
  usage: UsageCounters,
  kind: TakeKind,
  count: number,
  limit: number,
  now: number,
): Promise<Accepted> {
  const takes = await Promise.all(
    Array.from({ length: count }, () =>
      usage.take({
        orgId: '00DCb0000000001IAA',
        userId: '005Cb0000000003IAA',
        appId: '0HCb0000000001AAA',
        now,
        dailyLimit: kind === 'hourly' ? undefined : limit,
        hourlyLimit: kind === 'daily' ? undefined : kind === 'both' ? limit - 3 : limit,
      }),
    ),
  );
  return {
    daily: takes.filter((t) => t.daily?.ok).length,
    hourly: takes.filter((t) => t.hourly?.ok).length,
    hourlyConsulted: takes.filter((t) => t.hourly).length,
  };
}
