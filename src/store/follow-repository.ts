import type { Db } from './store.js';

/** Subscriptions (follows) of users to users and records. */
export class FollowRepository {
  constructor(private readonly db: Db) {}

  /** subjectId → subscription ID, for the subjects the subscriber follows (one query for a page). */
  async subscriptionIds(subscriberId: string, subjectIds: readonly string[]): Promise<Map<string, string>> {
    if (subjectIds.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('subscriptions')
      .select(['id', 'subject_id'])
      .where('subscriber_id', '=', subscriberId)
      .where('subject_id', 'in', [...new Set(subjectIds)])
      .execute();
    return new Map(rows.map((r) => [r.subject_id, r.id]));
  }
}
