/**
 * Expected wire bodies of the feed resources, written out from chatter-facts §2 independently of
 * the presenters, so that the tests compare whole bodies against a second statement of the shape.
 */
import { encode, GROUP_MOTIF, photoShape, TEST_ORIGIN, userSummary } from './common-shapes.js';
import type { Harness } from './harness.js';
import { rawDatabase } from './store.js';

export interface Person {
  id: string;
  orgId: string;
  firstName: string;
  lastName: string;
  nickname: string;
  companyName: string | null;
  type: 'standard' | 'admin' | 'external' | 'guest';
  isActive: boolean;
}

export interface Opts {
  /** '/services/data/v36.0' or with the community prefix. */
  base: string;
  major: number;
  /** Entity encoding on (default) or off. */
  raw?: boolean;
}

export const enc = (o: Opts, s: string) => (o.raw ? s : encode(s));

export function opts(version = '36.0', extra: Partial<Opts> = {}): Opts {
  return { base: `/services/data/v${version}`, major: Number.parseInt(version, 10), ...extra };
}

export async function person(h: Harness, username: string): Promise<Person> {
  const user = await h.services.store.users.findByUsername(username);
  if (!user) throw new Error(`no user ${username}`);
  return user as Person;
}

export const nameOf = (p: Person) => `${p.firstName} ${p.lastName}`;

export { userSummary };

export interface GroupFacts {
  id: string;
  name: string;
  description: string | null;
  visibility: string;
  communityId: string | null;
  owner: Person;
  memberCount: number;
  myRole: string;
  membershipId: string | null;
  lastPostAt: number | null;
}

export async function groupFacts(h: Harness, name: string, viewer: Person): Promise<GroupFacts> {
  const db = rawDatabase(h.services.store);
  const group = await db.selectFrom('groups').selectAll().where('name', '=', name).executeTakeFirstOrThrow();
  const members = await db.selectFrom('group_members').selectAll().where('group_id', '=', group.id).execute();
  const mine = members.find((m) => m.user_id === viewer.id);
  const owner = await db
    .selectFrom('users')
    .selectAll()
    .where('id', '=', group.owner_id)
    .executeTakeFirstOrThrow();
  return {
    id: group.id,
    name: group.name,
    description: group.description,
    visibility: group.visibility,
    communityId: group.community_id,
    owner: {
      id: owner.id,
      orgId: owner.org_id,
      firstName: owner.first_name,
      lastName: owner.last_name,
      nickname: owner.nickname,
      companyName: owner.company_name,
      type: owner.type,
      isActive: owner.is_active === 1,
    },
    memberCount: members.length,
    myRole: mine?.role ?? 'NotAMember',
    membershipId: mine?.id ?? null,
    lastPostAt: group.last_post_at === null ? null : Number(group.last_post_at),
  };
}

export function groupParent(o: Opts, g: GroupFacts) {
  const url = `${o.base}/chatter/groups/${g.id}`;
  return {
    additionalLabel: null,
    announcement: null,
    ...(o.major >= 36
      ? { bannerPhoto: { bannerPhotoUrl: null, bannerPhotoVersionId: null, url: `${url}/banner-photo` } }
      : {}),
    canHaveChatterGuests: false,
    community: g.communityId
      ? { id: g.communityId, url: `/services/data/v${o.major}.0/connect/communities/${g.communityId}` }
      : null,
    description: g.description === null ? null : enc(o, g.description),
    emailToChatterAddress: null,
    id: g.id,
    isArchived: false,
    isAutoArchiveDisabled: false,
    ...(o.major >= 36 ? { isBroadcast: false } : {}),
    lastFeedElementPostDate: g.lastPostAt === null ? null : new Date(g.lastPostAt).toISOString(),
    memberCount: g.memberCount,
    motif: GROUP_MOTIF,
    myRole: g.myRole,
    mySubscription: g.membershipId
      ? { id: g.membershipId, url: `${o.base}/chatter/group-memberships/${g.membershipId}` }
      : null,
    name: enc(o, g.name),
    owner: userSummary(o, g.owner),
    photo: photoShape(g.id, `${url}/photo`),
    type: 'CollaborationGroup',
    url,
    visibility: g.visibility,
  };
}

export const text = (o: Opts, t: string) => ({ text: enc(o, t), type: 'Text' });
export const hashtag = (o: Opts, tag: string) => ({
  tag: enc(o, tag),
  text: enc(o, `#${tag}`),
  topicUrl: `${o.base.includes('/connect/communities/') ? `${o.base}/topics` : `${o.base}/connect/topics`}?exactMatch=true&q=${encodeURIComponent(`#${tag}`)}`,
  type: 'Hashtag',
});
export const link = (o: Opts, url: string) => ({ text: enc(o, url), type: 'Link', url });
export const mention = (o: Opts, p: Person, accessible = true, summary = userSummary(o, p)) => ({
  accessible,
  name: enc(o, nameOf(p)),
  record: summary,
  text: enc(o, `@${nameOf(p)}`),
  type: 'Mention',
});

export function body(o: Opts, plain: string, segments: unknown[]) {
  return { ...(o.major >= 35 ? { isRichText: false } : {}), messageSegments: segments, text: enc(o, plain) };
}

export function plainBody(o: Opts, plain: string) {
  return body(o, plain, [text(o, plain)]);
}

export function likeShape(
  o: Opts,
  like: { id: string; user: Person; item: { id: string; kind: 'post' | 'comment' } },
) {
  return {
    id: like.id,
    likedItem: {
      id: like.item.id,
      url:
        like.item.kind === 'post'
          ? `${o.base}/chatter/feed-elements/${like.item.id}`
          : `${o.base}/chatter/comments/${like.item.id}`,
    },
    url: `${o.base}/chatter/likes/${like.id}`,
    user: userSummary(o, like.user),
  };
}

/** The first page of likes inside a post or a comment. */
export function embeddedLikes(o: Opts, url: string, items: unknown[], total: number) {
  const more = total > items.length;
  const page = {
    currentPageToken: 0,
    currentPageUrl: url,
    items,
    nextPageToken: more ? 1 : null,
    nextPageUrl: more ? `${url}?page=1&pageSize=${items.length}` : null,
    previousPageToken: null,
    previousPageUrl: null,
    total,
  };
  if (o.major >= 37) return page;
  const { currentPageToken: _a, nextPageToken: _b, previousPageToken: _c, ...rest } = page;
  return rest;
}

export function commentPage(
  o: Opts,
  url: string,
  page: {
    items: unknown[];
    total: number;
    current?: string | null;
    currentUrl?: string;
    next?: string | null;
    nextUrl?: string | null;
    previous?: string | null;
    previousUrl?: string | null;
  },
) {
  const base = {
    currentPageUrl: page.currentUrl ?? url,
    items: page.items,
    nextPageUrl: page.nextUrl ?? null,
    total: page.total,
  };
  if (o.major < 37) return base;
  const v37 = { currentPageToken: page.current ?? null, ...base, nextPageToken: page.next ?? null };
  if (o.major < 44) return v37;
  return { ...v37, previousPageToken: page.previous ?? null, previousPageUrl: page.previousUrl ?? null };
}

export interface CommentFacts {
  id: string;
  feedElementId: string;
  parent: { id: string; kind: 'users' | 'groups' };
  user: Person;
  plain: string;
  segments: unknown[];
  createdAt: number;
  relative?: string;
  isDeleteRestricted: boolean;
  likes?: { items: unknown[]; total: number; myLikeId: string | null; message: string | null };
  /** The Content Capability of a comment that carries a file. */
  content?: unknown;
}

export function commentShape(o: Opts, c: CommentFacts) {
  const url = `${o.base}/chatter/comments/${c.id}`;
  const likes = c.likes ?? { items: [], total: 0, myLikeId: null, message: null };
  return {
    body: body(o, c.plain, c.segments),
    capabilities: c.content === undefined ? {} : { content: c.content },
    clientInfo: null,
    createdDate: new Date(c.createdAt).toISOString(),
    feedElement: { id: c.feedElementId, url: `${o.base}/chatter/feed-elements/${c.feedElementId}` },
    id: c.id,
    isDeleteRestricted: c.isDeleteRestricted,
    likes: embeddedLikes(o, `${url}/likes`, likes.items, likes.total),
    likesMessage: likes.message === null ? null : plainBody(o, likes.message),
    moderationFlags: null,
    myLike: likes.myLikeId ? { id: likes.myLikeId, url: `${o.base}/chatter/likes/${likes.myLikeId}` } : null,
    parent: { id: c.parent.id, url: `${o.base}/chatter/${c.parent.kind}/${c.parent.id}` },
    relativeCreatedDate: c.relative ?? 'Just now',
    type: c.content === undefined ? 'TextComment' : 'ContentComment',
    url,
    user: userSummary(o, c.user),
  };
}

export interface FeedItemFacts {
  id: string;
  actor: Person;
  parent: unknown;
  header: string;
  plain: string;
  segments: unknown[];
  createdAt: number;
  modifiedAt?: number;
  relative?: string;
  isDeleteRestricted: boolean;
  clientName?: string | null;
  communityId?: string | null;
  comments?: { items: unknown[]; total: number; next?: string | null };
  likes?: { items: unknown[]; total: number; myLikeId: string | null; message: string | null };
  link?: { url: string; urlName: string | null };
  /** The file keys of the capabilities (`files` or `content`) of a ContentPost. */
  files?: Record<string, unknown>;
  /** The viewer's and the post's conversation state (SPEC §12.5); defaults: none, unedited. */
  state?: CapabilityState;
  /** The post's type where its capabilities don't tell it (QuestionPost). */
  type?: string;
}

export interface CapabilityState {
  bookmarked?: boolean;
  muted?: boolean;
  readAt?: number | null;
  /** The viewer may edit the post (the author, or an admin); default: the viewer may delete it. */
  canEdit?: boolean;
  /** Internal viewer (may assign topics); default true. */
  internal?: boolean;
  edit?: { by: Person; at: number; revision: number; relative?: string } | null;
  /** Replacement values of capabilities with more state (poll, questionAndAnswers, topics…). */
  overrides?: Record<string, unknown>;
}

/** The capability keys of each API version, written out from F2 §9 (with `since`, `until`). */
const CAPABILITY_VERSIONS: [string, number, number?][] = [
  ['associatedActions', 31],
  ['banner', 31],
  ['bookmarks', 31],
  ['bundle', 31],
  ['callCollaboration', 51],
  ['canvas', 32],
  ['caseComment', 32],
  ['chatterLikes', 31],
  ['close', 43],
  ['comments', 31],
  ['content', 32, 35],
  ['dashboardComponentSnapshot', 32],
  ['directMessage', 39],
  ['edit', 34],
  ['emailMessage', 32],
  ['enhancedLink', 32],
  ['extensions', 40],
  ['feedEntityShare', 39],
  ['files', 36],
  ['interactions', 37],
  ['link', 32],
  ['mediaReferences', 41],
  ['moderation', 31],
  ['mute', 35],
  ['origin', 33],
  ['pin', 41],
  ['poll', 31],
  ['questionAndAnswers', 31],
  ['readBy', 40],
  ['recommendations', 32],
  ['recordSnapshot', 32],
  ['socialPost', 36],
  ['status', 37],
  ['topics', 31],
  ['trackedChanges', 32],
  ['upDownVote', 41],
];

export function capabilityKeysOf(major: number): string[] {
  return CAPABILITY_VERSIONS.filter(
    ([, since, until]) => major >= since && (until === undefined || major <= until),
  ).map(([key]) => key);
}

/**
 * Feed Element Capabilities of a post at `o`'s version: every key of the version, neutral values
 * (F2 §9) where nothing is stored, `null` for capabilities the post doesn't have.
 */
export function capabilitiesShape(
  o: Opts,
  f: { id: string; state?: CapabilityState; isDeleteRestricted?: boolean },
  given: Record<string, unknown>,
): Record<string, unknown> {
  const url = `${o.base}/chatter/feed-elements/${f.id}`;
  const st = f.state ?? {};
  const edit = st.edit ?? null;
  const readAt = st.readAt ?? null;
  const values: Record<string, unknown> = {
    associatedActions: { platformActionGroups: [] },
    bookmarks: { isBookmarkedByCurrentUser: st.bookmarked ?? false },
    close: { canContextUserUpdateIsClosed: true, isClosed: false },
    edit: {
      isEditRestricted: !(st.canEdit ?? !f.isDeleteRestricted),
      isEditableByMeUrl: `${url}/capabilities/edit/is-editable-by-me`,
      lastEditedBy: edit ? userSummary(o, edit.by) : null,
      lastEditedDate: edit ? new Date(edit.at).toISOString() : null,
      latestRevision: edit ? edit.revision : 1,
      relativeLastEditedDate: edit ? (edit.relative ?? 'Just now') : null,
    },
    interactions: { count: 0 },
    mute: { isMutedByMe: st.muted ?? false },
    readBy: {
      isReadByMe: readAt !== null,
      lastReadDateByMe: readAt === null ? null : new Date(readAt).toISOString(),
      page: {
        currentPageToken: null,
        currentPageUrl: `${url}/capabilities/read-by/items?pageSize=3`,
        items: [],
        nextPageToken: null,
        nextPageUrl: null,
        previousPageToken: null,
        previousPageUrl: null,
        total: 0,
      },
    },
    status: { feedEntityStatus: 'Published', isApprovableByMe: true },
    topics: { canAssignTopics: st.internal ?? true, items: [] },
    upDownVote: { downVoteCount: 0, myVote: 'None', upVoteCount: 0 },
    ...given,
    ...st.overrides,
  };
  const out: Record<string, unknown> = {};
  for (const key of capabilityKeysOf(o.major)) out[key] = key in values ? values[key] : null;
  return out;
}

export function feedItem(o: Opts, f: FeedItemFacts) {
  const url = `${o.base}/chatter/feed-elements/${f.id}`;
  const likes = f.likes ?? { items: [], total: 0, myLikeId: null, message: null };
  const comments = f.comments ?? { items: [], total: 0, next: null };
  const commentsUrl = `${url}/capabilities/comments/items`;
  const item: Record<string, unknown> = {
    actor: userSummary(o, f.actor),
    body: body(o, f.plain, f.segments),
    ...(o.major <= 38 ? { canShare: false } : {}),
    capabilities: capabilitiesShape(o, f, {
      chatterLikes: {
        isLikedByCurrentUser: likes.myLikeId !== null,
        likesMessage: likes.message === null ? null : plainBody(o, likes.message),
        myLike: likes.myLikeId
          ? { id: likes.myLikeId, url: `${o.base}/chatter/likes/${likes.myLikeId}` }
          : null,
        page: embeddedLikes(o, `${url}/capabilities/chatter-likes/items`, likes.items, likes.total),
      },
      comments: {
        page: commentPage(o, commentsUrl, {
          items: comments.items,
          total: comments.total,
          next: comments.next ?? null,
          nextUrl: comments.next ? `${commentsUrl}?page=${comments.next}` : null,
        }),
      },
      ...(f.files ?? {}),
      ...(f.link
        ? { link: { url: f.link.url, urlName: f.link.urlName === null ? null : enc(o, f.link.urlName) } }
        : {}),
    }),
    clientInfo: f.clientName ? { applicationName: f.clientName, applicationUrl: null } : null,
    ...(f.communityId
      ? {
          community: {
            id: f.communityId,
            url: `/services/data/v${o.major}.0/connect/communities/${f.communityId}`,
          },
        }
      : {}),
    createdDate: new Date(f.createdAt).toISOString(),
    event: false,
    feedElementType: 'FeedItem',
    header: plainBody(o, f.header),
    id: f.id,
    isDeleteRestricted: f.isDeleteRestricted,
    ...(o.major >= 39 ? { isSharable: false } : {}),
    modifiedDate: new Date(f.modifiedAt ?? f.createdAt).toISOString(),
    originalFeedItem: null,
    originalFeedItemActor: null,
    parent: f.parent,
    photoUrl: `${TEST_ORIGIN}/profilephoto/${f.actor.id.slice(0, 15)}/T`,
    relativeCreatedDate: f.relative ?? 'Just now',
    type: f.type ?? (f.files ? 'ContentPost' : f.link ? 'LinkPost' : 'TextPost'),
    url,
    visibility: 'AllUsers',
  };
  return item;
}

/** The stored record of a post (dates, counts) to build expectations from real state. */
export async function storedPost(h: Harness, id: string) {
  return rawDatabase(h.services.store)
    .selectFrom('feed_elements')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
}

export async function storedComment(h: Harness, id: string) {
  return rawDatabase(h.services.store)
    .selectFrom('comments')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
}

export const err = (errorCode: string, message: string) => [{ errorCode, message }];
export const NOT_FOUND = err('NOT_FOUND', 'The requested resource does not exist');

/** The viewer's subscription to a subject, as the store has it (mySubscription). */
export async function subscriptionOf(
  h: Harness,
  subscriberId: string,
  subjectId: string,
): Promise<string | null> {
  const row = await rawDatabase(h.services.store)
    .selectFrom('subscriptions')
    .select('id')
    .where('subscriber_id', '=', subscriberId)
    .where('subject_id', '=', subjectId)
    .executeTakeFirst();
  return row?.id ?? null;
}

/** A Topic (F2 §4) at `o`'s version, from its stored row. */
export function topicShape(
  o: Opts,
  t: { id: string; name: string; description?: string | null; createdAt: number; talkingAbout: number },
) {
  return {
    createdDate: new Date(t.createdAt).toISOString(),
    description: t.description ?? null,
    id: t.id,
    ...(o.major >= 32 ? { images: { coverImageUrl: null, featuredImageUrl: null } } : {}),
    ...(o.major >= 33 ? { isBeingDeleted: false } : {}),
    name: enc(o, t.name),
    ...(o.major >= 36 ? { nonLocalizedName: enc(o, t.name) } : {}),
    talkingAbout: t.talkingAbout,
    url: `${o.base}/connect/topics/${t.id}`,
  };
}

/** The stored topic of a name (in any case), as topicShape takes it. */
export async function storedTopic(h: Harness, name: string) {
  const row = await rawDatabase(h.services.store)
    .selectFrom('topics')
    .selectAll()
    .where('name_key', '=', name.toLowerCase())
    .executeTakeFirstOrThrow();
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    createdAt: Number(row.created_at),
    talkingAbout: Number(row.talking_about),
  };
}
