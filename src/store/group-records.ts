// ---- groups ------------------------------------------------------------------------------------

export type GroupVisibility = 'PublicAccess' | 'PrivateAccess' | 'Unlisted';
export type GroupRole = 'GroupOwner' | 'GroupManager' | 'StandardMember';
export type JoinRequestStatus = 'Pending' | 'Accepted' | 'Declined';

export interface GroupRecord {
  id: string;
  orgId: string;
  /** null = the internal scope. */
  communityId: string | null;
  name: string;
  description: string | null;
  informationTitle: string | null;
  informationText: string | null;
  visibility: GroupVisibility;
  ownerId: string;
  canHaveChatterGuests: boolean;
  isArchived: boolean;
  isAutoArchiveDisabled: boolean;
  isBroadcast: boolean;
  lastPostAt: number | null;
  createdAt: number;
  modifiedAt: number;
  /** The photo's version ID (migration 015); null while the group has the default picture. */
  photoId: string | null;
}

/** The fields of a group that PATCH may change. */
export type GroupChanges = Partial<
  Pick<
    GroupRecord,
    | 'name'
    | 'description'
    | 'informationTitle'
    | 'informationText'
    | 'visibility'
    | 'ownerId'
    | 'canHaveChatterGuests'
    | 'isArchived'
    | 'isAutoArchiveDisabled'
    | 'isBroadcast'
  >
>;

export interface MembershipRecord {
  id: string;
  orgId: string;
  groupId: string;
  userId: string;
  role: GroupRole;
  createdAt: number;
}

export interface JoinRequestRecord {
  id: string;
  orgId: string;
  groupId: string;
  userId: string;
  status: JoinRequestStatus;
  responseMessage: string | null;
  createdAt: number;
  modifiedAt: number;
}

/**
 * Which groups of a scope a list shows, as data (the rule itself is in domain/group-access.ts):
 * groups of the `open` visibilities to everyone, those of the `membersOnly` ones to their members.
 */
export interface GroupListFilter {
  communityId: string | null;
  open: readonly GroupVisibility[];
  membersOnly: readonly GroupVisibility[];
  /** The viewer whose memberships open the `membersOnly` groups; null for a guest. */
  viewerId: string | null;
}

export interface GroupSearch {
  filter: GroupListFilter;
  /** Lower-case substring of the name. */
  nameContains?: string | undefined;
  /** undefined: archived or not. */
  isArchived?: boolean | undefined;
  /** Only the groups this user belongs to (users/{id}/groups). */
  memberId?: string | undefined;
  offset: number;
  limit: number;
}

/**
 * A write the store refused because a live group of the scope already has the name (any case):
 * the unique index of migrations 007 and 008 (decisions 0015, 0020), which catches what
 * GroupRepository.nameTaken cannot see yet,
 * a concurrent transaction's group. The transaction it happened in can only roll back.
 */
export class GroupNameTaken extends Error {
  constructor() {
    super('A live group of the scope already has this name.');
    this.name = 'GroupNameTaken';
  }
}
