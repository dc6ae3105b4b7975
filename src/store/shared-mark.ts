import type { ChangeFeed } from './change-feed.js';
import type { QueryCounter } from './store.js';

/**
 * The change feed's mark shared by the requests a client sends as one: a batch's subrequests,
 * which run one after another (SPEC §8). Each would otherwise wait for its own round trip on the
 * feed's connection, sent after it arrived (postgres-changes.ts): 25 back to back in a batch. A
 * subrequest may take instead the mark of an earlier one that the feed caught up with, as long as
 * no store statement has ended since: then nothing seen or done since came from the store, only
 * from caches at least as new as that mark, so the later subrequest sees no less than the earlier
 * ones did. Writes are statements too, so after a write the next one waits for a fresh round trip
 * and sees it. What it may miss is a change another client committed while the batch ran, which
 * it could as well have missed had the batch run faster.
 */
export class SharedMark {
  #mark: number | undefined;
  #statements = 0;

  constructor(private readonly queries: QueryCounter) {}

  /** The mark of a request arriving now. */
  take(changes: ChangeFeed): number {
    if (this.#mark !== undefined && this.queries.count === this.#statements) return this.#mark;
    this.#mark = undefined;
    return changes.mark();
  }

  /** The feed has caught up with `mark`: later requests may take it while no statement ends. */
  caughtUp(mark: number): void {
    this.#mark = mark;
    this.#statements = this.queries.count;
  }
}
