import type { Db } from './store.js';

export type ActivityCounter =
  | 'post_count'
  | 'comment_count'
  | 'comment_received_count'
  | 'like_received_count';

const COUNTERS = [
  'post_count',
  'comment_count',
  'comment_received_count',
  'like_received_count',
] as const satisfies readonly ActivityCounter[];

/**
 * Changes to the chatterActivity counters of users (decision 0014), summed per user and written
 * in one statement. The rows go in user ID order, so two transactions that both touch the
 * counters of the same users lock them in the same order and never deadlock (PostgreSQL).
 */
export class ActivityChanges {
  readonly #byUser = new Map<string, Record<ActivityCounter, number>>();

  add(userId: string, counter: ActivityCounter, delta: number): this {
    if (delta === 0) return this;
    let row = this.#byUser.get(userId);
    if (!row) {
      row = { post_count: 0, comment_count: 0, comment_received_count: 0, like_received_count: 0 };
      this.#byUser.set(userId, row);
    }
    row[counter] += delta;
    return this;
  }

  /** Adds the changes to the users' counters; a user without counters yet starts from zero. */
  async write(db: Db): Promise<void> {
    const rows = [...this.#byUser]
      .filter(([, row]) => COUNTERS.some((counter) => row[counter] !== 0))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([userId, row]) => ({ user_id: userId, ...row }));
    if (rows.length === 0) return;
    await db
      .insertInto('user_activity')
      .values(rows)
      .onConflict((oc) =>
        oc.column('user_id').doUpdateSet((eb) => ({
          post_count: eb('user_activity.post_count', '+', eb.ref('excluded.post_count')),
          comment_count: eb('user_activity.comment_count', '+', eb.ref('excluded.comment_count')),
          comment_received_count: eb(
            'user_activity.comment_received_count',
            '+',
            eb.ref('excluded.comment_received_count'),
          ),
          like_received_count: eb(
            'user_activity.like_received_count',
            '+',
            eb.ref('excluded.like_received_count'),
          ),
        })),
      )
      .execute();
  }
}
