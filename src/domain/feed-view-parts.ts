import type { FeedElementRecord, MembershipRecord } from '../store/records.js';
import type { GroupAccess } from './group-access.js';
import type { GroupReadView } from './groups.js';
import type { RecordSummaryView } from './record-summaries.js';
import type { UserSummaryView } from './user-summaries.js';

/** Small lookups of the feed views (feed-views.ts): loaded rows found by ID, or a loud failure. */

export function groupParent(
  groupId: string,
  access: ReadonlyMap<string, GroupAccess>,
  states: Map<string, { membership: MembershipRecord | null; requested: boolean; memberCount: number }>,
  users: Map<string, UserSummaryView>,
): GroupReadView {
  const a = access.get(groupId);
  if (!a) throw new Error(`Group ${groupId} of a readable post was not loaded`);
  const state = states.get(groupId);
  return {
    access: a,
    membership: state?.membership ?? null,
    requested: state?.requested ?? false,
    memberCount: state?.memberCount ?? 0,
    owner: must(users, a.group.ownerId),
  };
}

export function recordParent(records: Map<string, RecordSummaryView>, id: string): RecordSummaryView {
  const record = records.get(id);
  if (!record) throw new Error(`Record ${id} of a readable post was not loaded`);
  return record;
}

export function groupSubjects(elements: FeedElementRecord[]): string[] {
  return [...new Set(elements.filter((e) => e.subjectKind === 'group').map((e) => e.subjectId))];
}

export function must(users: Map<string, UserSummaryView>, id: string): UserSummaryView {
  const user = users.get(id);
  if (!user) throw new Error(`User ${id} of a readable record was not loaded`);
  return user;
}
