/**
 * The server clock (SPEC §9): real time plus an offset, so it keeps running after being moved.
 * Everything that reads time (sessions, quotas, dates, page tokens) takes it from here.
 */
export class Clock {
  #offsetMs = 0;

  now(): number {
    return Date.now() + this.#offsetMs;
  }

  get offsetMs(): number {
    return this.#offsetMs;
  }

  set offsetMs(value: number) {
    this.#offsetMs = value;
  }

  advance(ms: number): void {
    this.#offsetMs += ms;
  }

  setNow(epochMs: number): void {
    this.#offsetMs = epochMs - Date.now();
  }
}

export function isoDate(epochMs: number): string {
  return new Date(epochMs).toISOString();
}
