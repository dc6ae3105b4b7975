import type { Viewer } from '../auth/viewer.js';
import { insufficientAccess } from '../errors/api-error.js';
import type { Store } from '../store/store.js';
import type { GroupService } from './groups.js';
import { requireUserId } from './ids.js';
import type { Scope } from './scope.js';

export type GroupEmailFrequency = 'EachPost' | 'DailyDigest' | 'WeeklyDigest' | 'Never';
/** A member's frequency for one group; `UseDefault` follows the user's default (F2 §8). */
export type MemberEmailFrequency = GroupEmailFrequency | 'UseDefault';

/** The default until a user sets one (ours: F2 §8 gives none). */
export const DEFAULT_GROUP_EMAIL_FREQUENCY: GroupEmailFrequency = 'EachPost';

/** User Chatter Settings (SPEC §12.6): the context user's own; another user's → 403. */
export class UserSettingsService {
  constructor(private readonly store: Store) {}

  async get(viewer: Viewer, rawUserId: string): Promise<GroupEmailFrequency> {
    const id = ownId(rawUserId, viewer);
    const stored = await this.store.settings.groupEmailFrequency(id);
    return (stored as GroupEmailFrequency | undefined) ?? DEFAULT_GROUP_EMAIL_FREQUENCY;
  }

  async set(viewer: Viewer, rawUserId: string, frequency: GroupEmailFrequency): Promise<GroupEmailFrequency> {
    const id = ownId(rawUserId, viewer);
    await this.store.settings.setGroupEmailFrequency(id, frequency);
    return frequency;
  }
}

/**
 * Group Chatter Settings (SPEC §12.6): the context user's own, for a group they belong to;
 * `UseDefault` until set. Not a member of a group they can see → 403; a group they can't → 404.
 */
export class GroupMemberSettingsService {
  constructor(
    private readonly store: Store,
    private readonly groups: GroupService,
  ) {}

  async get(viewer: Viewer, scope: Scope, rawGroupId: string): Promise<MemberEmailFrequency> {
    const groupId = await this.#memberOf(viewer, scope, rawGroupId);
    const stored = await this.store.settings.groupMemberFrequency(groupId, viewer.user.id);
    return (stored as MemberEmailFrequency | undefined) ?? 'UseDefault';
  }

  async set(
    viewer: Viewer,
    scope: Scope,
    rawGroupId: string,
    frequency: MemberEmailFrequency,
  ): Promise<MemberEmailFrequency> {
    const groupId = await this.#memberOf(viewer, scope, rawGroupId);
    await this.store.settings.setGroupMemberFrequency(groupId, viewer.user.id, frequency);
    return frequency;
  }

  async #memberOf(viewer: Viewer, scope: Scope, rawGroupId: string): Promise<string> {
    const access = await this.groups.access(viewer, scope, rawGroupId);
    if (access.role === null) {
      throw insufficientAccess('Only members of a group have settings for it.');
    }
    return access.group.id;
  }
}

function ownId(raw: string, viewer: Viewer): string {
  const id = requireUserId(raw, viewer);
  if (id !== viewer.user.id)
    throw insufficientAccess("You don't have permission to view another user's settings.");
  return id;
}
