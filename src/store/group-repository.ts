import { type ExpressionBuilder, type Selectable, sql } from 'kysely';
import { containsPattern, searchFold } from '../lib/search-fold.js';
import { violatedUniqueIndex } from './dialects/unique-violation.js';
import type { Database } from './schema.js';
import type { Db } from './store.js';

export type GroupVisibility = 'PublicAccess' | 'PrivateAccess' | 'Unlisted';
export type GroupRole = 'GroupOwner' | 'GroupManager' | 'StandardMember';
export type JoinRequestStatus = 'Pending' | 'Accepted' | 'Declined';

export interface GroupRecord {
  id: string;
  orgId: string;
  /** null = the internal scope. */
  communityId: string | null;
  name: string;
  description: string | null;
  informationTitle: string | null;
  informationText: string | null;
  visibility: GroupVisibility;
  ownerId: string;
  canHaveChatterGuests: boolean;
  isArchived: boolean;
  isAutoArchiveDisabled: boolean;
  isBroadcast: boolean;
  lastPostAt: number | null;
  createdAt: number;
  modifiedAt: number;
}

/** The fields of a group that PATCH may change. */
export type GroupChanges = Partial<
  Pick<
    GroupRecord,
    | 'name'
    | 'description'
    | 'informationTitle'
    | 'informationText'
    | 'visibility'
    | 'ownerId'
    | 'canHaveChatterGuests'
    | 'isArchived'
    | 'isAutoArchiveDisabled'
    | 'isBroadcast'
  >
>;

export interface MembershipRecord {
  id: string;
  orgId: string;
  groupId: string;
  userId: string;
  role: GroupRole;
  createdAt: number;
}

export interface JoinRequestRecord {
  id: string;
  orgId: string;
  groupId: string;
  userId: string;
  status: JoinRequestStatus;
  responseMessage: string | null;
  createdAt: number;
  modifiedAt: number;
}

/**
 * Which groups of a scope a list shows, as data (the rule itself is in domain/group-access.ts):
 * groups of the `open` visibilities to everyone, those of the `membersOnly` ones to their members.
 */
export interface GroupListFilter {
  communityId: string | null;
  open: readonly GroupVisibility[];
  membersOnly: readonly GroupVisibility[];
  /** The viewer whose memberships open the `membersOnly` groups; null for a guest. */
  viewerId: string | null;
}

export interface GroupSearch {
  filter: GroupListFilter;
  /** Lower-case substring of the name. */
  nameContains?: string | undefined;
  /** undefined: archived or not. */
  isArchived?: boolean | undefined;
  /** Only the groups this user belongs to (users/{id}/groups). */
  memberId?: string | undefined;
  offset: number;
  limit: number;
}

type GroupsEb = ExpressionBuilder<Database, 'groups'>;

/** The groups a list filter lets through, as a condition on the `groups` table. */
export function visibleGroupCondition(eb: GroupsEb, filter: GroupListFilter) {
  const scope =
    filter.communityId === null
      ? eb('groups.community_id', 'is', null)
      : eb('groups.community_id', '=', filter.communityId);
  const shown = [];
  if (filter.open.length > 0) shown.push(eb('groups.visibility', 'in', [...filter.open]));
  if (filter.membersOnly.length > 0 && filter.viewerId !== null) {
    const viewerId = filter.viewerId;
    shown.push(
      eb.and([
        eb('groups.visibility', 'in', [...filter.membersOnly]),
        eb.exists(
          eb
            .selectFrom('group_members as vm')
            .select('vm.id')
            .whereRef('vm.group_id', '=', 'groups.id')
            .where('vm.user_id', '=', viewerId),
        ),
      ]),
    );
  }
  return eb.and([
    eb('groups.deleted_at', 'is', null),
    scope,
    shown.length > 0 ? eb.or(shown) : eb.lit(false),
  ]);
}

/**
 * A write the store refused because a live group of the scope already has the name (any case):
 * the unique index of migration 006 (decision 0015), which catches what nameTaken cannot see yet,
 * a concurrent transaction's group. The transaction it happened in can only roll back.
 */
export class GroupNameTaken extends Error {
  constructor() {
    super('A live group of the scope already has this name.');
    this.name = 'GroupNameTaken';
  }
}

/** The unique index on (org_id, coalesce(community_id, ''), name_key) of live groups (migrations 006, 008). */
const NAME_INDEX = 'groups_scope_name_key_unique';

/** GroupNameTaken for a violation of NAME_INDEX; any other error as it was. */
function nameTakenOr(error: unknown): unknown {
  return violatedUniqueIndex(error) === NAME_INDEX ? new GroupNameTaken() : error;
}

/** Groups, memberships and join requests. Deleted groups are never returned. */
export class GroupRepository {
  constructor(private readonly db: Db) {}

  /** Throws GroupNameTaken when the scope has a live group of that name (any case). */
  async create(group: GroupRecord): Promise<void> {
    await this.db
      .insertInto('groups')
      .values({
        id: group.id,
        org_id: group.orgId,
        community_id: group.communityId,
        name: group.name,
        name_key: searchFold(group.name),
        description: group.description,
        information_title: group.informationTitle,
        information_text: group.informationText,
        visibility: group.visibility,
        owner_id: group.ownerId,
        can_have_guests: group.canHaveChatterGuests ? 1 : 0,
        is_archived: group.isArchived ? 1 : 0,
        is_auto_archive_disabled: group.isAutoArchiveDisabled ? 1 : 0,
        is_broadcast: group.isBroadcast ? 1 : 0,
        last_post_at: group.lastPostAt,
        created_at: group.createdAt,
        modified_at: group.modifiedAt,
        deleted_at: null,
      })
      .execute()
      .catch((error: unknown) => {
        throw nameTakenOr(error);
      });
  }

  /** Throws GroupNameTaken when a new name is that of another live group of the scope (any case). */
  async update(id: string, changes: GroupChanges, modifiedAt: number): Promise<void> {
    const flag = (value: boolean | undefined) => (value === undefined ? undefined : value ? 1 : 0);
    const set = {
      name: changes.name,
      name_key: changes.name === undefined ? undefined : searchFold(changes.name),
      description: changes.description,
      information_title: changes.informationTitle,
      information_text: changes.informationText,
      visibility: changes.visibility,
      owner_id: changes.ownerId,
      can_have_guests: flag(changes.canHaveChatterGuests),
      is_archived: flag(changes.isArchived),
      is_auto_archive_disabled: flag(changes.isAutoArchiveDisabled),
      is_broadcast: flag(changes.isBroadcast),
      modified_at: modifiedAt,
    };
    const defined = Object.fromEntries(Object.entries(set).filter(([, v]) => v !== undefined));
    await this.db
      .updateTable('groups')
      .set(defined)
      .where('id', '=', id)
      .execute()
      .catch((error: unknown) => {
        throw nameTakenOr(error);
      });
  }

  /**
   * Deletes a group: the row stays (posts keep their subject) but is never returned again; its
   * memberships, join requests and followers go with it.
   */
  async softDelete(id: string, deletedAt: number): Promise<void> {
    await this.db.updateTable('groups').set({ deleted_at: deletedAt }).where('id', '=', id).execute();
    await this.db.deleteFrom('group_members').where('group_id', '=', id).execute();
    await this.db.deleteFrom('join_requests').where('group_id', '=', id).execute();
    await this.db.deleteFrom('subscriptions').where('subject_id', '=', id).execute();
  }

  async findMany(orgId: string, ids: readonly string[]): Promise<GroupRecord[]> {
    if (ids.length === 0) return [];
    const rows = await this.db
      .selectFrom('groups')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('id', 'in', [...new Set(ids)])
      .where('deleted_at', 'is', null)
      .execute();
    return rows.map(toGroup);
  }

  /**
   * Whether the scope already has a live group of that name (any case). The key is the one of the
   * store's unique index (migration 008): the folded name, computed in TypeScript for both stores,
   * so this check and the index never disagree, on either store (decision 0020).
   */
  async nameTaken(
    orgId: string,
    communityId: string | null,
    name: string,
    exceptId?: string,
  ): Promise<boolean> {
    let query = this.db
      .selectFrom('groups')
      .select('id')
      .where('org_id', '=', orgId)
      .where('deleted_at', 'is', null)
      .where('name_key', '=', searchFold(name));
    query =
      communityId === null
        ? query.where('community_id', 'is', null)
        : query.where('community_id', '=', communityId);
    if (exceptId !== undefined) query = query.where('id', '<>', exceptId);
    return (await query.executeTakeFirst()) !== undefined;
  }

  /** A page of the groups a filter lets through, by name, with the total (two queries). */
  async search(orgId: string, search: GroupSearch): Promise<{ groups: GroupRecord[]; total: number }> {
    let query = this.db
      .selectFrom('groups')
      .where('groups.org_id', '=', orgId)
      .where((eb) => visibleGroupCondition(eb, search.filter));
    if (search.isArchived !== undefined)
      query = query.where('groups.is_archived', '=', search.isArchived ? 1 : 0);
    if (search.nameContains) {
      const pattern = containsPattern(search.nameContains);
      query = query.where('groups.name_key', 'like', sql<string>`${pattern} escape '\\'`);
    }
    if (search.memberId !== undefined) {
      const memberId = search.memberId;
      query = query.where((eb) =>
        eb.exists(
          eb
            .selectFrom('group_members as m')
            .select('m.id')
            .whereRef('m.group_id', '=', 'groups.id')
            .where('m.user_id', '=', memberId),
        ),
      );
    }
    const [rows, count] = await Promise.all([
      query
        .selectAll('groups')
        .orderBy((eb) => eb.fn('lower', ['groups.name']))
        .orderBy('groups.id')
        .offset(search.offset)
        .limit(search.limit)
        .execute(),
      query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { groups: rows.map(toGroup), total: Number(count.n) };
  }

  /** groupId → the user's role, for the groups among groupIds the user belongs to (one query). */
  async rolesOf(userId: string, groupIds: readonly string[]): Promise<Map<string, GroupRole>> {
    const memberships = await this.membershipsOf(userId, groupIds);
    return new Map([...memberships].map(([groupId, m]) => [groupId, m.role]));
  }

  /** groupId → the user's membership, for the groups among groupIds the user belongs to (one query). */
  async membershipsOf(userId: string, groupIds: readonly string[]): Promise<Map<string, MembershipRecord>> {
    if (groupIds.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('group_members')
      .selectAll()
      .where('user_id', '=', userId)
      .where('group_id', 'in', [...new Set(groupIds)])
      .execute();
    return new Map(rows.map((r) => [r.group_id, toMembership(r)]));
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

  /** The groups among groupIds where the user has a pending join request (one query). */
  async pendingRequestGroups(userId: string, groupIds: readonly string[]): Promise<Set<string>> {
    if (groupIds.length === 0) return new Set();
    const rows = await this.db
      .selectFrom('join_requests')
      .select('group_id')
      .where('user_id', '=', userId)
      .where('status', '=', 'Pending')
      .where('group_id', 'in', [...new Set(groupIds)])
      .execute();
    return new Set(rows.map((r) => r.group_id));
  }

  /**
   * Creates a pending request unless the user already has one for the group (a partial unique
   * index, migration 002, makes this hold under concurrency). Returns the pending request.
   */
  async createPendingRequest(
    request: JoinRequestRecord,
  ): Promise<{ request: JoinRequestRecord; created: boolean }> {
    const result = await this.db
      .insertInto('join_requests')
      .values({
        id: request.id,
        org_id: request.orgId,
        group_id: request.groupId,
        user_id: request.userId,
        status: 'Pending',
        response_message: null,
        created_at: request.createdAt,
        modified_at: request.modifiedAt,
      })
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    const created = Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
    const pending = await this.findPendingRequest(request.groupId, request.userId);
    if (!pending) throw new Error(`no pending request of ${request.userId} for ${request.groupId}`);
    return { request: pending, created };
  }

  async findPendingRequest(groupId: string, userId: string): Promise<JoinRequestRecord | undefined> {
    const row = await this.db
      .selectFrom('join_requests')
      .selectAll()
      .where('group_id', '=', groupId)
      .where('user_id', '=', userId)
      .where('status', '=', 'Pending')
      .executeTakeFirst();
    return row && toJoinRequest(row);
  }

  async findRequest(orgId: string, id: string): Promise<JoinRequestRecord | undefined> {
    const row = await this.db
      .selectFrom('join_requests')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toJoinRequest(row);
  }

  /** A group's join requests, newest first, optionally of one status. */
  async listRequests(groupId: string, status: JoinRequestStatus | undefined): Promise<JoinRequestRecord[]> {
    let query = this.db.selectFrom('join_requests').selectAll().where('group_id', '=', groupId);
    if (status !== undefined) query = query.where('status', '=', status);
    const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
    return rows.map(toJoinRequest);
  }

  /**
   * Decides a pending request: one conditional UPDATE, so of two deciders at once exactly one
   * changes the row. Returns false when the request was no longer pending.
   */
  async decideRequest(
    id: string,
    decision: { status: 'Accepted' | 'Declined'; responseMessage: string | null; at: number },
  ): Promise<boolean> {
    const result = await this.db
      .updateTable('join_requests')
      .set({ status: decision.status, response_message: decision.responseMessage, modified_at: decision.at })
      .where('id', '=', id)
      .where('status', '=', 'Pending')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** A user who becomes a member without a request being decided: their pending request is met. */
  async acceptPendingRequestOf(groupId: string, userId: string, at: number): Promise<void> {
    await this.db
      .updateTable('join_requests')
      .set({ status: 'Accepted', modified_at: at })
      .where('group_id', '=', groupId)
      .where('user_id', '=', userId)
      .where('status', '=', 'Pending')
      .execute();
  }
}

export function toGroup(row: Selectable<Database['groups']>): GroupRecord {
  return {
    id: row.id,
    orgId: row.org_id,
    communityId: row.community_id,
    name: row.name,
    description: row.description,
    informationTitle: row.information_title,
    informationText: row.information_text,
    visibility: row.visibility,
    ownerId: row.owner_id,
    canHaveChatterGuests: row.can_have_guests === 1,
    isArchived: row.is_archived === 1,
    isAutoArchiveDisabled: row.is_auto_archive_disabled === 1,
    isBroadcast: row.is_broadcast === 1,
    lastPostAt: row.last_post_at,
    createdAt: row.created_at,
    modifiedAt: row.modified_at,
  };
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

function toJoinRequest(row: Selectable<Database['join_requests']>): JoinRequestRecord {
  return {
    id: row.id,
    orgId: row.org_id,
    groupId: row.group_id,
    userId: row.user_id,
    status: row.status,
    responseMessage: row.response_message,
    createdAt: row.created_at,
    modifiedAt: row.modified_at,
  };
}
