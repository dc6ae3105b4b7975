import { describe } from 'node:test';
import { HOUR_MS, hourOf, type UsageCounters } from '../../src/limits/usage.js';
import { onEachUsageBackend } from '../helpers/usage-backends.js';

const NOW = Date.parse('2026-03-02T10:30:00.000Z');

/**
 * A batch's hourly reservation (decision 0016): all n or none, within the limit; what is given
 * back is counted no more; single takes see the reserved count; concurrent reservations never
 * go beyond the limit.
 */
async function reservations(usage: UsageCounters) {
  const reserve = (n: number, limit = 7) => usage.reserveHourly('u1', 'a1', NOW, limit, n);
  const used = () => usage.hourlyUsed('u1', 'a1', NOW);
  const steps: unknown[] = [];
  steps.push(await reserve(5), await used());
  steps.push(await reserve(3), await used());
  steps.push(await reserve(2), await used());
  await usage.releaseHourly('u1', 'a1', hourOf(NOW), 4);
  steps.push(await used());
  const single = await usage.take({ orgId: 'o1', userId: 'u1', appId: 'a1', now: NOW, hourlyLimit: 7 });
  steps.push(single.hourly?.ok, single.hourly?.used);
  // The next hour's window is its own.
  steps.push(await usage.reserveHourly('u1', 'a1', NOW + HOUR_MS, 7, 7));
  steps.push(await usage.hourlyUsed('u1', 'a1', NOW + HOUR_MS));
  // Ten batches of 3 at once against a limit of 10 (another user): exactly three fit.
  const all = await Promise.all(
    Array.from({ length: 10 }, () => usage.reserveHourly('u2', 'a1', NOW, 10, 3)),
  );
  steps.push(all.filter(Boolean).length, await usage.hourlyUsed('u2', 'a1', NOW));
  return steps;
}

const EXPECTED = [true, 5, false, 5, true, 7, 3, true, 4, true, 7, 3, 9];

describe('hourly reservations of a batch (SPEC §7, decision 0016)', () => {
  onEachUsageBackend('reserve', reservations, EXPECTED);
});
