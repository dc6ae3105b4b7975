import type { Viewer } from '../auth/viewer.js';
import { apiError, insufficientAccess, notFound } from '../errors/api-error.js';
import { KeyPrefix } from '../ids/salesforce-id.js';
import type { Clock } from '../lib/clock.js';
import type { GroupRole, MembershipRecord } from '../store/records.js';
import type { Store } from '../store/store.js';
import { type GroupAccess, loadGroupAccess, requireGroupContent } from './group-access.js';
import type { GroupService } from './groups.js';
import { parseBatchIds, requireId, requireUserId } from './ids.js';
import type { Scope } from './scope.js';
import { summaryOf, type UserSummaryView, userSummaries } from './user-summaries.js';
import type { BatchItem, UserService } from './users.js';

export interface MemberReadView {
  membership: MembershipRecord;
  user: UserSummaryView;
}

export type AssignableRole = Exclude<GroupRole, 'GroupOwner'>;

export const MEMBERSHIPS_BATCH_MAX = 500;

const CANT_SEE_MEMBERS = "You don't have permission to view this group's members.";

/** Group memberships: who belongs, joining, adding, roles, leaving (SPEC §5, §6). */
export class GroupMemberService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly users: UserService,
    private readonly groups: GroupService,
  ) {}

  async #views(viewer: Viewer, scope: Scope, memberships: MembershipRecord[]): Promise<MemberReadView[]> {
    const people = await userSummaries(
      this.users,
      this.store,
      viewer,
      scope,
      memberships.map((m) => m.userId),
    );
    return memberships.map((membership) => ({ membership, user: summaryOf(people, membership.userId) }));
  }

  /** groups/{id}/members: a page of members (hidden from non-members of a private group → 403). */
  async list(
    viewer: Viewer,
    scope: Scope,
    rawGroupId: string,
    page: { page: number; pageSize: number },
  ): Promise<{ groupId: string; views: MemberReadView[]; total: number; mine: MembershipRecord | null }> {
    const access = requireGroupContent(
      viewer,
      scope,
      await this.groups.access(viewer, scope, rawGroupId),
      CANT_SEE_MEMBERS,
    );
    const groupId = access.group.id;
    const [{ members, total }, mine] = await Promise.all([
      this.store.memberships.listMembers(groupId, {
        offset: page.page * page.pageSize,
        limit: page.pageSize,
      }),
      access.role === null
        ? undefined
        : this.store.memberships.membershipsOf(viewer.user.id, [groupId]).then((m) => m.get(groupId)),
    ]);
    return { groupId, views: await this.#views(viewer, scope, members), total, mine: mine ?? null };
  }

  /**
   * POST groups/{id}/members. The owner, managers and admins add anyone the scope contains, to any
   * group; anyone may join a public group themselves; adding yourself to a private group is
   * INSUFFICIENT_ACCESS_OR_READONLY (send a join request); every other refusal INSUFFICIENT_ACCESS
   * (SPEC §2, §5).
   */
  async add(
    viewer: Viewer,
    scope: Scope,
    rawGroupId: string,
    input: { userId: string; role?: AssignableRole | undefined },
  ): Promise<MemberReadView> {
    // IDs first (400), then visibility and permission (SPEC §2 order of checks).
    const userId = requireUserId(input.userId, viewer);
    const access = await this.groups.access(viewer, scope, rawGroupId);
    const role = input.role ?? 'StandardMember';
    const self = userId === viewer.user.id;
    if (!access.canManage) {
      if (!self) throw insufficientAccess("You don't have permission to add members to this group.");
      if (access.role !== null) throw alreadyMember();
      if (access.group.visibility !== 'PublicAccess') throw apiError('INSUFFICIENT_ACCESS_OR_READONLY');
      if (role !== 'StandardMember') {
        throw insufficientAccess("Only the group's owner and managers can make someone a manager.");
      }
    }
    // The new member must be someone this scope contains (an internal user for an internal group,
    // a member of the community for a community group).
    const person = (await this.users.views(viewer, scope, [userId])).get(userId);
    if (!person?.isInThisCommunity) throw notFound();
    const now = this.clock.now();
    const membership = await this.store.transaction(async (tx) => {
      const created: MembershipRecord = {
        id: await tx.newId(KeyPrefix.groupMember),
        orgId: viewer.orgId,
        groupId: access.group.id,
        userId,
        role,
        createdAt: now,
      };
      if (!(await tx.memberships.addMemberIfAbsent(created))) throw alreadyMember();
      // Someone added directly no longer waits for an answer to their request.
      await tx.joinRequests.acceptPendingRequestOf(access.group.id, userId, now);
      return created;
    });
    return { membership, user: person };
  }

  /** A membership and the viewer's access to its group; 404 when either is hidden. */
  async #load(
    viewer: Viewer,
    scope: Scope,
    rawId: string,
  ): Promise<{ membership: MembershipRecord; access: GroupAccess }> {
    const id = requireId(rawId, KeyPrefix.groupMember);
    const membership = await this.store.memberships.findMembership(viewer.orgId, id);
    if (!membership) throw notFound();
    const access = requireGroupContent(
      viewer,
      scope,
      await this.groups.access(viewer, scope, membership.groupId),
      CANT_SEE_MEMBERS,
    );
    return { membership, access };
  }

  async get(viewer: Viewer, scope: Scope, rawId: string): Promise<MemberReadView> {
    const { membership } = await this.#load(viewer, scope, rawId);
    return (await this.#views(viewer, scope, [membership]))[0] as MemberReadView;
  }

  /** group-memberships/batch/{ids}: one result per ID, in order, each answered as a direct GET. */
  async batch(viewer: Viewer, scope: Scope, rawIds: string): Promise<BatchItem<MemberReadView>[]> {
    const parsed = parseBatchIds(rawIds, 'membershipIds', MEMBERSHIPS_BATCH_MAX, KeyPrefix.groupMember);
    const memberships = await this.store.memberships.findMemberships(
      viewer.orgId,
      parsed.flatMap((p) => p.id ?? []),
    );
    const access = await loadGroupAccess(
      this.store,
      viewer,
      scope,
      memberships.map((m) => m.groupId),
    );
    const refusal = (m: MembershipRecord) => {
      try {
        requireGroupContent(viewer, scope, access.get(m.groupId), CANT_SEE_MEMBERS);
        return null;
      } catch (error) {
        return error as Error;
      }
    };
    const readable = memberships.filter((m) => refusal(m) === null);
    const views = new Map((await this.#views(viewer, scope, readable)).map((v) => [v.membership.id, v]));
    const byId = new Map(memberships.map((m) => [m.id, m]));
    return parsed.map((p): BatchItem<MemberReadView> => {
      if (!p.id) return { error: p.error as Error };
      const view = views.get(p.id);
      if (view) return { value: view };
      const membership = byId.get(p.id);
      return { error: (membership && refusal(membership)) || notFound() };
    });
  }

  /** PATCH group-memberships/{id}: a role change, by the owner, a manager or an admin. */
  async setRole(viewer: Viewer, scope: Scope, rawId: string, role: AssignableRole): Promise<MemberReadView> {
    const { membership, access } = await this.#load(viewer, scope, rawId);
    if (!access.canManage) {
      throw insufficientAccess("You don't have permission to change the roles of this group's members.");
    }
    if (membership.role === 'GroupOwner') {
      throw insufficientAccess("The owner's role can't be changed; give the group a new owner first.");
    }
    await this.store.memberships.setMemberRole(membership.id, role);
    return (await this.#views(viewer, scope, [{ ...membership, role }]))[0] as MemberReadView;
  }

  /**
   * DELETE group-memberships/{id}: a member leaving, or the owner, a manager or an admin removing
   * one. The owner can't leave: the group would have no owner (docs/decisions/0005).
   */
  async remove(viewer: Viewer, scope: Scope, rawId: string): Promise<void> {
    const { membership, access } = await this.#load(viewer, scope, rawId);
    const self = membership.userId === viewer.user.id;
    if (!self && !access.canManage) {
      throw insufficientAccess("You don't have permission to remove members from this group.");
    }
    if (membership.role === 'GroupOwner') {
      throw insufficientAccess(
        self
          ? "The group's owner can't leave the group; give the group a new owner first."
          : "The group's owner can't be removed; give the group a new owner first.",
      );
    }
    await this.store.memberships.removeMember(membership.id);
  }
}

const alreadyMember = () =>
  apiError('DUPLICATE_VALUE', { detail: 'This user is already a member of the group.' });
