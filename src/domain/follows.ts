import type { Viewer } from '../auth/viewer.js';
import { apiError, insufficientAccess, invalidInput, notFound } from '../errors/api-error.js';
import { KeyPrefix, parseId, prefixOf, to18 } from '../ids/salesforce-id.js';
import type { Clock } from '../lib/clock.js';
import type { SubjectKind, SubscriptionFilter, SubscriptionRecord } from '../store/records.js';
import type { Store } from '../store/store.js';
import { groupAccess, groupListFilter, requireGroupContent } from './group-access.js';
import type { GroupReadView, GroupService } from './groups.js';
import { requireId, requireUserId } from './ids.js';
import {
  type RecordSummaryView,
  recordSummaries,
  requireSubjectId,
  visibleRecord,
} from './record-summaries.js';
import { type Scope, scopeCommunityId } from './scope.js';
import { summaryOf, type UserSummaryView, userSummaries } from './user-summaries.js';
import type { UserService } from './users.js';

export type SubjectView =
  | { kind: 'user'; user: UserSummaryView }
  | { kind: 'group'; group: GroupReadView }
  | { kind: 'record'; record: RecordSummaryView };

export interface SubscriptionReadView {
  subscription: SubscriptionRecord;
  subscriber: UserSummaryView;
  subject: SubjectView;
}

/**
 * Follows (SPEC §6): a user follows people and groups. Following a group subscribes to its feed; it
 * does not make the follower a member — membership is made through the group's members resource
 * (reference/chatter-facts.md §2.2; docs/decisions/0005).
 */
export class FollowService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly users: UserService,
    private readonly groups: GroupService,
  ) {}

  /**
   * Which people and groups lists of subscriptions show in this scope: the users UserService.views()
   * shows (the whole org for an internal user on the internal scope, the community's members in a
   * community; guests never get here) and the groups the viewer may see.
   */
  #filter(viewer: Viewer, scope: Scope): SubscriptionFilter {
    return { users: { communityId: scopeCommunityId(scope) }, groups: groupListFilter(viewer, scope) };
  }

  /** Read views of subscriptions, in a constant number of queries; hidden subjects are left out. */
  async #views(
    viewer: Viewer,
    scope: Scope,
    subscriptions: SubscriptionRecord[],
  ): Promise<SubscriptionReadView[]> {
    const userSubjects = subscriptions.filter((s) => s.subjectKind === 'user').map((s) => s.subjectId);
    const groupIds = subscriptions.filter((s) => s.subjectKind === 'group').map((s) => s.subjectId);
    const recordIds = subscriptions.filter((s) => s.subjectKind === 'record').map((s) => s.subjectId);
    const [people, groups, roles, records] = await Promise.all([
      userSummaries(this.users, this.store, viewer, scope, [
        ...subscriptions.map((s) => s.subscriberId),
        ...userSubjects,
      ]),
      this.store.groups.findMany(viewer.orgId, groupIds),
      this.store.memberships.rolesOf(viewer.user.id, groupIds),
      recordSummaries(this.store, viewer, scope, recordIds),
    ]);
    const visible = groups.filter((g) => groupAccess(viewer, scope, g, roles.get(g.id) ?? null).visible);
    const groupViews = new Map(
      (await this.groups.views(viewer, scope, visible)).map((v) => [v.access.group.id, v] as const),
    );
    return subscriptions.flatMap((subscription): SubscriptionReadView[] => {
      const subscriber = summaryOf(people, subscription.subscriberId);
      if (subscription.subjectKind === 'user') {
        const user = people.get(subscription.subjectId);
        return user ? [{ subscription, subscriber, subject: { kind: 'user', user } }] : [];
      }
      if (subscription.subjectKind === 'record') {
        const record = records.get(subscription.subjectId);
        return record ? [{ subscription, subscriber, subject: { kind: 'record', record } }] : [];
      }
      const group = groupViews.get(subscription.subjectId);
      return group ? [{ subscription, subscriber, subject: { kind: 'group', group } }] : [];
    });
  }

  /** POST users/{id}/following: the user starts following a person or a group. */
  async follow(
    viewer: Viewer,
    scope: Scope,
    rawUserId: string,
    rawSubjectId: string,
  ): Promise<SubscriptionReadView> {
    // IDs first (400), then visibility and permission (SPEC §2 order of checks).
    const subscriberId = requireUserId(rawUserId, viewer);
    const named =
      rawSubjectId === 'me'
        ? { id: viewer.user.id, kind: 'user' as const }
        : await requireSubjectId(this.store, viewer.orgId, rawSubjectId);
    const subjectId = named.id;
    if (subjectId === subscriberId) throw invalidInput("Invalid subjectId: you can't follow yourself.");
    const subscriber = await this.users.get(viewer, scope, subscriberId);
    if (subscriber.user.id !== viewer.user.id && viewer.user.type !== 'admin') {
      throw insufficientAccess('You can only follow people and groups for yourself.');
    }
    const kind: SubjectKind = named.kind;
    if (kind === 'user') {
      await this.users.get(viewer, scope, subjectId);
    } else if (kind === 'record') {
      // Following a record: any internal user who may read its feed (§12.1, F2 §1.5).
      await visibleRecord(this.store, viewer, scope, subjectId);
    } else {
      // Following a group means reading its feed, so it takes what reading the feed takes.
      requireGroupContent(
        viewer,
        scope,
        await this.groups.access(viewer, scope, subjectId),
        "You can't follow a group whose feed you can't see.",
      );
    }
    const subscription = await this.store.transaction(async (tx) => {
      const created: SubscriptionRecord = {
        id: await tx.newId(KeyPrefix.subscription),
        orgId: viewer.orgId,
        communityId: scopeCommunityId(scope),
        subscriberId: subscriber.user.id,
        subjectId,
        subjectKind: kind,
        createdAt: this.clock.now(),
      };
      if (!(await tx.follows.create(created))) {
        throw apiError('DUPLICATE_VALUE', { detail: "You're already following this." });
      }
      return created;
    });
    return (await this.#views(viewer, scope, [subscription]))[0] as SubscriptionReadView;
  }

  /** GET users/{id}/following (Following Page); `filterType` keeps subjects of one key prefix. */
  async following(
    viewer: Viewer,
    scope: Scope,
    rawUserId: string,
    params: { filterType?: string | undefined; page: number; pageSize: number },
  ): Promise<{ userId: string; views: SubscriptionReadView[]; total: number }> {
    const person = await this.users.get(viewer, scope, rawUserId);
    // Records live in the internal scope only (§12.1).
    let kinds: SubjectKind[] =
      scopeCommunityId(scope) === null ? ['user', 'group', 'record'] : ['user', 'group'];
    let subjectPrefix: string | undefined;
    if (params.filterType !== undefined) {
      if (!/^[0-9A-Za-z]{3}$/.test(params.filterType)) {
        throw invalidInput(
          `Invalid filterType: ${params.filterType}. Specify a 3-character key prefix, such as 005 or 0F9.`,
        );
      }
      const filterType = params.filterType;
      kinds = kinds.filter((k) =>
        k === 'record'
          ? ![KeyPrefix.user, KeyPrefix.group].includes(filterType as never)
          : (k === 'user' ? KeyPrefix.user : KeyPrefix.group) === filterType,
      );
      // Records are filtered by the key prefix of their object (`filterType=001`: Accounts).
      if (kinds.includes('record')) subjectPrefix = filterType;
    }
    const { subscriptions, total } = await this.store.follows.listFollowing(person.user.id, {
      filter: this.#filter(viewer, scope),
      kinds,
      subjectPrefix,
      offset: params.page * params.pageSize,
      limit: params.pageSize,
    });
    return { userId: person.user.id, views: await this.#views(viewer, scope, subscriptions), total };
  }

  /**
   * GET records/{id}/followers (Follower Page, F2 §1.2): a record's followers; a user or group ID
   * answers for that user or group, as records/{id} answers their own summaries (SPEC §12.1). A
   * group's followers are shown to whoever may see the group (a hidden one is 404), as its summary is;
   * a topic ID answers for the topic.
   */
  async subjectFollowers(
    viewer: Viewer,
    scope: Scope,
    rawId: string,
    params: { page: number; pageSize: number },
  ): Promise<{ userId: string; views: SubscriptionReadView[]; total: number }> {
    const id15 = parseId(rawId);
    if (id15 && prefixOf(id15) === KeyPrefix.topic) {
      // A topic's followers (F2 §1.2, since 29). Topics are the org's, on the internal scope only
      // (as connect/topics); nobody can follow one here yet (follow() takes no topic), so the page
      // of a live topic is empty, and it lists them unchanged once they can.
      const [topic] = await this.store.topics.find(viewer.orgId, [to18(id15)]);
      if (!topic || scopeCommunityId(scope) !== null) throw notFound();
      return this.#followersOf(viewer, scope, topic.id, params);
    }
    const subject = await requireSubjectId(this.store, viewer.orgId, rawId);
    if (subject.kind === 'user') return this.followers(viewer, scope, subject.id, params);
    if (subject.kind === 'group') await this.groups.get(viewer, scope, subject.id);
    else await visibleRecord(this.store, viewer, scope, subject.id);
    return this.#followersOf(viewer, scope, subject.id, params);
  }

  /** GET users/{id}/followers (Follower Page). */
  async followers(
    viewer: Viewer,
    scope: Scope,
    rawUserId: string,
    params: { page: number; pageSize: number },
  ): Promise<{ userId: string; views: SubscriptionReadView[]; total: number }> {
    const person = await this.users.get(viewer, scope, rawUserId);
    return this.#followersOf(viewer, scope, person.user.id, params);
  }

  /** The Follower Page of a subject the viewer may see. */
  async #followersOf(
    viewer: Viewer,
    scope: Scope,
    subjectId: string,
    params: { page: number; pageSize: number },
  ): Promise<{ userId: string; views: SubscriptionReadView[]; total: number }> {
    const { subscriptions, total } = await this.store.follows.listFollowers(subjectId, {
      filter: this.#filter(viewer, scope),
      offset: params.page * params.pageSize,
      limit: params.pageSize,
    });
    return { userId: subjectId, views: await this.#views(viewer, scope, subscriptions), total };
  }

  /** A subscription whose subscriber and subject the viewer may both see in this scope; else 404. */
  async get(viewer: Viewer, scope: Scope, rawId: string): Promise<SubscriptionReadView> {
    const id = requireId(rawId, KeyPrefix.subscription);
    const subscription = await this.store.follows.find(viewer.orgId, id);
    if (!subscription) throw notFound();
    const people = [subscription.subscriberId];
    if (subscription.subjectKind === 'user') people.push(subscription.subjectId);
    const seen = await this.users.views(viewer, scope, people);
    if (people.some((person) => !seen.has(person))) throw notFound();
    // #views leaves out a group subject the viewer may not see.
    const [view] = await this.#views(viewer, scope, [subscription]);
    if (!view) throw notFound();
    return view;
  }

  /** DELETE subscriptions/{id}: by the subscriber (or an admin) → unfollow. */
  async unfollow(viewer: Viewer, scope: Scope, rawId: string): Promise<void> {
    const view = await this.get(viewer, scope, rawId);
    if (view.subscription.subscriberId !== viewer.user.id && viewer.user.type !== 'admin') {
      throw insufficientAccess("You don't have permission to delete this subscription.");
    }
    await this.store.follows.delete(view.subscription.id);
  }
}
