import type { Dependency } from './dependency-error.js';

export interface DependencyCheck {
  dependency: Dependency;
  /** One cheap round trip, bounded by the dependency's timeouts and failing fast behind its breaker. */
  ping: () => Promise<unknown>;
}

export type DependencyStatus = 'ok' | 'unavailable';

export interface HealthReport {
  ok: boolean;
  dependencies: Partial<Record<Dependency, DependencyStatus>>;
}

/** What `GET /_chatterbox/health` reports: each dependency the server uses, checked at once. */
export class DependencyHealth {
  constructor(private readonly checks: DependencyCheck[]) {}

  async report(): Promise<HealthReport> {
    const results = await Promise.all(
      this.checks.map(async ({ dependency, ping }) => {
        try {
          await ping();
          return [dependency, 'ok'] as const;
        } catch {
          return [dependency, 'unavailable'] as const;
        }
      }),
    );
    return {
      ok: results.every(([, status]) => status === 'ok'),
      dependencies: Object.fromEntries(results),
    };
  }
}
