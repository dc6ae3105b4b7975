import type { ActivityDelta, DeletedComment, DeletedPost, LikedItem, TouchedPost } from '../store/records.js';
import type { Store } from '../store/store.js';

/**
 * Who gains and who loses which chatterActivity count on each write (decision 0014). A post counts
 * for its author; a comment for its author and, as received, for the post's author; a like, as
 * received, for the author of the liked post or comment. Deleting a post or comment takes back
 * what it and everything under it counted; a comment or like on a post (or comment) deleted
 * meanwhile counts for nobody.
 *
 * Write paths call these inside the transaction of the write, with what the store's write
 * returned (the rows as its locks left them), then `record` the changes.
 */
export class ActivityChanges {
  readonly #byUser = new Map<string, ActivityDelta>();

  #of(userId: string): ActivityDelta {
    let delta = this.#byUser.get(userId);
    if (!delta) {
      delta = { userId, postCount: 0, commentCount: 0, commentReceivedCount: 0, likeReceivedCount: 0 };
      this.#byUser.set(userId, delta);
    }
    return delta;
  }

  postsCreated(authorIds: readonly string[]): this {
    for (const authorId of authorIds) this.#of(authorId).postCount += 1;
    return this;
  }

  /** The post's author loses it, its likes and its comments; each commenter their comments and the likes on them. */
  postDeleted(post: DeletedPost | undefined): this {
    if (!post) return this;
    const author = this.#of(post.authorId);
    author.postCount -= 1;
    author.likeReceivedCount -= post.likeCount;
    for (const row of post.commenters) {
      const commenter = this.#of(row.authorId);
      commenter.commentCount -= row.comments;
      commenter.likeReceivedCount -= row.likes;
      this.#of(post.authorId).commentReceivedCount -= row.comments;
    }
    return this;
  }

  commentAdded(authorId: string, post: TouchedPost | undefined): this {
    if (!post || post.deleted) return this;
    this.#of(authorId).commentCount += 1;
    this.#of(post.authorId).commentReceivedCount += 1;
    return this;
  }

  /** Unless its post is deleted (which took it back already): its author loses it and its likes. */
  commentDeleted(comment: DeletedComment | undefined): this {
    if (!comment?.post || comment.post.deleted) return this;
    const author = this.#of(comment.authorId);
    author.commentCount -= 1;
    author.likeReceivedCount -= comment.likeCount;
    this.#of(comment.post.authorId).commentReceivedCount -= 1;
    return this;
  }

  /** A like (+1) or unlike (-1) counts for the item's author while the item and its post stand. */
  liked(item: LikedItem | undefined, delta: 1 | -1): this {
    if (item?.live && item.authorId !== null) this.#of(item.authorId).likeReceivedCount += delta;
    return this;
  }

  /** Writes the changes in the store (tx: the transaction of the write they follow). */
  async record(tx: Store): Promise<void> {
    await tx.activity.add([...this.#byUser.values()]);
  }
}
