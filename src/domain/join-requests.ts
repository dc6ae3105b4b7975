import type { Viewer } from '../auth/viewer.js';
import { apiError, insufficientAccess, notFound } from '../errors/api-error.js';
import { KeyPrefix } from '../ids/salesforce-id.js';
import type { Clock } from '../lib/clock.js';
import type { JoinRequestRecord, JoinRequestStatus } from '../store/records.js';
import type { Store } from '../store/store.js';
import type { GroupAccess } from './group-access.js';
import type { GroupService } from './groups.js';
import { requireId } from './ids.js';
import type { Scope } from './scope.js';
import { summaryOf, type UserSummaryView, userSummaries } from './user-summaries.js';
import type { UserService } from './users.js';

export interface JoinRequestReadView {
  request: JoinRequestRecord;
  user: UserSummaryView;
}

export interface Decision {
  status: 'Accepted' | 'Declined';
  responseMessage?: string | null | undefined;
}

/** The longest response message a decline may carry (reference/chatter-facts.md §2.4). */
export const RESPONSE_MESSAGE_MAX = 756;

/** Requests to join a group and their answers (SPEC §5, §6). */
export class JoinRequestService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly users: UserService,
    private readonly groups: GroupService,
  ) {}

  async #views(viewer: Viewer, scope: Scope, requests: JoinRequestRecord[]): Promise<JoinRequestReadView[]> {
    const people = await userSummaries(
      this.users,
      this.store,
      viewer,
      scope,
      requests.map((r) => r.userId),
    );
    return requests.map((request) => ({ request, user: summaryOf(people, request.userId) }));
  }

  /**
   * POST groups/{id}/members/requests. Members get null (204); a user with a pending request gets
   * that one again; anyone else a new pending request, also after an earlier decline. External
   * users can't ask (403 INSUFFICIENT_ACCESS).
   */
  async request(viewer: Viewer, scope: Scope, rawGroupId: string): Promise<JoinRequestReadView | null> {
    const access = await this.groups.access(viewer, scope, rawGroupId);
    if (viewer.user.type === 'external') throw insufficientAccess("External users can't ask to join groups.");
    if (access.role !== null) return null;
    const now = this.clock.now();
    const request = await this.store.transaction(async (tx) => {
      const existing = await tx.joinRequests.findPendingRequest(access.group.id, viewer.user.id);
      if (existing) return existing;
      const created = await tx.joinRequests.createPendingRequest({
        id: await tx.newId(KeyPrefix.joinRequest),
        orgId: viewer.orgId,
        groupId: access.group.id,
        userId: viewer.user.id,
        status: 'Pending',
        responseMessage: null,
        createdAt: now,
        modifiedAt: now,
      });
      return created.request;
    });
    return (await this.#views(viewer, scope, [request]))[0] as JoinRequestReadView;
  }

  /** GET groups/{id}/members/requests: for the group's owner, managers and admins only. */
  async list(
    viewer: Viewer,
    scope: Scope,
    rawGroupId: string,
    status: JoinRequestStatus | undefined,
  ): Promise<JoinRequestReadView[]> {
    const access = await this.groups.access(viewer, scope, rawGroupId);
    if (!access.canManage) {
      throw insufficientAccess("You don't have permission to view this group's membership requests.");
    }
    return this.#views(viewer, scope, await this.store.joinRequests.listRequests(access.group.id, status));
  }

  /** A request and the viewer's access to its group: 404 when either is hidden from the viewer. */
  async #load(
    viewer: Viewer,
    scope: Scope,
    rawId: string,
  ): Promise<{ request: JoinRequestRecord; access: GroupAccess }> {
    const id = requireId(rawId, KeyPrefix.joinRequest);
    const request = await this.store.joinRequests.findRequest(viewer.orgId, id);
    if (!request) throw notFound();
    return { request, access: await this.groups.access(viewer, scope, request.groupId) };
  }

  /** GET group-membership-requests/{id}: the requester and the group's managers may read it. */
  async get(viewer: Viewer, scope: Scope, rawId: string): Promise<JoinRequestReadView> {
    const { request, access } = await this.#load(viewer, scope, rawId);
    if (request.userId !== viewer.user.id && !access.canManage) {
      throw insufficientAccess("You don't have permission to view this membership request.");
    }
    return (await this.#views(viewer, scope, [request]))[0] as JoinRequestReadView;
  }

  /**
   * PATCH group-membership-requests/{id}: accept or decline, by the owner, a manager or an admin.
   * The decision is one conditional UPDATE (… WHERE status = 'Pending'), so of two deciders at once
   * exactly one wins and the other gets 409; accepting adds the membership in the same transaction.
   */
  async decide(
    viewer: Viewer,
    scope: Scope,
    rawId: string,
    decision: Decision,
  ): Promise<JoinRequestReadView> {
    const { request, access } = await this.#load(viewer, scope, rawId);
    if (!access.canManage) {
      throw insufficientAccess("You don't have permission to answer requests to join this group.");
    }
    const now = this.clock.now();
    // The message explains a decline; an acceptance needs none (reference/chatter-facts.md §2.4).
    const responseMessage = decision.status === 'Declined' ? (decision.responseMessage ?? null) : null;
    await this.store.transaction(async (tx) => {
      const decided = await tx.joinRequests.decideRequest(request.id, {
        status: decision.status,
        responseMessage,
        at: now,
      });
      if (!decided) throw apiError('INVALID_STATUS');
      if (decision.status === 'Accepted') {
        await tx.memberships.addMemberIfAbsent({
          id: await tx.newId(KeyPrefix.groupMember),
          orgId: request.orgId,
          groupId: request.groupId,
          userId: request.userId,
          role: 'StandardMember',
          createdAt: now,
        });
      }
    });
    const updated: JoinRequestRecord = {
      ...request,
      status: decision.status,
      responseMessage,
      modifiedAt: now,
    };
    return (await this.#views(viewer, scope, [updated]))[0] as JoinRequestReadView;
  }
}
