import { type ExpressionBuilder, type Selectable, sql } from 'kysely';
import { containsPattern, searchFold } from '../lib/search-fold.js';
import type { Db, StoreDialect } from './dialects/dialect.js';
import {
  type GroupChanges,
  type GroupListFilter,
  GroupNameTaken,
  type GroupRecord,
  type GroupRole,
  type GroupSearch,
} from './records.js';
import type { Database } from './schema.js';
import { StatementShapes } from './statement-shapes.js';

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

/** The unique index on (org_id, coalesce(community_id, ''), name_key) of live groups (migrations 007, 008). */
const NAME_INDEX = 'groups_scope_name_key_unique';

/** GroupNameTaken for a violation of NAME_INDEX; any other error as it was. */
function nameTakenOr(dialect: StoreDialect, error: unknown): unknown {
  return dialect.violatedUniqueIndex(error) === NAME_INDEX ? new GroupNameTaken() : error;
}

/** Groups, memberships and join requests. Deleted groups are never returned. */
export class GroupRepository {
  /** The statements a feed page reads with, compiled once per shape (statement-shapes.ts). */
  readonly #shapes: StatementShapes;

  constructor(
    private readonly db: Db,
    private readonly dialect: StoreDialect,
  ) {
    this.#shapes = new StatementShapes(db);
  }

  /** Throws GroupNameTaken when the scope has a live group of that name (any case). A new group has no photo. */
  async create(group: Omit<GroupRecord, 'photoId'>): Promise<void> {
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
        throw nameTakenOr(this.dialect, error);
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
        throw nameTakenOr(this.dialect, error);
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

  /** Live groups among these IDs with the member's role in each (null: not a member), in one query. */
  async findManyWithRoles(
    orgId: string,
    ids: readonly string[],
    memberId: string | null,
  ): Promise<{ group: GroupRecord; role: GroupRole | null }[]> {
    if (ids.length === 0) return [];
    const rows = await this.#shapes.rows('with-roles', { orgId, ids: [...new Set(ids)], memberId }, (a) =>
      this.#withRoleOf(a.memberId)
        .where('g.org_id', '=', a.orgId)
        .where('g.id', 'in', a.ids)
        .where('g.deleted_at', 'is', null),
    );
    return rows.map((row) => ({ group: toGroup(row), role: row.role ?? null }));
  }

  /**
   * Every group of a scope with the member's role in it (null: not a member), in one query; a
   * deleted group comes with `group` null (its posts must stay hidden, and nothing else of it shows).
   */
  async inScopeWithRoles(
    orgId: string,
    communityId: string | null,
    memberId: string | null,
  ): Promise<{ id: string; group: GroupRecord | null; role: GroupRole | null }[]> {
    const rows = await this.#shapes.rows('in-scope-with-roles', { orgId, communityId, memberId }, (a) =>
      this.#withRoleOf(a.memberId)
        .where('g.org_id', '=', a.orgId)
        .where('g.community_id', a.communityId === null ? 'is' : '=', a.communityId),
    );
    return rows.map((row) => ({
      id: row.id,
      group: row.deleted_at === null ? toGroup(row) : null,
      role: row.role ?? null,
    }));
  }

  /** Group rows with `role`, the member's role in each (a guest, `null`, is nobody's member). */
  #withRoleOf(memberId: string | null) {
    return this.db
      .selectFrom('groups as g')
      .leftJoin('group_members as gm', (join) =>
        join.onRef('gm.group_id', '=', 'g.id').on('gm.user_id', '=', memberId ?? ''),
      )
      .selectAll('g')
      .select('gm.role');
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
        // The folded name, so that both stores list groups in one order (decision 0020).
        .orderBy('groups.name_key')
        .orderBy('groups.id')
        .offset(search.offset)
        .limit(search.limit)
        .execute(),
      query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { groups: rows.map(toGroup), total: Number(count.n) };
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
    photoId: row.photo_id ?? null,
  };
}
