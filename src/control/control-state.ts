/**
 * Settings an operator or a test suite can change at run time through the control plane (SPEC §9).
 * `reset()` puts them back as configured at start.
 */
export interface LimitSettings {
  hourly: number;
  daily: number;
  dailyStatus: 429 | 403;
}

export class ControlState {
  limits: LimitSettings;
  maintenance: { enabled: boolean; retryAfterSeconds: number } = { enabled: false, retryAfterSeconds: 300 };

  constructor(private readonly initialLimits: LimitSettings) {
    this.limits = { ...initialLimits };
  }

  reset(): void {
    this.limits = { ...this.initialLimits };
    this.maintenance = { enabled: false, retryAfterSeconds: 300 };
  }
}
