import type { Clock } from '../lib/clock.js';
import { type Fault, type FaultInput, FaultSet } from './faults.js';
import { RequestJournal } from './journal.js';

/**
 * Settings an operator or a test suite can change at run time through the control plane (SPEC §9).
 * `reset()` puts them back as configured at start.
 */
export interface LimitSettings {
  hourly: number;
  daily: number;
  dailyStatus: 429 | 403;
  /**
   * Whether quota refusals carry Retry-After (SPEC §2: off by default, as the real service is not
   * known to send it, and some clients sleep for whatever it says).
   */
  retryAfter: boolean;
  /** The largest file an upload may carry, in bytes (SPEC §12.2, `--max-file-bytes`). */
  maxFileBytes: number;
}

export interface MaintenanceSettings {
  enabled: boolean;
  /** Retry-After of the 503 answers while maintenance lasts. */
  retryAfterSeconds: number;
}

export const DEFAULT_MAINTENANCE: MaintenanceSettings = { enabled: false, retryAfterSeconds: 300 };

/** What changed; servers that share their settings (control-sync.ts) pass it on. */
export type ControlChange = 'limits' | 'maintenance' | 'faults' | 'clock' | 'reset';

/** The settings other servers take over: everything but the journal, which stays per process. */
export interface ControlSnapshot {
  limits: LimitSettings;
  maintenance: MaintenanceSettings;
  faults: Fault[];
  clockOffsetMs: number;
}

/**
 * The run-time state of the control plane. Every change goes through a method here, which then
 * tells the listeners (and waits for them), so a change can be shared with other servers.
 */
export class ControlState {
  limits: LimitSettings;
  maintenance: MaintenanceSettings = { ...DEFAULT_MAINTENANCE };
  readonly faults = new FaultSet();
  readonly journal: RequestJournal;
  readonly #listeners: ((change: ControlChange) => Promise<void>)[] = [];

  readonly #clock: Clock | undefined;

  constructor(
    private readonly initialLimits: LimitSettings,
    options: { journalSize?: number; clock?: Clock } = {},
  ) {
    this.limits = { ...initialLimits };
    this.journal = new RequestJournal(options.journalSize ?? 1000);
    this.#clock = options.clock;
  }

  onChange(listener: (change: ControlChange) => Promise<void>): void {
    this.#listeners.push(listener);
  }

  async changed(change: ControlChange): Promise<void> {
    for (const listener of this.#listeners) await listener(change);
  }

  async setLimits(patch: Partial<LimitSettings>): Promise<void> {
    this.limits = { ...this.limits, ...patch };
    await this.changed('limits');
  }

  async setMaintenance(settings: MaintenanceSettings): Promise<void> {
    this.maintenance = { ...settings };
    await this.changed('maintenance');
  }

  async addFault(input: FaultInput): Promise<Fault> {
    const fault = this.faults.add(input);
    await this.changed('faults');
    return fault;
  }

  async removeFault(id: string): Promise<boolean> {
    const removed = this.faults.remove(id);
    if (removed) await this.changed('faults');
    return removed;
  }

  async clearFaults(): Promise<void> {
    this.faults.clear();
    await this.changed('faults');
  }

  /** Settings as configured at start, no faults, maintenance off, journal emptied. */
  reset(): void {
    this.limits = { ...this.initialLimits };
    this.maintenance = { ...DEFAULT_MAINTENANCE };
    this.faults.clear();
    this.journal.clear();
  }

  snapshot(): ControlSnapshot {
    return {
      limits: { ...this.limits },
      maintenance: { ...this.maintenance },
      faults: this.faults.list(),
      clockOffsetMs: this.#clock?.offsetMs ?? 0,
    };
  }

  /** Takes over another server's settings (the journal stays this process's own). */
  restore(snapshot: ControlSnapshot): void {
    this.limits = { ...snapshot.limits };
    this.maintenance = { ...snapshot.maintenance };
    this.faults.clear();
    for (const fault of snapshot.faults) this.faults.restore(fault);
    if (this.#clock) this.#clock.offsetMs = snapshot.clockOffsetMs;
  }
}
