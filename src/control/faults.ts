import { randomUUID } from 'node:crypto';
import picomatch from 'picomatch';
import { invalidInput } from '../errors/api-error.js';
import { type CatalogKey, entryForStatus, wireErrorCode } from '../errors/catalog.js';

/** A fault as the control plane takes it (SPEC §9). */
export interface FaultInput {
  method?: string | undefined;
  path: string;
  status?: number | undefined;
  errorCode?: string | undefined;
  message?: string | undefined;
  times?: number | undefined;
  probability?: number | undefined;
  delayMs?: number | undefined;
  username?: string | undefined;
}

/** A fault as stored and listed. `message` null: the catalogue's message, made for each request. */
export interface Fault {
  id: string;
  method: string | null;
  path: string;
  status: number | null;
  errorCode: string | null;
  message: string | null;
  /** How many firings it has left in it; null = unlimited. */
  times: number | null;
  probability: number;
  delayMs: number;
  username: string | null;
  /** How many times it has fired so far. */
  fired: number;
}

/** What a request meets: the delay to wait, then the fault to answer with (none: run normally). */
export interface FaultOutcome {
  delayMs: number;
  failure: Fault | undefined;
  /** The catalogue entry whose message the failure uses when it names none. */
  defaultKey: CatalogKey | undefined;
}

interface StoredFault {
  fault: Fault;
  matches: (path: string) => boolean;
  /** The failure's default catalogue entry, when it has a status. */
  defaultKey: CatalogKey | undefined;
}

const FAULT_METHODS = ['GET', 'HEAD', 'POST', 'PATCH', 'PUT', 'DELETE'];
const NO_FAULT: FaultOutcome = { delayMs: 0, failure: undefined, defaultKey: undefined };

/** Firing counts kept where every server sharing the faults sees them (control-sync.ts). */
export interface SharedFirings {
  /** Counts one more firing of the fault, atomically; returns the count after it. */
  fire(id: string): Promise<number>;
  counts(ids: readonly string[]): Promise<number[]>;
}

/**
 * Injected failures and delays (SPEC §9). In one process a fault's firing count is checked and
 * advanced with no await in between, so `times` holds under concurrent requests; servers that
 * share their faults count firings atomically in Redis instead (`shared`).
 * `random` is the source for `probability`; tests replace it to make firings deterministic.
 */
export class FaultSet {
  random: () => number = Math.random;
  shared: SharedFirings | undefined;
  #faults: StoredFault[] = [];
  /** Set while the set holds faults that name a username (the pipeline skips a stage otherwise). */
  hasUserFaults = false;

  get size(): number {
    return this.#faults.length;
  }

  add(input: FaultInput): Fault {
    const method = input.method?.toUpperCase() ?? null;
    if (method !== null && !FAULT_METHODS.includes(method)) {
      throw invalidInput(`Invalid method: ${input.method}. Specify one of: ${FAULT_METHODS.join(', ')}.`);
    }
    const status = input.status ?? null;
    const defaultKey = status === null ? undefined : entryForStatus(status);
    if (status === null && (input.errorCode !== undefined || input.message !== undefined)) {
      throw invalidInput('Invalid fault: errorCode and message need a status.');
    }
    if (
      status !== null &&
      defaultKey === undefined &&
      (input.errorCode === undefined || input.message === undefined)
    ) {
      throw invalidInput(
        `Invalid fault: the catalogue has no error for status ${status}. Specify errorCode and message.`,
      );
    }
    const fault: Fault = {
      id: randomUUID(),
      method,
      path: input.path,
      status,
      errorCode: input.errorCode ?? (defaultKey ? wireErrorCode(defaultKey) : null),
      message: input.message ?? null,
      times: input.times ?? null,
      probability: input.probability ?? 1,
      delayMs: input.delayMs ?? 0,
      username: input.username ?? null,
      fired: 0,
    };
    return this.restore(fault).fault;
  }

  /** Adds a fault as it was listed (also how another server's faults are taken over). */
  restore(fault: Fault): StoredFault {
    const stored: StoredFault = {
      fault: { ...fault },
      matches: picomatch(fault.path, { dot: true }),
      defaultKey: fault.status === null ? undefined : entryForStatus(fault.status),
    };
    this.#faults.push(stored);
    this.hasUserFaults ||= fault.username !== null;
    return stored;
  }

  list(): Fault[] {
    return this.#faults.map((f) => ({ ...f.fault }));
  }

  /** The faults with their firing counts as every server sharing them has counted. */
  async listCurrent(): Promise<Fault[]> {
    const faults = this.list();
    if (!this.shared || faults.length === 0) return faults;
    const counts = await this.shared.counts(faults.map((f) => f.id));
    return faults.map((f, i) => ({
      ...f,
      fired: Math.min(counts[i] ?? 0, f.times ?? Number.POSITIVE_INFINITY),
    }));
  }

  remove(id: string): boolean {
    const before = this.#faults.length;
    this.#faults = this.#faults.filter((f) => f.fault.id !== id);
    this.hasUserFaults = this.#faults.some((f) => f.fault.username !== null);
    return this.#faults.length < before;
  }

  clear(): void {
    this.#faults = [];
    this.hasUserFaults = false;
  }

  /**
   * The faults that fire for a request, in the order they were added: delays add up, and the first
   * firing fault with a status is the answer. `username` null: the faults that name no user (the
   * stage right after routing); otherwise only the faults naming that user (after authentication).
   */
  async fire(method: string, path: string, username: string | null): Promise<FaultOutcome> {
    if (this.#faults.length === 0) return NO_FAULT;
    let delayMs = 0;
    for (const { fault, matches, defaultKey } of this.#faults) {
      if (
        username === null ? fault.username !== null : fault.username?.toLowerCase() !== username.toLowerCase()
      )
        continue;
      if (fault.method !== null && fault.method !== method) continue;
      if (fault.times !== null && fault.fired >= fault.times) continue;
      if (!matches(path)) continue;
      if (fault.probability < 1 && !(this.random() < fault.probability)) continue;
      if (this.shared) {
        const count = await this.shared.fire(fault.id);
        fault.fired = Math.min(count, fault.times ?? count);
        if (fault.times !== null && count > fault.times) continue;
      } else {
        fault.fired += 1;
      }
      delayMs += fault.delayMs;
      if (fault.status !== null) return { delayMs, failure: { ...fault }, defaultKey };
    }
    return { delayMs, failure: undefined, defaultKey: undefined };
  }
}
