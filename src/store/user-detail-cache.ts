import { LruMap } from '../lib/lru-map.js';
import type { Change, ChangeFeed } from './change-feed.js';
import type { UserRecord, UserStats } from './records.js';
import type { Store } from './store.js';

type UserWithStats = { user: UserRecord; stats: UserStats };
type Followed = UserWithStats & { subscriptionId: string | null };
/**
 * A cached user, and the subscription to them of the viewers who read them (null: none). A
 * subscription's insert or delete announces a change to its subject (migration 018), which drops
 * the whole entry, so these are exactly as fresh as the follower count beside them.
 */
type Entry = UserWithStats & { subscriptions?: Map<string, string | null> };

/** Viewers whose subscription one entry keeps; past this the map starts again. */
const SUBSCRIBERS_PER_ENTRY = 16;

/**
 * A user with the counts of User Detail, kept in memory while the store's change feed says
 * nothing changed them (decision 0031): what `GET users/me` reads on every request, and User
 * Detail of another user with the viewer's subscription to them (findFollowed).
 * Follows, posts and likes change the counts from many places; every one of them comes through
 * the feed, this process's own writes included (PostgreSQL's notifications, SQLite's triggers:
 * decision 0039).
 */
export class UserDetailCache {
  readonly #entries: LruMap<string, Entry>;

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
      if (hit?.user.orgId === orgId) return [{ user: hit.user, stats: hit.stats }];
    }
    const generation = this.changes.generation;
    const rows = await this.store.users.findManyWithStats(orgId, [id]);
    // Kept only if no change came while reading: the row read may be older than it.
    const row = rows[0];
    if (row && this.changes.live && this.changes.generation === generation) this.#entries.set(id, row);
    return rows;
  }

  /**
   * `store.users.findManyWithStatsFollowed(orgId, [id], subscriberId)`, as find() does: User
   * Detail of another user, with the viewer's subscription to them. From memory the same way, so
   * reading other users costs no statement in steady state either (and a batch's subrequests keep
   * sharing the feed's mark, shared-mark.ts); a miss is one statement, as it was without a cache.
   */
  async findFollowed(orgId: string, id: string, subscriberId: string, mark: number): Promise<Followed[]> {
    let caughtUp = this.changes.caughtUp(mark);
    if (caughtUp !== true && caughtUp !== false) caughtUp = await caughtUp;
    const hit = caughtUp ? this.#entries.get(id) : undefined;
    const generation = this.changes.generation;
    if (hit?.user.orgId === orgId) {
      let subscriptionId = hit.subscriptions?.get(subscriberId);
      if (subscriptionId === undefined) {
        subscriptionId = (await this.store.follows.subscriptionIds(subscriberId, [id])).get(id) ?? null;
        if (this.changes.live && this.changes.generation === generation)
          remember(hit, subscriberId, subscriptionId);
      }
      return [{ user: hit.user, stats: hit.stats, subscriptionId }];
    }
    const rows = await this.store.users.findManyWithStatsFollowed(orgId, [id], subscriberId);
    const row = rows[0];
    if (row && this.changes.live && this.changes.generation === generation) {
      const entry: Entry = { user: row.user, stats: row.stats };
      remember(entry, subscriberId, row.subscriptionId);
      this.#entries.set(id, entry);
    }
    return rows;
  }
}

function remember(entry: Entry, subscriberId: string, subscriptionId: string | null): void {
  if (!entry.subscriptions || entry.subscriptions.size >= SUBSCRIBERS_PER_ENTRY)
    entry.subscriptions = new Map();
  entry.subscriptions.set(subscriberId, subscriptionId);
}
