import type { ExpressionBuilder, Selectable, SelectQueryBuilder } from 'kysely';
import type { Db } from './dialects/dialect.js';
import { visibleGroupCondition } from './group-repository.js';
import type { SubjectKind, SubscriptionFilter, SubscriptionRecord } from './records.js';
import type { Database } from './schema.js';

type SubscriptionsEb = ExpressionBuilder<Database, 'subscriptions'>;

/** The users a filter shows, as a condition on a user ID column. */
function visibleUser(
  eb: SubscriptionsEb,
  column: 'subscriptions.subject_id' | 'subscriptions.subscriber_id',
  filter: SubscriptionFilter,
) {
  const communityId = filter.users.communityId;
  if (communityId === null) {
    return eb.exists(
      eb.selectFrom('users as u').select('u.id').whereRef('u.id', '=', column).where('u.type', '<>', 'guest'),
    );
  }
  return eb.exists(
    eb
      .selectFrom('community_members as cm')
      .select('cm.user_id')
      .whereRef('cm.user_id', '=', column)
      .where('cm.community_id', '=', communityId),
  );
}

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

  /** Creates a subscription unless the subscriber already follows the subject; false when they did. */
  async create(subscription: SubscriptionRecord): Promise<boolean> {
    const result = await this.db
      .insertInto('subscriptions')
      .values({
        id: subscription.id,
        org_id: subscription.orgId,
        community_id: subscription.communityId,
        subscriber_id: subscription.subscriberId,
        subject_id: subscription.subjectId,
        subject_kind: subscription.subjectKind,
        created_at: subscription.createdAt,
      })
      .onConflict((oc) => oc.columns(['subscriber_id', 'subject_id']).doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  async find(orgId: string, id: string): Promise<SubscriptionRecord | undefined> {
    const row = await this.db
      .selectFrom('subscriptions')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toSubscription(row);
  }

  async delete(id: string): Promise<void> {
    await this.db.deleteFrom('subscriptions').where('id', '=', id).execute();
  }

  /** Every subscription to a subject (a deleted record is followed by no one, SPEC §12.1). */
  async deleteAllOf(subjectId: string): Promise<void> {
    await this.db.deleteFrom('subscriptions').where('subject_id', '=', subjectId).execute();
  }

  /** A page of what a user follows (oldest first), limited to the subjects the filter shows. */
  async listFollowing(
    subscriberId: string,
    options: {
      filter: SubscriptionFilter;
      kinds: readonly SubjectKind[];
      /** Records only of the object with this key prefix (`filterType`). */
      subjectPrefix?: string | undefined;
      offset: number;
      limit: number;
    },
  ): Promise<{ subscriptions: SubscriptionRecord[]; total: number }> {
    if (options.kinds.length === 0) return { subscriptions: [], total: 0 };
    const prefix = options.subjectPrefix;
    const query = this.db
      .selectFrom('subscriptions')
      .where('subscriptions.subscriber_id', '=', subscriberId)
      .where('subscriptions.subject_kind', 'in', [...options.kinds])
      .where((eb) =>
        eb.or([
          eb.and([
            eb('subscriptions.subject_kind', '=', 'user'),
            visibleUser(eb, 'subscriptions.subject_id', options.filter),
          ]),
          eb.and([
            eb('subscriptions.subject_kind', '=', 'group'),
            eb.exists(
              eb
                .selectFrom('groups')
                .select('groups.id')
                .whereRef('groups.id', '=', 'subscriptions.subject_id')
                .where((g) => visibleGroupCondition(g, options.filter.groups)),
            ),
          ]),
          eb.and([
            eb('subscriptions.subject_kind', '=', 'record'),
            ...(prefix === undefined ? [] : [eb('subscriptions.subject_id', 'like', `${prefix}%`)]),
          ]),
        ]),
      );
    return this.#page(query, options);
  }

  /** A page of a subject's followers (oldest first), limited to the subscribers the filter shows. */
  async listFollowers(
    subjectId: string,
    options: { filter: SubscriptionFilter; offset: number; limit: number },
  ): Promise<{ subscriptions: SubscriptionRecord[]; total: number }> {
    const query = this.db
      .selectFrom('subscriptions')
      .where('subscriptions.subject_id', '=', subjectId)
      .where((eb) => visibleUser(eb, 'subscriptions.subscriber_id', options.filter));
    return this.#page(query, options);
  }

  async #page(
    query: SelectQueryBuilder<Database, 'subscriptions', object>,
    page: { offset: number; limit: number },
  ): Promise<{ subscriptions: SubscriptionRecord[]; total: number }> {
    const [rows, count] = await Promise.all([
      query
        .selectAll('subscriptions')
        .orderBy('subscriptions.created_at')
        .orderBy('subscriptions.id')
        .offset(page.offset)
        .limit(page.limit)
        .execute(),
      query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { subscriptions: rows.map(toSubscription), total: Number(count.n) };
  }
}

function toSubscription(row: Selectable<Database['subscriptions']>): SubscriptionRecord {
  return {
    id: row.id,
    orgId: row.org_id,
    communityId: row.community_id,
    subscriberId: row.subscriber_id,
    subjectId: row.subject_id,
    subjectKind: row.subject_kind,
    createdAt: row.created_at,
  };
}
