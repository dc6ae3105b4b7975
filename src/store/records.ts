import type { UserType } from './schema.js';

export type { UserType };

/** Records as the store hands them up: camelCase, 18-character IDs, epoch-millisecond times. */
export interface OrgRecord {
  id: string;
  name: string;
  createdAt: number;
}

export interface CommunityRecord {
  id: string;
  orgId: string;
  name: string;
  description: string | null;
  urlPathPrefix: string;
  status: string;
  guestAccess: boolean;
  allowMembersToFlag: boolean;
  guestUserId: string | null;
}

export interface UserRecord {
  id: string;
  orgId: string;
  username: string;
  email: string;
  firstName: string;
  lastName: string;
  nickname: string;
  title: string | null;
  companyName: string | null;
  aboutMe: string | null;
  type: UserType;
  isActive: boolean;
  createdAt: number;
  modifiedAt: number;
}

/** What User Detail adds to a user: counts that come from the collaboration tables. */
export interface UserStats {
  followersCount: number;
  followingPeople: number;
  followingRecords: number;
  groupCount: number;
  postCount: number;
  commentCount: number;
  commentReceivedCount: number;
  likeReceivedCount: number;
}

export interface UserCredentials {
  id: string;
  orgId: string;
  isActive: boolean;
  passwordHash: string | null;
  failedLogins: number;
  lockedUntil: number | null;
}

export interface ConnectedAppRecord {
  id: string;
  orgId: string;
  name: string;
  clientId: string;
  clientSecret: string;
  runAsUserId: string | null;
}

export interface SessionRecord {
  tokenHash: string;
  orgId: string;
  userId: string;
  appId: string;
  refreshTokenId: string | null;
  issuedAt: number;
  lastUsedAt: number;
  revokedAt: number | null;
}

export interface RefreshTokenRecord {
  id: string;
  tokenHash: string;
  orgId: string;
  userId: string;
  appId: string;
  issuedAt: number;
  revokedAt: number | null;
}
