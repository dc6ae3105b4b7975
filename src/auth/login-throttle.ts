import { OAuthError } from '../errors/api-error.js';
import type { Clock } from '../lib/clock.js';

export interface LoginThrottleOptions {
  /** Distinct usernames that may fail to log in from one client address within the window. */
  maxUsernames: number;
  windowMs: number;
}

export const defaultLoginThrottle: LoginThrottleOptions = { maxUsernames: 20, windowMs: 10 * 60_000 };

/** Client addresses followed at once; beyond this the oldest windows are dropped. */
const MAX_ADDRESSES = 10_000;

/**
 * One password tried across many users (password spraying) never meets the per-user lockout
 * (SPEC §4: 10 failures in a row lock one user). So each client address may fail the password
 * grant for at most `maxUsernames` distinct usernames per window; after that its password grants
 * are refused, before any password is checked, until the window ends (decision 0022). Counting
 * usernames rather than failures leaves alone a client that mistypes one user's password (the
 * lockout handles that), and a team behind one address logging in with the right passwords.
 * Per server process, on the server clock.
 */
export class LoginThrottle {
  readonly #windows = new Map<string, { startedAt: number; usernames: Set<string> }>();

  constructor(
    private readonly clock: Clock,
    private readonly options: LoginThrottleOptions = defaultLoginThrottle,
  ) {}

  /** Throws when the address has failed for too many usernames in its current window. */
  check(address: string): void {
    const window = this.#current(address);
    if (window && window.usernames.size >= this.options.maxUsernames) {
      throw new OAuthError('rate_limit_exceeded', 'login rate exceeded');
    }
  }

  recordFailure(address: string, username: string): void {
    let window = this.#current(address);
    if (!window) {
      if (this.#windows.size >= MAX_ADDRESSES) this.#prune();
      window = { startedAt: this.clock.now(), usernames: new Set() };
      this.#windows.set(address, window);
    }
    if (window.usernames.size < this.options.maxUsernames) window.usernames.add(username.toLowerCase());
  }

  #current(address: string): { startedAt: number; usernames: Set<string> } | undefined {
    const window = this.#windows.get(address);
    if (window && this.clock.now() - window.startedAt >= this.options.windowMs) {
      this.#windows.delete(address);
      return undefined;
    }
    return window;
  }

  /** Drops ended windows, and the oldest half if every address is still in its window. */
  #prune(): void {
    for (const address of [...this.#windows.keys()]) this.#current(address);
    if (this.#windows.size < MAX_ADDRESSES) return;
    let drop = this.#windows.size / 2;
    for (const address of this.#windows.keys()) {
      if (drop-- <= 0) break;
      this.#windows.delete(address);
    }
  }
}
