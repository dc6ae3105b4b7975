import type { PostEditState } from './conversation-records.js';
import type { GroupListFilter } from './group-records.js';
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
  /** The photo's version ID (migration 015); null while the user has the default picture. */
  photoId: string | null;
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

// ---- posts, comments, likes -------------------------------------------------------------------

/**
 * A message segment as stored (docs/decisions/0001-feed-body-storage.md): the input segments
 * after validation. What a viewer sees is built from these at read time.
 */
export type StoredSegment =
  | { type: 'Text'; text: string }
  | { type: 'Mention'; id: string }
  | { type: 'Hashtag'; tag: string }
  | { type: 'Link'; url: string }
  /** Rich text (SPEC §12.3): `url` and `altText` on Hyperlink only. */
  | { type: 'MarkupBegin'; markupType: MarkupType; url?: string; altText?: string | null }
  | { type: 'MarkupEnd'; markupType: MarkupType }
  /**
   * An image in the body (F2 §7): `altText` as given, else the file's title when posted; `image`
   * its size and format as read then (null if they could not be read).
   */
  | { type: 'InlineImage'; fileId: string; altText: string | null; image: ImageDetails | null };

/** Image File Detail (F2 §7 `imageDetails`): what the image's header says. */
export interface ImageDetails {
  width: number;
  height: number;
  format: string;
  orientation: number | null;
}

/** The markup of rich text (F2 §7), with the HTML tag each is written as. */
export const MARKUP_TAGS = {
  Bold: 'b',
  Italic: 'i',
  Underline: 'u',
  Strikethrough: 's',
  UnorderedList: 'ul',
  OrderedList: 'ol',
  ListItem: 'li',
  Paragraph: 'p',
  Code: 'code',
  Hyperlink: 'a',
} as const;
export type MarkupType = keyof typeof MARKUP_TAGS;

/** What a post is to, or a subscription follows: a person, a group, or a record (SPEC §12.1). */
export type SubjectKind = 'user' | 'group' | 'record';
export type FeedItemType =
  | 'TextPost'
  | 'LinkPost'
  | 'ContentPost'
  | 'PollPost'
  | 'QuestionPost'
  | 'AdvancedTextPost';

export interface FeedElementRecord {
  id: string;
  orgId: string;
  /** The scope of the post: its group's community, or where a profile post was made; null = internal. */
  communityId: string | null;
  authorId: string;
  subjectId: string;
  subjectKind: SubjectKind;
  segments: StoredSegment[];
  /** Plain text of the body: what search matches and what `body.text` shows. */
  text: string;
  type: FeedItemType;
  linkUrl: string | null;
  linkName: string | null;
  clientName: string | null;
  createdAt: number;
  modifiedAt: number;
  commentCount: number;
  likeCount: number;
  /** Files carried by the post and its comments (migration 011). */
  attachedFiles: number;
  /** Edit and question state (migration 012); absent while the post is unedited and no question. */
  conversation?: PostEditState;
}

export type NewFeedElement = Omit<
  FeedElementRecord,
  'commentCount' | 'likeCount' | 'attachedFiles' | 'conversation'
> & {
  /** A QuestionPost's title (F2 §6), written with the post. */
  questionTitle?: string | undefined;
};

export interface CommentRecord {
  id: string;
  orgId: string;
  feedElementId: string;
  authorId: string;
  segments: StoredSegment[];
  text: string;
  createdAt: number;
  modifiedAt: number;
  likeCount: number;
}

export type NewComment = Omit<CommentRecord, 'likeCount'>;

export interface LikeRecord {
  id: string;
  orgId: string;
  feedElementId: string;
  /** null for a like of the feed element itself. */
  commentId: string | null;
  userId: string;
  createdAt: number;
}

export type FeedSort = 'created' | 'modified';

/**
 * One source of a feed, read through its own keyset index: posts to a subject (user or group),
 * posts by an author, posts mentioning a user, or the whole scope (the org index).
 */
export type FeedBranch =
  /** Posts to a user or group; `byOthers`: only those not by the subject itself (the To feed). */
  | { kind: 'subject'; id: string; byOthers?: boolean }
  | { kind: 'author'; id: string }
  | { kind: 'mentions'; userId: string }
  | { kind: 'scope' }
  /** Posts the user bookmarked or muted (migration 012). */
  | { kind: 'bookmarks'; userId: string }
  | { kind: 'muted'; userId: string }
  /** Posts assigned a topic, through the assignments' copy of the post's created_at. */
  | { kind: 'topic'; topicId: string }
  /** Several sources through the org index at once, for viewers with very many sources. */
  | { kind: 'any'; subjects: string[]; authors: string[]; mentionsOf: string | null };

/** Question filters of a feed (F2 §1.4): questions, solved (a best answer), unanswered (no comment)… */
export const QUESTION_FILTERS = [
  'AllQuestions',
  'SolvedQuestions',
  'UnansweredQuestions',
  'UnsolvedQuestions',
] as const;
export type QuestionFilter = (typeof QUESTION_FILTERS)[number];

export interface FeedPageQuery {
  orgId: string;
  communityId: string | null;
  branches: FeedBranch[];
  /** Posts to these groups are left out (groups the viewer may not read). */
  hiddenGroups: readonly string[];
  /** Posts this user muted are left out (the news feed, SPEC §12.5). */
  excludeMutedBy?: string | undefined;
  /** Case-insensitive substring of the plain text (search). */
  textContains?: string | undefined;
  /** Only the questions this filter keeps. */
  questions?: QuestionFilter | undefined;
  sort: FeedSort;
  /** Keyset cursor: only elements strictly after (older than) this one in the sort order. */
  before?: { at: number; id: string } | undefined;
  /** Only elements created (or, sorting by modification, modified) after this time. */
  since?: number | undefined;
  limit: number;
}

// ---- subscriptions (follows) -----------------------------------------------------------------

export interface SubscriptionRecord {
  id: string;
  orgId: string;
  /** The scope the follow was made in (null = internal). */
  communityId: string | null;
  subscriberId: string;
  subjectId: string;
  subjectKind: SubjectKind;
  createdAt: number;
}

/**
 * Which people and groups a list of subscriptions may show, as data (the rules are in the domain):
 * users of the whole org (`communityId` null) or of one community, and the groups a group filter
 * lets through.
 */
export interface SubscriptionFilter {
  users: { communityId: string | null };
  groups: GroupListFilter;
}

// ---- chatterActivity (decision 0014) ------------------------------------------------------------

/** Changes to one user's chatterActivity counts, as the store adds them. */
export interface ActivityDelta {
  userId: string;
  postCount: number;
  commentCount: number;
  commentReceivedCount: number;
  likeReceivedCount: number;
}

/** A post as its deletion left it: what its author and its commenters had counted for it. */
export interface DeletedPost {
  authorId: string;
  likeCount: number;
  /** Per commenter, the live comments on the post and the likes they received. */
  commenters: { authorId: string; comments: number; likes: number }[];
}

/** The post a comment was added to or removed from, as the write's row lock left it. */
export interface TouchedPost {
  authorId: string;
  deleted: boolean;
}

/** A comment as its deletion left it. */
export interface DeletedComment {
  authorId: string;
  likeCount: number;
  post: TouchedPost | undefined;
}

/** The liked item (post or comment) after a like or unlike: its author, and whether it and its post stand. */
export interface LikedItem {
  /** null when the item is gone. */
  authorId: string | null;
  live: boolean;
}

// The record types of the second wave (SPEC §12) live beside this module, one file per area.
export * from './conversation-records.js';
export * from './file-records.js';
export * from './group-records.js';
export * from './sobject-records.js';
