import type { Viewer } from '../auth/viewer.js';
import { apiError, insufficientAccess, invalidInput } from '../errors/api-error.js';
import { KeyPrefix } from '../ids/salesforce-id.js';
import type { Clock } from '../lib/clock.js';
import {
  type GroupChanges,
  GroupNameTaken,
  type GroupRecord,
  type GroupVisibility,
  type MembershipRecord,
} from '../store/records.js';
import type { Store } from '../store/store.js';
import type { AnnouncementView } from './announcements.js';
import {
  type GroupAccess,
  groupAccess,
  groupListFilter,
  hiddenGroupError,
  loadGroupAccess,
  requireVisibleGroup,
} from './group-access.js';
import { requireId, requireUserId } from './ids.js';
import { type Scope, scopeCommunityId } from './scope.js';
import { summaryOf, type UserSummaryView, userSummaries } from './user-summaries.js';
import type { BatchItem, UserService } from './users.js';
import { SEARCH_TERM_MAX } from './users.js';

/** A group as one viewer sees it (STYLE #7: viewer-specific fields are computed here, not stored). */
export interface GroupReadView {
  access: GroupAccess;
  /** The viewer's membership (Group.mySubscription), or null. */
  membership: MembershipRecord | null;
  /** The viewer has a pending request to join (myRole NotAMemberPrivateRequested). */
  requested: boolean;
  memberCount: number;
  owner: UserSummaryView;
  /** The current announcement, where the resource shows it (Group Detail, SPEC §12.6). */
  announcement?: AnnouncementView | null;
}

export type ArchiveStatus = 'All' | 'Archived' | 'NotArchived';

/** Group Input (reference/chatter-facts.md §2.4), as validated by the route's schema. */
export interface GroupInput {
  name?: string | undefined;
  visibility?: GroupVisibility | undefined;
  description?: string | null | undefined;
  information?: { title?: string | null | undefined; text?: string | null | undefined } | undefined;
  canHaveChatterGuests?: boolean | undefined;
  isArchived?: boolean | undefined;
  isAutoArchiveDisabled?: boolean | undefined;
  isBroadcast?: boolean | undefined;
  /** PATCH only: the new owner. */
  owner?: string | undefined;
}

/** Limits of the CollaborationGroup fields (Name 40, Description 1000, InformationTitle 30, InformationBody 1000). */
export const GROUP_LIMITS = { name: 40, description: 1000, informationTitle: 30, informationText: 1000 };
export const GROUPS_BATCH_MAX = 500;

/** Groups: reading, listing, creating, changing and deleting them (SPEC §5, §6). */
export class GroupService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly users: UserService,
  ) {}

  /** Read views of groups the viewer may see, in the given order, in a constant number of queries. */
  async views(viewer: Viewer, scope: Scope, groups: readonly GroupRecord[]): Promise<GroupReadView[]> {
    const ids = groups.map((g) => g.id);
    const [states, owners] = await Promise.all([
      this.store.memberships.viewerGroupStates(viewer.isGuest ? null : viewer.user.id, ids),
      userSummaries(
        this.users,
        this.store,
        viewer,
        scope,
        groups.map((g) => g.ownerId),
      ),
    ]);
    return groups.map((group) => {
      const state = states.get(group.id);
      const membership = state?.membership ?? null;
      return {
        access: groupAccess(viewer, scope, group, membership?.role ?? null),
        membership,
        requested: state?.requested ?? false,
        memberCount: state?.memberCount ?? 0,
        owner: summaryOf(owners, group.ownerId),
      };
    });
  }

  /** The viewer's access to a group named by a path or body ID: 400 for a bad ID, 404/401 if hidden. */
  async access(viewer: Viewer, scope: Scope, rawId: string): Promise<GroupAccess> {
    const id = requireId(rawId, KeyPrefix.group);
    // A group that is not there (or is deleted) is refused as a hidden one: 404.
    const access = (await loadGroupAccess(this.store, viewer, scope, [id])).get(id);
    return requireVisibleGroup(viewer, scope, access);
  }

  async get(viewer: Viewer, scope: Scope, rawId: string): Promise<GroupReadView> {
    const access = await this.access(viewer, scope, rawId);
    return (await this.views(viewer, scope, [access.group]))[0] as GroupReadView;
  }

  /** groups: the scope's groups the viewer may see, by name (Group Page). */
  async list(
    viewer: Viewer,
    scope: Scope,
    params: { q?: string | undefined; archiveStatus: ArchiveStatus; page: number; pageSize: number },
  ): Promise<{ views: GroupReadView[]; total: number }> {
    const { groups, total } = await this.store.groups.search(viewer.orgId, {
      filter: groupListFilter(viewer, scope),
      nameContains: searchTerm(params.q),
      isArchived: params.archiveStatus === 'All' ? undefined : params.archiveStatus === 'Archived',
      offset: params.page * params.pageSize,
      limit: params.pageSize,
    });
    return { views: await this.views(viewer, scope, groups), total };
  }

  /** users/{id}/groups: the groups a user belongs to, among those the viewer may see (User Group Page). */
  async groupsOf(
    viewer: Viewer,
    scope: Scope,
    rawUserId: string,
    params: { page: number; pageSize: number },
  ): Promise<{ userId: string; views: GroupReadView[]; total: number }> {
    const user = await this.users.get(viewer, scope, rawUserId);
    const { groups, total } = await this.store.groups.search(viewer.orgId, {
      filter: groupListFilter(viewer, scope),
      memberId: user.user.id,
      offset: params.page * params.pageSize,
      limit: params.pageSize,
    });
    return { userId: user.user.id, views: await this.views(viewer, scope, groups), total };
  }

  /** groups/batch/{ids}: one result per ID, in order, each with its own status. */
  async batch(viewer: Viewer, scope: Scope, rawIds: string): Promise<BatchItem<GroupReadView>[]> {
    const parts = rawIds.split(',').map((p) => p.trim());
    if (parts.length > GROUPS_BATCH_MAX || parts.some((p) => p === '')) {
      throw invalidInput(`Invalid groupIds: specify between 1 and ${GROUPS_BATCH_MAX} comma-separated IDs.`);
    }
    const parsed = parts.map((raw) => {
      try {
        return { id: requireId(raw, KeyPrefix.group) };
      } catch (error) {
        return { error: error as Error };
      }
    });
    const ids = parsed.flatMap((p) => (p.id ? [p.id] : []));
    const access = [...(await loadGroupAccess(this.store, viewer, scope, ids)).values()];
    const byId = new Map(access.map((a) => [a.group.id, a.group]));
    const visible = access.filter((a) => a.visible).map((a) => a.group);
    const views = new Map(
      (await this.views(viewer, scope, visible)).map((view) => [view.access.group.id, view] as const),
    );
    return parsed.map((p) => {
      if (!p.id) return { error: p.error as Error };
      const view = views.get(p.id);
      return view ? { value: view } : { error: hiddenGroupError(viewer, scope, byId.get(p.id)) };
    });
  }

  /** POST groups: the caller becomes the owner, and the first member (SPEC §6). */
  async create(viewer: Viewer, scope: Scope, input: GroupInput, major: number): Promise<GroupReadView> {
    if (viewer.user.type === 'external') throw insufficientAccess("External users can't create groups.");
    const name = requireName(input.name);
    if (input.visibility === undefined) throw invalidInput('Missing required field: visibility.');
    checkVersionedFields(input, major);
    const now = this.clock.now();
    const communityId = scopeCommunityId(scope);
    const id = await this.store.transaction(async (tx) => {
      if (await tx.groups.nameTaken(viewer.orgId, communityId, name)) throw duplicateName();
      const groupId = await tx.newId(KeyPrefix.group);
      await sameNameIsDuplicate(
        tx.groups.create({
          id: groupId,
          orgId: viewer.orgId,
          communityId,
          name,
          description: input.description ?? null,
          informationTitle: input.information?.title ?? null,
          informationText: input.information?.text ?? null,
          visibility: input.visibility as GroupVisibility,
          ownerId: viewer.user.id,
          canHaveChatterGuests: input.canHaveChatterGuests ?? false,
          isArchived: input.isArchived ?? false,
          isAutoArchiveDisabled: input.isAutoArchiveDisabled ?? false,
          isBroadcast: input.isBroadcast ?? false,
          lastPostAt: null,
          createdAt: now,
          modifiedAt: now,
        }),
      );
      await tx.memberships.addMember({
        id: await tx.newId(KeyPrefix.groupMember),
        orgId: viewer.orgId,
        groupId,
        userId: viewer.user.id,
        role: 'GroupOwner',
        createdAt: now,
      });
      return groupId;
    });
    return this.get(viewer, scope, id);
  }

  /** PATCH groups/{id}: by the owner, a manager or an admin; only the owner (or an admin) hands the group over. */
  async update(
    viewer: Viewer,
    scope: Scope,
    rawId: string,
    input: GroupInput,
    major: number,
  ): Promise<GroupReadView> {
    // IDs first (400), then visibility and permission (SPEC §2 order of checks).
    const newOwnerId = input.owner === undefined ? undefined : requireUserId(input.owner, viewer);
    const access = await this.access(viewer, scope, rawId);
    if (!access.canManage) throw insufficientAccess("You don't have permission to edit this group.");
    const group = access.group;
    checkVersionedFields(input, major);
    const changes: GroupChanges = {};
    if (input.name !== undefined) changes.name = requireName(input.name);
    if (input.visibility !== undefined) changes.visibility = input.visibility;
    if (input.description !== undefined) changes.description = input.description;
    if (input.information?.title !== undefined) changes.informationTitle = input.information.title;
    if (input.information?.text !== undefined) changes.informationText = input.information.text;
    if (input.canHaveChatterGuests !== undefined) {
      // Once a group lets customers in it cannot stop (reference/chatter-facts.md §2.4).
      if (group.canHaveChatterGuests && !input.canHaveChatterGuests) {
        throw invalidInput(
          "Invalid canHaveChatterGuests: a group that allows customers can't stop allowing them.",
        );
      }
      changes.canHaveChatterGuests = input.canHaveChatterGuests;
    }
    if (input.isArchived !== undefined) changes.isArchived = input.isArchived;
    if (input.isAutoArchiveDisabled !== undefined)
      changes.isAutoArchiveDisabled = input.isAutoArchiveDisabled;
    if (input.isBroadcast !== undefined) changes.isBroadcast = input.isBroadcast;
    if (newOwnerId !== undefined) {
      // What the viewer could manage without any membership: an admin's powers (group-access.ts).
      const manageAsAdmin = groupAccess(viewer, scope, group, null).canManage;
      if (access.role !== 'GroupOwner' && !manageAsAdmin) {
        throw insufficientAccess("Only the group's owner can give the group a new owner.");
      }
    }
    await this.store.transaction(async (tx) => {
      if (
        changes.name !== undefined &&
        (await tx.groups.nameTaken(viewer.orgId, group.communityId, changes.name, group.id))
      ) {
        throw duplicateName();
      }
      if (newOwnerId !== undefined && newOwnerId !== group.ownerId) {
        // The new owner must already belong to the group; the old owner stays on as a manager
        // (docs/decisions/0005-groups-membership-and-follows.md).
        const role = (await tx.memberships.rolesOf(newOwnerId, [group.id])).get(group.id);
        if (role === undefined)
          throw invalidInput('Invalid owner: the new owner must be a member of the group.');
        await tx.memberships.setMemberRoleOf(group.id, group.ownerId, 'GroupManager');
        await tx.memberships.setMemberRoleOf(group.id, newOwnerId, 'GroupOwner');
        changes.ownerId = newOwnerId;
      }
      if (Object.keys(changes).length > 0) {
        await sameNameIsDuplicate(tx.groups.update(group.id, changes, this.clock.now()));
      }
    });
    return this.get(viewer, scope, group.id);
  }

  /** DELETE groups/{id}: by the owner, a manager or an admin; the group is 404 everywhere afterwards. */
  async delete(viewer: Viewer, scope: Scope, rawId: string): Promise<void> {
    const access = await this.access(viewer, scope, rawId);
    if (!access.canManage) throw insufficientAccess("You don't have permission to delete this group.");
    await this.store.transaction(async (tx) => {
      await tx.groups.softDelete(access.group.id, this.clock.now());
      // Nobody sees the group again: its photo's bytes go now, not with the row (SPEC §12.2).
      if (access.group.photoId !== null) await tx.photos.remove('group', access.group.id);
    });
  }
}

/** A `q` search term: at least 2 characters besides wildcards, as the users search (SPEC §6). */
function searchTerm(q: string | undefined): string | undefined {
  if (q === undefined) return undefined;
  const term = q.trim().replace(/\*/g, '');
  if (term.length < 2) {
    throw invalidInput('Invalid q: the search term must have at least 2 characters other than wildcards.');
  }
  // As the users search: SQLite refuses LIKE patterns over 50 000 bytes (once a 500 here).
  if (term.length > SEARCH_TERM_MAX) {
    throw invalidInput(`Invalid q: the search term must have at most ${SEARCH_TERM_MAX} characters.`);
  }
  return term.toLowerCase();
}

function requireName(name: string | undefined): string {
  if (name === undefined) throw invalidInput('Missing required field: name.');
  const trimmed = name.trim();
  if (trimmed === '') throw invalidInput('Invalid name: specify a name.');
  return trimmed;
}

/** isBroadcast is Group Input from 36.0 (reference/chatter-facts.md §2.4). */
function checkVersionedFields(input: GroupInput, major: number): void {
  if (input.isBroadcast !== undefined && major < 36) {
    throw invalidInput('Invalid isBroadcast: available in version 36.0 and later.');
  }
}

const duplicateName = () => apiError('DUPLICATE_VALUE', { detail: 'A group with this name already exists.' });

/**
 * A write whose name the store refused (a concurrent request took it after nameTaken looked) answers
 * as the pre-check would have: the loser of a race gets what a sequential duplicate gets
 * (decision 0015). Thrown inside the transaction, which then rolls back.
 */
async function sameNameIsDuplicate(write: Promise<void>): Promise<void> {
  try {
    await write;
  } catch (error) {
    throw error instanceof GroupNameTaken ? duplicateName() : error;
  }
}
