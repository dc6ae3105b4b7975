import type { Selectable } from 'kysely';
import type { Database } from './schema.js';
import type { Db } from './store.js';

export type GroupVisibility = 'PublicAccess' | 'PrivateAccess' | 'Unlisted';
export type GroupRole = 'GroupOwner' | 'GroupManager' | 'StandardMember';

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

/** Groups and memberships. Deleted groups are never returned. */
export class GroupRepository {
  constructor(private readonly db: Db) {}

  async create(group: GroupRecord): Promise<void> {
    await this.db
      .insertInto('groups')
      .values({
        id: group.id,
        org_id: group.orgId,
        community_id: group.communityId,
        name: group.name,
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
      .execute();
  }

  async addMember(member: {
    id: string;
    orgId: string;
    groupId: string;
    userId: string;
    role: GroupRole;
    createdAt: number;
  }): Promise<void> {
    await this.db
      .insertInto('group_members')
      .values({
        id: member.id,
        org_id: member.orgId,
        group_id: member.groupId,
        user_id: member.userId,
        role: member.role,
        created_at: member.createdAt,
      })
      .execute();
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

  /** groupId → the user's role, for the groups among groupIds the user belongs to (one query). */
  async rolesOf(userId: string, groupIds: readonly string[]): Promise<Map<string, GroupRole>> {
    if (groupIds.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('group_members')
      .select(['group_id', 'role'])
      .where('user_id', '=', userId)
      .where('group_id', 'in', [...new Set(groupIds)])
      .execute();
    return new Map(rows.map((r) => [r.group_id, r.role]));
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
