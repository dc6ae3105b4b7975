import { LruMap } from '../lib/lru-map.js';
import type { Change, ChangeFeed } from './change-feed.js';
import type { UserRecord, UserStats } from './records.js';
import type { Store } from './store.js';

type UserWithStats = { user: UserRecord; stats: UserStats };

/**
 * A user with the counts of User Detail, kept in memory while the store's change feed says
 * nothing changed them (decision 0031): what `GET users/me` reads on every request.
 * Only with a feed that hears this process's own writes too (PostgreSQL): follows, posts and
 * likes change the counts from many places, and every one of them goes through the feed.
 */
export class UserDetailCache {
  readonly #entries: LruMap<string, UserWithStats>;

  constructor(
    private readonly store: Store,
    private readonly changes: ChangeFeed,
    max = 10_000,
  ) {
    this.#entries = new LruMap(max);
    changes.onChange((change) => this.#changed(change));
  }

  #changed(change: Change): void {
    switch (change.kind) {
      case 'user':
      case 'stats':
        this.#entries.delete(change.userId);
        break;
      case 'org':
        for (const [id, entry] of this.#entries.entries())
          if (entry.user.orgId === change.orgId) this.#entries.delete(id);
        break;
      case 'all':
        this.#entries.clear();
        break;
    }
  }

  /**
   * `store.users.findManyWithStats(orgId, [id])`, from memory once the feed caught up with `mark`
   * (the request's, taken when it arrived).
   */
  async find(orgId: string, id: string, mark: number): Promise<UserWithStats[]> {
    let caughtUp = this.changes.caughtUp(mark);
    if (caughtUp !== true && caughtUp !== false) caughtUp = await caughtUp;
    if (caughtUp) {
      const hit = this.#entries.get(id);
      if (hit?.user.orgId === orgId) return [hit];
    }
    const generation = this.changes.generation;
    const rows = await this.store.users.findManyWithStats(orgId, [id]);
    // Kept only if no change came while reading: the row read may be older than it.
    const row = rows[0];
    if (row && this.changes.live && this.changes.generation === generation) this.#entries.set(id, row);
    return rows;
  }
}
