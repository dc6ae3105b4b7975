/** Limits (SPEC §6): the org's daily API requests, in numbers. */
export function presentLimits(max: number, used: number) {
  return { DailyApiRequests: { Max: max, Remaining: Math.max(0, max - used) } };
}
