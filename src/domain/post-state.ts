import type { Viewer } from '../auth/viewer.js';
import type {
  CommentRecord,
  FeedElementRecord,
  PollChoiceRecord,
  PostEditState,
  TopicRecord,
} from '../store/records.js';
import type { Store } from '../store/store.js';
import { canEditElement } from './feed-access.js';

/**
 * The conversation state of a post as a view needs it (SPEC §12.5): the viewer's bookmark, mute
 * and read, and the post's edit history. Loaded for a whole page in a fixed number of queries.
 */
export interface PostStateView {
  bookmarked: boolean;
  muted: boolean;
  /** When the viewer last read the post; null: not read. */
  readAt: number | null;
  edit: PostEditState;
  canEdit: boolean;
  /** Internal users create and assign topics (SPEC §12.8). */
  canAssignTopics: boolean;
  /** The post's topics, in the order they were assigned. */
  topics: TopicRecord[];
  /** A PollPost's choices by position (with the viewer's vote marked); null for other posts. */
  poll: PollChoiceRecord[] | null;
  /** A QuestionPost's best answer (a live comment), null when none is chosen. */
  bestAnswer: CommentRecord | null;
  /** The asker or an admin may choose or remove the best answer (SPEC §12.8). */
  canSelectBestAnswer: boolean;
}

export interface LoadedPostState {
  /** Users the state names (last editors, best-answer choosers), to load with the page's people. */
  userIds: string[];
  /** The best answers of the page's questions, to be loaded as comments are. */
  bestAnswers: CommentRecord[];
  of(element: FeedElementRecord): PostStateView;
}

export const UNEDITED: PostEditState = {
  lastEditedBy: null,
  lastEditedAt: null,
  revision: 1,
  questionTitle: null,
  bestAnswerId: null,
  bestAnswerBy: null,
};

export async function loadPostState(
  store: Store,
  viewer: Viewer,
  elements: readonly FeedElementRecord[],
): Promise<LoadedPostState> {
  const ids = elements.map((e) => e.id);
  // Only pages that hold polls pay for their choices, and questions with a best answer for it.
  const pollIds = elements.filter((e) => e.type === 'PollPost').map((e) => e.id);
  const answerIds = elements.flatMap((e) => e.conversation?.bestAnswerId ?? []);
  const [mine, topics, choices, bestAnswers] = await Promise.all([
    viewer.isGuest
      ? { bookmarked: new Set<string>(), muted: new Set<string>(), readAt: new Map<string, number>() }
      : store.postState.viewerState(viewer.user.id, ids),
    store.topics.topicsOf(ids),
    store.polls.choicesOf(pollIds, viewer.isGuest ? null : viewer.user.id),
    store.comments.findComments(viewer.orgId, answerIds),
  ]);
  const userIds = elements.flatMap((e) =>
    [e.conversation?.lastEditedBy, e.conversation?.bestAnswerBy].flatMap((id) => id ?? []),
  );
  return {
    userIds,
    bestAnswers,
    of: (element) => ({
      bookmarked: mine.bookmarked.has(element.id),
      muted: mine.muted.has(element.id),
      readAt: mine.readAt.get(element.id) ?? null,
      edit: element.conversation ?? UNEDITED,
      canEdit: canEditElement(viewer, element),
      canAssignTopics: isInternal(viewer),
      topics: topics.filter((t) => t.feedElementId === element.id).map((t) => t.topic),
      poll: element.type === 'PollPost' ? choices.filter((c) => c.feedElementId === element.id) : null,
      bestAnswer: bestAnswers.find((c) => c.id === element.conversation?.bestAnswerId) ?? null,
      canSelectBestAnswer:
        !viewer.isGuest && (viewer.user.id === element.authorId || viewer.user.type === 'admin'),
    }),
  };
}

export function isInternal(viewer: Viewer): boolean {
  return !viewer.isGuest && (viewer.user.type === 'standard' || viewer.user.type === 'admin');
}
