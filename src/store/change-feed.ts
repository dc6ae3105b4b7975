/**
 * A committed write to rows that servers keep in memory (migration 018 names them), as the store
 * announces it to every server sharing it (decision 0031).
 */
export type Change =
  | { kind: 'session'; tokenHash: string }
  | { kind: 'user'; userId: string }
  /** One of the counts of User Detail (follows, groups, activity counters). */
  | { kind: 'stats'; userId: string }
  /** Counts of any user of the org (a group deleted). */
  | { kind: 'org'; orgId: string }
  /** Anything: a reset, or the feed itself was down and changes may have been missed. */
  | { kind: 'all' };

const ALL: Change = { kind: 'all' };

/** The payload of migration 018's notifications; anything else is taken for everything. */
export function parseChange(payload: string): Change {
  const value = payload.slice(2);
  switch (payload.slice(0, 2)) {
    case 's:':
      return { kind: 'session', tokenHash: value };
    case 'u:':
      return { kind: 'user', userId: value };
    case 'a:':
      return { kind: 'stats', userId: value };
    case 'o:':
      return { kind: 'org', orgId: value };
    default:
      return ALL;
  }
}

/**
 * What lets a server keep store reads in memory and still answer as the store would. A request
 * takes a mark when it arrives; `caughtUp(mark)` settles once every change committed before that
 * moment has reached the listeners, so an entry still cached then is the store's current row.
 */
export interface ChangeFeed {
  /** Whether changes are being heard now; nothing read while they are not may be cached. */
  readonly live: boolean;
  /** Moves on every change and drop: a read filled into a cache only if it did not move meanwhile. */
  readonly generation: number;
  /** Taken as a request arrives. */
  mark(): number;
  /**
   * true once every change committed before `mark` was taken has been delivered; false while the
   * feed is down, when caches are empty and must be bypassed (read the store).
   */
  caughtUp(mark: number): boolean | Promise<boolean>;
  /** Called synchronously for each change, before any caughtUp() that follows it settles. */
  onChange(listener: (change: Change) => void): void;
  close(): Promise<void>;
}

/** The listeners and generation every feed keeps. */
export class ChangeListeners {
  #listeners: ((change: Change) => void)[] = [];
  generation = 0;

  add(listener: (change: Change) => void): void {
    this.#listeners.push(listener);
  }

  emit(change: Change): void {
    this.generation++;
    for (const listener of this.#listeners) listener(change);
  }

  /** Everything may have changed (a drop, a reset): every cache empties. */
  emitAll(): void {
    this.emit(ALL);
  }
}
