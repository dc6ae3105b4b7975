import type { Viewer } from '../auth/viewer.js';
import { insufficientAccess, invalidInput, notFound } from '../errors/api-error.js';
import type { Clock } from '../lib/clock.js';
import type { UserRecord, UserStats, UserType } from '../store/records.js';
import type { Store } from '../store/store.js';
import type { UserDetailCache } from '../store/user-detail-cache.js';
import { requireUserId } from './ids.js';
import type { Scope } from './scope.js';
import type { UserSummaryView } from './user-summaries.js';

export interface UserReadView {
  user: UserRecord;
  stats: UserStats;
  mySubscriptionId: string | null;
  isInThisCommunity: boolean;
}

const INTERNAL_TYPES: UserType[] = ['standard', 'admin'];
export const ABOUT_ME_MAX = 1000;
export const USERS_BATCH_MAX = 500;
export const SEARCH_TERM_MAX = 1000;

/** Users as a viewer sees them in a scope (SPEC §5, §6). */
export class UserService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    /** One user's detail from memory, kept by the store's change feed (decisions 0031, 0039). */
    private readonly details?: UserDetailCache,
  ) {}

  /** Which users a scope contains: the internal users, or the members of one community. */
  async #inScope(scope: Scope, users: UserRecord[]): Promise<Set<string>> {
    if (!scope.community)
      return new Set(users.filter((u) => INTERNAL_TYPES.includes(u.type)).map((u) => u.id));
    const members = await this.store.orgs.communityMembers(
      scope.community.id,
      users.map((u) => u.id),
    );
    return new Set(members);
  }

  /**
   * The users' rows with their counts and the viewer's subscription to each. Nobody follows
   * themselves (follows.ts refuses it), so users/me reads no subscription at all; one user from
   * the cache (decision 0031), another user with the viewer's subscription to them, costs none in
   * steady state.
   */
  async #rows(
    viewer: Viewer,
    ids: readonly string[],
    cached: boolean,
  ): Promise<{ user: UserRecord; stats: UserStats; subscriptionId: string | null }[]> {
    const unfollowed = viewer.isGuest || ids.every((id) => id === viewer.user.id);
    if (cached && ids.length === 1 && this.details && viewer.readMark !== undefined) {
      const id = ids[0] as string;
      if (!unfollowed) return this.details.findFollowed(viewer.orgId, id, viewer.user.id, viewer.readMark);
      const rows = await this.details.find(viewer.orgId, id, viewer.readMark);
      return rows.map((r) => ({ ...r, subscriptionId: null }));
    }
    if (unfollowed)
      return (await this.store.users.findManyWithStats(viewer.orgId, ids)).map((r) => ({
        ...r,
        subscriptionId: null,
      }));
    return this.store.users.findManyWithStatsFollowed(viewer.orgId, ids, viewer.user.id);
  }

  /**
   * Read views for users the viewer may see, in the order given; invisible ones are left out.
   * `cached`: one user's row and counts may come from memory (only for requests that write
   * nothing: a request's own write may not have come back through the change feed yet).
   */
  async views(
    viewer: Viewer,
    scope: Scope,
    ids: readonly string[],
    cached = false,
  ): Promise<Map<string, UserReadView>> {
    const rows = await this.#rows(viewer, ids, cached);
    const visible = rows.filter((r) => r.user.type !== 'guest');
    const inScope = await this.#inScope(
      scope,
      visible.map((r) => r.user),
    );
    const views = new Map<string, UserReadView>();
    for (const { user, stats, subscriptionId } of visible) {
      const isInThisCommunity = inScope.has(user.id);
      if (!sees(viewer, scope, user, isInThisCommunity)) continue;
      views.set(user.id, {
        user,
        stats,
        mySubscriptionId: subscriptionId,
        isInThisCommunity,
      });
    }
    return views;
  }

  /**
   * Summaries of the users a record the viewer may see refers to (authors, mentions, likers), in
   * two queries at most whatever their number. Nobody is left out unless `visibleOnly` (a post
   * the viewer may read shows its people); with it, the users views() would show.
   */
  async summaries(
    viewer: Viewer,
    scope: Scope,
    ids: readonly string[],
    options: { visibleOnly?: boolean } = {},
  ): Promise<Map<string, UserSummaryView>> {
    if (ids.length === 0) return new Map();
    let rows = viewer.isGuest
      ? (await this.store.users.findMany(viewer.orgId, ids)).map((user) => ({ user, subscriptionId: null }))
      : await this.store.users.findManyFollowed(viewer.orgId, ids, viewer.user.id);
    if (options.visibleOnly) rows = rows.filter((r) => r.user.type !== 'guest');
    const inScope = await this.#inScope(
      scope,
      rows.map((r) => r.user),
    );
    const views = new Map<string, UserSummaryView>();
    for (const { user, subscriptionId } of rows) {
      const isInThisCommunity = inScope.has(user.id);
      if (options.visibleOnly && !sees(viewer, scope, user, isInThisCommunity)) continue;
      views.set(user.id, { user, mySubscriptionId: subscriptionId, isInThisCommunity });
    }
    return views;
  }

  /** One user's read view; `cached` as views() takes it (GET User Detail). */
  async get(viewer: Viewer, scope: Scope, rawId: string, cached = false): Promise<UserReadView> {
    const id = requireUserId(rawId, viewer);
    const view = (await this.views(viewer, scope, [id], cached)).get(id);
    if (!view) throw notFound();
    return view;
  }

  async list(
    viewer: Viewer,
    scope: Scope,
    params: { q?: string | undefined; page: number; pageSize: number },
  ): Promise<{ views: UserReadView[]; total: number }> {
    const q = params.q?.trim();
    if (q !== undefined && q.replace(/\*/g, '').length < 2) {
      throw invalidInput('Invalid q: the search term must have at least 2 characters other than wildcards.');
    }
    // SQLite refuses LIKE patterns over 50 000 bytes; a search term is never near this long.
    if (q !== undefined && q.length > SEARCH_TERM_MAX) {
      throw invalidInput(`Invalid q: the search term must have at most ${SEARCH_TERM_MAX} characters.`);
    }
    const { users, total } = await this.store.users.search(viewer.orgId, {
      q: q?.replace(/\*/g, ''),
      communityId: scope.community?.id ?? null,
      types: scope.community ? ['standard', 'admin', 'external'] : INTERNAL_TYPES,
      offset: params.page * params.pageSize,
      limit: params.pageSize,
    });
    const views = await this.views(
      viewer,
      scope,
      users.map((u) => u.id),
    );
    return { views: users.flatMap((u) => views.get(u.id) ?? []), total };
  }

  /** users/batch/{ids}: one result per ID, in order, each with its own status (SPEC §6). */
  async batch(viewer: Viewer, scope: Scope, rawIds: string): Promise<BatchItem<UserReadView>[]> {
    const parts = rawIds.split(',').map((p) => p.trim());
    if (parts.length > USERS_BATCH_MAX || parts.some((p) => p === '')) {
      throw invalidInput(`Invalid userIds: specify between 1 and ${USERS_BATCH_MAX} comma-separated IDs.`);
    }
    const parsed = parts.map((raw) => {
      try {
        return { raw, id: requireUserId(raw, viewer) };
      } catch (error) {
        return { raw, error: error as Error };
      }
    });
    const views = await this.views(
      viewer,
      scope,
      parsed.flatMap((p) => (p.id ? [p.id] : [])),
    );
    return parsed.map((p) => {
      if (!p.id) return { error: p.error as Error };
      const view = views.get(p.id);
      return view ? { value: view } : { error: notFound() };
    });
  }

  async updateAboutMe(
    viewer: Viewer,
    scope: Scope,
    rawId: string,
    aboutMe: string | null,
  ): Promise<UserReadView> {
    const id = requireUserId(rawId, viewer);
    const target = (await this.views(viewer, scope, [id])).get(id);
    if (!target) throw notFound();
    if (id !== viewer.user.id && viewer.user.type !== 'admin') {
      throw insufficientAccess("You don't have permission to edit this user's profile.");
    }
    if (aboutMe !== null && aboutMe.length > ABOUT_ME_MAX) {
      throw invalidInput(
        `Invalid aboutMe: ${aboutMe.length} characters. Specify at most ${ABOUT_ME_MAX} characters.`,
      );
    }
    await this.store.users.updateAboutMe(viewer.orgId, id, aboutMe, this.clock.now());
    return this.get(viewer, scope, id);
  }
}

/**
 * Internal viewers of the internal scope see every user of the org; everyone else only the users
 * of the scope (external users are confined to their communities, SPEC §5), and themselves.
 */
function sees(viewer: Viewer, scope: Scope, user: UserRecord, isInThisCommunity: boolean): boolean {
  const seesWholeOrg = !scope.community && !viewer.isGuest && viewer.user.type !== 'external';
  return isInThisCommunity || seesWholeOrg || user.id === viewer.user.id;
}

export type BatchItem<T> = { value: T; error?: undefined } | { error: Error; value?: undefined };
