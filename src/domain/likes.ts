import type { Viewer } from '../auth/viewer.js';
import { apiError, insufficientAccess, notFound } from '../errors/api-error.js';
import { KeyPrefix } from '../ids/salesforce-id.js';
import type { Clock } from '../lib/clock.js';
import type { LikeRecord } from '../store/records.js';
import type { Store } from '../store/store.js';
import { ActivityChanges } from './activity.js';
import type { CommentService } from './comments.js';
import { canDeleteLike } from './feed-access.js';
import type { FeedElementService } from './feed-elements.js';
import type { FeedViews, LikeView } from './feed-views.js';
import { requireId } from './ids.js';
import type { Scope } from './scope.js';

/** A Like Page: integer pages, newest like first (chatter-facts §2.8). */
export interface LikePage {
  /** The liked item: a post, or one of its comments. */
  feedElementId: string;
  commentId: string | null;
  likes: LikeView[];
  total: number;
}

/** Likes of posts and comments: anyone who can see the post (SPEC §5); one like per user and item. */
export class LikeService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly elements: FeedElementService,
    private readonly comments: CommentService,
    private readonly views: FeedViews,
  ) {}

  async listForElement(
    viewer: Viewer,
    scope: Scope,
    rawElementId: string,
    page: { page: number; pageSize: number },
  ): Promise<LikePage> {
    const { element } = await this.elements.readable(viewer, scope, rawElementId);
    return this.#page(viewer, scope, { feedElementId: element.id, commentId: null }, element.likeCount, page);
  }

  async listForComment(
    viewer: Viewer,
    scope: Scope,
    rawCommentId: string,
    page: { page: number; pageSize: number },
  ): Promise<LikePage> {
    const { comment } = await this.comments.readable(viewer, scope, rawCommentId);
    const item = { feedElementId: comment.feedElementId, commentId: comment.id };
    return this.#page(viewer, scope, item, comment.likeCount, page);
  }

  /** A page of the likes of a post (commentId null) or of one of its comments, newest first. */
  async #page(
    viewer: Viewer,
    scope: Scope,
    item: { feedElementId: string; commentId: string | null },
    total: number,
    page: { page: number; pageSize: number },
  ): Promise<LikePage> {
    const offset = page.page * page.pageSize;
    const likes = await this.store.likes.likePage(item.feedElementId, item.commentId, offset, page.pageSize);
    return { ...item, likes: await this.views.likes(viewer, scope, likes), total };
  }

  async likeElement(viewer: Viewer, scope: Scope, rawElementId: string): Promise<LikeView> {
    const { element } = await this.elements.readable(viewer, scope, rawElementId);
    return this.#like(viewer, scope, element.id, null);
  }

  async likeComment(viewer: Viewer, scope: Scope, rawCommentId: string): Promise<LikeView> {
    const { comment } = await this.comments.readable(viewer, scope, rawCommentId);
    return this.#like(viewer, scope, comment.feedElementId, comment.id);
  }

  /** A second like of the same item is 409 DUPLICATE_VALUE and uses up no ID. */
  async #like(
    viewer: Viewer,
    scope: Scope,
    feedElementId: string,
    commentId: string | null,
  ): Promise<LikeView> {
    const like = await this.store.transaction(async (tx) => {
      const record: LikeRecord = {
        id: await tx.newId(KeyPrefix.like),
        orgId: viewer.orgId,
        feedElementId,
        commentId,
        userId: viewer.user.id,
        createdAt: this.clock.now(),
      };
      const liked = await tx.likes.insertLike(record);
      if (!liked) throw apiError('DUPLICATE_VALUE', { detail: 'You already like this item.' });
      await new ActivityChanges().liked(liked, 1).record(tx);
      return record;
    });
    const [view] = await this.views.likes(viewer, scope, [like]);
    return view as LikeView;
  }

  /** A like the viewer may read: its post (and comment) must still be there and readable. */
  async #readable(viewer: Viewer, scope: Scope, rawId: string) {
    const id = requireId(rawId, KeyPrefix.like);
    const like = await this.store.likes.findLike(viewer.orgId, id);
    if (!like) throw notFound();
    const { element } = like.commentId
      ? await this.comments.readable(viewer, scope, like.commentId)
      : await this.elements.readable(viewer, scope, like.feedElementId);
    return { like, element };
  }

  async get(viewer: Viewer, scope: Scope, rawId: string): Promise<LikeView> {
    const { like } = await this.#readable(viewer, scope, rawId);
    const [view] = await this.views.likes(viewer, scope, [like]);
    return view as LikeView;
  }

  /** Unlike: the one who liked (or an admin). */
  async delete(viewer: Viewer, scope: Scope, rawId: string): Promise<void> {
    const { like, element } = await this.#readable(viewer, scope, rawId);
    if (!canDeleteLike(viewer, like, element)) {
      throw insufficientAccess("You don't have permission to delete this like.");
    }
    await this.store.transaction(async (tx) => {
      await new ActivityChanges().liked(await tx.likes.deleteLike(like), -1).record(tx);
    });
  }
}
