import { describe } from 'node:test';
import { HOUR_MS, type UsageCounters } from '../../src/limits/usage.js';
import { onEachUsageBackend } from '../helpers/usage-backends.js';

const NOW = Date.parse('2026-03-02T10:30:00.000Z');

/** Three hourly and two daily takes, then what each reading says now and an hour later. */
async function readings(usage: UsageCounters) {
  const take = (userId: string, appId: string, hourlyLimit?: number) =>
    usage.take({ orgId: 'org1', userId, appId, now: NOW, dailyLimit: 100, hourlyLimit });
  await take('u1', 'a1', 10);
  await take('u1', 'a1', 10);
  await take('u1', 'a1', 10);
  await take('u1', 'a2');
  await take('u2', 'a1', 10);
  return {
    now: [
      await usage.hourlyUsed('u1', 'a1', NOW),
      await usage.hourlyUsed('u1', 'a2', NOW),
      await usage.hourlyUsed('u2', 'a1', NOW),
      await usage.dailyUsed('org1', NOW),
    ],
    nextHour: [
      await usage.hourlyUsed('u1', 'a1', NOW + HOUR_MS),
      await usage.dailyUsed('org1', NOW + HOUR_MS),
    ],
  };
}

const EXPECTED = { now: [3, 0, 1, 5], nextHour: [0, 5] };

describe('usage counters read back (the console gauges)', () => {
  onEachUsageBackend('readings', readings, EXPECTED);
});
