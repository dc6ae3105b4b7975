import type { Selectable } from 'kysely';
import type { Db } from './dialects/dialect.js';
import type { GroupRole, MembershipRecord } from './records.js';
import type { Database } from './schema.js';

/** Who belongs to which group, in which role: the one place group roles are read. */
export class MembershipRepository {
  constructor(private readonly db: Db) {}

  /** The memberships of several users in several groups (one query). */
  async membershipsAmong(
    userIds: readonly string[],
    groupIds: readonly string[],
  ): Promise<MembershipRecord[]> {
    if (userIds.length === 0 || groupIds.length === 0) return [];
    const rows = await this.db
      .selectFrom('group_members')
      .selectAll()
      .where('user_id', 'in', [...new Set(userIds)])
      .where('group_id', 'in', [...new Set(groupIds)])
      .execute();
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

  /** groupId → number of members (one query for a page of groups). */
  async memberCounts(groupIds: readonly string[]): Promise<Map<string, number>> {
    if (groupIds.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('group_members')
      .select((eb) => ['group_id', eb.fn.countAll<number>().as('n')])
      .where('group_id', 'in', [...new Set(groupIds)])
      .groupBy('group_id')
      .execute();
    return new Map(rows.map((r) => [r.group_id, Number(r.n)]));
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
