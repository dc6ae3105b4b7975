import type { Db } from './dialects/dialect.js';
import type { ActivityDelta } from './records.js';

/**
 * The chatterActivity counters of users (table `user_activity`, decision 0014). What changes is
 * decided by src/domain/activity.ts; this adds it.
 */
export class ActivityRepository {
  constructor(private readonly db: Db) {}

  /**
   * Adds the changes to the users' counters in one statement; a user without counters yet starts
   * from zero. The rows go in user ID order, so two transactions that both touch the counters of
   * the same users lock them in the same order and never deadlock (PostgreSQL).
   */
  async add(deltas: readonly ActivityDelta[]): Promise<void> {
    const rows = deltas
      .filter(
        (d) =>
          d.postCount !== 0 ||
          d.commentCount !== 0 ||
          d.commentReceivedCount !== 0 ||
          d.likeReceivedCount !== 0,
      )
      .sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0))
      .map((d) => ({
        user_id: d.userId,
        post_count: d.postCount,
        comment_count: d.commentCount,
        comment_received_count: d.commentReceivedCount,
        like_received_count: d.likeReceivedCount,
      }));
    if (rows.length === 0) return;
    await this.db
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
