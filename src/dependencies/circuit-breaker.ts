import { performance } from 'node:perf_hooks';
import { type Dependency, DependencyUnavailable, type FailureKind, failureKind } from './dependency-error.js';
import { reportDependencyLatency } from './latency.js';

/** How long a dependency found down is not tried again; then one call probes it. */
export const DEFAULT_COOLDOWN_MS = 1_000;

/**
 * Fails fast while a dependency is known down (decision 0021). Closed, every call goes through.
 * A call that finds the dependency unreachable opens the breaker: for `cooldownMs` every call
 * fails at once with DependencyUnavailable instead of waiting out a timeout. Then one call goes
 * through as a probe while the others still fail fast; its success closes the breaker, its
 * failure opens it again. No timer runs: the breaker heals on the first call after the cooldown.
 */
export class CircuitBreaker {
  #openUntil = 0;
  #probing = false;
  #lastFailure: unknown;
  #trips = 0;
  readonly #cooldownMs: number;
  readonly #now: () => number;
  readonly #onTrip: ((error: unknown) => void) | undefined;

  constructor(
    readonly dependency: Dependency,
    options: {
      cooldownMs?: number;
      now?: () => number;
      /** Called each time the breaker opens (a client drops connections it can no longer trust). */
      onTrip?: (error: unknown) => void;
    } = {},
  ) {
    this.#cooldownMs = options.cooldownMs ?? DEFAULT_COOLDOWN_MS;
    this.#now = options.now ?? (() => performance.now());
    this.#onTrip = options.onTrip;
  }

  /** How many times the breaker has opened: a connection older than the last trip is suspect. */
  get trips(): number {
    return this.#trips;
  }

  get isOpen(): boolean {
    return this.#openUntil !== 0;
  }

  /** The error of the call that opened the breaker, for logs and health. */
  get lastFailure(): unknown {
    return this.#lastFailure;
  }

  /**
   * Before a call: throws while the dependency is known down. Returns true when this call is the
   * probe, which must then end with succeeded() or failed().
   */
  enter(): boolean {
    if (this.#openUntil === 0) return false;
    const now = this.#now();
    if (now < this.#openUntil || this.#probing) throw this.#unavailable(now);
    this.#probing = true;
    return true;
  }

  succeeded(): void {
    this.#openUntil = 0;
    this.#probing = false;
    this.#lastFailure = undefined;
  }

  /** After a failed call: opens the breaker when the failure says the dependency is down. */
  failed(error: unknown, wasProbe = false): FailureKind | undefined {
    const kind = failureKind(error);
    if (kind === 'unreachable' || (kind !== undefined && wasProbe)) this.trip(error);
    if (wasProbe) this.#probing = false;
    return kind;
  }

  /** A call that could not even reach the dependency (no connection): it is down. */
  trip(error: unknown): void {
    this.#openUntil = this.#now() + this.#cooldownMs;
    this.#lastFailure = error;
    this.#trips++;
    this.#onTrip?.(error);
  }

  /** A probe that ended without telling anything (a connection released unused). */
  abandoned(wasProbe: boolean): void {
    if (wasProbe) this.#probing = false;
  }

  /** Runs one call through the breaker; a dependency failure becomes DependencyUnavailable. */
  async run<T>(call: () => Promise<T>): Promise<T> {
    const probe = this.enter();
    const started = performance.now();
    try {
      const result = await call();
      reportDependencyLatency(this.dependency, (performance.now() - started) / 1000);
      this.succeeded();
      return result;
    } catch (error) {
      reportDependencyLatency(this.dependency, (performance.now() - started) / 1000);
      const kind = this.failed(error, probe);
      // The dependency answered (a constraint, a script error): its own error, not an outage.
      if (kind === undefined) {
        if (probe) this.succeeded();
        throw error;
      }
      throw this.unavailable(error);
    }
  }

  /** The error a caller sees for a failure of this dependency. */
  unavailable(cause: unknown): DependencyUnavailable {
    if (cause instanceof DependencyUnavailable) return cause;
    return new DependencyUnavailable(this.dependency, this.#retryAfterSeconds(this.#now()), { cause });
  }

  #unavailable(now: number): DependencyUnavailable {
    return new DependencyUnavailable(this.dependency, this.#retryAfterSeconds(now), {
      cause: this.#lastFailure,
    });
  }

  #retryAfterSeconds(now: number): number {
    return Math.max(1, Math.ceil((this.#openUntil - now) / 1000));
  }
}
