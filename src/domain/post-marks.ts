import type { Viewer } from '../auth/viewer.js';
import { apiError, insufficientAccess, invalidInput, notFound } from '../errors/api-error.js';
import { KeyPrefix } from '../ids/salesforce-id.js';
import type { Clock } from '../lib/clock.js';
import type { Store } from '../store/store.js';
import type { FeedElementService } from './feed-elements.js';
import type { FeedElementView } from './feed-views.js';
import { requireId } from './ids.js';
import { keysetToken, parseKeysetToken } from './page-tokens.js';
import type { Scope } from './scope.js';
import type { UserSummaryView } from './user-summaries.js';
import type { UserService } from './users.js';

/** Read By Page (F2 §5): who read a post, latest first, keyset-paged by (lastReadDate, user). */
export interface ReadByPage {
  items: { lastReadAt: number; user: UserSummaryView }[];
  total: number;
  currentPageToken: string | null;
  nextPageToken: string | null;
}

/** `true`, `"true"` (the documented form) and their `false` twins; anything else is 400. */
export function flag(name: string, value: unknown): boolean {
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw invalidInput(`Invalid ${name}: specify true or false.`);
}

/**
 * A viewer's own marks on posts they can read (SPEC §12.5): bookmarks, mutes and reads. Each
 * answers the post as the viewer now sees it, for the capability presenters.
 */
export class PostMarkService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly users: UserService,
    private readonly elements: FeedElementService,
  ) {}

  view(viewer: Viewer, scope: Scope, rawId: string): Promise<FeedElementView> {
    return this.elements.get(viewer, scope, rawId, { recentCommentCount: 0 });
  }

  async bookmark(viewer: Viewer, scope: Scope, rawId: string, on: boolean): Promise<FeedElementView> {
    const { element } = await this.elements.readable(viewer, scope, rawId);
    await this.store.postState.mark('feed_bookmarks', viewer.user.id, element.id, on, this.clock.now());
    return this.view(viewer, scope, element.id);
  }

  async mute(viewer: Viewer, scope: Scope, rawId: string, on: boolean): Promise<FeedElementView> {
    const { element } = await this.elements.readable(viewer, scope, rawId);
    await this.store.postState.mark('feed_mutes', viewer.user.id, element.id, on, this.clock.now());
    return this.view(viewer, scope, element.id);
  }

  /** Marks a post read (at `lastReadDateByMe`, or now when absent or in the future) or unread. */
  async read(
    viewer: Viewer,
    scope: Scope,
    rawId: string,
    input: { isReadByMe: boolean; lastReadDateByMe?: string | undefined },
  ): Promise<FeedElementView> {
    const now = this.clock.now();
    let at = now;
    if (input.lastReadDateByMe !== undefined) {
      const parsed = Date.parse(input.lastReadDateByMe);
      if (Number.isNaN(parsed)) {
        throw invalidInput(`Invalid lastReadDateByMe: ${input.lastReadDateByMe}. Specify an ISO 8601 date.`);
      }
      at = Math.min(parsed, now);
    }
    const { element } = await this.elements.readable(viewer, scope, rawId);
    if (input.isReadByMe) await this.store.postState.markRead(element.id, viewer.user.id, at);
    else await this.store.postState.unmarkRead(element.id, viewer.user.id);
    return this.view(viewer, scope, element.id);
  }

  /** A poll post the viewer may read (404 for any other post). */
  async poll(viewer: Viewer, scope: Scope, rawId: string): Promise<FeedElementView> {
    const view = await this.view(viewer, scope, rawId);
    if (view.state.poll === null) throw notFound();
    return view;
  }

  /** Votes, or moves the viewer's vote, to a choice of this poll (another poll's choice → 400). */
  async vote(viewer: Viewer, scope: Scope, rawId: string, rawChoiceId: string): Promise<FeedElementView> {
    const choiceId = requireId(rawChoiceId, KeyPrefix.pollChoice);
    const view = await this.poll(viewer, scope, rawId);
    if (!view.state.poll?.some((c) => c.id === choiceId)) throw apiError('POLL_CHOICE_ELSEWHERE');
    await this.store.transaction((tx) => tx.polls.vote(view.element.id, viewer.user.id, choiceId));
    return this.poll(viewer, scope, view.element.id);
  }

  /** A question the viewer may read (404 for any other post, F2 §6). */
  async question(viewer: Viewer, scope: Scope, rawId: string): Promise<FeedElementView> {
    const view = await this.view(viewer, scope, rawId);
    if (view.element.type !== 'QuestionPost') throw notFound();
    return view;
  }

  /**
   * Chooses a comment of this question as its best answer, or (null or "") removes it: the asker
   * or an admin only (SPEC §12.8); a comment of another post → 400 (decision 0034).
   */
  async selectBestAnswer(
    viewer: Viewer,
    scope: Scope,
    rawId: string,
    rawCommentId: string | null,
  ): Promise<FeedElementView> {
    const commentId =
      rawCommentId === null || rawCommentId.trim() === '' ? null : requireId(rawCommentId, KeyPrefix.comment);
    const view = await this.question(viewer, scope, rawId);
    if (!view.state.canSelectBestAnswer) {
      throw insufficientAccess(
        "You don't have permission to select or remove the best answer to this question.",
      );
    }
    const by = commentId === null ? null : viewer.user.id;
    if (!(await this.store.postState.setBestAnswer(view.element.id, commentId, by))) {
      throw apiError('BEST_ANSWER_ELSEWHERE');
    }
    return this.question(viewer, scope, view.element.id);
  }

  async readers(
    viewer: Viewer,
    scope: Scope,
    rawId: string,
    params: { page?: string | undefined; pageSize: number },
  ): Promise<ReadByPage> {
    const cursor =
      params.page === undefined ? undefined : parseKeysetToken(params.page, KeyPrefix.user, { newer: false });
    const { element } = await this.elements.readable(viewer, scope, rawId);
    const [rows, total] = await Promise.all([
      this.store.postState.readers(element.id, params.pageSize + 1, cursor),
      this.store.postState.readerCount(element.id),
    ]);
    const shown = rows.slice(0, params.pageSize);
    const users = await this.users.summaries(
      viewer,
      scope,
      shown.map((r) => r.userId),
    );
    const last = shown.at(-1);
    return {
      items: shown.flatMap((r) => {
        const user = users.get(r.userId);
        return user ? [{ lastReadAt: r.lastReadAt, user }] : [];
      }),
      total,
      currentPageToken: cursor ? keysetToken(cursor) : null,
      nextPageToken:
        rows.length > params.pageSize && last
          ? keysetToken({ at: last.lastReadAt, id: last.userId, direction: 'older' })
          : null,
    };
  }
}
