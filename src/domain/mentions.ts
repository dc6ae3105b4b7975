import type { Viewer } from '../auth/viewer.js';
import { invalidInput } from '../errors/api-error.js';
import { KeyPrefix, prefixOf } from '../ids/salesforce-id.js';
import type { GroupRecord, UserRecord } from '../store/records.js';
import type { Store } from '../store/store.js';
import { loadGroupAccess } from './group-access.js';
import { requireId } from './ids.js';
import type { Scope } from './scope.js';

/** Past this many matches a completion page is empty (F2 §3). */
export const COMPLETIONS_MAX = 500;
export const VALIDATIONS_MAX = 25;

export type CompletionType = 'All' | 'Group' | 'User';

export type Completion = { kind: 'user'; user: UserRecord } | { kind: 'group'; group: GroupRecord };

export type ValidationStatus = 'Ok' | 'Disallowed' | 'Inaccessible';

/**
 * @-mention completions and validations (SPEC §12.4, F2 §3): whom the viewer may mention in the
 * scope. Users: active, of the scope (internal users on the internal scope, members in a
 * community). Groups: public ones and the private or unlisted ones the viewer belongs to.
 */
export class MentionService {
  constructor(private readonly store: Store) {}

  /**
   * Matches ranked: names starting with q before names merely containing it, then by name and ID.
   * Reads at most COMPLETIONS_MAX + 1 of each kind (the cap), never an OFFSET past it.
   */
  async completions(
    viewer: Viewer,
    scope: Scope,
    params: { q: string; type: CompletionType; page: number; pageSize: number },
  ): Promise<{ items: Completion[]; hasNext: boolean }> {
    const q = params.q.trim();
    if (q.includes('*')) throw invalidInput('Invalid q: wildcards are not allowed in mention completions.');
    if (q.length === 0) throw invalidInput('Invalid q: specify at least 1 character.');
    const communityId = scope.community?.id ?? null;
    const [users, groups] = await Promise.all([
      params.type === 'Group'
        ? []
        : this.store.users
            .search(viewer.orgId, {
              q,
              communityId,
              types: communityId ? ['standard', 'admin', 'external'] : ['standard', 'admin'],
              offset: 0,
              limit: COMPLETIONS_MAX + 1,
            })
            .then((r) => r.users.filter((u) => u.isActive)),
      params.type === 'User' || q.length < 2
        ? []
        : this.store.groups
            .search(viewer.orgId, {
              filter: {
                communityId,
                open: ['PublicAccess'],
                membersOnly: ['PrivateAccess', 'Unlisted'],
                viewerId: viewer.isGuest ? null : viewer.user.id,
              },
              nameContains: q,
              offset: 0,
              limit: COMPLETIONS_MAX + 1,
            })
            .then((r) => r.groups),
    ]);
    const key = q.toLowerCase();
    const ranked = [
      ...users.map(
        (user): Ranked => ({ c: { kind: 'user', user }, name: `${user.firstName} ${user.lastName}` }),
      ),
      ...groups.map((group): Ranked => ({ c: { kind: 'group', group }, name: group.name })),
    ]
      .map((r) => ({ ...r, starts: startsWith(r.name, key) }))
      .sort(
        (a, b) =>
          Number(b.starts) - Number(a.starts) ||
          a.name.toLowerCase().localeCompare(b.name.toLowerCase()) ||
          idOf(a.c).localeCompare(idOf(b.c)),
      )
      .slice(0, COMPLETIONS_MAX);
    const start = params.page * params.pageSize;
    return {
      items: ranked.slice(start, start + params.pageSize).map((r) => r.c),
      hasNext: ranked.length > start + params.pageSize,
    };
  }

  /**
   * Each record's status for a post to `parentId`: Disallowed (an unknown or inactive user, a group
   * the viewer can't mention), Inaccessible (allowed, but the person can't see the post), else Ok.
   */
  async validations(
    viewer: Viewer,
    scope: Scope,
    params: { parentId: string; recordIds: string; visibility: 'AllUsers' | 'InternalUsers' },
  ): Promise<{ recordId: string; status: ValidationStatus }[]> {
    const parentId =
      params.parentId === 'me' ? viewer.user.id : requireId(params.parentId, KeyPrefix.user, KeyPrefix.group);
    const raw = params.recordIds.split(',').map((p) => p.trim());
    if (raw.length > VALIDATIONS_MAX || raw.some((p) => p === '')) {
      throw invalidInput(`Invalid recordIds: specify between 1 and ${VALIDATIONS_MAX} comma-separated IDs.`);
    }
    const ids = raw.map((r) => requireId(r, KeyPrefix.user, KeyPrefix.group));
    const groupIds = [...new Set([...ids, parentId].filter((id) => prefixOf(id) === KeyPrefix.group))];
    const userIds = ids.filter((id) => prefixOf(id) === KeyPrefix.user);
    const [users, access, members] = await Promise.all([
      this.store.users.findMany(viewer.orgId, userIds),
      loadGroupAccess(this.store, viewer, scope, groupIds),
      prefixOf(parentId) === KeyPrefix.group
        ? this.store.memberships.membershipsAmong(userIds, [parentId])
        : Promise.resolve([]),
    ]);
    const byId = new Map(users.map((u) => [u.id, u]));
    const parentGroup = access.get(parentId)?.group;
    const parentOpen = parentGroup === undefined || parentGroup.visibility === 'PublicAccess';
    const inParent = new Set(members.map((m) => m.userId));
    return ids.map((id) => {
      if (prefixOf(id) === KeyPrefix.group) {
        const a = access.get(id);
        const mentionable = a?.visible === true && (a.group.visibility === 'PublicAccess' || a.role !== null);
        return { recordId: id, status: mentionable ? 'Ok' : 'Disallowed' };
      }
      const user = byId.get(id);
      if (!user?.isActive || user.type === 'guest') return { recordId: id, status: 'Disallowed' };
      const hidden =
        (params.visibility === 'InternalUsers' && user.type === 'external') ||
        (!parentOpen && !inParent.has(id));
      return { recordId: id, status: hidden ? 'Inaccessible' : 'Ok' };
    });
  }
}

interface Ranked {
  c: Completion;
  name: string;
}

function startsWith(name: string, key: string): boolean {
  const lower = name.toLowerCase();
  return lower.startsWith(key) || lower.split(/\s+/).some((word) => word.startsWith(key));
}

function idOf(c: Completion): string {
  return c.kind === 'user' ? c.user.id : c.group.id;
}
