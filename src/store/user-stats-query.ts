import type { ExpressionBuilder } from 'kysely';
import type { Database } from './schema.js';
import type { Db } from './store.js';

/**
 * User rows with the counts of User Detail, one round trip for any number of users. The follow and
 * group counts are scalar subqueries over the user's own subscriptions and memberships (index
 * reads, bounded by what the user follows and joined); the activity counts are stored counters.
 */
export function statsQuery(db: Db, orgId: string, ids: string[], subscriberId: string | null) {
  const query = db
    .selectFrom('users as u')
    .leftJoin('user_activity as ua', 'ua.user_id', 'u.id')
    .selectAll('u')
    .select((eb) => [
      eb
        .selectFrom('subscriptions')
        .select(eb.fn.countAll<number>().as('n'))
        .whereRef('subscriptions.subject_id', '=', 'u.id')
        .as('followers_count'),
      eb
        .selectFrom('subscriptions')
        .select(eb.fn.countAll<number>().as('n'))
        .whereRef('subscriptions.subscriber_id', '=', 'u.id')
        .where('subscriptions.subject_kind', '=', 'user')
        .as('following_people'),
      eb
        .selectFrom('subscriptions')
        .select(eb.fn.countAll<number>().as('n'))
        .whereRef('subscriptions.subscriber_id', '=', 'u.id')
        .where('subscriptions.subject_kind', '<>', 'user')
        .as('following_records'),
      eb
        .selectFrom('group_members')
        .innerJoin('groups', 'groups.id', 'group_members.group_id')
        .select(eb.fn.countAll<number>().as('n'))
        .whereRef('group_members.user_id', '=', 'u.id')
        .where('groups.deleted_at', 'is', null)
        .as('group_count'),
      // chatterActivity: counters kept on every write (decision 0014), so a user costs the same
      // reads whatever the size of the store; no row yet means no activity yet.
      eb.fn.coalesce('ua.post_count', eb.lit(0)).as('post_count'),
      eb.fn.coalesce('ua.comment_count', eb.lit(0)).as('comment_count'),
      eb.fn.coalesce('ua.comment_received_count', eb.lit(0)).as('comment_received_count'),
      eb.fn.coalesce('ua.like_received_count', eb.lit(0)).as('like_received_count'),
    ])
    .where('u.org_id', '=', orgId)
    .where('u.id', 'in', ids);
  if (subscriberId === null) return query;
  return query.select((eb) => followedBy(eb, subscriberId).as('my_subscription_id'));
}

/** The ID of the subscriber's subscription to the user `u` (at most one: unique subscriber × subject). */
export function followedBy(
  eb: ExpressionBuilder<Database & { u: Database['users'] }, 'u'>,
  subscriberId: string,
) {
  return eb
    .selectFrom('subscriptions')
    .select('subscriptions.id')
    .whereRef('subscriptions.subject_id', '=', 'u.id')
    .where('subscriptions.subscriber_id', '=', subscriberId);
}

export type StatsRow = Awaited<ReturnType<ReturnType<typeof statsQuery>['executeTakeFirstOrThrow']>> & {
  my_subscription_id?: string | null;
};
