import type { Viewer } from '../auth/viewer.js';
import type { Clock } from '../lib/clock.js';
import { groupBy } from '../lib/group-by.js';
import { relativeDate } from '../lib/relative-date.js';
import type { AttachedFile } from '../store/file-repository.js';
import type {
  CommentRecord,
  FeedElementRecord,
  FileRecord,
  GroupRole,
  LikeRecord,
  StoredSegment,
} from '../store/records.js';
import type { Store } from '../store/store.js';
import { canDeleteComment, canDeleteElement } from './feed-access.js';
import { groupParent, groupSubjects, must, recordParent } from './feed-view-parts.js';
import { type GroupAccess, groupAccess, loadGroupAccess } from './group-access.js';
import type { GroupReadView } from './groups.js';
import { attachedOf, inlineFileOf, withFiles } from './inline-images.js';
import { keysetToken } from './page-tokens.js';
import { loadPostState, type PostStateView } from './post-state.js';
import { type RecordSummaryView, recordSummaries } from './record-summaries.js';
import type { Scope } from './scope.js';
import type { UserSummaryView } from './user-summaries.js';
import type { UserService } from './users.js';

/**
 * Read views of posts, comments and likes (STYLE #7): everything a presenter needs, with the
 * viewer-specific parts (isLikedByCurrentUser, myLike, isDeleteRestricted, a mention's
 * `accessible`) computed here. A whole page is loaded in a fixed number of queries, whatever it
 * holds: one query per kind of thing, never one per row.
 */

export type SegmentView =
  | { type: 'Text'; text: string }
  | { type: 'Hashtag'; tag: string }
  | { type: 'Link'; url: string }
  | Extract<StoredSegment, { type: 'MarkupBegin' | 'MarkupEnd' }>
  /** `accessible`: the mentioned user can see the post (chatter-facts §2.1, Mention segment). */
  | { type: 'Mention'; id: string; user: UserSummaryView | null; accessible: boolean }
  /** An image in the body with its file (null once deleted). */
  | (Extract<StoredSegment, { type: 'InlineImage' }> & { file: FileRecord | null });

/** A post's parent: the user whose profile it is on, or its group (rendered as the groups resources do). */
export type ParentView =
  | { kind: 'user'; user: UserSummaryView }
  | { kind: 'group'; group: GroupReadView }
  /** A post on a record (SPEC §12.1): its Record Summary. */
  | { kind: 'record'; record: RecordSummaryView };

export interface LikeView {
  like: LikeRecord;
  user: UserSummaryView;
}

export interface LikesView {
  /** The latest likes (at most LIKES_SHOWN inside a post or comment). */
  items: LikeView[];
  total: number;
  myLikeId: string | null;
}

export interface CommentView {
  comment: CommentRecord;
  relativeCreatedDate: string;
  element: FeedElementRecord;
  user: UserSummaryView;
  segments: SegmentView[];
  canDelete: boolean;
  likes: LikesView;
  /** The files it carries, in order; a deleted file's `file` is null (SPEC §12.8). */
  files: AttachedFile[];
}

export interface FeedElementView {
  element: FeedElementRecord;
  /** Relative to the server clock when the view was built. */
  relativeCreatedDate: string;
  actor: UserSummaryView;
  parent: ParentView;
  segments: SegmentView[];
  canDelete: boolean;
  /** The latest comments, oldest first, how many there are in all, and the page of older ones. */
  comments: { items: CommentView[]; total: number; nextPageToken: string | null };
  likes: LikesView;
  /** The files it carries (capabilities.files), in order; deleted ones with `file` null. */
  files: AttachedFile[];
  /** Bookmark, mute, read, edit and question state (SPEC §12.5), with the people it names. */
  state: Omit<PostStateView, 'bestAnswer'> & {
    lastEditedBy: UserSummaryView | null;
    relativeLastEditedDate: string | null;
    bestAnswer: CommentView | null;
    bestAnswerBy: UserSummaryView | null;
  };
}

/** Likes shown inside a post or a comment (their Like Page's first page). */
export const LIKES_SHOWN = 3;

interface Loaded {
  users: Map<string, UserSummaryView>;
  likes: LikeRecord[];
  /** `${userId}:${groupId}` → role, for mentions in group posts. */
  roles: Map<string, GroupRole>;
  access: ReadonlyMap<string, GroupAccess>;
  /** The files on the posts and comments loaded (one query for the whole page). */
  files: AttachedFile[];
}

export class FeedViews {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly users: UserService,
  ) {}

  /** Views of posts the viewer may read (the caller checked), in the order given. */
  async elements(
    viewer: Viewer,
    scope: Scope,
    elements: FeedElementRecord[],
    options: { recentCommentCount: number; access?: ReadonlyMap<string, GroupAccess> | undefined },
  ): Promise<FeedElementView[]> {
    if (elements.length === 0) return [];
    const groupIds = groupSubjects(elements);
    const access = options.access ?? (await loadGroupAccess(this.store, viewer, scope, groupIds));
    const ids = elements.map((e) => e.id);
    const member = !viewer.isGuest;
    const recordIds = [
      ...new Set(elements.filter((e) => e.subjectKind === 'record').map((e) => e.subjectId)),
    ];
    const [comments, groupStates, records, files, state] = await Promise.all([
      // The counters are kept with the rows: a post without comments needs no comment read, and
      // a page where nothing is liked no like read (so the viewer's own like is none either).
      this.store.comments.recentComments(
        elements.filter((e) => e.commentCount > 0).map((e) => e.id),
        options.recentCommentCount,
      ),
      this.store.memberships.viewerGroupStates(member ? viewer.user.id : null, groupIds),
      recordSummaries(this.store, viewer, scope, recordIds),
      this.store.files.attachedFiles(withFiles(elements)),
      loadPostState(this.store, viewer, elements),
    ]);
    // The likes of the posts and of the comments shown, and the viewer's own, in one query.
    const shownComments = [...comments, ...state.bestAnswers];
    const liked = elements.some((e) => e.likeCount > 0) || shownComments.some((c) => c.likeCount > 0);
    const likes = liked
      ? await this.store.likes.likesFor(
          ids,
          shownComments.map((c) => c.id),
          LIKES_SHOWN,
          member ? viewer.user.id : null,
        )
      : [];
    const owners = groupIds.flatMap((id) => access.get(id)?.group.ownerId ?? []);
    const loaded = await this.#load(
      viewer,
      scope,
      elements,
      shownComments,
      likes,
      access,
      [...owners, ...state.userIds],
      files,
    );
    const byElement = groupBy(comments, (c) => c.feedElementId);
    const now = this.clock.now();
    return elements.map((element) => {
      const parent: ParentView =
        element.subjectKind === 'group'
          ? {
              kind: 'group',
              group: groupParent(element.subjectId, access, groupStates, loaded.users),
            }
          : element.subjectKind === 'record'
            ? { kind: 'record', record: recordParent(records, element.subjectId) }
            : { kind: 'user', user: must(loaded.users, element.subjectId) };
      return {
        element,
        relativeCreatedDate: relativeDate(element.createdAt, now),
        actor: must(loaded.users, element.authorId),
        parent,
        segments: this.#segments(scope, element, null, element.segments, loaded),
        canDelete: canDeleteElement(viewer, element, access),
        comments: this.#recent(viewer, scope, element, byElement.get(element.id) ?? [], loaded),
        likes: likesOf(viewer, element.id, null, element.likeCount, loaded),
        files: attachedOf(loaded.files, element.id, null),
        state: this.#state(viewer, scope, element, state.of(element), loaded, now),
      };
    });
  }

  /** Views of comments of one post the viewer may read, in the order given. */
  async comments(
    viewer: Viewer,
    scope: Scope,
    element: FeedElementRecord,
    comments: CommentRecord[],
    access: ReadonlyMap<string, GroupAccess>,
  ): Promise<CommentView[]> {
    if (comments.length === 0) return [];
    const [likes, files] = await Promise.all([
      this.store.likes.likesFor(
        [element.id],
        comments.map((c) => c.id),
        LIKES_SHOWN,
        viewer.isGuest ? null : viewer.user.id,
      ),
      this.store.files.attachedFiles(withFiles([element])),
    ]);
    const loaded = await this.#load(viewer, scope, [element], comments, likes, access, [], files);
    return comments.map((c) => this.#comment(viewer, scope, element, c, loaded));
  }

  /** Views of likes (the users who liked), in the order given. */
  async likes(viewer: Viewer, scope: Scope, likes: LikeRecord[]): Promise<LikeView[]> {
    const users = await this.users.summaries(
      viewer,
      scope,
      likes.map((l) => l.userId),
    );
    return likes.map((like) => ({ like, user: must(users, like.userId) }));
  }

  /** The people (and, for mentions in group posts, their roles) of a set of records. */
  async #load(
    viewer: Viewer,
    scope: Scope,
    elements: FeedElementRecord[],
    comments: CommentRecord[],
    likes: LikeRecord[],
    access: ReadonlyMap<string, GroupAccess>,
    extraUserIds: string[],
    files: AttachedFile[],
  ): Promise<Loaded> {
    const elementById = new Map(elements.map((e) => [e.id, e]));
    const userIds = new Set<string>(extraUserIds);
    const mentionedInGroups = new Set<string>();
    const groupsWithMentions = new Set<string>();
    const noteMentions = (segments: StoredSegment[], element: FeedElementRecord | undefined) => {
      for (const s of segments) {
        if (s.type !== 'Mention') continue;
        userIds.add(s.id);
        if (element?.subjectKind === 'group') {
          mentionedInGroups.add(s.id);
          groupsWithMentions.add(element.subjectId);
        }
      }
    };
    for (const e of elements) {
      userIds.add(e.authorId);
      if (e.subjectKind === 'user') userIds.add(e.subjectId);
      noteMentions(e.segments, e);
    }
    for (const c of comments) {
      userIds.add(c.authorId);
      noteMentions(c.segments, elementById.get(c.feedElementId));
    }
    for (const l of likes) userIds.add(l.userId);
    const [users, roleRows] = await Promise.all([
      this.users.summaries(viewer, scope, [...userIds]),
      this.store.memberships.membershipsAmong([...mentionedInGroups], [...groupsWithMentions]),
    ]);
    const roles = new Map(roleRows.map((r) => [`${r.userId}:${r.groupId}`, r.role]));
    return { users, likes, roles, access, files };
  }

  #recent(
    viewer: Viewer,
    scope: Scope,
    element: FeedElementRecord,
    comments: CommentRecord[],
    loaded: Loaded,
  ): FeedElementView['comments'] {
    const oldest = comments[0];
    return {
      items: comments.map((c) => this.#comment(viewer, scope, element, c, loaded)),
      total: element.commentCount,
      nextPageToken:
        oldest && element.commentCount > comments.length
          ? keysetToken({ at: oldest.createdAt, id: oldest.id, direction: 'older' })
          : null,
    };
  }

  /** The post's state with the people it names and its best answer as a comment view. */
  #state(
    viewer: Viewer,
    scope: Scope,
    element: FeedElementRecord,
    state: PostStateView,
    loaded: Loaded,
    now: number,
  ): FeedElementView['state'] {
    const { lastEditedBy: editor, lastEditedAt: at, bestAnswerBy } = state.edit;
    const answer = state.bestAnswer;
    return {
      ...state,
      lastEditedBy: editor === null ? null : must(loaded.users, editor),
      relativeLastEditedDate: at === null ? null : relativeDate(at, now),
      bestAnswer: answer && this.#comment(viewer, scope, element, answer, loaded),
      bestAnswerBy: answer && bestAnswerBy ? must(loaded.users, bestAnswerBy) : null,
    };
  }

  #comment(
    viewer: Viewer,
    scope: Scope,
    element: FeedElementRecord,
    comment: CommentRecord,
    loaded: Loaded,
  ): CommentView {
    return {
      comment,
      relativeCreatedDate: relativeDate(comment.createdAt, this.clock.now()),
      element,
      user: must(loaded.users, comment.authorId),
      segments: this.#segments(scope, element, comment.id, comment.segments, loaded),
      canDelete: canDeleteComment(viewer, comment, element),
      likes: likesOf(viewer, element.id, comment.id, comment.likeCount, loaded),
      files: attachedOf(loaded.files, element.id, comment.id),
    };
  }

  #segments(
    scope: Scope,
    element: FeedElementRecord,
    commentId: string | null,
    segments: StoredSegment[],
    loaded: Loaded,
  ): SegmentView[] {
    return segments.map((s) => {
      if (s.type === 'InlineImage')
        return { ...s, file: inlineFileOf(loaded.files, element.id, commentId, s.fileId) };
      if (s.type !== 'Mention') return s;
      const user = loaded.users.get(s.id) ?? null;
      return {
        type: 'Mention',
        id: s.id,
        user,
        accessible: user !== null && canSee(user, scope, element, loaded),
      };
    });
  }
}

/** Whether a mentioned user can see the post: someone of its scope who may read its group. */
function canSee(user: UserSummaryView, scope: Scope, element: FeedElementRecord, loaded: Loaded): boolean {
  if (!user.user.isActive || !user.isInThisCommunity) return false;
  // Profile and record posts: every active user of the scope (records have no sharing model, §12.1).
  if (element.subjectKind !== 'group') return true;
  const group = loaded.access.get(element.subjectId)?.group;
  if (!group) return false;
  const asViewer: Viewer = {
    user: user.user,
    orgId: user.user.orgId,
    appId: null,
    isGuest: false,
    tokenHash: null,
  };
  const role = loaded.roles.get(`${user.user.id}:${group.id}`) ?? null;
  return groupAccess(asViewer, scope, group, role).canReadContent;
}

function likesOf(
  viewer: Viewer,
  feedElementId: string,
  commentId: string | null,
  total: number,
  loaded: Loaded,
): LikesView {
  // likesFor() returns each item's latest likes plus the viewer's own, newest first.
  const all = loaded.likes.filter((l) => l.feedElementId === feedElementId && l.commentId === commentId);
  const mine = viewer.isGuest ? undefined : all.find((l) => l.userId === viewer.user.id);
  return {
    items: all.slice(0, LIKES_SHOWN).map((like) => ({ like, user: must(loaded.users, like.userId) })),
    total,
    myLikeId: mine?.id ?? null,
  };
}
