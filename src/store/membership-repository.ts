import type { Selectable } from 'kysely';
import type { Db } from './dialects/dialect.js';
import type { GroupRole, MembershipRecord } from './records.js';
import type { Database } from './schema.js';
import { StatementShapes } from './statement-shapes.js';

/** Who belongs to which group, in which role: the one place group roles are read. */
export class MembershipRepository {
  /** The statements a feed page reads with, compiled once per shape (statement-shapes.ts). */
  readonly #shapes: StatementShapes;

  constructor(private readonly db: Db) {
    this.#shapes = new StatementShapes(db);
  }

  /** The memberships of several users in several groups (one query). */
  async membershipsAmong(
    userIds: readonly string[],
    groupIds: readonly string[],
  ): Promise<MembershipRecord[]> {
    if (userIds.length === 0 || groupIds.length === 0) return [];
    const rows = await this.#shapes.rows(
      'among',
      { users: [...new Set(userIds)], groups: [...new Set(groupIds)] },
      (a) =>
        this.db
          .selectFrom('group_members')
          .selectAll()
          .where('user_id', 'in', a.users)
          .where('group_id', 'in', a.groups),
    );
    return rows.map(toMembership);
  }

  /** groupId → the user's role, for the groups among groupIds the user belongs to (one query). */
  async rolesOf(userId: string, groupIds: readonly string[]): Promise<Map<string, GroupRole>> {
    const memberships = await this.membershipsOf(userId, groupIds);
    return new Map([...memberships].map(([groupId, m]) => [groupId, m.role]));
  }

  /** groupId → the user's membership, for the groups among groupIds the user belongs to (one query). */
  async membershipsOf(userId: string, groupIds: readonly string[]): Promise<Map<string, MembershipRecord>> {
    const memberships = await this.membershipsAmong([userId], groupIds);
    return new Map(memberships.map((m) => [m.groupId, m]));
  }

  /**
   * What a group's read view needs of a page of groups, in one query: the viewer's membership (no
   * viewer: a guest, none), whether the viewer has a pending join request, and the member count.
   */
  async viewerGroupStates(
    userId: string | null,
    groupIds: readonly string[],
  ): Promise<Map<string, { membership: MembershipRecord | null; requested: boolean; memberCount: number }>> {
    if (groupIds.length === 0) return new Map();
    const rows = await this.#shapes.rows('group-states', { userId, ids: [...new Set(groupIds)] }, (a) =>
      this.#viewerGroupStates(a.userId ?? '', a.ids),
    );
    return new Map(
      rows.map((r) => [
        r.gid,
        {
          // No membership row: every gm column is null (the left join found nothing).
          membership: r.id === null ? null : toMembership(r as Selectable<Database['group_members']>),
          requested: Number(r.pending ?? 0) > 0,
          memberCount: Number(r.member_count ?? 0),
        },
      ]),
    );
  }

  #viewerGroupStates(viewer: string, groupIds: string[]) {
    return this.db
      .selectFrom('groups as g')
      .leftJoin('group_members as gm', (join) =>
        join.onRef('gm.group_id', '=', 'g.id').on('gm.user_id', '=', viewer),
      )
      .select((eb) => [
        'g.id as gid',
        'gm.id',
        'gm.org_id',
        'gm.group_id',
        'gm.user_id',
        'gm.role',
        'gm.created_at',
        eb
          .selectFrom('group_members as c')
          .select(eb.fn.countAll<number>().as('n'))
          .whereRef('c.group_id', '=', 'g.id')
          .as('member_count'),
        eb
          .selectFrom('join_requests as jr')
          .select(eb.fn.countAll<number>().as('n'))
          .whereRef('jr.group_id', '=', 'g.id')
          .where('jr.user_id', '=', viewer)
          .where('jr.status', '=', 'Pending')
          .as('pending'),
      ])
      .where('g.id', 'in', groupIds);
  }

  /** Memberships of the org by ID (one query; a batch read). */
  async findMemberships(orgId: string, ids: readonly string[]): Promise<MembershipRecord[]> {
    if (ids.length === 0) return [];
    const rows = await this.db
      .selectFrom('group_members')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('id', 'in', [...new Set(ids)])
      .execute();
    return rows.map(toMembership);
  }

  async findMembership(orgId: string, id: string): Promise<MembershipRecord | undefined> {
    const row = await this.db
      .selectFrom('group_members')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toMembership(row);
  }

  /** A page of a group's members, by name, with the total. */
  async listMembers(
    groupId: string,
    page: { offset: number; limit: number },
  ): Promise<{ members: MembershipRecord[]; total: number }> {
    const [rows, count] = await Promise.all([
      this.db
        .selectFrom('group_members')
        .innerJoin('users', 'users.id', 'group_members.user_id')
        .selectAll('group_members')
        .where('group_members.group_id', '=', groupId)
        .orderBy((eb) => eb.fn('lower', ['users.last_name']))
        .orderBy((eb) => eb.fn('lower', ['users.first_name']))
        .orderBy('group_members.id')
        .offset(page.offset)
        .limit(page.limit)
        .execute(),
      this.db
        .selectFrom('group_members')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('group_id', '=', groupId)
        .executeTakeFirstOrThrow(),
    ]);
    return { members: rows.map(toMembership), total: Number(count.n) };
  }

  /** Adds a member unless the user already is one; false when they were (no error, no change). */
  async addMemberIfAbsent(member: MembershipRecord): Promise<boolean> {
    const result = await this.db
      .insertInto('group_members')
      .values(toMemberRow(member))
      .onConflict((oc) => oc.columns(['group_id', 'user_id']).doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  async addMember(member: MembershipRecord): Promise<void> {
    await this.db.insertInto('group_members').values(toMemberRow(member)).execute();
  }

  async setMemberRole(id: string, role: GroupRole): Promise<void> {
    await this.db.updateTable('group_members').set({ role }).where('id', '=', id).execute();
  }

  async setMemberRoleOf(groupId: string, userId: string, role: GroupRole): Promise<void> {
    await this.db
      .updateTable('group_members')
      .set({ role })
      .where('group_id', '=', groupId)
      .where('user_id', '=', userId)
      .execute();
  }

  async removeMember(id: string): Promise<void> {
    await this.db.deleteFrom('group_members').where('id', '=', id).execute();
  }
}

function toMembership(row: Selectable<Database['group_members']>): MembershipRecord {
  return {
    id: row.id,
    orgId: row.org_id,
    groupId: row.group_id,
    userId: row.user_id,
    role: row.role,
    createdAt: row.created_at,
  };
}

function toMemberRow(member: MembershipRecord): Database['group_members'] {
  return {
    id: member.id,
    org_id: member.orgId,
    group_id: member.groupId,
    user_id: member.userId,
    role: member.role,
    created_at: member.createdAt,
  };
}
