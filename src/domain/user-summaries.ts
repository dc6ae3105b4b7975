import type { Viewer } from '../auth/viewer.js';
import type { UserRecord } from '../store/records.js';
import type { Store } from '../store/store.js';
import type { Scope } from './scope.js';
import type { UserService } from './users.js';

/** What a User Summary shows of a person (presenters/user.ts reads exactly this). */
export interface UserSummaryView {
  user: UserRecord;
  mySubscriptionId: string | null;
  isInThisCommunity: boolean;
}

/**
 * User Summaries of the people a resource names (a group's owner, its members, requesters,
 * subscribers), in a constant number of queries whatever their number. The scope's user rules are
 * UserService.views(); someone those rules hide but whom a visible record names (an owner who left
 * the community) is still shown, as outside this community, rather than breaking the record.
 */
export async function userSummaries(
  users: UserService,
  store: Store,
  viewer: Viewer,
  scope: Scope,
  ids: readonly string[],
): Promise<Map<string, UserSummaryView>> {
  const unique = [...new Set(ids)];
  const views = new Map<string, UserSummaryView>(await users.views(viewer, scope, unique));
  const missing = unique.filter((id) => !views.has(id));
  if (missing.length > 0) {
    for (const user of await store.users.findMany(viewer.orgId, missing)) {
      views.set(user.id, { user, mySubscriptionId: null, isInThisCommunity: false });
    }
  }
  return views;
}

/** The summary of one named person; the record exists whenever a row names it (foreign keys). */
export function summaryOf(views: Map<string, UserSummaryView>, id: string): UserSummaryView {
  const view = views.get(id);
  if (!view) throw new Error(`user ${id} is named by a record but does not exist`);
  return view;
}
