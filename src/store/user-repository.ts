import { type Compilable, type Selectable, sql } from 'kysely';
import { containsPattern, searchFold } from '../lib/search-fold.js';
import type { UserCredentials, UserRecord, UserStats, UserType } from './records.js';
import type { Database } from './schema.js';
import { StatementShapes } from './statement-shapes.js';
import type { Db } from './store.js';
import { followedBy, type StatsRow, statsQuery } from './user-stats-query.js';

export interface NewUser {
  id: string;
  orgId: string;
  username: string;
  email: string;
  firstName: string;
  lastName: string;
  nickname: string;
  title?: string | null;
  companyName?: string | null;
  aboutMe?: string | null;
  type: UserType;
  isActive: boolean;
  passwordHash: string | null;
  createdAt: number;
}

export class UserRepository {
  /** The reads of users by ID cost more to build than SQLite takes to run them: compiled once per shape. */
  readonly #shapes: StatementShapes;

  constructor(private readonly db: Db) {
    this.#shapes = new StatementShapes(db);
  }

  async create(user: NewUser): Promise<void> {
    await this.db
      .insertInto('users')
      .values({
        id: user.id,
        org_id: user.orgId,
        username: user.username,
        email: user.email,
        first_name: user.firstName,
        last_name: user.lastName,
        nickname: user.nickname,
        name_key: searchFold(`${user.firstName} ${user.lastName}`),
        nickname_key: searchFold(user.nickname),
        title: user.title ?? null,
        company_name: user.companyName ?? null,
        about_me: user.aboutMe ?? null,
        type: user.type,
        is_active: user.isActive ? 1 : 0,
        password_hash: user.passwordHash,
        failed_logins: 0,
        locked_until: null,
        created_at: user.createdAt,
        modified_at: user.createdAt,
      })
      .execute();
  }

  async usernameTaken(username: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('users')
      .select('id')
      .where(sql`lower(username)`, '=', username.toLowerCase())
      .executeTakeFirst();
    return row !== undefined;
  }

  async find(orgId: string, id: string): Promise<UserRecord | undefined> {
    const row = await this.db
      .selectFrom('users')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toUser(row);
  }

  /** A user by ID in any org (the control plane is above orgs). */
  async findAnyOrg(id: string): Promise<UserRecord | undefined> {
    const row = await this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toUser(row);
  }

  async findMany(orgId: string, ids: readonly string[]): Promise<UserRecord[]> {
    if (ids.length === 0) return [];
    const rows = await this.#shapes.rows('many', { orgId, ids: [...new Set(ids)] }, (a) =>
      this.db.selectFrom('users').selectAll().where('org_id', '=', a.orgId).where('id', 'in', a.ids),
    );
    return rows.map(toUser);
  }

  /** findMany with each user's subscription by `subscriberId` (or null), in the same round trip. */
  async findManyFollowed(
    orgId: string,
    ids: readonly string[],
    subscriberId: string,
  ): Promise<{ user: UserRecord; subscriptionId: string | null }[]> {
    if (ids.length === 0) return [];
    const rows = await this.#shapes.rows(
      'many-followed',
      { orgId, ids: [...new Set(ids)], subscriberId },
      (a) =>
        this.db
          .selectFrom('users as u')
          .selectAll('u')
          .select((eb) => followedBy(eb, a.subscriberId).as('my_subscription_id'))
          .where('u.org_id', '=', a.orgId)
          .where('u.id', 'in', a.ids),
    );
    return rows.map((row) => ({ user: toUser(row), subscriptionId: row.my_subscription_id ?? null }));
  }

  /** The org's oldest active admin (who owns what the control plane seeds without an owner). */
  async firstActiveAdmin(orgId: string): Promise<UserRecord | undefined> {
    const row = await this.db
      .selectFrom('users')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('type', '=', 'admin')
      .where('is_active', '=', 1)
      .orderBy('created_at')
      .orderBy('id')
      .executeTakeFirst();
    return row && toUser(row);
  }

  async findByUsername(username: string): Promise<UserRecord | undefined> {
    const row = await this.db
      .selectFrom('users')
      .selectAll()
      .where(sql`lower(username)`, '=', username.toLowerCase())
      .executeTakeFirst();
    return row && toUser(row);
  }

  /**
   * A user with the counts User Detail shows, in one round trip (scalar subqueries), so that
   * `GET users/me` costs one query in steady state.
   */
  async findWithStats(
    orgId: string,
    id: string,
  ): Promise<{ user: UserRecord; stats: UserStats } | undefined> {
    return (await this.findManyWithStats(orgId, [id]))[0];
  }

  /** Users with their counts, in one round trip whatever the number of users (no N+1). */
  async findManyWithStats(
    orgId: string,
    ids: readonly string[],
  ): Promise<{ user: UserRecord; stats: UserStats }[]> {
    return (await this.#withStats(orgId, ids, null)).map(({ user, stats }) => ({ user, stats }));
  }

  /**
   * findManyWithStats with, for each user, the ID of `subscriberId`'s subscription to them (or
   * null), in the same round trip: a user's read view needs both.
   */
  async findManyWithStatsFollowed(
    orgId: string,
    ids: readonly string[],
    subscriberId: string,
  ): Promise<{ user: UserRecord; stats: UserStats; subscriptionId: string | null }[]> {
    return this.#withStats(orgId, ids, subscriberId);
  }

  async #withStats(orgId: string, ids: readonly string[], subscriberId: string | null) {
    if (ids.length === 0) return [];
    const rows = await this.#shapes.rows(
      'stats',
      { orgId, ids: [...new Set(ids)], subscriberId },
      (a) => statsQuery(this.db, a.orgId, a.ids, a.subscriberId) as Compilable<StatsRow>,
    );
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.flatMap((id) => {
      const row = byId.get(id);
      return row ? [{ ...toUserWithStats(row), subscriptionId: row.my_subscription_id ?? null }] : [];
    });
  }

  /**
   * Users of an org, by name, optionally filtered by a name search and limited to the members of
   * a community. Integer-page paging as the real users resource (SPEC §6).
   */
  async search(
    orgId: string,
    options: { q?: string; communityId?: string | null; offset: number; limit: number; types: UserType[] },
  ): Promise<{ users: UserRecord[]; total: number }> {
    let query = this.db
      .selectFrom('users')
      .where('users.org_id', '=', orgId)
      .where('users.type', 'in', options.types);
    if (options.communityId) {
      const communityId = options.communityId;
      query = query.where((eb) =>
        eb.exists(
          eb
            .selectFrom('community_members')
            .select('community_members.user_id')
            .whereRef('community_members.user_id', '=', 'users.id')
            .where('community_members.community_id', '=', communityId),
        ),
      );
    }
    if (options.q) {
      // The folded keys, not lower(): alike on both stores for all of Unicode (decision 0020).
      const pattern = containsPattern(options.q);
      query = query.where((eb) =>
        eb.or([
          eb('users.name_key', 'like', sql<string>`${pattern} escape '\\'`),
          eb('users.nickname_key', 'like', sql<string>`${pattern} escape '\\'`),
        ]),
      );
    }
    const [rows, count] = await Promise.all([
      query
        .selectAll('users')
        .orderBy('users.last_name')
        .orderBy('users.first_name')
        .orderBy('users.id')
        .offset(options.offset)
        .limit(options.limit)
        .execute(),
      query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { users: rows.map(toUser), total: Number(count.n) };
  }

  /** A keyset page of every user of an org (guests included), in ID order: after `afterId`. */
  async pageAll(orgId: string, afterId: string, limit: number): Promise<UserRecord[]> {
    const rows = await this.db
      .selectFrom('users')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('id', '>', afterId)
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map(toUser);
  }

  async updateAboutMe(orgId: string, id: string, aboutMe: string | null, now: number): Promise<void> {
    await this.db
      .updateTable('users')
      .set({ about_me: aboutMe, modified_at: now })
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .execute();
  }

  async setActive(id: string, isActive: boolean, now: number): Promise<void> {
    await this.db
      .updateTable('users')
      .set({ is_active: isActive ? 1 : 0, modified_at: now })
      .where('id', '=', id)
      .execute();
  }

  async credentials(username: string): Promise<UserCredentials | undefined> {
    const row = await this.db
      .selectFrom('users')
      .select(['id', 'org_id', 'is_active', 'password_hash', 'failed_logins', 'locked_until'])
      .where(sql`lower(username)`, '=', username.toLowerCase())
      .executeTakeFirst();
    return (
      row && {
        id: row.id,
        orgId: row.org_id,
        isActive: row.is_active === 1,
        passwordHash: row.password_hash,
        failedLogins: row.failed_logins,
        lockedUntil: row.locked_until,
      }
    );
  }

  async recordLoginFailure(id: string, lockedUntil: number | null): Promise<void> {
    await this.db
      .updateTable('users')
      .set((eb) => ({ failed_logins: eb('failed_logins', '+', 1), locked_until: lockedUntil }))
      .where('id', '=', id)
      .execute();
  }

  async resetLoginFailures(id: string): Promise<void> {
    await this.db
      .updateTable('users')
      .set({ failed_logins: 0, locked_until: null })
      .where('id', '=', id)
      .execute();
  }
}

export function toUser(row: Selectable<Database['users']>): UserRecord {
  return {
    id: row.id,
    orgId: row.org_id,
    username: row.username,
    email: row.email,
    firstName: row.first_name,
    lastName: row.last_name,
    nickname: row.nickname,
    title: row.title,
    companyName: row.company_name,
    aboutMe: row.about_me,
    type: row.type,
    isActive: row.is_active === 1,
    createdAt: row.created_at,
    modifiedAt: row.modified_at,
    photoId: row.photo_id ?? null,
  };
}

function toUserWithStats(row: Selectable<Database['users']> & Record<string, unknown>): {
  user: UserRecord;
  stats: UserStats;
} {
  const n = (key: string) => Number(row[key] ?? 0);
  return {
    user: toUser(row),
    stats: {
      followersCount: n('followers_count'),
      followingPeople: n('following_people'),
      followingRecords: n('following_records'),
      groupCount: n('group_count'),
      postCount: n('post_count'),
      commentCount: n('comment_count'),
      commentReceivedCount: n('comment_received_count'),
      likeReceivedCount: n('like_received_count'),
    },
  };
}
