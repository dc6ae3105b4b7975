import type { Selectable } from 'kysely';
import type { Db, StoreDialect } from './dialects/dialect.js';
import type { LikedItem, LikeRecord } from './records.js';
import type { Database } from './schema.js';
import { StatementShapes } from './statement-shapes.js';

/** Likes of posts and comments. */
export class LikeRepository {
  /** The statements a feed page reads with, compiled once per shape (statement-shapes.ts). */
  readonly #shapes: StatementShapes;

  constructor(
    private readonly db: Db,
    private readonly dialect: StoreDialect,
  ) {
    this.#shapes = new StatementShapes(db);
  }

  /**
   * Adds a like and counts it on its item; returns the item as the write left it, or undefined
   * (and nothing changed) when the user already likes the item.
   */
  async insertLike(like: LikeRecord): Promise<LikedItem | undefined> {
    const inserted = await this.db
      .insertInto('likes')
      .values({
        id: like.id,
        org_id: like.orgId,
        feed_element_id: like.feedElementId,
        comment_id: like.commentId ?? '',
        user_id: like.userId,
        created_at: like.createdAt,
      })
      .onConflict((oc) => oc.columns(['feed_element_id', 'comment_id', 'user_id']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!inserted) return undefined;
    return this.#countLike(like, 1);
  }

  /** Removes a like and uncounts it; returns its item as the write left it (undefined: no such like). */
  async deleteLike(like: LikeRecord): Promise<LikedItem | undefined> {
    const deleted = await this.db
      .deleteFrom('likes')
      .where('org_id', '=', like.orgId)
      .where('id', '=', like.id)
      .returning('id')
      .executeTakeFirst();
    return deleted ? this.#countLike(like, -1) : undefined;
  }

  /**
   * Counts a like (or an unlike) on its item; returns the item's author and whether the item and
   * its post stand, as the row locks left them (comment before post).
   */
  async #countLike(like: LikeRecord, delta: 1 | -1): Promise<LikedItem> {
    if (like.commentId) {
      const comment = await this.db
        .updateTable('comments')
        .set((eb) => ({ like_count: eb('like_count', '+', delta) }))
        .where('id', '=', like.commentId)
        .returning(['author_id', 'deleted_at'])
        .executeTakeFirst();
      if (!comment) return { authorId: null, live: false };
      if (comment.deleted_at !== null) return { authorId: comment.author_id, live: false };
      // The post's row lock orders this against a deletion of the post.
      const row = await this.dialect
        .forUpdate(
          this.db.selectFrom('feed_elements').select('deleted_at').where('id', '=', like.feedElementId),
        )
        .executeTakeFirst();
      return { authorId: comment.author_id, live: row !== undefined && row.deleted_at === null };
    }
    const post = await this.db
      .updateTable('feed_elements')
      .set((eb) => ({ like_count: eb('like_count', '+', delta) }))
      .where('id', '=', like.feedElementId)
      .returning(['author_id', 'deleted_at'])
      .executeTakeFirst();
    return post
      ? { authorId: post.author_id, live: post.deleted_at === null }
      : { authorId: null, live: false };
  }

  async findLike(orgId: string, id: string): Promise<LikeRecord | undefined> {
    const row = await this.db
      .selectFrom('likes')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toLike(row);
  }

  /**
   * For a page of posts and their shown comments, in one query: the latest `count` likes of each
   * item, plus the given user's own like of each (isLikedByCurrentUser, myLike).
   */
  async likesFor(
    feedElementIds: readonly string[],
    commentIds: readonly string[],
    count: number,
    userId: string | null,
  ): Promise<LikeRecord[]> {
    if (feedElementIds.length === 0) return [];
    const rows = await this.#shapes.rows(
      'likes-for',
      { posts: [...new Set(feedElementIds)], comments: [...new Set(commentIds)], count, userId },
      (a) => this.#likesFor(a.posts, a.comments, a.count, a.userId),
    );
    return rows.map(toLike);
  }

  #likesFor(feedElementIds: string[], commentIds: string[], count: number, userId: string | null) {
    const ranked = this.db
      .selectFrom('likes')
      .selectAll()
      .select((eb) =>
        eb.fn
          .agg<number>('row_number')
          .over((ob) =>
            ob
              .partitionBy(['feed_element_id', 'comment_id'])
              .orderBy('created_at', 'desc')
              .orderBy('id', 'desc'),
          )
          .as('rn'),
      )
      .where('feed_element_id', 'in', feedElementIds)
      .where((eb) =>
        commentIds.length > 0
          ? eb.or([eb('comment_id', '=', ''), eb('comment_id', 'in', commentIds)])
          : eb('comment_id', '=', ''),
      );
    return this.db
      .selectFrom(ranked.as('l'))
      .selectAll()
      .where((eb) => eb.or([eb('rn', '<=', count), eb('user_id', '=', userId ?? '')]))
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc');
  }

  /** A page of the likes of a post (commentId null) or of a comment, newest first. */
  async likePage(
    feedElementId: string,
    commentId: string | null,
    offset: number,
    limit: number,
  ): Promise<LikeRecord[]> {
    const rows = await this.db
      .selectFrom('likes')
      .selectAll()
      .where('feed_element_id', '=', feedElementId)
      .where('comment_id', '=', commentId ?? '')
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .offset(offset)
      .limit(limit)
      .execute();
    return rows.map(toLike);
  }
}

function toLike(row: Selectable<Database['likes']>): LikeRecord {
  return {
    id: row.id,
    orgId: row.org_id,
    feedElementId: row.feed_element_id,
    commentId: row.comment_id === '' ? null : row.comment_id,
    userId: row.user_id,
    createdAt: Number(row.created_at),
  };
}
