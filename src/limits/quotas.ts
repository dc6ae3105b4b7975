import type { Viewer } from '../auth/viewer.js';
import type { ControlState } from '../control/control-state.js';
import { type ApiError, apiError, withHeaders } from '../errors/api-error.js';
import type { Clock } from '../lib/clock.js';
import { hourOf, type UsageCounters } from './usage.js';

/** What a request counts towards (SPEC §7). */
export interface Counted {
  /** Every authenticated request under /services/data/vNN.N/, but not a batch's subrequests. */
  daily: boolean;
  /** Requests to chatter and connect resources, batch subrequests included, the batch itself not. */
  hourly: boolean;
}

/** The resources the hourly Chatter quota counts: chatter and connect, except the batch itself. */
export function countsHourly(routePath: string): boolean {
  if (routePath === '/connect/batch') return false;
  return /^\/(chatter|connect)(\/|$)/.test(routePath);
}

/**
 * The quota stage of the pipeline (SPEC §2, §7): the daily org quota (429, or 403 with
 * --daily-limit-status 403), then the hourly quota per user × connected app (503). A refused
 * request is not counted by the quota that refused it; a request the daily quota let through is
 * counted there even when the hourly quota then refuses it ("whatever its outcome").
 */
export class Quotas {
  constructor(
    private readonly usage: UsageCounters,
    private readonly control: ControlState,
    private readonly clock: Clock,
  ) {}

  /**
   * Counts the request; `refusal` is the quota's error when one refused it. `dailyUsed` is the
   * org's 24-hour usage (for Sforce-Limit-Info) whenever the daily quota was consulted.
   */
  async count(
    viewer: Viewer,
    counted: Counted,
    reservation?: HourlyReservation,
  ): Promise<{ dailyUsed?: number; refusal?: ApiError }> {
    if (!counted.daily && !counted.hourly) return {};
    if (reservation && !counted.daily && (await this.#fromReservation(viewer, reservation))) return {};
    const { limits } = this.control;
    // One call for both quotas: on the shared backends, one round trip per request.
    const { daily, hourly } = await this.usage.take({
      orgId: viewer.orgId,
      userId: viewer.user.id,
      appId: viewer.appId ?? 'guest',
      now: this.clock.now(),
      dailyLimit: counted.daily ? limits.daily : undefined,
      hourlyLimit: counted.hourly ? limits.hourly : undefined,
    });
    const dailyUsed = daily?.used;
    if (daily && !daily.ok) {
      const key = limits.dailyStatus === 403 ? 'DAILY_LIMIT_EXCEEDED_FORBIDDEN' : 'DAILY_LIMIT_EXCEEDED';
      return { dailyUsed, refusal: this.#refusal(apiError(key), daily.retryAfterMs) };
    }
    if (hourly && !hourly.ok)
      return { dailyUsed, refusal: this.#refusal(apiError('HOURLY_LIMIT_EXCEEDED'), hourly.retryAfterMs) };
    return { dailyUsed };
  }

  /**
   * An hourly count for a batch's subrequest out of the batch's reservation: the first subrequest
   * that counts reserves itself and every subrequest after it in one call, when they all fit in
   * the window; later ones draw on that. False when the subrequest must be counted on its own: the
   * reservation did not fit (near the limit, each is counted and refused exactly as alone), or the
   * hour, the limit or the user × app changed since it was taken.
   */
  async #fromReservation(viewer: Viewer, reservation: HourlyReservation): Promise<boolean> {
    const limit = this.control.limits.hourly;
    const now = this.clock.now();
    const key = { userId: viewer.user.id, appId: viewer.appId ?? 'guest', hour: hourOf(now), limit };
    const held = reservation.held;
    if (held) {
      const same =
        held.userId === key.userId &&
        held.appId === key.appId &&
        held.hour === key.hour &&
        held.limit === limit;
      if (!same || held.left === 0) return false;
      held.left -= 1;
      return true;
    }
    if (reservation.tried || reservation.remaining < 2) return false;
    reservation.tried = true;
    const n = reservation.remaining;
    if (!(await this.usage.reserveHourly(key.userId, key.appId, now, limit, n))) return false;
    reservation.held = { ...key, left: n - 1 };
    reservation.release = () => {
      const left = reservation.held?.left ?? 0;
      if (left === 0) return Promise.resolve();
      (reservation.held as { left: number }).left = 0;
      return this.usage.releaseHourly(key.userId, key.appId, key.hour, left);
    };
    return true;
  }

  dailyUsed(viewer: Viewer): Promise<number> {
    return this.usage.dailyUsed(viewer.orgId, this.clock.now());
  }

  /**
   * A quota's refusal carries Retry-After (whole seconds until the window frees a request, at
   * least 1) only when the operator turned it on (SPEC §2, `--quota-retry-after`): the real
   * service is not known to send it, and clients that honour it may sleep for up to a day.
   */
  #refusal(error: ApiError, ms: number): ApiError {
    if (!this.control.limits.retryAfter) return error;
    return withHeaders(error, { 'Retry-After': String(Math.max(1, Math.ceil(ms / 1000))) });
  }
}

/**
 * The hourly quota of a batch's subrequests, taken in one call rather than one per subrequest
 * (SPEC §7: each subrequest still counts once; decision 0016). The batch sets `remaining` before
 * each subrequest and calls `release` when it ends, giving back what no subrequest used (those
 * after a halt, or that a check before the quotas refused, or that count no hourly quota).
 */
export class HourlyReservation {
  /** Subrequests not yet run, the one being run included. */
  remaining = 0;
  tried = false;
  held: { userId: string; appId: string; hour: number; limit: number; left: number } | undefined;
  release: () => Promise<void> = () => Promise.resolve();
}
