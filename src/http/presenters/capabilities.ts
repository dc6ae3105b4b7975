import type { FeedElementView } from '../../domain/feed-views.js';
import { isoDate } from '../../lib/clock.js';
import type { PresentContext } from '../present-context.js';
import { presentComment, presentEmbeddedCommentPage } from './comment.js';
import { presentContentCapability } from './file.js';
import { presentEmbeddedLikePage, presentLikesMessage, presentMyLike } from './like.js';
import { presentTopic } from './topic.js';
import { presentUserSummary } from './user.js';

type Present = (ctx: PresentContext, view: FeedElementView) => unknown;

/**
 * One capability of a feed element: its key, the API versions that have it (F2 §9) and its value.
 * A post carries every key of its version (SPEC §12.5); a capability with no state here, or one the
 * post doesn't have (a poll on a text post), is `null` unless F2 shows a neutral value for it.
 */
interface Capability {
  key: string;
  since: number;
  /** The last version that has it (content moved to comments after 35). */
  until?: number;
  present: Present;
}

const none: Present = () => null;

/** The capabilities, in the alphabetical order they are written in (F2 §9). */
const CAPABILITIES: readonly Capability[] = [
  { key: 'associatedActions', since: 31, present: () => ({ platformActionGroups: [] }) },
  { key: 'banner', since: 31, present: none },
  { key: 'bookmarks', since: 31, present: (_, v) => ({ isBookmarkedByCurrentUser: v.state.bookmarked }) },
  { key: 'bundle', since: 31, present: none },
  { key: 'callCollaboration', since: 51, present: none },
  { key: 'canvas', since: 32, present: none },
  { key: 'caseComment', since: 32, present: none },
  { key: 'chatterLikes', since: 31, present: (ctx, v) => presentChatterLikesCapability(ctx, v) },
  { key: 'close', since: 43, present: () => ({ canContextUserUpdateIsClosed: true, isClosed: false }) },
  { key: 'comments', since: 31, present: (ctx, v) => presentCommentsCapability(ctx, v) },
  { key: 'content', since: 32, until: 35, present: (ctx, v) => presentContentOfPost(ctx, v) },
  { key: 'dashboardComponentSnapshot', since: 32, present: none },
  { key: 'directMessage', since: 39, present: none },
  { key: 'edit', since: 34, present: (ctx, v) => presentEditCapability(ctx, v) },
  { key: 'emailMessage', since: 32, present: none },
  { key: 'enhancedLink', since: 32, present: none },
  { key: 'extensions', since: 40, present: none },
  { key: 'feedEntityShare', since: 39, present: none },
  { key: 'files', since: 36, present: (ctx, v) => presentFilesCapability(ctx, v) },
  { key: 'interactions', since: 37, present: () => ({ count: 0 }) },
  { key: 'link', since: 32, present: (ctx, v) => presentLinkCapability(ctx, v) },
  { key: 'mediaReferences', since: 41, present: none },
  { key: 'moderation', since: 31, present: none },
  { key: 'mute', since: 35, present: (_, v) => presentMuteCapability(v) },
  { key: 'origin', since: 33, present: none },
  { key: 'pin', since: 41, present: none },
  { key: 'poll', since: 31, present: (ctx, v) => presentPollCapability(ctx, v) },
  { key: 'questionAndAnswers', since: 31, present: (ctx, v) => presentQuestionCapability(ctx, v) },
  { key: 'readBy', since: 40, present: (ctx, v) => presentReadByCapability(ctx, v) },
  { key: 'recommendations', since: 32, present: none },
  { key: 'recordSnapshot', since: 32, present: none },
  { key: 'socialPost', since: 36, present: none },
  { key: 'status', since: 37, present: () => ({ feedEntityStatus: 'Published', isApprovableByMe: true }) },
  { key: 'topics', since: 31, present: (ctx, v) => presentTopicsCapability(ctx, v) },
  { key: 'trackedChanges', since: 32, present: none },
  {
    key: 'upDownVote',
    since: 41,
    present: () => ({ downVoteCount: 0, myVote: 'None', upVoteCount: 0 }),
  },
];

/** The capability keys a feed element carries at an API version, in order (the version-matrix test). */
export function capabilityKeys(major: number): string[] {
  return CAPABILITIES.filter((c) => has(c, major)).map((c) => c.key);
}

function has(c: Capability, major: number): boolean {
  return major >= c.since && (c.until === undefined || major <= c.until);
}

/** Feed Element Capabilities: every key of the request's version (SPEC §12.5). */
export function presentCapabilities(ctx: PresentContext, view: FeedElementView): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const c of CAPABILITIES) if (has(c, ctx.major)) out[c.key] = c.present(ctx, view);
  return out;
}

export function presentCommentsCapability(ctx: PresentContext, view: FeedElementView) {
  return { page: presentEmbeddedCommentPage(ctx, view.element.id, view.comments) };
}

export function presentChatterLikesCapability(ctx: PresentContext, view: FeedElementView) {
  const url = `${elementUrl(ctx, view)}/capabilities/chatter-likes/items`;
  return {
    isLikedByCurrentUser: view.likes.myLikeId !== null,
    likesMessage: presentLikesMessage(ctx, view.likes),
    myLike: presentMyLike(ctx, view.likes),
    page: presentEmbeddedLikePage(ctx, url, view.likes),
  };
}

function presentLinkCapability(ctx: PresentContext, view: FeedElementView) {
  const { element } = view;
  if (element.type !== 'LinkPost') return null;
  return {
    url: element.linkUrl,
    urlName: element.linkName === null ? null : ctx.text(element.linkName),
  };
}

export function presentBookmarksCapability(view: FeedElementView) {
  return { isBookmarkedByCurrentUser: view.state.bookmarked };
}

export function presentMuteCapability(view: FeedElementView) {
  return { isMutedByMe: view.state.muted };
}

/** Edit Capability (F2 §5): latestRevision is 1 until the first edit (SPEC §12.8). */
export function presentEditCapability(ctx: PresentContext, view: FeedElementView) {
  const { state } = view;
  return {
    isEditRestricted: !state.canEdit,
    isEditableByMeUrl: `${elementUrl(ctx, view)}/capabilities/edit/is-editable-by-me`,
    lastEditedBy: state.lastEditedBy ? presentUserSummary(ctx, state.lastEditedBy) : null,
    lastEditedDate: state.edit.lastEditedAt === null ? null : isoDate(state.edit.lastEditedAt),
    latestRevision: state.edit.revision,
    relativeLastEditedDate: state.relativeLastEditedDate,
  };
}

/** `is-editable-by-me` (F2 §5). */
export function presentEditability(ctx: PresentContext, view: FeedElementView) {
  return {
    ...(ctx.major >= 36 ? { areAttachmentsEditableByMe: view.state.canEdit } : {}),
    feedEntityUrl: elementUrl(ctx, view),
    isEditableByMe: view.state.canEdit,
  };
}

/** Read By Capability (F2 §5); its embedded page is the neutral one (SPEC §12.5). */
export function presentReadByCapability(ctx: PresentContext, view: FeedElementView) {
  const at = view.state.readAt;
  return {
    isReadByMe: at !== null,
    lastReadDateByMe: at === null ? null : isoDate(at),
    page: {
      currentPageToken: null,
      currentPageUrl: `${elementUrl(ctx, view)}/capabilities/read-by/items?pageSize=3`,
      items: [],
      nextPageToken: null,
      nextPageUrl: null,
      previousPageToken: null,
      previousPageUrl: null,
      total: 0,
    },
  };
}

/** Topics Capability (F2 §4): `{canAssignTopics, items}`. */
export function presentTopicsCapability(ctx: PresentContext, view: FeedElementView) {
  return {
    canAssignTopics: view.state.canAssignTopics,
    items: view.state.topics.map((t) => presentTopic(ctx, t)),
  };
}

/** Poll Capability (F2 §6): counts are numbers; voteCountRatio a ratio of the total (0 when none). */
export function presentPollCapability(ctx: PresentContext, view: FeedElementView) {
  const choices = view.state.poll;
  if (choices === null) return null;
  const total = choices.reduce((n, c) => n + c.voteCount, 0);
  return {
    choices: choices.map((c) => ({
      id: c.id,
      position: c.position,
      text: ctx.text(c.text),
      voteCount: c.voteCount,
      voteCountRatio: total === 0 ? 0 : c.voteCount / total,
    })),
    myChoiceId: choices.find((c) => c.isMine)?.id ?? null,
    totalVoteCount: total,
  };
}

/**
 * Question and Answers Capability (F2 §6): the best answer as a Comment and who chose it;
 * `escalatedCase` (33) and `candidateAnswers` (41) carry no state here. Null on other posts.
 */
export function presentQuestionCapability(ctx: PresentContext, view: FeedElementView) {
  if (view.element.type !== 'QuestionPost') return null;
  const { state } = view;
  return {
    bestAnswer: state.bestAnswer ? presentComment(ctx, state.bestAnswer) : null,
    bestAnswerSelectedBy: state.bestAnswerBy ? presentUserSummary(ctx, state.bestAnswerBy) : null,
    canCurrentUserSelectOrRemoveBestAnswer: state.canSelectBestAnswer,
    ...(ctx.major >= 41 ? { candidateAnswers: null } : {}),
    ...(ctx.major >= 33 ? { escalatedCase: null } : {}),
    questionTitle: ctx.text(state.edit.questionTitle ?? ''),
  };
}

function elementUrl(ctx: PresentContext, view: FeedElementView): string {
  return `${ctx.base}/chatter/feed-elements/${view.element.id}`;
}

/** Versions 32–35: the post's (first) file as its Content Capability (SPEC §12.2). */
function presentContentOfPost(ctx: PresentContext, view: FeedElementView) {
  const [first] = view.files;
  return first === undefined ? null : presentContentCapability(ctx, first);
}

/** Version 36 on: every file the post carries, in order; deleted ones with every property null. */
function presentFilesCapability(ctx: PresentContext, view: FeedElementView) {
  if (view.files.length === 0) return null;
  return { items: view.files.map((file) => presentContentCapability(ctx, file)) };
}
