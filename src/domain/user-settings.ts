import type { Viewer } from '../auth/viewer.js';
import { insufficientAccess } from '../errors/api-error.js';
import type { Store } from '../store/store.js';
import { requireUserId } from './ids.js';

export type GroupEmailFrequency = 'EachPost' | 'DailyDigest' | 'WeeklyDigest' | 'Never';

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

function ownId(raw: string, viewer: Viewer): string {
  const id = requireUserId(raw, viewer);
  if (id !== viewer.user.id)
    throw insufficientAccess("You don't have permission to view another user's settings.");
  return id;
}
